"""Insults and curses are never said back in the restatement, in the problem nor as the name (found
by a penetration tester): "你们这帮狗东西", "zmgs", "my name is Mr Bastard", "I'm Mrs Shithead"."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat


def restated(engine: ConversationEngine, description: str, locale: str = "zh-CN") -> tuple[Chat, Step]:
    chat = Chat(engine, locale=locale)
    step = chat.send(Started())
    place = "幸福里5栋" if locale == "zh-CN" else "Block 2, Taikoo Shing"
    for message in (description, "13933337777", place):
        if chat.state is State.CONFIRMING:
            break
        step = chat.send(message)
    assert chat.state is State.CONFIRMING
    return chat, step


@pytest.mark.parametrize(
    ("description", "insult"),
    [
        ("电梯坏了一周 你们这帮狗东西", "狗东西"),
        ("电梯坏了一周 你们就是一群废物", "废物"),
        ("zmgs 电梯坏了一周", "zmgs"),
        ("电梯坏了一周 nmd", "nmd"),
        ("電梯壞了一週 你們這幫狗東西", "狗東西"),
    ],
)
def test_a_chinese_insult_beside_the_problem_is_not_said_back(
    conversation_engine: ConversationEngine, description: str, insult: str
) -> None:
    chat, step = restated(conversation_engine, description)
    said = chat.line(step, "问题：")
    assert said.startswith(("问题：电梯坏了一周（", "问题：電梯壞了一週（")), said
    assert insult not in chat.texts(step)


@pytest.mark.parametrize(
    "description",
    [
        "my name is Mr Bastard, the street light outside is broken",
        "I'm Mrs Shithead and the lift is broken",
        "my name is Mr Idiot, the lift is broken",
    ],
)
def test_an_insult_given_as_a_name_is_no_name_and_not_said_back(
    conversation_engine: ConversationEngine, description: str
) -> None:
    chat, step = restated(conversation_engine, description, locale="en")
    assert chat.line(step, "Name:") == "Name: not given"
    problem = chat.line(step, "Problem:")
    assert problem.startswith(("Problem: the street light outside is broken (", "Problem: the lift is broken ("))
    for insult in ("Bastard", "Shithead", "Idiot", "Mrs", "Mr"):
        assert insult not in chat.texts(step)


def test_a_real_name_is_still_taken(conversation_engine: ConversationEngine) -> None:
    chat, step = restated(conversation_engine, "My name is John Smith, the lift is broken", locale="en")
    assert chat.line(step, "Name:") == "Name: John Smith"


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("你们这帮傻逼 电梯坏了三天了 操", "电梯坏了三天了"),
        ("电梯又坏了 tmd 草", "电梯又坏了"),
        ("电梯又坏了 草！", "电梯又坏了"),
        ("水压太小了 日了狗了", "水压太小了"),
        ("物业乱收停车费 靠", "物业乱收停车费"),
        ("靠，电梯又坏了", "电梯又坏了"),
        ("電梯壞了三天了 操。", "電梯壞了三天了"),
    ],
)
def test_a_curse_standing_alone_is_not_said_back(
    conversation_engine: ConversationEngine, description: str, problem: str
) -> None:
    chat, step = restated(conversation_engine, description)
    said = chat.line(step, "问题：")
    assert said.startswith(f"问题：{problem}（"), said


@pytest.mark.parametrize(
    "description",
    [
        "草坪没人修剪",
        "操场的灯坏了",
        "靠窗那边漏水",
        "草坪沒人修剪",
        "操場的燈壞了",
        "靠窗那邊漏水",
        "每天早上做操 音乐太吵了",
    ],
)
def test_the_same_characters_inside_everyday_words_stay(
    conversation_engine: ConversationEngine, description: str
) -> None:
    chat, step = restated(conversation_engine, description)
    assert chat.line(step, "问题：").startswith(f"问题：{description}（")
