"""The satisfaction callback tells the customer how their case was resolved, in the words the staff
wrote when resolving it; without a summary it says only that it was resolved."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Resolved, TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def _handed_off(engine: ConversationEngine, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    told = (
        ("The street light outside building 5 is broken", "13800138000", "Sunshine Garden building 5", "yes")
        if locale == "en"
        else ("小区5号楼门口的路灯坏了一个星期了", "13800138000", "阳光花园5栋", "对")
    )
    for said in told:
        chat.send(said)
    assert chat.steps[-1].handoff is not None
    return chat


def test_the_summary_is_told_with_the_rating_question(engine: ConversationEngine) -> None:
    chat = _handed_off(engine)
    chat.send(Resolved(summary="已更换5号楼门口的路灯灯泡。"))
    step = chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert chat.phrase_ids(step) == ["satisfaction_ask_rating_summary"]
    assert "已处理完毕：已更换5号楼门口的路灯灯泡。请问您对这次处理是否满意" in chat.texts(step)
    assert [option.value for option in step.replies[0].options] == ["1", "2", "3", "4", "5"]
    assert chat.state is State.AWAIT_RATING


def test_the_summary_is_told_when_the_customer_writes_first(engine: ConversationEngine) -> None:
    chat = _handed_off(engine)
    chat.send(Resolved(summary="已安排电工检修"))
    step = chat.send("你好")
    assert "已安排电工检修" in chat.texts(step)


def test_without_a_summary_only_the_resolution_is_told(engine: ConversationEngine) -> None:
    chat = _handed_off(engine)
    chat.send(Resolved())
    step = chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert chat.phrase_ids(step) == ["satisfaction_ask_rating"]


def test_an_english_customer_hears_it_in_the_english_phrase(engine: ConversationEngine) -> None:
    chat = _handed_off(engine, locale="en")
    chat.send(Resolved(summary="The bulb was replaced on Monday."))
    step = chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert "has been handled: The bulb was replaced on Monday. How satisfied" in chat.texts(step)


def test_an_english_customer_never_hears_the_staff_s_chinese_summary(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    for said in ("the lift has been down for three days", "13800138000", "Sunshine Garden building 5", "yes"):
        chat.send(said)
    chat.send(Resolved(summary="已更换电梯控制板，电梯已恢复运行。"))
    step = chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    text = chat.texts(step)
    assert chat.phrase_ids(step) == ["satisfaction_ask_rating_summary"]
    assert not any("\u4e00" <= character <= "\u9fff" for character in text), text
    # What they reported, in their own words, with its category in English.
    assert '"the lift has been down for three days" (Engineering and repairs). How satisfied' in text
    assert chat.state is State.AWAIT_RATING


def test_a_chinese_customer_still_hears_the_staff_s_summary_as_written(engine: ConversationEngine) -> None:
    chat = _handed_off(engine)
    chat.send(Resolved(summary="Replaced the bulb."))
    step = chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert "已处理完毕：Replaced the bulb。请问" in chat.texts(step)
