"""Customer findings (noreply 1): a customer always hears a configured reply. "没有" or "没有了"
answering the no-case reply or the problem asked for after a hello takes leave, never held in
silence as a word being typed nor filed as a complaint; "点算" (what now) at the phone question
hears the question again, never silence."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    ("first", "answer"),
    [("我的投诉处理到哪了", "没有"), ("我的投诉处理到哪了", "没有了"), ("你好", "没有")],
)
def test_nothing_more_after_a_question_takes_leave(
    conversation_engine: ConversationEngine, first: str, answer: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(first)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["goodbye"]
    assert not chat.data.description


@pytest.mark.parametrize(
    ("problem", "asked", "locale"),
    [("电梯坏了", "点算", "zh-CN"), ("部電梯壞咗", "點算", "zh-HK")],
)
def test_asking_what_now_at_the_phone_question_is_answered(
    conversation_engine: ConversationEngine, problem: str, asked: str, locale: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    chat.send(problem)
    assert chat.state is State.AWAIT_PHONE
    step = chat.send(asked)
    assert step.replies and all(reply.text.strip() for reply in step.replies)
    step = chat.send(asked)
    assert step.replies


def test_asking_what_now_after_a_danger_hears_the_safety_advice_again(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="zh-HK")
    chat.send(Started())
    chat.send("有人困咗喺𨋢入面 救命")
    step = chat.send("點算")
    assert chat.phrase_ids(step)[0] == "safety_lift"
