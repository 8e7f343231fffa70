"""Where a case stands is told only to its customer: a status question naming a case number that is
not provably the writer's (another customer's case, the same person on another channel, or a number
no case has) hears where the case stands only once the last 4 digits of the phone left on it are
given. Without them the writer learns nothing of the case (not its stage, agent, deadline or even
that it exists), and the case's staff see the question on its timeline."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
OTHER = "TS20261122QRSTUV"
DEADLINE = MONDAY_2PM + dt.timedelta(hours=21)  # said "明天上午11点前"
AGENT = "李娜"

QUESTIONS = {
    "simplified": f"投诉编号{CASE} 处理到哪了",
    "simplified, 单号": f"我的单号 {CASE} 怎么样了",
    "traditional": f"我的投訴編號{CASE} 處理到哪了",
    "english": f"What is the status of case {CASE}?",
    "number alone": CASE,
}
NOT_TOLD = {
    "zh-CN": "抱歉，暂时无法核实这个投诉是您本人登记的，这次无法为您查询处理情况。",
    "zh-TW": "抱歉，暫時無法核實這個投訴是您本人登記的，這次無法為您查詢處理情況。",
    "en": "Sorry, we cannot confirm that complaint was made by you, so we cannot tell you how it is going here.",
}


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def anothers(tail: str | None = "00138000", number: str = CASE) -> CaseStatus:
    """Another customer's case with an agent, as storage gives it for its number."""
    return CaseStatus(CaseStage.WITH_AGENT, number, DEADLINE, agent_name=AGENT, phone_tail=tail)


def nothing_of_the_case(text: str) -> bool:
    return not any(told in text for told in (CASE, AGENT, "明天", "11点", "11 a.m.", "11:00", "处理完毕", "處理完畢"))


def asked(engine: ConversationEngine, customer: CustomerView, question: str = QUESTIONS["simplified"]) -> Chat:
    chat = Chat(engine, customer=customer)
    chat.send(Started())
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["verify_case_phone"]
    assert nothing_of_the_case(chat.texts(step))
    assert step.complaint is None and step.handoff is None and step.appeal is None
    return chat


def all_said(chat: Chat) -> list[str]:
    return [reply.text for step in chat.steps for reply in step.replies]


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_a_stranger_asking_where_anothers_case_stands_is_asked_for_its_phones_digits_first(
    engine: ConversationEngine, question: str
) -> None:
    chat = asked(engine, CustomerView(named_cases=(anothers(),)), question)
    asks = [event for event in chat.steps[-1].audit if event.kind is TimelineKind.CASE_PHONE_ASKED]
    assert [event.detail["case_number"] for event in asks] == [CASE]
    assert chat.state is State.AWAIT_DESCRIPTION


@pytest.mark.parametrize(
    ("question", "digits_asked", "says_with_agent"),
    [
        (QUESTIONS["simplified"], "完整联系电话", "客服代表李娜正在跟进处理您的问题"),
        (QUESTIONS["traditional"], "完整聯繫電話", "客服代表李娜正在跟進處理您的問題"),
        (QUESTIONS["english"], "full phone number", AGENT),
    ],
    ids=["simplified", "traditional", "english"],
)
def test_the_right_digits_tell_where_the_case_stands(
    engine: ConversationEngine, question: str, digits_asked: str, says_with_agent: str
) -> None:
    chat = asked(engine, CustomerView(named_cases=(anothers(),)), question)
    assert digits_asked in chat.texts(chat.steps[-1])
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"]
    answer = chat.texts(step)
    assert CASE in answer and says_with_agent in answer and "8000" not in answer
    assert step.unverified_mention is None and step.complaint is None
    checked = [event.detail for event in step.audit if event.kind is TimelineKind.CASE_PHONE_CHECKED]
    assert checked == [{"case_number": CASE, "confirmed": True}]
    # Asked again in this conversation (storage loads the case told about), it is told again, unasked.
    again = chat.send("多久能修好" if question != QUESTIONS["english"] else "how long will it take?")
    assert "verify_case_phone" not in chat.phrase_ids(again) and CASE in chat.texts(again)


def test_the_same_case_named_again_after_the_digits_is_told_unasked(engine: ConversationEngine) -> None:
    chat = asked(engine, CustomerView(named_cases=(anothers(),)))
    chat.send("13800138000")
    step = chat.send(f"{CASE} 现在进度怎么样")
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"]


@pytest.mark.parametrize(
    ("question", "locale"),
    [(QUESTIONS["simplified"], "zh-CN"), (QUESTIONS["traditional"], "zh-TW"), (QUESTIONS["english"], "en")],
    ids=["simplified", "traditional", "english"],
)
def test_wrong_digits_twice_tell_nothing_of_the_case_and_its_staff_see_the_question(
    engine: ConversationEngine, question: str, locale: str
) -> None:
    chat = asked(engine, CustomerView(named_cases=(anothers(),)), question)
    assert chat.phrase_ids(chat.send("13800131234")) == ["verify_case_phone_again"]
    step = chat.send("13800134321")
    assert chat.phrase_ids(step) == ["case_not_verified_status", "anything_else"]
    assert NOT_TOLD[locale] in chat.texts(step)
    assert all(nothing_of_the_case(text) for text in all_said(chat))
    assert step.unverified_mention is not None
    assert (step.unverified_mention.case_number, step.unverified_mention.text) == (CASE, question)
    assert step.complaint is None and step.handoff is None and chat.state is State.AWAIT_DESCRIPTION
    assert chat.data.told_case is None


@pytest.mark.parametrize("answer", ["不知道", "我没有这个电话", "为什么要这个"])
def test_an_answer_without_the_digits_tells_nothing_at_once(engine: ConversationEngine, answer: str) -> None:
    chat = asked(engine, CustomerView(named_cases=(anothers(),)))
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["case_not_verified_status", "anything_else"]
    assert step.unverified_mention is not None and step.unverified_mention.case_number == CASE


def test_a_number_no_case_has_is_answered_exactly_as_anothers_case_is(engine: ConversationEngine) -> None:
    """The same question and the same answers: only a case that exists gets the timeline entry."""
    said = []
    for customer in (CustomerView(named_cases=(anothers(),)), CustomerView()):
        chat = asked(engine, customer)
        chat.send("13800131234")
        chat.send("13800134321")
        said.append(all_said(chat))
        assert (chat.steps[-1].unverified_mention is not None) == bool(customer.named_cases)
    assert said[0] == said[1]


def test_a_case_without_a_contact_phone_tells_nothing(engine: ConversationEngine) -> None:
    chat = asked(engine, CustomerView(named_cases=(anothers(tail=None),)))
    chat.send("13800138000")
    step = chat.send("13800130000")
    assert chat.phrase_ids(step) == ["case_not_verified_status", "anything_else"]


def test_the_same_number_asked_about_again_is_not_asked_for_digits_again(engine: ConversationEngine) -> None:
    chat = asked(engine, CustomerView(named_cases=(anothers(),)))
    chat.send("不知道")
    step = chat.send(QUESTIONS["simplified, 单号"])
    assert chat.phrase_ids(step) == ["case_not_verified_status", "anything_else"]
    assert all(nothing_of_the_case(text) for text in all_said(chat))


def test_no_third_guess_after_two_misses(engine: ConversationEngine) -> None:
    """Two answers that missed in a conversation: another number asked about is not checked."""
    chat = asked(engine, CustomerView(named_cases=(anothers(), anothers(tail="00131111", number=OTHER))))
    chat.send("13800131234")
    chat.send("13800134321")
    step = chat.send(f"那{OTHER}处理到哪了")
    assert chat.phrase_ids(step) == ["case_not_verified_status", "anything_else"]
    assert OTHER not in chat.texts(step)
    assert step.unverified_mention is not None and step.unverified_mention.case_number == OTHER
    assert chat.phrase_ids(chat.send("13800131111")) != ["status_answer", "anything_else"]


def test_a_problem_told_instead_of_the_digits_is_a_complaint_of_the_writers_own(engine: ConversationEngine) -> None:
    chat = asked(engine, CustomerView(named_cases=(anothers(),)))
    step = chat.send("我家楼上漏水了 天花板都湿了")
    assert "case_not_verified_status" not in chat.phrase_ids(step)
    assert "ask_phone" in chat.phrase_ids(step) and nothing_of_the_case(chat.texts(step))
    assert step.unverified_mention is not None and step.unverified_mention.case_number == CASE
    assert "漏水" in " ".join(chat.data.description)


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_the_cases_own_customer_is_never_asked(engine: ConversationEngine, question: str) -> None:
    own = dataclasses.replace(anothers(tail=None), own=True)
    chat = Chat(engine, customer=CustomerView(named_cases=(own,)))
    chat.send(Started())
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"]
    assert CASE in chat.texts(step) and AGENT in chat.texts(step)
