"""Simplified or traditional characters follow what the customer writes in their own words, not a
place they paste: a mainland customer naming a Hong Kong estate is answered in simplified
characters, a Hong Kong customer naming a mainland address in traditional ones, and one stray
character of the other script does not turn the conversation over."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat

SIMPLIFIED_RECORDED = "您反映的情况，我已记录下来"
TRADITIONAL_RECORDED = "您反映的情況，我已記錄下來"
SIMPLIFIED_RESTATED = "我跟您确认一下"
TRADITIONAL_RESTATED = "我跟您確認一下"
SIMPLIFIED_ASK_AREA = "请问您反映的问题发生在哪个小区"
TRADITIONAL_ASK_AREA = "請問您反映的問題發生在哪個小區"


def talk(engine: ConversationEngine, messages: list[str]) -> tuple[Chat, str]:
    """A new web chat conversation told ``messages``: the chat, and what the bot said last."""
    chat = Chat(engine)
    chat.send(Started())
    for message in messages:
        step = chat.send(message)
    return chat, chat.texts(step)


@pytest.mark.parametrize(
    ("messages", "said", "place"),
    [
        (["楼上漏水好几天了", "13912345678", "太古城金星閣15樓B室"], SIMPLIFIED_RESTATED, "太古城金星閣15樓B室"),
        (["楼上漏水", "13912345678", "美孚新邨 5期 百老匯街 12號 8樓A室"], SIMPLIFIED_RESTATED, None),
        (["楼上漏水", "13912345678", "我住在美孚新邨5期百老匯街12號8樓A室"], SIMPLIFIED_RESTATED, None),
        (["我朋友住在太古城金星閣 帮他投诉 楼上漏水"], SIMPLIFIED_RECORDED, None),
        (["我朋友住太古城金星閣15樓B室 帮他投诉 楼上漏水"], SIMPLIFIED_RECORDED, None),
        (["我想投诉", "沙田第一城12座 12樓 楼上漏水"], SIMPLIFIED_RECORDED, None),
    ],
)
def test_a_mainland_customer_naming_a_hong_kong_place_is_answered_in_simplified(
    conversation_engine: ConversationEngine, messages: list[str], said: str, place: str | None
) -> None:
    _, last = talk(conversation_engine, messages)
    assert said in last
    if place is not None:
        assert f"地点：{place}" in last  # the place as they pasted it, the rest in their script


@pytest.mark.parametrize(
    "place",
    ["深圳市南山区粤海街道科技园", "我住喺深圳市南山区科技园", "阳光花园3栋"],
)
def test_a_hong_kong_customer_naming_a_mainland_place_stays_in_traditional(
    conversation_engine: ConversationEngine, place: str
) -> None:
    _, last = talk(conversation_engine, ["樓上漏水好幾天了", "91234567", place])
    assert TRADITIONAL_RESTATED in last and "問題：樓上漏水好幾天了" in last


@pytest.mark.parametrize(
    ("messages", "said"),
    [
        (["我想投诉", "樓上漏水好幾天了"], TRADITIONAL_RECORDED),
        (["太古城金星閣15樓B室", "樓上漏水好幾天了"], TRADITIONAL_RECORDED),
        # Before anything else is said, a place in traditional characters is all there is to go by.
        (["太古城金星閣15樓B室"], TRADITIONAL_RECORDED),
        (["楼上漏水", "13912345678", "我屋企喺太古城金星閣 你哋快啲派人嚟睇下"], "請您告訴我具體的小區名稱或地址"),
    ],
)
def test_a_customer_writing_traditional_is_answered_in_traditional(
    conversation_engine: ConversationEngine, messages: list[str], said: str
) -> None:
    _, last = talk(conversation_engine, messages)
    assert said in last


def test_one_character_of_the_other_script_by_habit_turns_nothing_over(conversation_engine: ConversationEngine) -> None:
    _, last = talk(
        conversation_engine,
        ["小区的电梯已经坏了一个星期了,物业说在等配件,到现在也没有人來修,老人上下楼很不方便", "13912345678"],
    )
    assert SIMPLIFIED_ASK_AREA in last
    _, last = talk(conversation_engine, ["樓上漏水已經好幾天了", "91234567", "管理处話會派人嚟睇 但係到而家都未有人嚟"])
    assert TRADITIONAL_ASK_AREA in last
