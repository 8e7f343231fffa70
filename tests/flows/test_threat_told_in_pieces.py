"""A threat told in pieces ("再不修" / "我就拿刀" / "去你们办公室") goes to the duty supervisor; where the
customer means to go is no place, and the problem told after it ("电梯坏了一周了 电话… 东方明珠3栋") fills the
restatement: the problem, its phone and its estate."""

from __future__ import annotations

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


def test_the_problem_told_after_a_threat_in_pieces_fills_the_form(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("再不修")
    step = chat.send("我就拿刀")
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    step = chat.send("去你们办公室")
    assert chat.data.area is None and "地址已记录" not in chat.texts(step)
    step = chat.send("电梯坏了一周了 电话13600002525 东方明珠3栋")
    assert "电梯坏了一周了" in chat.line(step, "问题：") and "（其他）" not in chat.line(step, "问题：")
    assert chat.line(step, "地点：") == "地点：东方明珠3栋"
    assert chat.line(step, "电话：") == "电话：13600002525"
    assert step.contact is not None and step.contact.more_of_the_problem is not None
    assert "电梯坏了一周了" in step.contact.more_of_the_problem and step.contact.area == "东方明珠3栋"
