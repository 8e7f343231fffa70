"""A case with the duty supervisor: a case already handed off and threatened gets the escalation's
reply time, told with its number; once the time is said, a customer asking when, or urging us on,
hears the case's number and its time, never the same words twice running."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView
from tests.flows.chat import MONDAY_2PM, SHANGHAI, Chat

MEDIA = "物业乱收停车费，再不处理我就打12345，找电视台曝光"
SUNDAY_EVENING = dt.datetime(2026, 12, 6, 19, 40, tzinfo=SHANGHAI)
THREAT = "宽带还是没修好 再不修我就去工信部投诉"
WITHIN_THE_HOUR = "1小时内（今天下午3点前）"


def escalated_and_promised(engine: ConversationEngine) -> tuple[Chat, str, str]:
    """A media threat handed to the duty supervisor, its phone and place given, its time said; the
    case as storage loads it for the next messages. The case number and the time said."""
    chat = Chat(engine, now=SUNDAY_EVENING)
    chat.send(Started())
    record = chat.send(MEDIA).complaint
    assert record is not None
    chat.send("13800138000")
    step = chat.send("阳光花园5栋")
    said = "今天晚上8点40分前"
    assert f"1小时内（{said}）" in chat.texts(step)
    loaded = CaseStatus(CaseStage.WAITING, record.case_number, record.deadline_at, queue_position=1)
    chat.customer = CustomerView(this_case=loaded)
    return chat, record.case_number, said


def test_asked_when_someone_comes_the_customer_hears_the_case_number_and_time_in_other_words_each_time(
    conversation_engine: ConversationEngine,
) -> None:
    chat, case_number, said = escalated_and_promised(conversation_engine)
    answers = [chat.texts(chat.send(text)) for text in ("你们到底什么时候来人", "处理到哪了", "主管什么时候联系我")]
    for answer in answers:
        assert case_number in answer and said in answer, answer
        assert "值班主管" in answer and "客服代表" not in answer
    assert answers[0] != answers[1] != answers[2]


def test_urged_on_again_and_again_the_customer_never_hears_the_same_words_twice_running(
    conversation_engine: ConversationEngine,
) -> None:
    chat, case_number, said = escalated_and_promised(conversation_engine)
    steps = [chat.send(text) for text in ("快点啊", "快点啊", "好的", "处理到哪了", "处理到哪了")]
    answers = [chat.texts(step) for step in steps]
    assert all(earlier != later for earlier, later in itertools.pairwise(answers)), answers
    assert chat.phrase_ids(steps[0]) == ["escalation_reassure"]
    # The reassurance gives way to where the case stands, with its number and its time.
    assert chat.phrase_ids(steps[1]) == ["status_answer"] and case_number in answers[1] and said in answers[1]
    assert all(case_number in answer and said in answer for answer in answers[3:])


def handed_off(engine: ConversationEngine, phone: str = "13800138000") -> Chat:
    """A network complaint confirmed and promised 明天下午5点前 (Monday 2 pm), waiting in the queue."""
    chat = Chat(engine)
    chat.send(Started())
    for message in ("家里宽带断网三天了", phone, "阳光花园3栋2单元", "对"):
        chat.send(message)
    assert "明天下午5点前" in chat.texts(chat.steps[-1])
    return chat


def stored(chat: Chat, deadline_at: dt.datetime) -> None:
    """The case as storage loads it for the next message."""
    assert chat.data.case_number is not None
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, chat.data.case_number, deadline_at))


def test_a_threat_on_a_case_already_handed_off_brings_its_time_to_the_escalation_s_and_says_it(
    conversation_engine: ConversationEngine,
) -> None:
    chat = handed_off(conversation_engine)
    stored(chat, MONDAY_2PM + dt.timedelta(hours=27))
    step = chat.send(THREAT)
    assert chat.phrase_ids(step) == ["escalated_supervisor", "escalated_within_an_hour"]
    assert WITHIN_THE_HOUR in chat.texts(step) and str(chat.data.case_number) in chat.texts(step)
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)
    moved = step.escalated_deadline
    assert moved is not None and moved.case_number == chat.data.case_number
    assert moved.deadline_at == MONDAY_2PM + dt.timedelta(hours=1) and "media_legal" in moved.signals
    # Asked where it stands, the time in force is the new one.
    stored(chat, moved.deadline_at)
    status = chat.texts(chat.send("处理到哪了"))
    assert "今天下午3点前" in status and "值班主管" in status
    # Threatened again: the supervisor has it with the escalation's time already, and the customer hears
    # so, not the same transfer again.
    again = chat.send("再不修我就去工信部投诉 听到没有")
    assert again.escalated_deadline is None and chat.phrase_ids(again) == ["escalation_reassure"]


def test_a_time_in_force_sooner_than_the_escalation_s_stays_and_is_said(
    conversation_engine: ConversationEngine,
) -> None:
    chat = handed_off(conversation_engine)
    stored(chat, MONDAY_2PM + dt.timedelta(minutes=30))
    step = chat.send(THREAT)
    assert step.escalated_deadline is None
    assert chat.phrase_ids(step) == ["escalated_supervisor", "escalated_deadline"]
    assert "今天下午2点半前" in chat.texts(step)


def test_a_manager_asked_for_hears_the_appeal_s_time_and_a_threat_then_brings_it_forward(
    conversation_engine: ConversationEngine,
) -> None:
    """"已升级为优先处理" is said with the appeal's time (deadlines.yaml ``appeal``, 2 service hours),
    not the time in force a day away; a threat then brings it forward to the hour."""
    chat = handed_off(conversation_engine)
    stored(chat, MONDAY_2PM + dt.timedelta(hours=27))
    step = chat.send("我要找你们领导")
    assert step.escalated_deadline is not None
    assert step.escalated_deadline.deadline_at == MONDAY_2PM + dt.timedelta(hours=2)
    assert "今天下午4点前" in chat.texts(step) and "明天下午5点前" not in chat.texts(step)
    step = chat.send(THREAT)
    assert step.escalated_deadline is not None and WITHIN_THE_HOUR in chat.texts(step)


def test_without_a_phone_the_case_s_new_time_is_said_once_the_phone_is_answered(
    conversation_engine: ConversationEngine,
) -> None:
    chat = handed_off(conversation_engine, phone="不想留电话")
    step = chat.send(THREAT)
    assert chat.phrase_ids(step) == ["escalation_ask_phone"] and step.escalated_deadline is not None
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == [
        "escalation_phone_noted",
        "restate",
        "promise_within_an_hour",
        "case_number",
        "restated_check",
    ]
    assert WITHIN_THE_HOUR in chat.texts(step)


@pytest.mark.parametrize(
    ("said", "heard"),
    [("你们再不管我真的不想活了", ["self_harm_care", "urgent_handoff"]), ("楼道里冒烟了 好像着火了", None)],
)
def test_talk_of_self_harm_hears_care_and_no_time_though_the_case_has_the_hour(
    conversation_engine: ConversationEngine, said: str, heard: list[str] | None
) -> None:
    chat = handed_off(conversation_engine)
    step = chat.send(said)
    assert step.escalated_deadline is not None
    assert step.escalated_deadline.deadline_at == MONDAY_2PM + dt.timedelta(hours=1)
    if heard is not None:
        assert chat.phrase_ids(step) == heard
    else:
        assert chat.phrase_ids(step)[-1] == "escalated_within_an_hour"


def test_after_the_time_was_missed_a_leader_asked_for_gets_the_appeal_s_time_and_a_threat_the_hour(
    conversation_engine: ConversationEngine,
) -> None:
    """The time missed, a leader asked for is the customer pressing the case: the appeal's time, as
    an appeal gets, never "优先处理" with no time or the missed one."""
    chat = handed_off(conversation_engine)
    stored(chat, MONDAY_2PM - dt.timedelta(hours=1))
    step = chat.send("我要找你们领导")
    assert step.escalated_deadline is not None
    assert step.escalated_deadline.deadline_at == MONDAY_2PM + dt.timedelta(hours=2)
    assert chat.phrase_ids(step) == ["escalated_supervisor", "escalated_deadline"]
    step = chat.send(THREAT)
    assert step.escalated_deadline is not None and WITHIN_THE_HOUR in chat.texts(step)
