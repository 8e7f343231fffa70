"""A new complaint naming a resolved case by its number ("TS2026… 垃圾又堆满了！"): a new case that
follows the earlier one; the number is no part of the problem said back, and the earlier case's
place is restated for the customer to put right rather than asked for blank."""

from __future__ import annotations

import pytest

from bot.config import Signal
from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261206DZYGQP"
PLACE = "阳光花园3栋"


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def named_resolved(area: str | None = PLACE) -> CustomerView:
    """What storage found for the number: the customer's own resolved case, with its place."""
    case = CaseStatus(CaseStage.RESOLVED, CASE, MONDAY_2PM, area=area, own=True)
    return CustomerView(phone="13800138000", named_cases=(case,))


@pytest.mark.parametrize(
    "message",
    [
        f"{CASE} 垃圾又堆满了！楼道都走不了人",
        f"{CASE.lower()}垃圾又堆满了！楼道都走不了人",
        "TS2026 1206 DZYG QP 垃圾又堆满了！楼道都走不了人",
        f"编号{CASE} 垃圾又堆满了！楼道都走不了人",
    ],
)
def test_the_number_is_no_part_of_the_problem_restated(engine: ConversationEngine, message: str) -> None:
    chat = Chat(engine, customer=named_resolved())
    chat.send(Started())
    step = chat.send(message)
    problem = chat.line(step, "问题：")
    assert problem.startswith("问题：垃圾又堆满了"), problem
    assert "TS" not in problem.upper() and "DZYG" not in problem and "2026" not in problem


def test_the_earlier_place_is_restated_not_asked(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=named_resolved())
    chat.send(Started())
    step = chat.send(f"{CASE} 垃圾又堆满了！")
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    assert chat.line(step, "地点：") == f"地点：{PLACE}"


def test_the_earlier_place_is_put_right_as_any_place(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=named_resolved())
    chat.send(Started())
    chat.send(f"{CASE} 垃圾又堆满了！")
    step = chat.send("地址不对 应该是阳光花园5栋")
    assert chat.line(step, "地点：") == "地点：阳光花园5栋"


def test_a_place_told_with_the_complaint_is_the_place(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=named_resolved())
    chat.send(Started())
    step = chat.send(f"{CASE} 翠湖花园8栋的垃圾又堆满了！")
    assert chat.line(step, "地点：").startswith("地点：翠湖花园8栋")


def test_without_the_earlier_place_the_place_is_asked(engine: ConversationEngine) -> None:
    """A case of theirs without a place."""
    chat = Chat(engine, customer=named_resolved(area=None))
    chat.send(Started())
    step = chat.send(f"{CASE} 垃圾又堆满了！")
    assert chat.state is State.AWAIT_AREA and "ask_area" in chat.phrase_ids(step)


def test_the_new_case_follows_the_resolved_one(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=named_resolved())
    chat.send(Started())
    chat.send(f"{CASE} 垃圾又堆满了！")
    chat.customer = CustomerView(phone="13800138000")  # later messages name no case
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.case_number != CASE
    assert Signal.REPEAT.value in step.complaint.signals
    follows = [event.detail for event in step.audit if event.kind is TimelineKind.FOLLOWS_CASE]
    assert follows == [{"case_number": CASE}]


def test_a_complaint_naming_no_case_follows_none(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    chat.send("垃圾又堆满了！")
    chat.send(PLACE)
    step = chat.send("对")
    assert step.complaint is not None
    assert not [event for event in step.audit if event.kind is TimelineKind.FOLLOWS_CASE]
