"""Markup typed or pasted ("<script>alert(2)</script>") says no problem: the bot asks for the
problem, as after any message with no words; markup around words keeps the words."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


@pytest.mark.parametrize(
    "markup",
    ["<script>alert(2)</script>", "<img src=x onerror=alert(1)>", "<b></b>", "<SCRIPT>alert('x')</SCRIPT>"],
)
def test_markup_alone_before_a_problem_is_no_problem_and_the_problem_is_asked(chat: Chat, markup: str) -> None:
    step = chat.send(markup)
    assert chat.phrase_ids(step) == ["invite_complaint_again"]
    assert chat.data.description == []
    step = chat.send("电梯坏了一个礼拜")
    assert "description_recorded" in chat.phrase_ids(step)
    assert chat.data.description == ["电梯坏了一个礼拜"]


def test_markup_as_the_first_message_is_no_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("<script>alert(2)</script>")
    assert "invite_complaint" in chat.phrase_ids(step)
    assert chat.data.description == []


def test_words_inside_markup_are_the_problem(chat: Chat) -> None:
    step = chat.send("<b>电梯坏了一个礼拜</b>")
    assert "description_recorded" in chat.phrase_ids(step)
    assert chat.data.description
