"""What breaks through while an agent holds the case (standards §5): a leader asked for or a threat
(the media, 12345, a lawyer, violence) is told to the duty supervisor at once and the customer hears
so, the agent keeping the case (首问负责: no ticket takes it from them); the phone asked for the
supervisor's call is read when the customer gives it; anything else stays the agent's to answer."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from tests.flows.chat import MONDAY_2PM
from tests.flows.held_cases import held

WITHIN_THE_HOUR = "1小时内（今天下午3点10分前）"  # ten minutes after the hand-off


LEADER_ASKED_FOR = ["我要找你们领导", "叫你们经理来", "搵你哋經理嚟"]
THREATS = {
    "再不修我就找媒体曝光": "media_legal",
    "我要打12345投诉你们": "media_legal",
    "我要找律师告你们": "media_legal",
    "再不修我砍死你们": "violence",
}


@pytest.mark.parametrize("text", LEADER_ASKED_FOR)
def test_a_leader_asked_for_while_an_agent_holds_the_case_is_told_to_the_supervisor_and_the_agent_keeps_it(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = held(conversation_engine)
    step = chat.send(text)
    # The priority time (the appeal's, 2 service hours, sooner than the time in force, tomorrow 11:00)
    # with the case's number, as a leader asked for while the case waits hears.
    assert chat.phrase_ids(step) == ["supervisor_told", "escalated_deadline"]
    told = chat.texts(step)
    assert "值班主管会直接与您联系" in told and "客服代表也会继续跟进" in told and "今天下午4点15分前" in told
    assert step.supervisor_told is not None and step.supervisor_told.reason is TicketReason.SUPERVISOR_REQUESTED
    assert step.handoff is None and step.appeal is None  # no ticket takes the case from its agent
    assert step.escalated_deadline is not None  # brought forward to the priority (appeal's) time


@pytest.mark.parametrize(("text", "signal"), THREATS.items())
def test_a_threat_while_an_agent_holds_the_case_reaches_the_supervisor_with_the_escalations_time(
    conversation_engine: ConversationEngine, text: str, signal: str
) -> None:
    chat = held(conversation_engine)
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["supervisor_told", "escalated_within_an_hour"]
    assert f"投诉编号{chat.data.case_number}" in chat.texts(step) and WITHIN_THE_HOUR in chat.texts(step)
    assert step.supervisor_told is not None
    assert step.supervisor_told.reason is TicketReason.THREAT and step.supervisor_told.signals == (signal,)
    assert step.supervisor_told.text == text
    moved = step.escalated_deadline
    assert moved is not None and moved.deadline_at == MONDAY_2PM + dt.timedelta(minutes=70)
    assert step.handoff is None


def test_an_english_customer_asking_for_the_manager_hears_it_in_english(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine, locale="en")
    step = chat.send("I want to speak to your manager")
    assert chat.phrase_ids(step)[0] == "supervisor_told"
    assert "duty supervisor" in chat.texts(step) and "值班主管" not in chat.texts(step)


def test_the_same_request_again_is_reassured_and_not_told_twice_but_a_threat_after_it_is(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    chat.send("我要找你们领导")
    again = chat.send("叫你们领导出来")
    assert chat.phrase_ids(again) == ["escalation_reassure"] and again.supervisor_told is None
    brief = chat.send("叫你们领导出来 听到没有")
    assert chat.phrase_ids(brief) == ["escalation_reassure_brief"] and brief.supervisor_told is None
    threat = chat.send("再不修我砍死你们")
    assert threat.supervisor_told is not None and threat.supervisor_told.signals == ("violence",)


@pytest.mark.parametrize("text", ["好的 谢谢你", "师傅大概几点到啊 我下午要出门", "还有 灯泡是那种长的"])
def test_anything_else_while_an_agent_holds_the_case_is_the_agents_to_answer(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = held(conversation_engine)
    step = chat.send(text)
    assert step.supervisor_told is None and step.handoff is None
    assert "值班主管" not in chat.texts(step)


def test_a_held_case_without_a_phone_asks_for_one_for_the_supervisor_and_reads_the_answer(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine, phone=None)
    step = chat.send("我要找律师告你们")
    assert chat.phrase_ids(step) == ["supervisor_told_ask_phone"]  # the time waits for the answer
    step = chat.send("13912345678")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "escalated_within_an_hour"]
    assert "13912345678" in chat.texts(step) and WITHIN_THE_HOUR in chat.texts(step)
    assert step.contact is not None and step.contact.phone == "13912345678"
    assert step.contact.case_number == chat.data.case_number
    # Given, the phone is not asked again: later numbers are the agent's to read.
    assert chat.send("13700001111").contact is None


def test_an_appeal_of_a_held_case_without_a_phone_reads_the_phone_given_after_it(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine, phone=None)
    step = chat.send("你们根本不管 都第三次了")
    assert chat.phrase_ids(step) == ["escalation_ask_phone"]
    assert step.handoff is not None and step.handoff.reason is TicketReason.APPEAL
    owed = chat.data.owed_promise  # the appeal's time, said once the phone is answered
    assert owed is not None
    step = chat.send("电话是139 1234 5678")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "escalated_deadline"]
    assert "13912345678" in chat.texts(step) and "已升级为优先处理" in chat.texts(step)
    assert chat.data.owed_promise is None
    assert step.contact is not None and step.contact.phone == "13912345678"


def test_a_refused_phone_at_a_held_case_is_answered_and_the_supervisor_writes_here(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine, phone=None)
    chat.send("叫你们经理来")
    step = chat.send("不想留")
    assert chat.phrase_ids(step) == ["escalation_without_phone", "escalated_deadline"]
    assert step.contact is None and chat.data.contact_by_channel
    assert chat.send("13912345678").contact is None  # no longer asked for


@pytest.mark.parametrize(
    ("text", "advice", "signals"),
    [
        ("楼道里煤气味特别大", "safety_gas", ("danger",)),
        ("保安打人了 就在小区门口", "safety_violence", ("danger", "violence")),
    ],
)
def test_danger_now_while_an_agent_holds_the_case_hears_how_to_stay_safe_and_reaches_the_supervisor(
    conversation_engine: ConversationEngine, text: str, advice: str, signals: tuple[str, ...]
) -> None:
    chat = held(conversation_engine)
    step = chat.send(text)
    assert chat.phrase_ids(step) == [advice, "urgent_handoff", "escalated_within_an_hour"]
    assert WITHIN_THE_HOUR in chat.texts(step)
    assert step.supervisor_told is not None and step.supervisor_told.reason is TicketReason.DANGER
    assert step.supervisor_told.signals == signals and step.handoff is None


def test_talk_of_self_harm_while_an_agent_holds_the_case_hears_care_and_no_time(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    step = chat.send("我不想活了")
    assert chat.phrase_ids(step) == ["self_harm_care", "urgent_handoff"]
    assert "给您造成" not in chat.texts(step)
    assert step.supervisor_told is not None and step.supervisor_told.signals == ("self_harm",)


def test_threats_said_again_and_again_are_not_answered_with_the_same_words_each_time(
    conversation_engine: ConversationEngine,
) -> None:
    """Eight threats in a row while an agent holds the case: the supervisor told once, the reassurance
    once, a shorter acknowledgement once, then quiet (the staff see each message: on the timeline)
    until ``timers.reassure_again_after`` (300 s) has passed since the last one said."""
    chat = held(conversation_engine)
    first = chat.send("再不修我就找媒体曝光")
    assert first.supervisor_told is not None
    said: list[list[str | None]] = []
    for _ in range(7):
        chat.wait(5)
        step = chat.send("再不修我就找媒体曝光")
        assert step.supervisor_told is None
        assert any(audit.kind.value == "message_after_handoff" for audit in step.audit)
        said.append(chat.phrase_ids(step))
    assert said == [["escalation_reassure"], ["escalation_reassure_brief"], [], [], [], [], []]
    texts = [chat.texts(step) for step in chat.steps[-7:] if step.replies]
    assert len(set(texts)) == len(texts)  # never word for word again
    chat.wait(300)
    assert chat.phrase_ids(chat.send("再不修我就找媒体曝光")) == ["escalation_reassure"]
