"""English customers played again: a Hong Kong or Singapore address read whole beside the problem or at
the place question ("Flat 7C, 22 Kings Road, North Point", "Unit 12-05, The Sail @ Marina Bay")."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat

PLACES = [
    "Flat 7C, 22 Kings Road, North Point",
    "Blk 88 Toa Payoh Lor 4",
    "Unit 12-05, The Sail @ Marina Bay",
    "Room 1203, Tower 2, Harbour View Garden",
]


def english_chat(engine: ConversationEngine, *messages: str) -> Chat:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    for message in messages:
        chat.send(message)
    return chat


@pytest.mark.parametrize("place", PLACES)
def test_the_whole_place_beside_the_problem_is_restated(conversation_engine: ConversationEngine, place: str) -> None:
    chat = english_chat(conversation_engine, f"the lift is broken at {place}. 9123 4567")
    assert chat.state is State.CONFIRMING
    assert chat.line(chat.steps[-1], "Place:") == f"Place: {place}"


@pytest.mark.parametrize("place", PLACES)
def test_the_whole_place_first_and_the_problem_after_is_restated(
    conversation_engine: ConversationEngine, place: str
) -> None:
    chat = english_chat(conversation_engine, f"{place}, the lift is broken, 9123 4567")
    assert chat.line(chat.steps[-1], "Place:") == f"Place: {place}"


@pytest.mark.parametrize("place", PLACES)
def test_the_whole_place_answered_is_noted(conversation_engine: ConversationEngine, place: str) -> None:
    chat = english_chat(conversation_engine, "the lift is broken", place)
    assert f"I have noted the address: {place}." in chat.texts(chat.steps[-1])
    step = chat.send("9123 4567")
    assert chat.line(step, "Place:") == f"Place: {place}"


@pytest.mark.parametrize("place", PLACES)
def test_the_whole_place_with_the_phone_is_restated(conversation_engine: ConversationEngine, place: str) -> None:
    chat = english_chat(conversation_engine, "the lift is broken", f"{place} 9123 4567")
    assert chat.line(chat.steps[-1], "Place:") == f"Place: {place}"
