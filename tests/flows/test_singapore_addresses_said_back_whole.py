"""A Singapore customer's address, the block, the street numbered after its word and the unit after a
hash ("Blk 312 Clementi Ave 4 #10-221"), is restated whole: never cut to "Blk 312 Clementi Ave", which
names no flat and a street of several."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    ("message", "place"),
    [
        (
            "WHY IS THERE NO WATER AGAIN?!?! 2nd time this week. Blk 312 Clementi Ave 4 #10-221. 9876 1234",
            "Blk 312 Clementi Ave 4 #10-221",
        ),
        ("bill too high. Blk 123 Jurong West St 41 #05-67, +65 9876 5432", "Blk 123 Jurong West St 41 #05-67"),
        ("lift broken at Blk 201 Tampines St 21, 9123 4567", "Blk 201 Tampines St 21"),
    ],
)
def test_the_whole_address_is_restated(conversation_engine: ConversationEngine, message: str, place: str) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[-1] == "confirm_question"
    assert chat.line(step, "Place:") == f"Place: {place}"


def test_the_address_given_as_an_answer_is_noted_whole(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("my electricity bill is double this month, way too high")
    step = chat.send("Blk 123 Jurong West St 41 #05-67")
    assert "I have noted the address: Blk 123 Jurong West St 41 #05-67." in chat.texts(step)
    step = chat.send("+65 9876 5432")
    assert chat.line(step, "Place:") == "Place: Blk 123 Jurong West St 41 #05-67"


def test_a_count_after_a_street_is_no_part_of_it(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    step = chat.send("the lift at 22 Kings Road is broken 3 times this week. 9123 4567")
    assert chat.line(step, "Place:") == "Place: 22 Kings Road"
