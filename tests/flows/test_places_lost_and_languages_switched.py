"""Places the players saw lost or mistaken: a place in English answering the place question keeps a
Chinese chat Chinese, an estate after its district and a flat after an English estate stay in the place,
and an estate's name with no estate word, said after the problem, is the place."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def test_an_english_place_answering_the_place_question_keeps_the_chat_chinese(chat: Chat) -> None:
    chat.send("wifi又断了!!!!!!!一个月第三次了 so annoying")
    chat.send("13355556666")
    step = chat.send("sunshine garden block 3")
    assert chat.state is State.CONFIRMING and chat.locale == "zh-CN"
    assert chat.line(step, "地点：") == "地点：sunshine garden block 3"
    assert chat.texts(step).startswith("我跟您确认一下")


def test_english_asked_for_at_the_place_question_still_turns_the_chat_english(chat: Chat) -> None:
    chat.send("wifi又断了 一个月第三次了")
    chat.send("13355556666")
    chat.send("sorry i cannot read chinese, can you speak english please")
    assert chat.locale == "en"


def test_an_estate_after_its_district_is_kept_in_the_place(chat: Chat) -> None:
    step = chat.send("宝安区碧海湾 18022223333 停水了")
    assert chat.line(step, "地点：") == "地点：宝安区碧海湾"
    assert chat.line(step, "问题：").startswith("问题：停水了")


def test_the_flat_after_an_english_estate_is_kept_in_the_place(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    step = chat.send("Tower 3 The Belcher's 22A water leaking from ceiling 91234567")
    assert chat.line(step, "Place:") == "Place: Tower 3 The Belcher's 22A"
    assert chat.line(step, "Problem:").startswith("Problem: water leaking from ceiling")


@pytest.mark.parametrize(
    ("told", "problem"),
    [
        (["小区健身器材坏了好久了 翠湖天地 13900000019"], "问题：小区健身器材坏了好久了（"),
        (["物业乱收停车费…翠湖天地", "13900000019"], "问题：物业乱收停车费（"),
        (["小区绿化带被占用种菜 翠湖天地", "13900000019"], "问题：小区绿化带被占用种菜（"),
        (["停水两天了 13900000019 星河丹堤"], "问题：停水两天了（"),
    ],
)
def test_an_estate_named_without_an_estate_word_after_the_problem_is_the_place(
    chat: Chat, told: list[str], problem: str
) -> None:
    for message in told:
        step = chat.send(message)
    assert chat.state is State.CONFIRMING  # the place is not asked for
    assert chat.line(step, "地点：") == f"地点：{chat.data.area}"
    assert chat.data.area in ("翠湖天地", "星河丹堤")
    assert chat.line(step, "问题：").startswith(problem)


@pytest.mark.parametrize(
    "words",
    ["天天如此", "越来越差", "莫名其妙", "希望解决", "上午十点", "国庆期间", "晚上睡觉", "天天黑着脸", "天天爬楼"],
)
def test_everyday_words_after_the_problem_are_no_place(chat: Chat, words: str) -> None:
    chat.send(f"电梯坏了三天了 {words} 13900000019")
    assert chat.state is State.AWAIT_AREA
    assert chat.data.area is None
