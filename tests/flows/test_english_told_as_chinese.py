"""An English-speaking customer is understood as a Chinese one telling the same: a lift down, power
out, water off, bins left, a car in the way, a fee twice, the broadband down each goes to the category
the Chinese words go to; and a Chinese customer who types a place in pinyin ("wo zhu zai wangjing
xiaoqu 3 dong") is still answered in Chinese, the place said back without "wo zhu zai"."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def _restatement(engine: ConversationEngine, locale: str, *told: str) -> tuple[Chat, str]:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    for text in told:
        chat.send(text)
    assert chat.state is State.CONFIRMING, chat.texts(chat.steps[-1])
    return chat, chat.texts(chat.steps[-1])


@pytest.mark.parametrize(
    ("english", "chinese", "category"),
    [
        ("the lift has been down for three days", "电梯坏了三天了", "Engineering and repairs"),
        ("power out in the whole building since morning", "整栋楼停电了", "Engineering and repairs"),
        ("we lost power last night and it's still not back", "昨晚停电了 到现在还没来电", "Engineering and repairs"),
        ("the elevator keeps getting stuck between floors", "电梯老是坏 经常卡在两层中间", "Engineering and repairs"),
        ("the water has been cut since this morning", "从早上开始停水了", "Engineering and repairs"),
        ("no lights in the stairwell", "楼道灯不亮", "Engineering and repairs"),
        ("the lights in the corridor are out", "楼道的灯坏了", "Engineering and repairs"),
        ("the light in the hallway doesn't work", "走廊的灯不亮", "Engineering and repairs"),
        ("the bins have not been emptied for a week", "垃圾一个星期没人清理", "Property service"),
        ("cars blocking the fire lane every evening", "每天晚上都有车堵消防通道", "Property service"),
        ("the people upstairs are stomping all night", "楼上半夜跺脚 吵得睡不着", "Property service"),
        ("the gas bill is too high this month", "这个月燃气费太贵了", "Billing and charges"),
        ("nobody answers the phone at the management office", "管理处电话一直没人接 不接电话", "Service attitude"),
    ],
)
def test_an_english_complaint_goes_where_the_chinese_one_goes(
    engine: ConversationEngine, english: str, chinese: str, category: str
) -> None:
    chat, told = _restatement(engine, "en", english, "13800138000", "Sunny Garden block 3")
    assert f"({category})" in told
    zh, _ = _restatement(engine, "zh-CN", chinese, "13800138000", "阳光花园3栋")
    chat.send("yes")
    zh.send("对")
    assert _filed_under(chat) == _filed_under(zh)


def _filed_under(chat: Chat) -> str:
    """The category the case was filed under once confirmed."""
    [category] = [a.detail["category"] for step in chat.steps for a in step.audit if a.kind is TimelineKind.CLASSIFIED]
    return str(category)


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("wo zhu zai wangjing xiaoqu 3 dong", "wangjing xiaoqu 3 dong"),
        ("yangguang huayuan 5 dong", "yangguang huayuan 5 dong"),
        ("wo jia zai fangzhuang xiaoqu 3 dong 2 danyuan", "fangzhuang xiaoqu 3 dong 2 danyuan"),
    ],
)
def test_a_place_in_pinyin_keeps_a_chinese_conversation_chinese(
    engine: ConversationEngine, typed: str, place: str
) -> None:
    chat, told = _restatement(engine, "zh-CN", "电梯坏了三天了", "13800138000", typed)
    assert chat.locale == "zh-CN"
    assert not any(a.kind is TimelineKind.LOCALE_SWITCHED for step in chat.steps for a in step.audit)
    assert "问题：电梯坏了三天了（工程维修）" in told
    assert f"地点：{place}\n" in told


def test_english_told_after_chinese_still_turns_the_conversation_english(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("电梯坏了三天了")
    step = chat.send("sorry my chinese is not good, can you reply in english")
    assert step.locale == "en"
