"""Danger now told with the customer's own open case ("TS2026…(their case) 煤气味很重 快来人", or about it
after an earlier complaint in the conversation): an emergency on that case, never an appeal. The
customer hears how to stay safe, the emergency's hand-off and the danger's hour with the case's
number; the case's ticket goes to the duty supervisor as danger, its time becomes the emergency's,
and the link to the case is kept."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started, Step
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat
from tests.flows.held_cases import held

CASE = "TS20261123ABCDEF"
DEADLINE = MONDAY_2PM + dt.timedelta(hours=21)  # tomorrow 11:00: the routine case's time
WITHIN_THE_HOUR = MONDAY_2PM + dt.timedelta(hours=1)


def _theirs(stage: CaseStage = CaseStage.WAITING) -> CustomerView:
    """A case of theirs they name by its number (filed on another channel under the phone this one
    vouches for), without a phone known in this conversation."""
    case = CaseStatus(stage, CASE, DEADLINE, queue_position=3, own=True)
    return CustomerView(named_cases=(case,))


def _an_emergency_on_the_case(chat: Chat, step: Step) -> None:
    """What staff get: the case's own ticket raised as danger, its time the danger's hour, no new case."""
    assert step.appeal is not None and step.appeal.case_number == CASE
    escalation = step.appeal.escalation
    assert escalation is not None
    assert (escalation.queue, escalation.priority, escalation.reason) == ("supervisor", 0, TicketReason.DANGER)
    assert step.escalated_deadline is not None and step.escalated_deadline.deadline_at == WITHIN_THE_HOUR
    assert "danger" in step.escalated_deadline.signals
    assert step.complaint is None and step.handoff is None
    assert chat.state is State.HANDED_OFF and chat.data.appeal_of == CASE
    linked = [event.detail for event in step.audit if event.kind is TimelineKind.APPEAL_LINKED]
    assert linked and linked[0]["reason"] == TicketReason.DANGER
    handed = [event.detail for event in step.audit if event.kind is TimelineKind.HANDED_OFF]
    assert handed == [{"queue": "supervisor", "priority": 0, "reason": TicketReason.DANGER}]


@pytest.mark.parametrize(
    ("text", "locale", "hand_off", "hour"),
    [
        (f"{CASE} 煤气味很重 快来人", "zh-CN", "紧急情况", "1小时内（今天下午3点前）"),
        (f"{CASE.lower()} 樓道好大煤氣味 快啲嚟", "zh-CN", "緊急情況", "1小時內（今天下午3點前）"),
        (f"{CASE} i smell gas in the hallway, come quickly", "en", "as an emergency", "within an hour (by 3 pm today)"),
    ],
)
def test_danger_named_with_their_own_case_hears_the_emergency_and_its_hour_not_the_appeal(
    conversation_engine: ConversationEngine, text: str, locale: str, hand_off: str, hour: str
) -> None:
    chat = Chat(conversation_engine, customer=_theirs(), locale=locale)
    chat.send(Started())
    step = chat.send(text)
    # How to stay safe first, the case's new time with its number, then the phone the supervisor calls.
    assert chat.phrase_ids(step) == ["safety_gas", "escalated_within_an_hour", "urgent_ask_phone"]
    told = chat.texts(step)
    assert CASE in told and hour in told and hand_off in told
    assert "让您等了这么久" not in told and "讓您等了這麼久" not in told and "kept you waiting" not in told
    _an_emergency_on_the_case(chat, step)


def test_danger_about_their_open_case_with_a_phone_hears_the_emergency_hand_off_then_the_hour(
    conversation_engine: ConversationEngine,
) -> None:
    customer = CustomerView(phone="13800138000", open_case=OpenCase(CASE, DEADLINE, category="engineering_repair"))
    chat = Chat(conversation_engine, customer=customer)
    chat.send(Started())
    step = chat.send("楼道里煤气味特别大 快来人")
    assert chat.phrase_ids(step) == ["safety_gas", "urgent_handoff", "escalated_within_an_hour"]
    assert f"投诉编号{CASE}" in chat.texts(step) and "1小时内（今天下午3点前）" in chat.texts(step)
    _an_emergency_on_the_case(chat, step)


def test_danger_with_their_case_number_after_another_complaint_was_begun_is_the_emergency_on_that_case(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, customer=_theirs())
    chat.send(Started())
    chat.send("楼道灯坏了两周没人修")
    step = chat.send(f"{CASE} 煤气味很重 快来人")
    assert chat.phrase_ids(step) == ["safety_gas", "escalated_within_an_hour", "urgent_ask_phone"]
    _an_emergency_on_the_case(chat, step)
    # The phone the supervisor calls goes on that case; the emergency's time was said already.
    step = chat.send("13912345678")
    assert chat.phrase_ids(step) == ["escalation_phone_noted"]
    assert step.contact is not None and step.contact.case_number == CASE and step.contact.phone == "13912345678"


def test_danger_on_their_case_an_agent_holds_is_the_emergency_on_that_case(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, customer=_theirs(CaseStage.WITH_AGENT))
    chat.send(Started())
    step = chat.send(f"{CASE} 电梯里有人被困住了")
    assert chat.phrase_ids(step) == ["safety_lift", "escalated_within_an_hour", "urgent_ask_phone"]
    _an_emergency_on_the_case(chat, step)


def test_talk_of_self_harm_with_their_case_hears_care_and_no_time(conversation_engine: ConversationEngine) -> None:
    customer = CustomerView(phone="13800138000", open_case=OpenCase(CASE, DEADLINE, category="engineering_repair"))
    chat = Chat(conversation_engine, customer=customer)
    chat.send(Started())
    step = chat.send("路灯还是没修好 再不解决我就不活了")
    assert chat.phrase_ids(step) == ["self_harm_care", "urgent_handoff"]
    assert step.appeal is not None and step.appeal.escalation is not None
    assert step.appeal.escalation.reason is TicketReason.DANGER
    # Due within the hour all the same.
    assert step.escalated_deadline is not None and step.escalated_deadline.deadline_at == WITHIN_THE_HOUR


def test_a_repeat_of_the_case_without_danger_is_still_an_appeal(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, customer=_theirs())
    chat.send(Started())
    step = chat.send(f"{CASE} 路灯还是没修好,都一个星期了")
    assert chat.phrase_ids(step)[0] == "appeal_linked_escalated"
    assert step.appeal is not None and step.appeal.escalation is not None
    assert step.appeal.escalation.reason is TicketReason.APPEAL


def test_danger_told_with_its_number_in_the_chat_an_agent_holds_reaches_the_supervisor_with_the_hour(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    step = chat.send(f"{chat.data.case_number} 煤气味很重 快来人")
    assert chat.phrase_ids(step) == ["safety_gas", "urgent_handoff", "escalated_within_an_hour"]
    assert f"投诉编号{chat.data.case_number}" in chat.texts(step)
    assert step.supervisor_told is not None and step.supervisor_told.reason is TicketReason.DANGER
    assert step.handoff is None and step.appeal is None  # the agent keeps the case
    moved = step.escalated_deadline
    assert moved is not None and moved.case_number == chat.data.case_number and "danger" in moved.signals
