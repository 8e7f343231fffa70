"""A customer back soon after their conversation was closed for their silence, before anything was
handed off, is not asked to tell it all again: the new conversation greets them, says what is kept
and asks only what is still missing (``timers.resume_after_idle_close``; storage carries the form
over, ``FlowData.carried_over``)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, TimerKind
from bot.flows.data import FlowData
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def _left_silent(engine: ConversationEngine, *said: str) -> FlowData:
    """The form of a conversation where the customer said ``said`` and then nothing: prompted, then
    closed for their silence."""
    chat = Chat(engine)
    for text in said:
        chat.send(text)
    chat.send(chat.timer(TimerKind.IDLE_PROMPT))
    step = chat.send(chat.timer(TimerKind.IDLE_CLOSE))
    assert step.state is State.CLOSED and step.close_reason == "idle"
    return chat.data


def _back(engine: ConversationEngine, left: FlowData) -> Chat:
    chat = Chat(engine)
    chat.data = left.carried_over(41)
    return chat


def test_back_with_a_hello_the_problem_is_kept_and_only_the_phone_is_asked(engine: ConversationEngine) -> None:
    chat = _back(engine, _left_silent(engine, "小区门口的路灯坏了三天了"))
    step = chat.send("在吗")
    assert chat.phrase_ids(step) == ["greeting_opening", "form_resumed", "ask_phone"]
    assert "小区门口的路灯坏了三天了" in chat.texts(step) and "不用您再重复" in chat.texts(step)
    assert chat.state is State.AWAIT_PHONE
    assert chat.data.description == ["小区门口的路灯坏了三天了"]
    assert [audit.detail for audit in step.audit if audit.kind == "form_resumed"] == [{"conversation_id": 41}]

    step = chat.send("13912345678")
    assert chat.phrase_ids(step)[-1] == "ask_area"
    step = chat.send("阳光花园5栋")
    assert step.state is State.CONFIRMING
    assert "路灯坏了" in chat.line(step, "问题：") and "13912345678" in chat.texts(step)


def test_back_with_the_missing_item_it_is_taken_as_the_answer(engine: ConversationEngine) -> None:
    chat = _back(engine, _left_silent(engine, "小区门口的路灯坏了三天了"))
    step = chat.send("13912345678")
    assert chat.phrase_ids(step) == ["greeting_opening", "form_resumed", "ask_area"]
    assert chat.data.phone == "13912345678"
    assert chat.data.description == ["小区门口的路灯坏了三天了"], "the phone is no more of the problem"


def test_back_after_the_phone_was_given_the_place_is_asked(engine: ConversationEngine) -> None:
    left = _left_silent(engine, "小区门口的路灯坏了三天了", "13912345678")
    chat = _back(engine, left)
    step = chat.send("你好")
    assert chat.phrase_ids(step) == ["greeting_opening", "form_resumed", "ask_area"]
    assert chat.data.phone == "13912345678"


def test_back_with_everything_told_the_restatement_is_said_again(engine: ConversationEngine) -> None:
    left = _left_silent(engine, "小区门口的路灯坏了三天了", "13912345678", "阳光花园5栋")
    chat = _back(engine, left)
    step = chat.send("你好")
    assert chat.phrase_ids(step) == ["greeting_opening", "form_resumed", "restate", "confirm_question"]
    assert chat.state is State.CONFIRMING
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.area == "阳光花园5栋"
    assert step.complaint.contact_phone == "13912345678"


def test_opened_again_from_a_menu_it_resumes_the_same_way(engine: ConversationEngine) -> None:
    chat = _back(engine, _left_silent(engine, "楼上每天半夜装修 吵得睡不着"))
    step = chat.send(Started())
    assert chat.phrase_ids(step) == ["greeting_opening", "form_resumed", "ask_phone"]
    assert chat.data.resumed_from is None, "said once"


def test_what_is_kept_is_said_to_an_english_customer_in_english(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    chat.send("The street light outside building 5 has been broken for three days")
    chat.send(chat.timer(TimerKind.IDLE_PROMPT))
    chat.send(chat.timer(TimerKind.IDLE_CLOSE))
    back = Chat(engine, locale="en")
    back.data = chat.data.carried_over(7)
    step = back.send("hello?")
    assert back.phrase_ids(step)[1:] == ["form_resumed", "ask_phone"]
    assert "no need to repeat" in back.texts(step) and "street light" in back.texts(step)


def test_timers_harassment_and_pending_questions_are_not_carried_over() -> None:
    left = FlowData(
        description=["电梯坏了"],
        phone="13912345678",
        harassing=True,
        withdrawing=True,
        consultation="几点上班",
        timers={TimerKind.IDLE_CLOSE: 3},
        timer_seq=3,
        offered=("对", "不对"),
    )
    kept = left.carried_over(5)
    assert (kept.description, kept.phone, kept.resumed_from) == (["电梯坏了"], "13912345678", 5)
    assert not (kept.harassing or kept.withdrawing or kept.consultation or kept.timers or kept.offered)
    assert FlowData.from_json(kept.to_json()) == kept
