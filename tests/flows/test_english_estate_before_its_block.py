"""An English estate named by its words alone before its block, and a Hong Kong phone after it
(places report): "Taikoo Shing Block 5 9123 4567" is read as both, at the phone question, with the
problem or at the place question."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine, locale="en")
    started.send(Started())
    return started


@pytest.mark.parametrize("answer", ["Taikoo Shing Block 5 9123 4567", "9123 4567 Taikoo Shing Block 5"])
def test_the_place_and_the_phone_answering_the_phone_question_are_both_read(chat: Chat, answer: str) -> None:
    chat.send("The lift is broken")
    restated = chat.send(answer)
    assert chat.state is State.CONFIRMING
    assert chat.line(restated, "Place:") == "Place: Taikoo Shing Block 5"
    assert chat.line(restated, "Phone:") == "Phone: 9123 4567"


def test_the_place_and_the_phone_told_with_the_problem_are_both_read(chat: Chat) -> None:
    restated = chat.send("The lift is broken, Taikoo Shing Block 5 9123 4567")
    assert chat.line(restated, "Problem:") == "Problem: The lift is broken (Engineering and repairs)"
    assert chat.line(restated, "Place:") == "Place: Taikoo Shing Block 5"
    assert chat.line(restated, "Phone:") == "Phone: 9123 4567"


def test_the_place_alone_at_the_place_question_is_the_place(chat: Chat) -> None:
    chat.send("The lift is broken")
    chat.send("9123 4567")
    restated = chat.send("Taikoo Shing Block 5, Flat 3A")
    assert chat.line(restated, "Place:") == "Place: Taikoo Shing Block 5, Flat 3A"


def test_a_block_named_in_the_problem_is_no_estate(chat: Chat) -> None:
    chat.send("The lift in Block 5 is broken")
    asked = chat.send("9123 4567")
    assert chat.state is State.AWAIT_AREA, chat.texts(asked)
