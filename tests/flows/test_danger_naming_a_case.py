"""Danger told with a pasted case number not proven the writer's ("TS2026… 煤气味很重" in a new web
chat): an emergency of its own, handed to the duty supervisor at once (never held on the phone's
digits), whose ticket names the earlier case so the staff see its history."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123LUJF8U"


def _named(stage: CaseStage = CaseStage.WAITING) -> CustomerView:
    """The case as storage loads it for a writer who named it: theirs not proven (a web chat)."""
    case = CaseStatus(stage, CASE, MONDAY_2PM + dt.timedelta(hours=21), queue_position=3, phone_tail="00131111")
    return CustomerView(named_cases=(case,))


@pytest.mark.parametrize(
    "text",
    [f"{CASE} 煤气味很重", f"投诉编号{CASE} 水管爆了 家里被淹了", f"{CASE.lower()} 電梯困咗人 快啲嚟"],
)
def test_danger_naming_a_case_not_proven_theirs_is_an_emergency_at_once_that_names_the_case(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = Chat(conversation_engine, customer=_named())
    chat.send(Started())
    step = chat.send(text)
    assert step.handoff is not None and step.handoff.reason is TicketReason.DANGER and step.handoff.priority == 0
    assert step.handoff.named_case == CASE
    assert chat.state is State.HANDED_OFF and step.appeal is None
    assert step.complaint is not None and step.complaint.case_number != CASE
    handed = [event.detail for event in step.audit if event.kind is TimelineKind.HANDED_OFF]
    assert handed == [{"queue": "supervisor", "priority": 0, "reason": TicketReason.DANGER, "named_case": CASE}]
    # The safety advice and the emergency's phone question; never the case's digits asked first.
    phrases = chat.phrase_ids(step)
    assert phrases[0].startswith("safety_") and phrases[-1] == "urgent_ask_phone"  # type: ignore[union-attr]
    assert "verify_case_phone" not in phrases
    # The named case's own staff see the mention, as before.
    assert step.unverified_mention is not None and step.unverified_mention.case_number == CASE


def test_danger_naming_a_number_no_case_has_names_nothing(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, customer=CustomerView())
    chat.send(Started())
    step = chat.send(f"{CASE} 煤气味很重")
    assert step.handoff is not None and step.handoff.reason is TicketReason.DANGER
    assert step.handoff.named_case is None


def test_a_threat_naming_a_case_not_proven_theirs_names_it_too(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, customer=_named())
    chat.send(Started())
    step = chat.send(f"{CASE} 再不修我就找记者曝光")
    assert step.handoff is not None and step.handoff.reason is TicketReason.THREAT
    assert step.handoff.named_case == CASE and step.appeal is None
