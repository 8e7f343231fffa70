"""A customer who keeps describing: what the flow keeps stops growing, what the bot says does not
change (issue 16: the flow's data is decoded and encoded with every message)."""

from __future__ import annotations

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.data import DESCRIPTION_MAX_CHARS
from bot.flows.records import State
from tests.flows.chat import Chat

DETAIL = "补充说明：楼道的灯一直坏着，晚上很黑，老人孩子上下楼很危险，物业一直没人来修"


def test_a_long_description_is_kept_up_to_its_bound_and_the_replies_stay_the_same(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    first = chat.send("楼道的灯坏了")
    replies = []
    for _ in range(3 * DESCRIPTION_MAX_CHARS // len(DETAIL)):
        replies.append(chat.phrase_ids(chat.send(DETAIL)))
    assert chat.state is State.AWAIT_PHONE
    assert chat.data.description[0] == "楼道的灯坏了"
    kept = sum(map(len, chat.data.description))
    assert DESCRIPTION_MAX_CHARS - len(DETAIL) < kept <= DESCRIPTION_MAX_CHARS
    # Every further detail gets the same answer whether or not it is still kept.
    assert all(ids == replies[0] for ids in replies) and chat.phrase_ids(first) == ["description_recorded", "ask_phone"]

    chat.send("13800138000")
    step = chat.send("阳光花园3栋")
    assert chat.state.value == State.CONFIRMING.value
    assert "楼道的灯坏了" in chat.texts(step)
