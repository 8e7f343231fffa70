"""An English place told in pieces: a floor or a block alone ("15/F", "Block B") is asked which estate
it is in, as "15楼" is; the estate told next, at that question or at the restatement, is put together
with it as Hong Kong writes addresses (flat, floor, block, estate, a comma after each), never run
together ("15/FTaikoo Shing Tower 3")."""

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
    ("first", "then", "place"),
    [
        ("15/F", "Taikoo Shing Tower 3", "Place: 15/F, Tower 3, Taikoo Shing"),
        ("15/F", "Tower 3 of Taikoo Shing", "Place: 15/F, Tower 3, Taikoo Shing"),
        ("15/F", "Taikoo Shing", "Place: 15/F, Taikoo Shing"),
        ("12/F Tower 3", "Lohas Park", "Place: 12/F, Tower 3, Lohas Park"),
        ("Block B", "Kornhill", "Place: Block B, Kornhill"),
        ("Block B", "Flat 12A, 15/F, Kornhill", "Place: Flat 12A, 15/F, Block B, Kornhill"),
    ],
)
def test_a_floor_or_block_alone_is_asked_its_estate_and_put_together_with_it(
    conversation_engine: ConversationEngine, first: str, then: str, place: str
) -> None:
    chat = _at_the_place_question(conversation_engine)
    step = chat.send(first)
    assert chat.texts(step).startswith(f"Which residential community is {first} in?")
    step = chat.send(then)
    assert chat.line(step, "Place:") == place


def test_the_estate_told_at_the_restatement_goes_after_the_floor(conversation_engine: ConversationEngine) -> None:
    chat = _at_the_place_question(conversation_engine)
    chat.send("15/F")
    step = chat.send("I don't know")
    assert chat.line(step, "Place:") == "Place: 15/F"
    step = chat.send("Taikoo Shing Tower 3")
    assert chat.line(step, "Place:") == "Place: 15/F, Tower 3, Taikoo Shing"


def test_an_estate_in_chinese_after_an_english_floor_keeps_the_floor(conversation_engine: ConversationEngine) -> None:
    chat = _at_the_place_question(conversation_engine)
    chat.send("15/F")
    step = chat.send("太古城")
    assert chat.line(step, "Place:") == "Place: 太古城15/F"
