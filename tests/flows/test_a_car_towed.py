"""A car towed or clamped by the estate ("物业把我家的车拖走了！！！我就停了十分钟") is what went wrong, not only
whom it is about: never asked what happened, and what is told after it ("车里还有我孩子的药") is said back."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    "told",
    [
        "物业把我家的车拖走了！！！我就停了十分钟",
        "保安把我车锁了！！",
        "物業把我的車拖走了！！！",
        "the estate towed my car!!!",
    ],
)
def test_a_towed_car_is_taken_down_at_once(conversation_engine: ConversationEngine, told: str) -> None:
    chat = Chat(conversation_engine, locale="en" if told.isascii() else "zh-CN")
    chat.send(Started())
    step = chat.send(told)
    assert "ask_details" not in chat.phrase_ids(step)


def test_what_is_told_after_the_tow_is_said_back(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("物业把我家的车拖走了！！！我就停了十分钟")
    chat.send("车里还有我孩子的药")
    chat.send("13912345678")
    step = chat.send("星河湾 南门")
    problem = chat.line(step, "问题：")
    assert "拖走" in problem and "车里还有我孩子的药" in problem
