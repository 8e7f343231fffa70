"""English customers played again: a Hong Kong or Singapore address read whole beside the problem or at
the place question ("Flat 7C, 22 Kings Road, North Point", "Unit 12-05, The Sail @ Marina Bay"); a fall on a wet
floor left without a sign and a broken wrist read as the estate's safety and someone hurt, not a repair."""

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


def test_a_slip_on_a_wet_floor_and_a_broken_wrist_is_someone_hurt_at_the_estate(
    conversation_engine: ConversationEngine,
) -> None:
    chat = english_chat(conversation_engine)
    step = chat.send("my mother slipped in the lobby and broke her wrist, the floor was wet and no sign")
    assert chat.phrase_ids(step) == ["safety_injured", "urgent_ask_phone"]
    chat.send("9123 4567")
    step = chat.send("Sunshine Garden")
    assert chat.line(step, "Problem:") == (
        "Problem: my mother slipped in the lobby and broke her wrist, the floor was wet and no sign (Property service)"
    )


def test_a_slip_on_a_wet_floor_without_a_sign_in_chinese_is_property_service(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我妈在大堂滑倒摔断了手腕，地很湿也没有警示牌")
    chat.send("13812345678")
    step = chat.send("阳光花园")
    assert chat.line(step, "问题：") == "问题：我妈在大堂滑倒摔断了手腕，地很湿也没有警示牌（物业服务）"
