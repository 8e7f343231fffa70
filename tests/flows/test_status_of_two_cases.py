"""A customer with two open cases asking where "my complaint" stands ("处理到哪了", "多久能好", "how is
it going") hears of both, each with its number, where it stands and its reply time; a question
naming one of them by its number, by what it is about ("停水的那个呢", "路灯那个处理到哪了") or by its
place ("翠湖天地那边处理到哪了") hears of that one only."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

WATER = CaseStatus(
    CaseStage.WAITING,
    "TS20261123WATER2",
    MONDAY_2PM + dt.timedelta(days=2),
    queue_position=3,
    area="阳光花园5栋",
    category="engineering_repair",
    problem="阳光花园5栋停水了",
    own=True,
)
LAMP = CaseStatus(
    CaseStage.WITH_AGENT,
    "TS20261123LAMP23",
    MONDAY_2PM + dt.timedelta(hours=12),
    agent_name="李娜",
    area="阳光花园5栋",
    category="engineering_repair",
    problem="小区门口的路灯坏了一个星期了",
    own=True,
)


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def after_the_hand_off(engine: ConversationEngine, water: CaseStatus = WATER) -> Chat:
    """The conversation of the two cases, handed off; storage finds both open (``water``: the
    first, 停水, as storage has it)."""
    chat = Chat(engine)
    chat.send(Started())
    for text in ("阳光花园5栋停水了", "13800138000", "对"):
        chat.send(text)
    assert chat.state is State.HANDED_OFF
    chat.customer = CustomerView(this_case=LAMP, open_cases=(water, LAMP), named_cases=(water, LAMP))
    return chat


def a_new_conversation(engine: ConversationEngine, locale: str = "zh-CN", water: CaseStatus = WATER) -> Chat:
    """The same customer writing again in a new conversation, both cases open elsewhere."""
    open_case = OpenCase(LAMP.case_number or "", LAMP.deadline_at or MONDAY_2PM, status=LAMP, category=LAMP.category)
    customer = CustomerView(open_case=open_case, open_cases=(water, LAMP), named_cases=(water, LAMP))
    chat = Chat(engine, customer, locale=locale)
    chat.send(Started())
    return chat


@pytest.mark.parametrize("question", ["处理到哪了", "我的投诉怎么样了"])
def test_a_status_question_after_the_hand_off_tells_both_cases(engine: ConversationEngine, question: str) -> None:
    chat = after_the_hand_off(engine)
    step = chat.send(question)
    said = chat.texts(step)
    assert "您目前有2个投诉正在处理" in said, said
    water, lamp = (line for line in said.splitlines() if "投诉编号" in line)
    assert "TS20261123WATER2" in water and "第3位" in water and "后天下午2点前" in water, water
    assert "TS20261123LAMP23" in lamp and "李娜" in lamp and "明天凌晨2点前" in lamp, lamp
    assert chat.phrase_ids(step).count("status_answer") == 2


@pytest.mark.parametrize(
    ("question", "told", "untold"),
    [
        ("停水的那个呢", "TS20261123WATER2", "TS20261123LAMP23"),
        ("路灯那个怎么样了", "TS20261123LAMP23", "TS20261123WATER2"),
        ("停水的投诉处理到哪了", "TS20261123WATER2", "TS20261123LAMP23"),
    ],
)
def test_a_question_naming_one_case_by_its_problem_hears_of_that_one(
    engine: ConversationEngine, question: str, told: str, untold: str
) -> None:
    chat = after_the_hand_off(engine)
    step = chat.send(question)
    said = chat.texts(step)
    assert told in said and untold not in said, said
    assert "status_cases" not in chat.phrase_ids(step)
    # Asking after a case is no other problem: no case is started, nothing added to one.
    assert step.complaint is None and step.contact is None and chat.state is State.HANDED_OFF


def test_a_new_conversation_asking_where_my_complaint_stands_hears_of_both(engine: ConversationEngine) -> None:
    chat = a_new_conversation(engine)
    step = chat.send("我的投诉怎么样了")
    said = chat.texts(step)
    assert "TS20261123WATER2" in said and "TS20261123LAMP23" in said, said
    assert step.complaint is None and step.handoff is None


def test_a_new_conversation_naming_one_case_hears_of_it_and_opens_no_complaint(engine: ConversationEngine) -> None:
    chat = a_new_conversation(engine)
    step = chat.send("停水的那个呢")
    said = chat.texts(step)
    assert "TS20261123WATER2" in said and "TS20261123LAMP23" not in said, said
    assert step.complaint is None and step.handoff is None


def test_in_english_both_cases_are_told(engine: ConversationEngine) -> None:
    chat = a_new_conversation(engine, locale="en")
    step = chat.send("what's happening with my complaint")
    said = chat.texts(step)
    assert "You have 2 complaints open" in said, said
    assert "TS20261123WATER2" in said and "TS20261123LAMP23" in said, said


def test_one_open_case_is_told_as_before(engine: ConversationEngine) -> None:
    chat = after_the_hand_off(engine)
    chat.customer = CustomerView(this_case=LAMP)
    step = chat.send("处理到哪了")
    said = chat.texts(step)
    assert "TS20261123LAMP23" in said and "status_cases" not in chat.phrase_ids(step), said


WATER_ELSEWHERE = dataclasses.replace(WATER, area="翠湖天地3栋", problem="翠湖天地3栋停水了")
"""The 停水 case at another estate than the street lamp's."""


NUMBERS = ("TS20261123WATER2", "TS20261123LAMP23")


def told_cases(said: str) -> list[str]:
    """The case numbers told, in the order told."""
    return [number for line in said.splitlines() for number in NUMBERS if number in line]


@pytest.mark.parametrize("conversation", [after_the_hand_off, a_new_conversation])
@pytest.mark.parametrize(
    ("question", "told"),
    [
        ("TS20261123WATER2 处理到哪了", "TS20261123WATER2"),
        ("ts2026 1123 lamp23 多久能好", "TS20261123LAMP23"),
        ("TS20261123LAMP23", "TS20261123LAMP23"),
    ],
)
def test_a_question_naming_one_case_by_its_number_hears_of_that_one(
    engine: ConversationEngine, conversation: Callable[[ConversationEngine], Chat], question: str, told: str
) -> None:
    chat = conversation(engine)
    step = chat.send(question)
    said = chat.texts(step)
    assert told_cases(said) == [told], said
    assert "status_cases" not in chat.phrase_ids(step) and "答复" in said, said
    assert step.complaint is None and step.contact is None and step.handoff is None


@pytest.mark.parametrize("conversation", [after_the_hand_off, a_new_conversation])
@pytest.mark.parametrize(
    ("question", "told"),
    [
        ("翠湖天地那边处理到哪了", "TS20261123WATER2"),
        ("阳光花园那个怎么样了", "TS20261123LAMP23"),
        ("陽光花園的那個處理到哪了", "TS20261123LAMP23"),
    ],
)
def test_a_question_naming_one_case_by_its_place_hears_of_that_one(
    engine: ConversationEngine, conversation: Callable[..., Chat], question: str, told: str
) -> None:
    chat = conversation(engine, water=WATER_ELSEWHERE)
    step = chat.send(question)
    said = chat.texts(step)
    assert told_cases(said) == [told], said
    assert step.complaint is None and step.contact is None


def test_a_place_both_cases_are_at_names_neither(engine: ConversationEngine) -> None:
    chat = after_the_hand_off(engine)  # both at 阳光花园5栋
    step = chat.send("阳光花园那个怎么样了")
    assert told_cases(chat.texts(step)) == ["TS20261123WATER2", "TS20261123LAMP23"]


@pytest.mark.parametrize("question", ["多久能好", "处理得怎么样了"])
def test_how_long_naming_neither_case_tells_each_with_its_reply_time(engine: ConversationEngine, question: str) -> None:
    chat = after_the_hand_off(engine)
    step = chat.send(question)
    said = chat.texts(step)
    water, lamp = (line for line in said.splitlines() if "投诉编号" in line)
    assert "TS20261123WATER2" in water and "后天下午2点前" in water, water
    assert "TS20261123LAMP23" in lamp and "明天凌晨2点前" in lamp, lamp


@pytest.mark.parametrize("question", ["how is it going", "How's it going?", "how is my complaint going"])
def test_how_is_it_going_in_english_tells_both_cases(engine: ConversationEngine, question: str) -> None:
    chat = after_the_hand_off(engine)
    chat.locale = "en"
    step = chat.send(question)
    said = chat.texts(step)
    assert said.startswith("You have 2 complaints open"), said
    water, lamp = (line for line in said.splitlines() if "case number" in line)
    assert "TS20261123WATER2" in water and "by 2 pm on Wednesday" in water, water
    assert "TS20261123LAMP23" in lamp and "by 2 am tomorrow" in lamp, lamp
    assert step.complaint is None and step.contact is None


def test_how_is_it_going_in_a_new_conversation_is_no_complaint(engine: ConversationEngine) -> None:
    chat = a_new_conversation(engine, locale="en")
    step = chat.send("how is it going?")
    said = chat.texts(step)
    assert told_cases(said) == ["TS20261123WATER2", "TS20261123LAMP23"], said
    assert step.complaint is None and step.handoff is None and not chat.data.description


def test_with_the_duty_supervisor_a_status_question_tells_both_cases(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    for text in ("翠湖天地3栋地下车库有煤气味 很浓 13800138000", "对"):
        chat.send(text)
    number = chat.data.case_number
    assert chat.data.escalation_phone_asks and number is not None
    gas = CaseStatus(
        CaseStage.WAITING,
        number,
        MONDAY_2PM + dt.timedelta(hours=1),
        area="翠湖天地3栋",
        category="engineering_repair",
        problem="翠湖天地3栋地下车库有煤气味 很浓",
        own=True,
    )
    chat.customer = CustomerView(this_case=gas, open_cases=(LAMP, gas), named_cases=(LAMP, gas))
    for _ in range(2):  # asked again, the same answer: both cases, never only the newest
        step = chat.send("处理到哪了")
        said = chat.texts(step)
        assert told_cases(said) == ["TS20261123LAMP23"] and number in said, said
        assert "值班主管" in said.splitlines()[-1] and "李娜" in said, said
    step = chat.send("路灯那个怎么样了")
    assert told_cases(chat.texts(step)) == ["TS20261123LAMP23"] and number not in chat.texts(step)


def test_a_thing_neither_case_is_about_names_neither(engine: ConversationEngine) -> None:
    """"电梯那个呢" is of the street lamp's category (工程维修, as 停水 is) but about neither: both cases are told,
    rather than one as if it were the one asked after."""
    chat = after_the_hand_off(engine)
    step = chat.send("电梯那个呢")
    assert told_cases(chat.texts(step)) == ["TS20261123WATER2", "TS20261123LAMP23"], chat.texts(step)


def test_that_one_in_cantonese_naming_neither_case_tells_both(engine: ConversationEngine) -> None:
    chat = after_the_hand_off(engine)
    step = chat.send("電梯嗰個呢？")
    assert told_cases(chat.texts(step)) == ["TS20261123WATER2", "TS20261123LAMP23"], chat.texts(step)
    assert step.complaint is None and step.contact is None
