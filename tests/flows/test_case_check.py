"""A case number alone does not make its case the writer's: before a complaint joins another
customer's case (an appeal, 申诉) or takes it back, the writer gives the last 4 digits of the phone
left on it. The same person on another channel knows them; a stranger who only has the number does
not, and their words go on as a complaint of their own. A number no case has is asked about alike,
so typing numbers tells nothing of which cases exist."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CaseWriter, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
OTHER = "TS20261122QRSTUV"
DEADLINE = MONDAY_2PM + dt.timedelta(hours=21)
APPEAL = f"{CASE} 路灯还是没修好,都一个星期了"


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def anothers(tail: str | None = "00138000", stage: CaseStage = CaseStage.WAITING, number: str = CASE) -> CaseStatus:
    """Another customer's case as storage gives it for its number: no place, its phone's last digits."""
    return CaseStatus(stage, number, DEADLINE, queue_position=3, phone_tail=tail)


def naming(*cases: CaseStatus) -> CustomerView:
    return CustomerView(named_cases=cases)


def asked(engine: ConversationEngine, customer: CustomerView, message: str = APPEAL) -> Chat:
    chat = Chat(engine, customer=customer)
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["verify_case_phone"]
    assert "完整联系电话" in chat.texts(step) and CASE not in chat.texts(step)
    assert step.appeal is None and step.complaint is None and step.handoff is None
    return chat


def test_the_right_digits_join_the_case_as_its_own_customers_appeal_would(engine: ConversationEngine) -> None:
    chat = asked(engine, naming(anothers()))
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["appeal_linked_escalated", "escalated_supervisor"]  # its phone is the case's
    assert CASE in chat.texts(step) and "今天下午4点前" in chat.texts(step)
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert step.appeal.writer is CaseWriter.PHONE_CHECKED
    assert step.appeal.escalation is not None and step.appeal.escalation.queue == "supervisor"
    assert APPEAL in step.appeal.description  # what was said before the question is not lost
    assert chat.state is State.HANDED_OFF and chat.data.appeal_of == CASE
    assert "8000" not in chat.texts(step)


@pytest.mark.parametrize(
    "before",
    [
        pytest.param([APPEAL], id="the complaint naming the case"),
        pytest.param([f"我要申诉 案件号 {CASE}"], id="an appeal naming the case"),
        pytest.param(["我要申诉！上个月投诉的漏水到现在没人管", CASE], id="the number asked for an appeal"),
        pytest.param(["楼道的灯坏了半个月了", f"我上次投诉过,编号{CASE}"], id="the number given at the phone question"),
        pytest.param(
            [f"投诉编号{CASE} 处理到哪了", "13800138000", f"{CASE} 还是没修好 都一个星期了"], id="after its status"
        ),
    ],
)
def test_the_phone_of_a_case_proven_by_its_digits_is_never_asked_for(
    engine: ConversationEngine, before: list[str]
) -> None:
    """The digits prove the phone left on the case: the supervisor calls it, and urging them on is
    answered with the reassurance, then where the case stands (never the same words twice running),
    never with the phone asked for."""
    chat = Chat(engine, customer=naming(anothers()))
    chat.send(Started())
    for message in before:
        chat.send(message)
    if chat.data.case_proven is None:
        chat.send("13800138000")
    said = [chat.phrase_ids(chat.send(message)) for message in ("好的", "快点啊")]
    linked = next(step for step in chat.steps if step.appeal is not None)
    assert chat.phrase_ids(linked)[-1] == "escalated_supervisor" and "值班主管会直接与您联系" in chat.texts(linked)
    assert said == [["escalation_reassure"], ["status_answer"]]
    after = {phrase for step in chat.steps[chat.steps.index(linked) :] for phrase in chat.phrase_ids(step)}
    assert not after & {"ask_phone", "escalation_ask_phone"}


def test_the_last_4_digits_an_agents_console_shows_ask_for_the_whole_phone_once_uncounted(
    engine: ConversationEngine,
) -> None:
    """An agent who may open the case sees its phone as 138****8000: its last 4 digits are only part
    of the answer, asked for whole once without a miss counted; the customer then passes."""
    chat = asked(engine, naming(anothers()))
    step = chat.send("8000")
    assert chat.phrase_ids(step) == ["verify_case_phone_whole"] and "需要核对完整的联系电话" in chat.texts(step)
    assert step.appeal is None and chat.data.case_check_misses == 0 and "8000" not in chat.texts(step)
    step = chat.send("13800138000")
    assert step.appeal is not None and step.appeal.case_number == CASE


def test_what_an_agents_console_shows_never_passes(engine: ConversationEngine) -> None:
    chat = asked(engine, naming(anothers()))
    chat.send("8000")
    assert chat.phrase_ids(chat.send("8000")) == ["verify_case_phone_again"]
    step = chat.send("138****8000")
    assert chat.phrase_ids(step)[0] == "case_not_verified"
    assert step.appeal is None and chat.data.appeal_of is None and chat.data.case_proven is None


def test_a_whole_phone_number_is_read_by_its_last_digits(engine: ConversationEngine) -> None:
    chat = asked(engine, naming(anothers()))
    step = chat.send("我的电话是138 0013 8000")
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert chat.data.phone is None  # the case's phone is not taken as the writer's


def test_a_wrong_answer_is_asked_once_more_then_the_complaint_is_the_writers_own(engine: ConversationEngine) -> None:
    chat = asked(engine, naming(anothers()))
    step = chat.send("13800131234")
    assert chat.phrase_ids(step) == ["verify_case_phone_again"] and "1234" not in chat.texts(step)
    step = chat.send("13800134321")
    assert chat.phrase_ids(step) == ["case_not_verified", "ask_phone"]
    assert "4321" not in chat.texts(step) and CASE not in chat.texts(step)
    assert step.appeal is None and chat.data.appeal_of is None
    assert step.unverified_mention is not None and step.unverified_mention.case_number == CASE
    assert "路灯还是没修好" in step.unverified_mention.text
    checked = TimelineKind.CASE_PHONE_CHECKED
    checks = [event.detail["confirmed"] for step in chat.steps for event in step.audit if event.kind is checked]
    assert checks == [False, False]
    chat.send("13912345678")
    chat.send("阳光花园3栋")
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.case_number != CASE
    assert step.handoff is not None and step.appeal is None
    assert step.complaint.case_number in chat.texts(step)


@pytest.mark.parametrize("answer", ["不知道", "我不记得了", "为什么要这个"])
def test_an_answer_without_the_digits_is_not_asked_again(engine: ConversationEngine, answer: str) -> None:
    chat = asked(engine, naming(anothers()))
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["case_not_verified", "ask_phone"]
    assert step.appeal is None and step.unverified_mention is not None


def test_more_of_the_problem_instead_of_the_digits_is_kept_and_they_are_asked_once_more(
    engine: ConversationEngine,
) -> None:
    chat = asked(engine, naming(anothers()), f"我要申诉 案件号 {CASE}")
    step = chat.send("路灯还是没修好 晚上一片漆黑")
    assert chat.phrase_ids(step) == ["verify_case_phone"]
    step = chat.send("13800138000")
    assert step.appeal is not None and "晚上一片漆黑" in step.appeal.description


def test_a_person_asked_for_instead_of_the_digits_is_handed_over_with_the_writers_own_case(
    engine: ConversationEngine,
) -> None:
    chat = asked(engine, naming(anothers()))
    step = chat.send("转人工")
    assert "human_requested" in chat.phrase_ids(step) and step.appeal is None
    assert step.handoff is not None and step.complaint is not None and step.complaint.case_number != CASE
    assert step.unverified_mention is not None and step.unverified_mention.case_number == CASE


def test_a_case_without_a_contact_phone_cannot_be_confirmed(engine: ConversationEngine) -> None:
    chat = asked(engine, naming(anothers(tail=None)))
    chat.send("13800138000")
    step = chat.send("13800130000")
    assert chat.phrase_ids(step) == ["case_not_verified", "ask_phone"]
    assert step.appeal is None and step.unverified_mention is not None


def test_a_number_no_case_has_is_asked_about_as_another_customers_case_is(engine: ConversationEngine) -> None:
    """The same questions and the same answers: only the staff of a case that exists are told."""
    said = []
    for customer in (naming(anothers()), CustomerView()):
        chat = asked(engine, customer)
        chat.send("13800131234")
        chat.send("13800134321")
        said.append([reply.text for step in chat.steps for reply in step.replies])
        if customer.named_cases:
            assert chat.steps[-1].unverified_mention is not None
        else:
            assert chat.steps[-1].unverified_mention is None
    assert said[0] == said[1]


def test_a_third_guess_is_never_checked(engine: ConversationEngine) -> None:
    """Two answers that missed in a conversation: another number named is not asked about."""
    chat = asked(engine, naming(anothers(), anothers(tail="00131111", number=OTHER)))
    chat.send("13800131234")
    chat.send("13800134321")
    step = chat.send(f"还有{OTHER}也是我的投诉 到现在没人管")
    assert "verify_case_phone" not in chat.phrase_ids(step)
    assert step.appeal is None and chat.data.appeal_of is None
    step = chat.send("13800131111")
    assert step.appeal is None and chat.data.appeal_of is None


def test_the_writers_own_case_is_joined_without_a_question(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=naming(CaseStatus(CaseStage.WAITING, CASE, DEADLINE, own=True)))
    chat.send(Started())
    step = chat.send(APPEAL)
    assert chat.phrase_ids(step) == ["appeal_linked_escalated", "escalation_ask_phone"]
    assert step.appeal is not None and step.appeal.writer is CaseWriter.CUSTOMER


def test_a_case_number_given_while_the_form_is_taken_is_checked_first(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("楼道的灯坏了半个月了")
    chat.customer = naming(anothers())
    step = chat.send(f"我上次投诉过,编号{CASE}")
    assert chat.phrase_ids(step) == ["verify_case_phone"]
    step = chat.send("13800138000")
    assert chat.phrase_ids(step)[0] == "appeal_linked_escalated"
    assert step.appeal is not None and "楼道的灯坏了半个月了" in step.appeal.description


def test_the_number_given_for_an_appeal_is_checked_then_goes_to_the_supervisor_as_a_complaint(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    assert chat.phrase_ids(chat.send("我要申诉！上个月投诉的漏水到现在没人管")) == ["appeal_ask_case_number"]
    chat.customer = naming(anothers())
    assert chat.phrase_ids(chat.send(CASE)) == ["verify_case_phone"]
    chat.send("13800131234")
    step = chat.send("13800134321")
    assert chat.phrase_ids(step)[0] == "case_not_verified"
    assert step.appeal is None and step.complaint is not None and step.complaint.case_number != CASE
    assert step.handoff is not None and (step.handoff.queue, step.handoff.reason) == ("supervisor", "appeal")
    assert "我要申诉" in step.complaint.description


def test_a_threat_naming_anothers_case_is_escalated_at_once_as_the_writers_own(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=naming(anothers()))
    chat.send(Started())
    step = chat.send(f"{CASE} 路灯还是没修好 再不修我就找记者曝光")
    assert "verify_case_phone" not in chat.phrase_ids(step) and not {"appeal_linked", "appeal_linked_escalated"} & set(
        chat.phrase_ids(step)
    )
    assert step.appeal is None and step.complaint is not None and step.complaint.case_number != CASE
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    assert step.unverified_mention is not None and step.unverified_mention.case_number == CASE


WITHDRAWAL = f"{CASE}这个投诉帮我撤销 已经解决了"


def test_taking_back_anothers_case_needs_its_digits(engine: ConversationEngine) -> None:
    chat = asked(engine, naming(anothers()), WITHDRAWAL)
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]
    assert step.appeal is not None and step.appeal.withdrawn and step.appeal.writer is CaseWriter.PHONE_CHECKED
    assert step.appeal.case_number == CASE and step.appeal.description == WITHDRAWAL
    assert chat.state is State.CLOSED


def test_anothers_case_not_confirmed_is_not_taken_back(engine: ConversationEngine) -> None:
    chat = asked(engine, naming(anothers()), WITHDRAWAL)
    chat.send("13800131234")
    step = chat.send("13800134321")
    assert chat.phrase_ids(step) == ["case_not_verified_withdrawal", "anything_else"]
    assert step.appeal is None and chat.state is State.AWAIT_DESCRIPTION
    assert step.unverified_mention is not None and step.unverified_mention.text == WITHDRAWAL


def _resolved_anothers(days_ago: float = 1) -> CaseStatus:
    """Another customer record's case (filed by SMS), resolved ``days_ago``, its problem a barking
    dog: as storage gives it for its number, its place and problem kept for once it is proven."""
    whole = dataclasses.replace(
        anothers(stage=CaseStage.RESOLVED),
        area="阳光花园5栋",
        problem="楼下的狗天天晚上叫 吵得睡不着",
        category="物业服务",
        resolved_at=MONDAY_2PM - dt.timedelta(days=days_ago),
    )
    return dataclasses.replace(whole, area=None, problem=None, category=None, once_proven=whole)


def test_a_resolved_case_proven_by_its_digits_and_said_not_solved_is_reopened(engine: ConversationEngine) -> None:
    """Proven by the phone's digits, the writer is that case's customer: "没解决" reopens it as their
    own would (the new time told once it is reopened), never a new case asking for a phone and a place."""
    chat = Chat(engine, customer=naming(_resolved_anothers()))
    chat.send(Started())
    asked = chat.send(f"{CASE} 还是没解决 狗还在叫 你们根本不管")
    assert chat.phrase_ids(asked) == ["verify_case_phone"]
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["satisfaction_reopened"]
    assert step.reopen_proven_case is not None and step.reopen_proven_case[0] == CASE
    assert "狗还在叫" in step.reopen_proven_case[1]
    assert step.complaint is None and step.handoff is None and step.appeal is None
    assert chat.state is State.HANDED_OFF and chat.data.appeal_of == CASE
    later = chat.send("什么时候来人")
    assert "ask_phone" not in chat.phrase_ids(later) and "ask_area" not in chat.phrase_ids(later)


@pytest.mark.parametrize(
    ("message", "days_ago"),
    [
        pytest.param(f"{CASE} 楼道的灯坏了 一个星期了", 1, id="another problem"),
        pytest.param(f"{CASE} 还是没解决 狗还在叫", 8, id="resolved too long ago"),
        pytest.param(f"{CASE} 还是没人管 楼道的灯一直不亮", 1, id="not solved, but another problem"),
    ],
)
def test_a_resolved_case_proven_by_its_digits_is_followed_not_reopened(
    engine: ConversationEngine, message: str, days_ago: float
) -> None:
    chat = Chat(engine, customer=naming(_resolved_anothers(days_ago)))
    chat.send(Started())
    chat.send(message)
    step = chat.send("13800138000")
    assert step.reopen_proven_case is None and "satisfaction_reopened" not in chat.phrase_ids(step)
    assert chat.data.follows_case == CASE and chat.data.appeal_of is None
