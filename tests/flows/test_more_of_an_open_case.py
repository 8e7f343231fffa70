"""A customer with an open case of theirs from another conversation, their own (a WeChat
follower's earlier case) or one they proved theirs by its phone's last digits (a status question),
who tells more of the same problem ("楼上还在敲", "还在漏", "又停了", "still leaking") hears it is
added to that case, and its staff see the words as a follow-up from the customer: no second
complaint is taken down, no phone nor place asked for. Another problem is still a complaint of its
own, and saying the case is still not handled is still an appeal."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import CaseStage, CaseStatus, CaseWriter, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
DEADLINE = MONDAY_2PM + dt.timedelta(hours=21)
NAMED = CaseStatus(CaseStage.WAITING, CASE, DEADLINE, queue_position=3, phone_tail="00138000")
"""The case as storage gives it for its number to someone not known as its customer."""
LEAK = dataclasses.replace(NAMED, area="阳光花园3栋", category="engineering_repair", problem="楼上漏水 天花板都湿了")
NOISE = dataclasses.replace(NAMED, area="阳光花园3栋", category="property_service", problem="楼上装修天天敲墙")
WATER = dataclasses.replace(NAMED, area="阳光花园3栋", category="engineering_repair", problem="家里停水了")


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def proven(engine: ConversationEngine, case: CaseStatus) -> Chat:
    """Where the case stands asked by its number, its digits given: then storage loads it as theirs."""
    chat = Chat(engine, customer=CustomerView(named_cases=(NAMED,)))
    chat.send(Started())
    chat.send(f"投诉编号{CASE} 处理到哪了")
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"] and chat.data.case_proven == CASE
    assert case.deadline_at is not None
    chat.customer = CustomerView(open_case=OpenCase(CASE, case.deadline_at, status=case, category=case.category))
    return chat


@pytest.mark.parametrize(
    ("case", "message", "heard"),
    [
        pytest.param(NOISE, "楼上还在敲", "您补充的情况我已记录在投诉TS20261123ABCDEF中", id="still knocking"),
        pytest.param(NOISE, "楼上又在装修 吵死了", "您补充的情况我已记录在投诉TS20261123ABCDEF中", id="its category"),
        pytest.param(LEAK, "还在漏", "您补充的情况我已记录在投诉TS20261123ABCDEF中", id="still leaking"),
        pytest.param(WATER, "又停了", "您补充的情况我已记录在投诉TS20261123ABCDEF中", id="off again"),
        pytest.param(LEAK, "still leaking", "what you added is now on your complaint TS20261123ABCDEF", id="english"),
    ],
)
def test_more_of_the_same_problem_goes_on_the_proven_case(
    engine: ConversationEngine, case: CaseStatus, message: str, heard: str
) -> None:
    chat = proven(engine, case)
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["supplement_added"]
    assert heard in chat.texts(step)
    assert step.complaint is None and step.handoff is None
    # The case's staff see the words on its timeline, from the customer who proved it theirs, and on
    # its description; nothing is raised to the supervisor for it.
    assert step.appeal is not None and step.appeal.case_number == CASE and step.appeal.description == message
    assert step.appeal.escalation is None and step.appeal.writer is CaseWriter.PHONE_CHECKED
    assert step.contact is not None and step.contact.case_number == CASE
    assert step.contact.more_of_the_problem == message
    assert chat.state is State.HANDED_OFF


def test_what_follows_goes_on_the_case_too_and_no_form_is_started(engine: ConversationEngine) -> None:
    chat = proven(engine, LEAK)
    chat.send("还在漏")
    later = [chat.send(message) for message in ("而且水是黄的", "越漏越多了")]
    for step in later:
        assert step.appeal is not None and step.appeal.case_number == CASE and step.appeal.escalation is None
    said = {phrase for step in chat.steps for phrase in chat.phrase_ids(step)}
    assert not said & {"ask_phone", "ask_area", "description_recorded", "confirm_question"}
    assert all(step.complaint is None for step in chat.steps)


def test_another_problem_after_the_proof_is_still_a_complaint_of_its_own(engine: ConversationEngine) -> None:
    chat = proven(engine, LEAK)
    step = chat.send("小区垃圾好几天没人收了")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert step.appeal is None and step.contact is None
    chat.send("13800138000")
    chat.send("阳光花园3栋")
    filed = chat.send("对").complaint
    assert filed is not None and filed.case_number != CASE


def test_saying_the_case_is_still_not_handled_is_still_an_appeal(engine: ConversationEngine) -> None:
    chat = proven(engine, LEAK)
    step = chat.send("还是没修好")
    assert chat.phrase_ids(step)[0] == "appeal_linked_escalated"
    assert step.appeal is not None and step.appeal.escalation is not None


@pytest.mark.parametrize(
    "before",
    [
        pytest.param([f"投诉编号{CASE} 处理到哪了", "13800138000", "还在漏"], id="more of it after its status"),
        pytest.param([f"{CASE} 楼上漏水还是没修好", "13800138000"], id="its appeal"),
    ],
)
def test_another_matter_after_joining_the_case_is_a_case_of_its_own_not_the_joined_one(
    engine: ConversationEngine, before: list[str]
) -> None:
    """Another matter ("另外…") of the same category once the conversation joined the proven case:
    taken down and filed as a case of its own, never linked back to the case it joined."""
    chat = Chat(engine, customer=CustomerView(named_cases=(NAMED,)))
    chat.send(Started())
    for message in before:
        chat.send(message)
        if chat.data.case_proven == CASE:
            chat.customer = CustomerView(open_case=OpenCase(CASE, DEADLINE, status=LEAK, category=LEAK.category))
    assert chat.data.appeal_of == CASE
    step = chat.send("另外 小区门口的路灯坏了一个星期了")
    assert chat.phrase_ids(step)[0] == "another_problem_new_case"
    assert step.appeal is None and "appeal_linked_escalated" not in chat.phrase_ids(step)
    for message in ("13800138000", "阳光花园3栋"):
        chat.send(message)
    filed = chat.send("对").complaint
    assert filed is not None and filed.case_number != CASE and "路灯" in filed.description


OWN = "TS20261120GHJKLM"
OWN_NOISE = CaseStatus(
    CaseStage.WAITING,
    OWN,
    DEADLINE,
    area="阳光花园3栋",
    own=True,
    category="property_service",
    problem="阳光花园3栋 楼上装修天天敲墙 吵死了",
)
OWN_LEAK = dataclasses.replace(OWN_NOISE, category="engineering_repair", problem="阳光花园3栋 楼上漏水 天花板都湿了")
OWN_LAMP = CaseStatus(
    CaseStage.WAITING,
    "TS20261118PQRSTU",
    DEADLINE,
    area="阳光花园3栋",
    own=True,
    category="property_service",
    problem="阳光花园3栋楼道灯坏了一个星期",
)


def returning(engine: ConversationEngine, case: CaseStatus, locale: str = "zh-CN", greeted: bool = True) -> Chat:
    """Their own case, as storage loads it for a new conversation of theirs (no phone typed here)."""
    assert case.case_number is not None and case.deadline_at is not None
    own = OpenCase(case.case_number, case.deadline_at, status=case, category=case.category)
    chat = Chat(engine, customer=CustomerView(open_case=own), locale=locale)
    if greeted:
        assert {"open_case", "open_case_overdue"} & set(chat.phrase_ids(chat.send(Started())))
    return chat


def assert_on_the_case(step: Step, case_number: str, message: str) -> None:
    """Its staff see the words on its timeline, from its own customer, and on its description;
    nothing is raised to the supervisor for it, and no second complaint is taken down."""
    assert step.complaint is None and step.handoff is None
    assert step.appeal is not None and step.appeal.case_number == case_number and step.appeal.description == message
    assert step.appeal.escalation is None and step.appeal.writer is CaseWriter.CUSTOMER
    assert step.contact is not None and step.contact.case_number == case_number
    assert step.contact.more_of_the_problem == message


@pytest.mark.parametrize(
    ("case", "message", "locale", "heard"),
    [
        pytest.param(
            OWN_NOISE, "楼上还在敲", "zh-CN", "您补充的情况我已记录在投诉TS20261120GHJKLM中", id="still knocking"
        ),
        pytest.param(
            OWN_NOISE, "又开始敲了", "zh-CN", "您补充的情况我已记录在投诉TS20261120GHJKLM中", id="knocking again"
        ),
        pytest.param(OWN_LEAK, "还在漏水", "zh-CN", "您补充的情况我已记录在投诉TS20261120GHJKLM中", id="still leaking"),
        pytest.param(
            OWN_LEAK, "still leaking", "en", "what you added is now on your complaint TS20261120GHJKLM", id="english"
        ),
    ],
)
def test_more_of_the_same_problem_goes_on_the_customers_own_open_case(
    engine: ConversationEngine, case: CaseStatus, message: str, locale: str, heard: str
) -> None:
    chat = returning(engine, case, locale)
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["supplement_added"]
    assert heard in chat.texts(step)
    assert_on_the_case(step, OWN, message)
    assert chat.state is State.HANDED_OFF and chat.data.appeal_of == OWN
    for later in ("越漏越多了", "而且水是黄的") if case is OWN_LEAK and locale == "zh-CN" else ():
        step = chat.send(later)
        assert step.appeal is not None and step.appeal.case_number == OWN and step.appeal.escalation is None
    said = {phrase for step in chat.steps for phrase in chat.phrase_ids(step)}
    assert not said & {"ask_phone", "ask_area", "description_recorded", "confirm_question"}
    assert all(step.complaint is None for step in chat.steps)


def test_as_the_first_message_it_is_greeted_told_where_the_case_stands_and_added_to_it(
    engine: ConversationEngine,
) -> None:
    """An SMS, or a first WeChat message: the greeting tells the case first, as to any return."""
    chat = returning(engine, OWN_NOISE, greeted=False)
    step = chat.send("楼上还在敲")
    assert chat.phrase_ids(step) == ["greeting_opening", "open_case_taking_more", "supplement_added"]
    assert_on_the_case(step, OWN, "楼上还在敲")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        pytest.param(OWN_LEAK, "小区垃圾好几天没人收了", id="another category"),
        pytest.param(OWN_NOISE, "金色家园3栋楼上还在敲", id="another place"),
    ],
)
def test_another_problem_beside_the_own_case_is_still_a_complaint_of_its_own(
    engine: ConversationEngine, case: CaseStatus, message: str
) -> None:
    chat = returning(engine, case)
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert step.appeal is None and step.contact is None and chat.data.appeal_of is None


@pytest.mark.parametrize(
    ("message", "locale"),
    [
        ("还是没修好", "zh-CN"),
        ("都第三次了", "zh-CN"),
        ("漏水的事我要申诉", "zh-CN"),
        ("还在漏水 你们根本不管", "zh-CN"),
        ("still leaking, nobody came", "en"),
    ],
)
def test_saying_the_own_case_is_still_not_handled_is_still_an_appeal(
    engine: ConversationEngine, message: str, locale: str
) -> None:
    chat = returning(engine, OWN_LEAK, locale)
    step = chat.send(message)
    assert "supplement_added" not in chat.phrase_ids(step)
    assert step.appeal is not None and step.appeal.case_number == OWN and step.appeal.escalation is not None


def test_asking_when_the_own_case_is_handled_is_still_answered(engine: ConversationEngine) -> None:
    chat = returning(engine, OWN_NOISE)
    step = chat.send("楼上的噪音什么时候能解决")
    assert chat.phrase_ids(step)[0] == "status_answer" and OWN in chat.texts(step)
    assert step.appeal is None and step.contact is None


def test_a_case_found_by_a_phone_typed_here_is_not_added_to(engine: ConversationEngine) -> None:
    """Nothing shows that case is the writer's: what they tell is a complaint of their own."""
    assert OWN_NOISE.deadline_at is not None
    typed = OpenCase(OWN, OWN_NOISE.deadline_at, category=OWN_NOISE.category, by_typed_phone=True)
    chat = Chat(engine, customer=CustomerView(open_case=typed))
    chat.send(Started())
    step = chat.send("楼上还在敲")
    assert "supplement_added" not in chat.phrase_ids(step) and step.appeal is None and step.contact is None


def two_cases(engine: ConversationEngine, *cases: CaseStatus) -> Chat:
    newest = cases[-1]
    assert newest.case_number is not None and newest.deadline_at is not None
    own = OpenCase(newest.case_number, newest.deadline_at, status=newest, category=newest.category)
    chat = Chat(engine, customer=CustomerView(open_case=own, open_cases=cases))
    chat.send(Started())
    return chat


def test_of_two_open_cases_it_goes_on_the_only_one_of_its_category(engine: ConversationEngine) -> None:
    """The noise case is the older one: "楼上装修还在敲" is that case's, not the newest case's."""
    leak = dataclasses.replace(OWN_LEAK, case_number="TS20261121VWXYZA")
    chat = two_cases(engine, OWN_NOISE, leak)
    step = chat.send("楼上装修还在敲")
    assert chat.phrase_ids(step) == ["supplement_added"] and OWN in chat.texts(step)
    assert_on_the_case(step, OWN, "楼上装修还在敲")


@pytest.mark.parametrize(
    ("others", "message"),
    [
        pytest.param((OWN_LAMP,), "楼上装修还在敲", id="two of its category"),
        pytest.param((dataclasses.replace(OWN_LEAK, case_number="TS20261121VWXYZA"),), "又开始了", id="no category"),
    ],
)
def test_of_two_open_cases_it_is_not_guessed_which(
    engine: ConversationEngine, others: tuple[CaseStatus, ...], message: str
) -> None:
    """As without this follow-up: never added to one of them as more of its problem."""
    chat = two_cases(engine, OWN_NOISE, *others)
    step = chat.send(message)
    assert "supplement_added" not in chat.phrase_ids(step) and step.contact is None


def test_its_problem_told_once_its_time_has_passed_is_still_an_appeal(engine: ConversationEngine) -> None:
    """Past the time promised, "还在漏水" is the repeat seed 003 calls an appeal: apologised for,
    raised to the duty supervisor with a time of its own, never only noted on the case."""
    chat = returning(engine, dataclasses.replace(OWN_LEAK, deadline_at=MONDAY_2PM - dt.timedelta(hours=1)))
    step = chat.send("还在漏水")
    assert chat.phrase_ids(step)[0] == "appeal_linked_overdue"
    assert step.appeal is not None and step.appeal.case_number == OWN and step.appeal.escalation is not None
