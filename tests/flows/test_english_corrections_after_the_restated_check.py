"""After an urgent case is opened and restated ("Is that correct? If something needs correcting, just
tell me the right details"), an English customer who puts the place or the phone right the way they
write it ("no the place is wrong its block 2 not block 1", "wrong address, its block 2", "no the phone is
98765433") has the case's place or phone put right and hears so, never the hand-off's "please wait"."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


def restated(engine: ConversationEngine) -> Chat:
    """A gas smell handed at once to the duty supervisor, its place and phone given and restated."""
    chat = Chat(engine, locale="en")
    chat.send(Started())
    for message in ("gas smell in the corridor!!", "Block 1 Whampoa Garden", "91234567"):
        step = chat.send(message)
    assert chat.phrase_ids(step)[-1] == "restated_check"
    return chat


@pytest.mark.parametrize(
    "message",
    [
        "no the place is wrong its block 2 not block 1",
        "wrong address, its block 2",
        "the location is wrong, block 2 not block 1",
    ],
)
def test_a_block_put_right_moves_the_case(conversation_engine: ConversationEngine, message: str) -> None:
    chat = restated(conversation_engine)
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["place_corrected"]
    assert "the address on your case is now block 2 Whampoa Garden" in chat.texts(step)
    assert step.contact is not None and step.contact.area == "block 2 Whampoa Garden" and step.contact.area_replaces


@pytest.mark.parametrize("message", ["no the phone is 98765433", "no my mobile is 9876 5433"])
def test_the_phone_named_with_another_number_is_put_right(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = restated(conversation_engine)
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["contact_corrected"]
    assert "your contact number is now 9876 5433" in chat.texts(step)
    assert chat.data.phone == "+85298765433"


def test_a_further_word_about_the_block_alone_is_no_new_place(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine)
    step = chat.send("the smell is strongest near block 1 lift lobby")
    assert "place_corrected" not in chat.phrase_ids(step)
    assert step.contact is None or not step.contact.area_replaces
