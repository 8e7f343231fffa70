"""What a customer player found read wrong, played through the conversation: a fire feared now, English
questions for information, an English outage, two problems in one breath."""

from __future__ import annotations

import pytest

from bot.config import PhraseId, ServiceConfig
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CustomerView, State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def started(engine: ConversationEngine, **kwargs: object) -> Chat:
    chat = Chat(engine, **kwargs)  # type: ignore[arg-type]
    chat.send(Started())
    return chat


def restatement(chat: Chat) -> str:
    return next(
        reply.text for step in chat.steps for reply in step.replies if reply.phrase_id == PhraseId.RESTATE.value
    )


def test_a_fire_feared_now_with_a_strong_smell_of_smoke_hears_how_to_stay_safe_and_an_hour(
    engine: ConversationEngine,
) -> None:
    chat = started(engine)
    first = chat.send("我怕楼下着火了 好大一股烟味")
    assert chat.phrase_ids(first) == ["safety_fire", "urgent_ask_phone"]
    assert first.complaint is not None and "danger" in first.complaint.signals
    assert first.handoff is not None and (first.handoff.queue, first.handoff.reason) == ("supervisor", "danger")
    chat.send("阳光花园7栋")
    told = chat.send("13912340003")
    assert chat.phrase_ids(told)[-3:] == ["promise_urgent", "case_number", "restated_check"]
    chat.send("对")
    assert chat.data.phone == "13912340003"
    assert "promise_by_date" not in [phrase for step in chat.steps for phrase in chat.phrase_ids(step)]


@pytest.mark.parametrize("message", ["我怕楼下着火了", "楼道里一股烟味", "楼道里烟味很大"])
def test_a_fire_feared_now_or_a_strong_smell_of_smoke_alone_is_danger(engine: ConversationEngine, message: str) -> None:
    chat = started(engine, customer=CustomerView(phone="13800138000"))
    step = chat.send(message)
    assert chat.phrase_ids(step)[:2] == ["safety_fire", "urgent_handoff"]


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what are your office hours?", "business_hours"),
        ("When are you open?", "business_hours"),
        ("ok and how do I pay the parking fee", "pay_fees"),
        ("物业费怎么交", "pay_fees"),
    ],
)
def test_a_question_in_english_or_chinese_is_answered_from_the_faq(
    engine: ConversationEngine, service_config: ServiceConfig, question: str, entry: str
) -> None:
    chat = started(engine, locale="en" if question.isascii() else "zh-CN")
    step = chat.send(question)
    assert chat.phrase_ids(step) == [f"faq:{entry}", "anything_else"]
    answer = next(faq for faq in service_config.faq.entries if faq.id == entry).answer
    locale = "en" if question.isascii() else "zh-CN"
    assert step.replies[0].text == answer.get(locale).format(**service_config.faq_answer_values(locale))
    assert step.complaint is None and chat.data.description == []


def test_just_a_question_not_a_complaint_is_no_complaint(engine: ConversationEngine) -> None:
    chat = started(engine, locale="en")
    step = chat.send("Hi, just a question, not a complaint: when is the water bill due?")
    assert chat.phrase_ids(step) == ["question_later"]
    assert chat.data.description == [] and step.complaint is None


def test_the_water_off_in_english_is_a_repair(engine: ConversationEngine) -> None:
    chat = started(engine, locale="en", customer=CustomerView(phone="13800138000"))
    chat.send("the water is off AGAIN since this morning")
    chat.send("Sunshine Garden block 3")
    assert chat.state is State.CONFIRMING
    assert "Engineering and repairs" in restatement(chat)


def test_a_lift_that_stopped_is_restated_as_a_repair(engine: ConversationEngine) -> None:
    chat = started(engine, customer=CustomerView(phone="13800138000"))
    chat.send("电梯停了三天了")
    chat.send("阳光花园3栋")
    assert chat.state is State.CONFIRMING
    assert "（工程维修）" in restatement(chat)


def test_two_problems_told_in_one_breath_keep_the_second_category(engine: ConversationEngine) -> None:
    chat = started(engine)
    for said in ("宽带断了停水了三天了 阳光花园3栋 13912341234", "对"):
        step = chat.send(said)
    assert step.complaint is not None
    assert step.complaint.category == "network"
    assert step.complaint.other_categories == ("engineering_repair",)
