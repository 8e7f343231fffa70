"""Praise said in sarcasm ("呵呵 你们真是太棒了", "你们效率真高啊 三天了都没人来") is neither thanked nor said
back: it is dissatisfaction, after the hand-off with the case's wait (an apology and where it stands); and
the words that only open or close the telling ("我想投诉一下", "我又回来了", "怎么办", "so annoying") are
not said back in the restatement (found by a player)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import Intent, Signal
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from bot.understanding.understander import Understander
from tests.flows.chat import MONDAY_2PM, Chat, restatement

PRAISING = ("praise_thanks", "customer_thanked")


def handed_off(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for message in ("电梯坏了", "13800138000", "阳光花园3栋2单元", "对"):
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    status = CaseStatus(CaseStage.WAITING, chat.data.case_number, MONDAY_2PM + dt.timedelta(hours=12))
    chat.customer = CustomerView(this_case=status)
    chat.wait(10)
    return chat


@pytest.mark.parametrize("sarcasm", ["呵呵 你们真是太棒了", "谢谢你们啊 效率真高", "你们效率真高啊 三天了都没人来"])
def test_sarcasm_after_the_hand_off_hears_an_apology_for_the_wait_not_thanks(
    conversation_engine: ConversationEngine, sarcasm: str
) -> None:
    chat = handed_off(conversation_engine)
    step = chat.send(sarcasm)
    said = chat.phrase_ids(step)
    assert not set(said) & set(PRAISING), said
    assert said == ["status_apology", "status_answer"]
    assert chat.data.case_number is not None and chat.data.case_number in chat.texts(step)
    assert Signal.EMOTIONAL.value in chat.data.signals


@pytest.mark.parametrize(
    ("message", "phrase"),
    [("谢谢你们", "customer_thanked"), ("谢谢你们啊", "customer_thanked"), ("师傅修得真好 太棒了", "praise_thanks")],
)
def test_praise_and_thanks_meant_are_still_answered(
    conversation_engine: ConversationEngine, message: str, phrase: str
) -> None:
    chat = handed_off(conversation_engine)
    assert chat.phrase_ids(chat.send(message)) == [phrase]


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("呵呵 你们真是太棒了", False),
        ("谢谢你们啊 效率真高", False),
        ("物业真是太负责了 电梯坏了三天了", False),
        ("呵呵 謝謝你們 效率真高", False),
        ("三天了终于修好了 谢谢师傅", True),
        ("漏水三天了,请尽快处理,谢谢", True),
        ("谢谢 又麻烦你们了", True),
        ("表扬一下3号窗口的营业员，办事又快又仔细", True),
    ],
)
def test_sarcasm_is_read_as_dissatisfaction(understander: Understander, text: str, meant: bool) -> None:
    understood = understander.understand(text)
    assert bool(understood.intents & {Intent.PRAISE, Intent.THANKS}) is meant
    assert understood.sarcastic is not meant
    assert (Signal.EMOTIONAL in understood.signals) is not meant


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("物业真是太负责了 电梯坏了三天了", "电梯坏了三天了"),
        ("呵呵 你们效率真高 电梯坏了三天了", "电梯坏了三天了"),
        ("停水三天了 效率真高", "停水三天了"),
    ],
)
def test_sarcastic_praise_is_not_said_back(
    conversation_engine: ConversationEngine, description: str, problem: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = restatement(chat, description)
    assert chat.line(step, "问题：").startswith(f"问题：{problem}（")
    assert chat.line(step, "地点：") == "地点：阳光花园3栋"


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("我想投诉一下我们小区的路灯坏了", "我们小区的路灯坏了"),
        ("电梯坏了 怎么办", "电梯坏了"),
        ("电梯坏了 但是还有 楼道灯也不亮", "电梯坏了 楼道灯也不亮"),
        ("我又回来了 电梯又坏了", "电梯又坏了"),
        ("也停水了", "停水了"),
        ("也就是说电梯坏了", "也就是说电梯坏了"),
    ],
)
def test_words_only_opening_or_closing_the_telling_are_not_said_back(
    conversation_engine: ConversationEngine, description: str, problem: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = restatement(chat, description)
    assert chat.line(step, "问题：").startswith(f"问题：{problem}（")


@pytest.mark.parametrize(
    "description", ["the lift is broken so annoying", "so annoying the lift is broken", "also the lift is broken"]
)
def test_english_asides_are_not_said_back(conversation_engine: ConversationEngine, description: str) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    step = chat.send(description)
    for message in ("13800138000", "Block 2, Taikoo Shing"):
        if chat.state is State.CONFIRMING:
            break
        step = chat.send(message)
    assert chat.line(step, "Problem:").startswith("Problem: the lift is broken (")
