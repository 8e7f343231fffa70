"""A place typed in Latin letters with the phone at the phone question ("13812345678, Yangguang Huayuan 5 dong",
"13812345678 住在Taikoo Shing") is kept and said back, never asked for again; words beside the phone that name
no place ("13812345678 thanks", "13812345678 it's Mr Wang") leave the place to be asked."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat

_PROBLEM = {"zh-CN": "问题：", "en": "Problem: "}


def at_the_phone_question(engine: ConversationEngine, locale: str, problem: str) -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    chat.send(problem)
    assert chat.state is State.AWAIT_PHONE
    return chat


@pytest.mark.parametrize(
    ("locale", "problem", "answer", "place"),
    [
        ("zh-CN", "电梯坏了", "13812345678, Yangguang Huayuan 5 dong", "Yangguang Huayuan 5 dong"),
        ("zh-CN", "电梯坏了", "13812345678 住在Taikoo Shing", "Taikoo Shing"),
        ("zh-CN", "电梯坏了", "Yangguang Huayuan 5 dong, 13812345678", "Yangguang Huayuan 5 dong"),
        ("en", "the lift is broken", "13812345678, Yangguang Huayuan 5 dong", "Yangguang Huayuan 5 dong"),
        ("en", "the lift is broken", "my number is 13812345678, I live in Taikoo Shing", "Taikoo Shing"),
    ],
)
def test_a_place_in_latin_letters_told_with_the_phone_is_kept(
    conversation_engine: ConversationEngine, locale: str, problem: str, answer: str, place: str
) -> None:
    chat = at_the_phone_question(conversation_engine, locale, problem)
    restated = chat.send(answer)
    assert chat.state is State.CONFIRMING, chat.texts(restated)
    said = chat.texts(restated).splitlines()
    assert (f"地点：{place}" if locale == "zh-CN" else f"Place: {place}") in said
    assert place not in chat.line(restated, _PROBLEM[locale])


@pytest.mark.parametrize(
    ("locale", "problem", "answer"),
    [
        ("zh-CN", "电梯坏了", "13812345678 xiexie"),
        ("zh-CN", "电梯坏了", "13812345678 wang xiansheng"),
        ("en", "the lift is broken", "13812345678 thanks"),
        ("en", "the lift is broken", "13812345678 it's urgent"),
        ("en", "the lift is broken", "13812345678 call me after 6pm"),
        ("en", "the lift is broken", "13812345678 it's Mr Wang"),
    ],
)
def test_words_with_the_phone_that_name_no_place_leave_the_place_asked(
    conversation_engine: ConversationEngine, locale: str, problem: str, answer: str
) -> None:
    chat = at_the_phone_question(conversation_engine, locale, problem)
    chat.send(answer)
    assert chat.state is State.AWAIT_AREA
    assert chat.data.phone == "13812345678" and chat.data.area is None


def test_a_place_in_pinyin_told_with_the_phone_after_the_problem_is_recorded(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    recorded = chat.send("电梯坏了三天了")
    assert "已记录" in chat.texts(recorded)
    restated = chat.send("13812345678 yangguang huayuan 5 dong")
    assert chat.state is State.CONFIRMING
    assert "地点：yangguang huayuan 5 dong" in chat.texts(restated).splitlines()
