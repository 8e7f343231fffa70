"""A yes to the restatement with a question beside it ("对 你们几点下班", "是的，另外问下要收费吗", "yes,
what are your hours?"): the complaint is confirmed and handed off as after a plain "对", and the
question is answered too, after the thanks. A no beside a question ("不对 你们几点下班") is still a
correction, the question answered before the correction's question; "对了" (by the way) is no yes."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.records import State
from tests.flows.chat import Chat, restatement

HOURS = "我们的服务时间是每个工作日8:30至17:30（法定节假日除外）"
FREE = "在这里反映问题、登记投诉是免费的，不收取任何费用。"
HANDED_OFF = ["confirmed_thanks", "promise_by_date", "case_number", "handoff_follow_up"]


def at_the_restatement(engine: ConversationEngine, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send("楼上装修太吵了" if locale == "zh-CN" else "the neighbours upstairs are too noisy")
    restatement(chat)
    return chat


@pytest.mark.parametrize(
    ("message", "entry", "answer"),
    [
        pytest.param("对 你们几点下班", "business_hours", HOURS, id="yes, then the hours"),
        pytest.param("是的，另外问下要收费吗", "free_of_charge", FREE, id="yes, and by the way a fee"),
        pytest.param("对 要收费吗", "free_of_charge", FREE, id="yes, a fee"),
    ],
)
def test_the_yes_confirms_and_the_question_is_answered(
    conversation_engine: ConversationEngine, message: str, entry: str, answer: str
) -> None:
    chat = at_the_restatement(conversation_engine)
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["confirmed_thanks", f"faq:{entry}", *HANDED_OFF[1:]]
    assert answer in chat.texts(step)
    assert chat.state is State.HANDED_OFF
    assert step.complaint is not None and step.complaint.confirmed
    assert step.complaint.description.startswith("楼上装修太吵了")


def test_the_case_is_the_same_as_after_a_plain_yes(conversation_engine: ConversationEngine) -> None:
    plain = at_the_restatement(conversation_engine)
    beside = at_the_restatement(conversation_engine)
    alone, asked = plain.send("对"), beside.send("对 你们几点下班")
    assert plain.phrase_ids(alone) == HANDED_OFF
    assert alone.complaint is not None and asked.complaint is not None
    assert (asked.complaint.description, asked.complaint.area, asked.complaint.contact_phone) == (
        alone.complaint.description,
        alone.complaint.area,
        alone.complaint.contact_phone,
    )


def test_in_english(conversation_engine: ConversationEngine) -> None:
    chat = at_the_restatement(conversation_engine, locale="en")
    step = chat.send("yes, what are your hours?")
    assert chat.phrase_ids(step) == ["confirmed_thanks", "faq:business_hours", *HANDED_OFF[1:]]
    assert "We are open 8:30 to 17:30 on working days" in chat.texts(step)
    assert step.complaint is not None and step.complaint.confirmed


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        pytest.param("不对 你们几点下班", "business_hours", id="no, then the hours"),
        pytest.param("不对，另外问下要收费吗", "free_of_charge", id="no, and by the way a fee"),
    ],
)
def test_a_no_beside_a_question_is_still_a_correction(
    conversation_engine: ConversationEngine, message: str, entry: str
) -> None:
    chat = at_the_restatement(conversation_engine)
    step = chat.send(message)
    assert chat.phrase_ids(step) == [f"faq:{entry}", "ask_correction"]
    assert chat.state is State.CHOOSE_CORRECTION and step.complaint is None


def test_by_the_way_is_no_yes(conversation_engine: ConversationEngine) -> None:
    """ "对了" opens the question: answered, and the restatement asked again; nothing registered."""
    chat = at_the_restatement(conversation_engine)
    step = chat.send("对了，你们几点下班")
    assert chat.phrase_ids(step) == ["faq:business_hours", "confirm_question"]
    assert chat.state is State.CONFIRMING and step.complaint is None


@pytest.mark.parametrize("message", ["嗯嗯 对的 什么时候来修", "对 多久能处理好", "是的 什么时候能解决"])
def test_a_yes_beside_asking_when_confirms_and_the_promise_says_when(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = at_the_restatement(conversation_engine)
    step = chat.send(message)
    assert chat.phrase_ids(step) == HANDED_OFF  # the promise's date answers when
    assert chat.state is State.HANDED_OFF


def test_asking_when_alone_at_the_restatement_is_answered_and_asked_again(
    conversation_engine: ConversationEngine,
) -> None:
    chat = at_the_restatement(conversation_engine)
    step = chat.send("什么时候来修")
    assert chat.phrase_ids(step)[-1] == "confirm_question"
    assert chat.state is State.CONFIRMING
