"""A complaint given up in English ("I want to cancel my complaint, my neighbour fixed it", "please close my
complaint, sorted", "no need anymore, it's fixed") is taken back as the Chinese "不用处理了 我自己找人修好了"
is: never a new case, never a property complaint about the neighbour who fixed it."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

GIVEN_UP = [
    "I want to cancel my complaint, my neighbour fixed it",
    "please close my complaint, sorted",
    "no need anymore, it's fixed",
    "it's fixed now, you can close it",
    "never mind, it's sorted",
]


def english(engine: ConversationEngine, *messages: str) -> Chat:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    for message in messages:
        chat.send(message)
    return chat


@pytest.mark.parametrize("words", GIVEN_UP)
def test_giving_up_in_english_after_the_hand_off_is_passed_on_for_the_staff_to_close(
    conversation_engine: ConversationEngine, words: str
) -> None:
    chat = english(
        conversation_engine,
        "The street lamp outside block 3 has been broken for two weeks",
        "13800138000",
        "Sunshine Garden block 3",
        "yes",
    )
    assert chat.state is State.HANDED_OFF
    case_number = chat.data.case_number
    chat.wait(600)
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]
    assert "no longer needs handling" in chat.texts(step) and "different matter" not in chat.texts(step)
    assert [event.kind.value for event in step.audit] == ["withdrawn_after_handoff"]
    assert step.complaint is None and step.handoff is None
    assert chat.state is State.HANDED_OFF and chat.data.case_number == case_number


@pytest.mark.parametrize("words", GIVEN_UP)
def test_giving_up_in_english_while_the_form_is_taken_asks_to_confirm_and_files_nothing(
    conversation_engine: ConversationEngine, words: str
) -> None:
    chat = english(conversation_engine, "The street lamp outside block 3 has been broken for two weeks")
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["withdraw_confirm"]
    assert chat.state is State.AWAIT_PHONE
    assert chat.data.description == ["The street lamp outside block 3 has been broken for two weeks"]
    step = chat.send("yes")
    assert chat.phrase_ids(step) == ["withdrawn_not_filed"]
    assert chat.steps[-1].close_reason == "withdrawn"
    assert all(step.complaint is None for step in chat.steps)


@pytest.mark.parametrize("words", GIVEN_UP[:2])
def test_giving_up_in_english_in_a_new_conversation_takes_back_the_open_case(
    conversation_engine: ConversationEngine, words: str
) -> None:
    open_case = OpenCase("TS20261120ABC234", MONDAY_2PM + dt.timedelta(hours=6), category="property_service")
    chat = Chat(conversation_engine, customer=CustomerView(open_case=open_case), locale="en")
    chat.send(Started())
    step = chat.send(words)
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]
    assert step.appeal is not None and step.appeal.withdrawn and step.appeal.case_number == "TS20261120ABC234"
    assert step.complaint is None and step.handoff is None
    assert chat.state is State.CLOSED and step.close_reason == "withdrawn"


def test_a_broken_thing_told_beside_a_closed_door_is_still_a_complaint(conversation_engine: ConversationEngine) -> None:
    """ "close" alone takes nothing back: the door that will not close is the problem."""
    chat = english(conversation_engine)
    step = chat.send("the fire door won't close, it's been broken for a week")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
