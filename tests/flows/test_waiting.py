"""The customer who waits (tester report h5, the hand-off questions and item 14): asking when
someone comes, or only "？？？", is asking where the case stands; an earlier complaint whose number
is forgotten is looked up, not filed again; question marks again get no second apology."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
DEADLINE = MONDAY_2PM + dt.timedelta(hours=12)  # said "明天凌晨2点前"


def handed_off(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("小区的游泳池水很脏 电话13800006006 阳光花园会所")
    chat.send("对")
    assert chat.state is State.HANDED_OFF
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, CASE, DEADLINE, queue_position=2))
    return chat


@pytest.mark.parametrize(
    ("question", "apology"),
    [
        ("师傅几点到", False),
        ("今天能来吗", False),
        ("我等了一晚上了", True),
        ("？？？", True),
        ("都一天了还没人联系我 什么效率", True),
    ],
)
def test_asking_when_someone_comes_after_the_hand_off_gets_the_status(
    conversation_engine: ConversationEngine, question: str, apology: bool
) -> None:
    """Having waited too long, or asking in anger, the customer hears an apology for the wait first."""
    chat = handed_off(conversation_engine)
    step = chat.send(question)
    assert chat.phrase_ids(step) == (["status_apology"] if apology else []) + ["status_answer"]
    assert CASE in chat.texts(step) and "明天凌晨2点前" in chat.texts(step)


def test_asking_again_and_again_is_answered_each_time(conversation_engine: ConversationEngine) -> None:
    """The apology for anger is said once; the words of a long wait get it each time they come."""
    chat = handed_off(conversation_engine)
    answers = [
        chat.phrase_ids(chat.send(question)) for question in ["师傅几点到", "？？？", "？？？", "我等了一晚上了"]
    ]
    assert answers == [
        ["status_answer"],
        ["status_apology", "status_answer"],
        ["status_answer"],
        ["status_apology", "status_answer"],
    ]


@pytest.mark.parametrize("question", ["接下来会怎么样？", "What happens next?"])
def test_what_happens_next_is_where_the_case_stands(conversation_engine: ConversationEngine, question: str) -> None:
    chat = handed_off(conversation_engine)
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["status_answer"]
    assert CASE in chat.texts(step)


@pytest.mark.parametrize("told", ["我家漏水了 师傅今天能来吗", "停电了 我等了一晚上了也没人来修"])
def test_a_problem_with_a_wait_in_it_is_still_a_complaint(conversation_engine: ConversationEngine, told: str) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(told)
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.data.description == [told]


def test_only_question_marks_get_the_apology_once_not_each_time(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("楼道灯坏了")
    assert chat.phrase_ids(chat.send("？？？")) == ["empathy", "ask_phone_again"]
    assert chat.phrase_ids(chat.send("？？？")) == ["ask_phone"]
    assert chat.data.description == ["楼道灯坏了"]


def test_an_earlier_complaint_not_handled_with_its_number_forgotten_is_a_status_question(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(open_case=OpenCase(CASE, DEADLINE)))
    chat.send(Started())
    step = chat.send("上次投诉的还没处理 编号忘了")
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"]
    assert CASE in chat.texts(step)
    assert chat.data.description == [] and step.complaint is None


def test_an_earlier_complaint_asked_after_with_none_on_record_is_looked_up_not_filed(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("上次投诉的还没处理 编号忘了")
    assert chat.phrase_ids(step) == ["status_no_case"]
    assert chat.data.description == []


def test_a_retort_at_the_phone_question_asks_for_the_phone_again_and_records_nothing(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("楼上漏水 阳光花园5栋")
    step = chat.send("你说呢？")
    assert chat.phrase_ids(step) == ["ask_phone"]
    assert "你说呢" not in "".join(chat.data.description)


def test_more_anger_while_heard_out_does_not_get_the_same_apology_again(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    assert "empathy" in chat.phrase_ids(chat.send("宽代又断了😡😡😡 什么破网"))
    assert "empathy" not in chat.phrase_ids(chat.send("网素慢死了!!!!!!"))
