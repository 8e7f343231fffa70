"""A customer who greets and says only that they want to complain ("hi i want to complain", "hello I
would like to complain", "您好 我想投诉一下") is asked what happened; the greeting is no problem to
record, and no phone is asked for before the problem is heard."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    ("locale", "message", "asked"),
    [
        ("en", "hi i want to complain", "Please tell me what happened."),
        ("en", "hello I would like to complain", "Please tell me what happened."),
        ("en", "Good morning, I want to make a complaint", "Please tell me what happened."),
        ("zh-CN", "我想投诉", "具体是什么情况呢？"),
        ("zh-CN", "您好 我想投诉一下", "具体是什么情况呢？"),
    ],
)
def test_the_problem_is_asked_for(
    conversation_engine: ConversationEngine, locale: str, message: str, asked: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["ask_details"]
    assert asked in chat.texts(step)
    assert chat.state is State.AWAIT_DESCRIPTION and not chat.data.description


def test_what_follows_is_the_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("hi i want to complain")
    step = chat.send("the lift in Block 5 Heng Fa Chuen has been broken for 3 days")
    assert "ask_phone" in chat.phrase_ids(step)
    step = chat.send("6543 2109")
    assert chat.line(step, "Problem:") == "Problem: the lift has been broken for 3 days (Engineering and repairs)"
