"""A pasted case number with danger (customer finding 3): "TS2026… 水还在流 到底几点来" in a new
session is told how to stay safe, then asked for the case's phone digits, not for a phone for a new
emergency case; confirmed, the danger joins that case as an emergency; else it is an emergency of
the writer's own, as danger always is. A threat naming the case still does not wait for the check."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123LUJF8U"


def _named(tail: str = "1111", stage: CaseStage = CaseStage.WAITING) -> CustomerView:
    case = CaseStatus(stage, CASE, MONDAY_2PM + dt.timedelta(hours=21), queue_position=3, phone_tail=tail)
    return CustomerView(named_cases=(case,))


DANGER_ON_THE_CASE = [
    f"{CASE} 水还在流 到底几点来",
    f"{CASE} 水還在流 到底幾點嚟",
    f"投诉编号{CASE} 水管爆了 水还在喷 快来人",
    f"{CASE} 煤气味越来越大了 什么时候来",
]


@pytest.mark.parametrize("text", DANGER_ON_THE_CASE)
def test_danger_on_a_case_named_is_checked_then_joins_it_as_an_emergency(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = Chat(conversation_engine, customer=_named())
    chat.send(Started())
    step = chat.send(text)
    phrases = chat.phrase_ids(step)
    assert phrases[-1] == "verify_case_phone" and len(phrases) == 2  # the safety advice, then the check
    assert step.handoff is None and step.complaint is None
    step = chat.send("1111")
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert step.appeal.escalation is not None and step.appeal.escalation.reason is TicketReason.DANGER
    assert step.complaint is None and chat.state is State.HANDED_OFF
    assert "urgent_handoff" in chat.phrase_ids(step)
    assert not {"ask_phone", "urgent_ask_phone"} & set(chat.phrase_ids(step))


def test_danger_on_a_case_not_proven_is_an_emergency_of_its_own(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, customer=_named())
    chat.send(Started())
    chat.send(DANGER_ON_THE_CASE[0])
    chat.send("2222")
    step = chat.send("3333")
    assert chat.phrase_ids(step)[0] == "case_not_verified"
    assert step.appeal is None and step.complaint is not None and step.complaint.case_number != CASE
    assert step.handoff is not None and step.handoff.reason is TicketReason.DANGER
    assert "safety_water" not in chat.phrase_ids(step)  # told once, before the check
