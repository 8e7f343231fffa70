"""Customer findings (noreply 5): the restated problem leaves out the customer's word for the
service standing alone after it (vent_pauses), the wish to complain closing it ("没人修我要投诉")
and a clause told again at the start of the next ("路灯坏了，路灯坏了晚上黑漆漆的")."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat, restatement


@pytest.mark.parametrize(
    ("told", "restated"),
    [
        ("楼道灯坏了好几天没人修我要投诉", "问题：楼道灯坏了好几天没人修（"),
        ("路灯坏了，路灯坏了晚上黑漆漆的", "问题：路灯坏了晚上黑漆漆的（"),
    ],
)
def test_the_problem_is_said_back_without_the_slips(
    conversation_engine: ConversationEngine, told: str, restated: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(told)
    step = restatement(chat)
    assert chat.line(step, "问题：").startswith(restated)
