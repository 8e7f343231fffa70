"""Who is shut in ("我妈在里面 出不来") told at the urgent phone or place question is more of the emergency,
never the address: the place is still asked, and the case's place is the one the customer gives."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


@pytest.mark.parametrize("inside", ["我妈在里面 出不来", "我妈在里面出不来了", "孩子还在里面"])
def test_who_is_shut_in_after_a_lift_emergency_is_not_the_address(
    conversation_engine: ConversationEngine, inside: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("电梯里")
    step = chat.send("困住了")
    assert chat.phrase_ids(step) == ["safety_lift", "urgent_ask_phone"]
    step = chat.send(inside)
    assert chat.data.area is None and "地址已记录" not in chat.texts(step)
    step = chat.send("13512340000")
    assert "urgent_ask_place" in chat.phrase_ids(step)
    step = chat.send("东方明珠3栋")
    texts = chat.texts(step)
    assert "地点：东方明珠3栋" in texts and inside not in chat.line(step, "地点：")


def test_who_is_shut_in_at_the_place_question_is_not_the_address(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("电梯困人了")
    step = chat.send("13512340000")
    assert "urgent_ask_place" in chat.phrase_ids(step)
    step = chat.send("我妈在里面 出不来")
    # More of the emergency: recorded, the address asked once more; no place, no restatement yet.
    assert chat.phrase_ids(step) == ["description_recorded", "urgent_ask_place"]
    assert chat.data.area is None
    step = chat.send("东方明珠3栋")
    assert "地点：东方明珠3栋" in chat.texts(step) and "我妈在里面 出不来" in chat.line(step, "问题：")
    assert "promise_urgent" in chat.phrase_ids(step)
