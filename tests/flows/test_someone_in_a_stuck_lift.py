"""Someone inside a lift that stuck or stopped ("电梯卡住了 我在里面", "困电梯里了 快来人", "升降機困咗人",
"I'm stuck in the lift") is danger now: the lift's safety advice first, the duty supervisor at once; a lift stuck
at a floor with nobody said to be inside ("电梯卡在12楼了", "电梯一直卡在三楼") is a repair, never a property
complaint, and no danger; a card at the office ("门禁卡在物业办") is no lift stuck."""

from __future__ import annotations

import pytest

from bot.config import Signal
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CustomerView, State
from bot.understanding.understander import Understander
from tests.flows.chat import Chat, restatement

SAFETY_PHRASES = ("safety_first", "safety_lift")

TRAPPED = [
    "电梯卡住了 我在里面",
    "我被困在电梯里了",
    "困电梯里了 快来人",
    "电梯突然停了 我和孩子在里面",
    "升降機困咗人",
    "電梯突然停咗 我同個仔喺入面",
    "电梯停了 里面有人",
    "I'm stuck in the lift",
    "the lift stopped and I'm inside",
]
NOBODY_INSIDE = ["电梯坏了", "电梯卡在12楼了", "电梯停在8楼不动", "电梯一直卡在三楼", "电梯门关不上"]


@pytest.mark.parametrize("message", TRAPPED)
def test_someone_in_a_stuck_lift_hears_the_lift_s_safety_advice_and_goes_to_the_duty_supervisor(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[:2] == ["safety_lift", "urgent_handoff"], chat.texts(step)
    assert chat.state is State.HANDED_OFF
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.priority, step.handoff.reason) == ("supervisor", 0, "danger")


@pytest.mark.parametrize("message", NOBODY_INSIDE)
def test_a_lift_stuck_at_a_floor_with_nobody_inside_is_a_repair_and_no_emergency(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    first = chat.send(message)
    assert not set(chat.phrase_ids(first)) & {*SAFETY_PHRASES, "urgent_handoff"}, chat.texts(first)
    step = restatement(chat)
    assert chat.line(step, "问题：").endswith("（工程维修）")
    assert "urgent_handoff" not in chat.phrase_ids(step)


def test_someone_inside_told_after_the_stuck_lift_is_danger_then(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    chat.send("电梯卡住了")
    step = chat.send("我在里面")
    assert chat.phrase_ids(step)[:2] == ["safety_lift", "urgent_handoff"], chat.texts(step)


@pytest.mark.parametrize(
    ("text", "category", "danger"),
    [
        *((text, "engineering_repair", True) for text in TRAPPED),
        *((text, "engineering_repair", False) for text in NOBODY_INSIDE),
        # Inside the lift, but no one shut in: the repairer at work, a card at the office.
        ("电梯坏了 维修工在里面修了半天", "engineering_repair", False),
        ("门禁卡在物业办", "property_service", False),
    ],
)
def test_the_category_and_danger_read(understander: Understander, text: str, category: str, danger: bool) -> None:
    understood = understander.understand(text)
    assert understood.category == category
    assert (Signal.DANGER in understood.signals) is danger
