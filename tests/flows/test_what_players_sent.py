"""Faults a player playing customers found: vents, lead-ins and WeChat emoji codes said back in the
问题, laughter and "6666" taken as a complaint, "王先生/女士" for a surname alone, English lead-ins
kept in the place, a curse beside the gate, and the gas advice said twice running."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    chat = Chat(conversation_engine)
    chat.send(Started())
    return chat


@pytest.fixture
def english(conversation_engine: ConversationEngine) -> Chat:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    return chat


def restatement(chat: Chat, *messages: str, phone: str = "13800138000", place: str = "阳光花园3栋") -> Step:
    """The step that restates, after ``messages`` and, when still asked, a phone and a place."""
    step = chat.steps[-1]
    for message in (*messages, phone, place):
        if chat.state is State.CONFIRMING:
            break
        step = chat.send(message)
    assert chat.state is State.CONFIRMING
    return step


# --------------------------------------------------------------------------- the restated problem


@pytest.mark.parametrize(
    "said",
    [
        "wy的人呢 停水一整天了",
        "物业的人呢，停水一整天了",
        "你们到底管不管，管什么你自己不知道吗，停水一整天了",
        "不行 停水一整天了",
        "[/发怒][/发怒]停水一整天了",
        "[发怒] 停水一整天了[微笑]",
    ],
)
def test_a_vent_a_lead_in_or_wechat_emoji_codes_are_not_said_back(chat: Chat, said: str) -> None:
    step = restatement(chat, said)
    assert chat.line(step, "问题：").startswith("问题：停水一整天了（"), chat.texts(step)


def test_a_vent_word_inside_the_problem_keeps_the_problem(chat: Chat) -> None:
    step = restatement(chat, "热得不行 空调坏了三天了")
    assert chat.line(step, "问题：").startswith("问题：热得不行 空调坏了三天了（"), chat.texts(step)


def test_the_console_keeps_the_emoji_codes_the_customer_sent(chat: Chat) -> None:
    restatement(chat, "[/发怒][/发怒]停水一整天了")
    assert chat.data.description[0].startswith("[/发怒][/发怒]停水一整天了")


# --------------------------------------------------------------------------- noise is no complaint


@pytest.mark.parametrize("said", ["哈哈哈", "6666", "???", "[/发怒][/发怒]", "hhhhh", "lol"])
def test_laughter_or_noise_first_is_asked_what_happened(chat: Chat, said: str) -> None:
    step = chat.send(said)
    assert "description_recorded" not in chat.phrase_ids(step)
    assert chat.state is State.AWAIT_DESCRIPTION and not chat.data.description


def test_laughter_after_an_insult_is_not_a_new_complaint(chat: Chat) -> None:
    chat.send("你个傻逼客服")
    step = chat.send("哈哈哈")
    assert "description_recorded" not in chat.phrase_ids(step)
    assert not chat.data.description


def test_laughter_at_the_phone_question_adds_nothing_to_the_problem(chat: Chat) -> None:
    chat.send("楼道灯坏了")
    chat.send("哈哈哈")
    step = restatement(chat)
    assert chat.line(step, "问题：").startswith("问题：楼道灯坏了（")


# --------------------------------------------------------------------------- a surname alone


def test_a_surname_alone_is_restated_as_told_not_with_both_titles(chat: Chat) -> None:
    step = restatement(chat, "楼道灯坏了 我姓张")
    assert chat.line(step, "称呼：") == "称呼：姓张"
    assert "先生/女士" not in chat.texts(step)


# --------------------------------------------------------------------------- the English place


@pytest.mark.parametrize(
    "answer",
    [
        "the building is Harbour View Tower 2",
        "it's at Harbour View Tower 2",
        "I live in Harbour View Tower 2",
        "my address is Harbour View Tower 2",
    ],
)
def test_an_english_lead_in_is_cut_from_the_place(english: Chat, answer: str) -> None:
    step = restatement(english, "the lift is broken", place=answer)
    assert english.line(step, "Place:") == "Place: Harbour View Tower 2"


# --------------------------------------------------------------------------- a curse beside the thing


def test_a_curse_beside_the_gate_does_not_stop_the_category(english: Chat) -> None:
    step = restatement(english, "fucking gate is broken", place="Harbour View Tower 2")
    assert english.line(step, "Problem:") == "Problem: gate is broken (Engineering and repairs)"


# --------------------------------------------------------------------------- safe now


@pytest.mark.parametrize(
    ("locale", "danger", "safe"),
    [
        ("zh-CN", "煤气泄漏了，好大的味道", "我已经出来了"),
        ("zh-CN", "煤气泄漏了，好大的味道", "我已经出来了，煤气味还是很大"),
        ("en", "I smell gas in the kitchen", "I'm out"),
    ],
)
def test_safe_now_after_the_advice_is_acknowledged_never_the_advice_again(
    conversation_engine: ConversationEngine, locale: str, danger: str, safe: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    advised = chat.send(danger)
    assert "safety_gas" in chat.phrase_ids(advised)
    chat.wait(600)  # long enough for the advice to be due again, were the danger told again
    step = chat.send(safe)
    assert chat.phrase_ids(step)[0] == "safe_now_noted"
    assert "safety_gas" not in chat.phrase_ids(step)
    step = chat.send("13912345678")
    assert "safety_gas" not in chat.phrase_ids(step)
    assert chat.data.phone == "13912345678"
