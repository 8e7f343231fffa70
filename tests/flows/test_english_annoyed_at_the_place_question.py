"""What an annoyed English customer answers to the place question: a retort ("I already told you",
"same as before"), a question back ("why do you need that"), the phone named ("use this number") or
home alone is no place and no more of the problem: the place is asked again with the way out. A
refusal goes on without a place; an estate named before its block, flat and floor is kept whole."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat

PROBLEM = "hi, my kitchen tap is leaking since yesterday"


def _at_the_place_question(engine: ConversationEngine) -> Chat:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    chat.send(PROBLEM)
    chat.send("my number is 91234567")
    assert chat.state is State.AWAIT_AREA
    return chat


@pytest.mark.parametrize(
    "answer",
    [
        "I already told you",
        "you have it already",
        "same as before",
        "same address as last time",
        "the usual place",
        "why do you need my address",
        "why do you need that",
        "use this number",
        "it's my home",
        "in my kitchen",
    ],
)
def test_an_annoyed_answer_is_no_place_and_the_place_is_asked_with_the_way_out(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    chat = _at_the_place_question(conversation_engine)
    step = chat.send(answer)
    assert chat.data.area is None
    assert chat.data.description == [PROBLEM]
    assert chat.phrase_ids(step) == ["ask_area_again"]


def test_refusing_to_say_goes_on_without_a_place(conversation_engine: ConversationEngine) -> None:
    chat = _at_the_place_question(conversation_engine)
    step = chat.send("none of your business")
    assert chat.line(step, "Place:") == "Place: not given"


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ("Kornhill, Block B, 15/F, Flat 12A", "Place: Kornhill, Block B, 15/F, Flat 12A"),
        ("it's Kornhill Block B", "Place: Kornhill Block B"),
        ("ugh, Kornhill", "Place: Kornhill"),
    ],
)
def test_an_estate_named_first_is_kept_with_its_block_and_flat(
    conversation_engine: ConversationEngine, answer: str, place: str
) -> None:
    chat = _at_the_place_question(conversation_engine)
    step = chat.send(answer)
    assert chat.line(step, "Place:") == place
