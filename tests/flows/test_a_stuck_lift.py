"""A lift stuck between floors is a repair, whatever words tell it ("电梯老是卡在两层中间", "电梯卡住了",
"電梯卡喺兩層中間"), and promised a repair's category, never filed as a property complaint; a lift card
("门禁卡在物业办") is no stuck lift. Lights out in a corridor are a repair in English as in Chinese ("the
lights in the corridor are out", "楼道的灯坏了"); a flower pot fallen on a car is the estate's, a long-distance
fee and a receipt refused are billing."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from bot.understanding.understander import Understander
from tests.flows.chat import Chat

_REPAIR = {"zh-CN": "（工程维修）", "zh-TW": "（工程維修）", "en": "(Engineering and repairs)"}
_PLACE = {"zh-CN": "阳光花园3栋", "zh-TW": "太古城金星閣15樓B室"}
_PROBLEM = {"zh-CN": "问题：", "zh-TW": "問題：", "en": "Problem: "}


@pytest.mark.parametrize(
    ("locale", "problem"),
    [
        ("zh-CN", "电梯老是卡在两层中间"),
        ("zh-CN", "电梯卡住了"),
        ("zh-CN", "电梯又卡了"),
        ("zh-CN", "电梯卡在8楼不动"),
        ("zh-TW", "電梯卡喺兩層中間"),
    ],
)
def test_a_stuck_lift_is_restated_as_a_repair(
    conversation_engine: ConversationEngine, locale: str, problem: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    step = chat.send(problem)
    for answer in ("13800138000", _PLACE[locale]):
        if chat.state is State.CONFIRMING:
            break
        step = chat.send(answer)
    assert chat.state is State.CONFIRMING, chat.texts(step)
    assert chat.line(step, _PROBLEM[locale]).endswith(_REPAIR[locale])


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("电梯老是卡在两层中间", "engineering_repair"),
        ("电梯卡住了", "engineering_repair"),
        ("電梯卡喺兩層中間", "engineering_repair"),
        ("电梯困人", "engineering_repair"),
        ("被困电梯里", "engineering_repair"),
        ("the lights in the corridor are out", "engineering_repair"),
        ("门禁卡在物业办", "property_service"),
        ("the corridor is dirty", "property_service"),
        ("花盆把车砸了", "property_service"),
        ("我打广州本地的号码却出现了长途费", "billing"),
        ("The manager at your store refused to give me a receipt for the repair fee", "billing"),
    ],
)
def test_the_category_read(understander: Understander, text: str, category: str) -> None:
    assert understander.understand(text).category == category
