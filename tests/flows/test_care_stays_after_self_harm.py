"""After talk of self-harm the conversation stays in the care path: what the customer says next
("没人管我") hears care and that the duty supervisor is reaching them, never complaint boilerplate."""

from __future__ import annotations

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


def test_a_message_after_talk_of_self_harm_hears_care_not_complaint_boilerplate(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    first = chat.send("我真的不想活了 跳下去算了")
    assert "12356" in chat.texts(first)
    assert chat.state is State.HANDED_OFF
    chat.wait(60)
    step = chat.send("没人管我")
    said = chat.texts(step)
    assert step.replies and "我已记录下来" not in said and "补充" not in said
    assert "您不是一个人" in said
