"""Danger told in a burst of short messages ("电梯" / "又坏了" / "3号楼" / "里面困了人！！") is danger as if
told in one: the safety advice, the duty supervisor at once, a reply within the hour. What the customer
adds then ("我老公在里面") is more of the emergency, never a refused phone nor a part of the place."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import SHANGHAI, Chat

TUESDAY_2AM = dt.datetime(2026, 11, 24, 2, 0, tzinfo=SHANGHAI)
"""Hours before the service opens: a business-hours promise would be late the next morning."""


def test_someone_trapped_told_after_the_lift_is_danger_and_who_is_inside_goes_on_the_case(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for message in ("电梯", "又坏了", "3号楼"):
        chat.send(message)
    step = chat.send("里面困了人！！")
    assert chat.phrase_ids(step) == ["safety_lift", "urgent_ask_phone"]
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.priority, step.handoff.reason) == ("supervisor", 0, "danger")
    step = chat.send("我老公在里面")
    # More of the emergency: recorded, the phone asked once more; no "不留电话也可以", no place.
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.data.area == "3号楼" and not chat.data.contact_by_channel
    step = chat.send("13512340000")
    texts = chat.texts(step)
    assert "地点：3号楼" in texts and "我老公在里面" in chat.line(step, "问题：")
    assert "1小时内（今天下午3点前）" in texts and "promise_urgent" in chat.phrase_ids(step)


@pytest.mark.parametrize(
    ("messages", "locale"),
    [
        (("电梯", "有人被困"), "zh-CN"),
        (("电梯停在两楼之间不动了", "我妈关在里面"), "zh-CN"),
        (("𨋢又壞咗", "入面困咗人"), "zh-CN"),
        (("the lift is broken again", "someone is stuck inside"), "en"),
    ],
)
def test_being_shut_in_told_after_the_lift_is_danger_in_any_language(
    conversation_engine: ConversationEngine, messages: tuple[str, str], locale: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    chat.send(messages[0])
    step = chat.send(messages[1])
    assert chat.phrase_ids(step)[0] == "safety_lift"
    assert chat.state is State.HANDED_OFF and step.handoff is not None and step.handoff.priority == 0


@pytest.mark.parametrize(
    "messages",
    [
        ("电梯坏了", "被这个问题困扰很久了"),
        ("电梯坏了", "上周就困过人"),
        ("电梯又坏了", "还好没困人"),
        ("燃气费又涨了", "这个月多收了"),
    ],
)
def test_a_lift_told_before_words_of_a_worry_or_the_past_is_no_danger(
    conversation_engine: ConversationEngine, messages: tuple[str, str]
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for message in messages:
        step = chat.send(message)
        assert "urgent_ask_phone" not in chat.phrase_ids(step) and step.handoff is None
    assert "danger" not in {signal.value for signal in chat.data.signals}


def test_who_is_inside_is_never_taken_for_the_place(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("楼道灯坏了")
    chat.send("3号楼")
    step = chat.send("我老公在里面")
    assert chat.data.area == "3号楼"
    assert "我老公在里面" not in chat.texts(step)


def test_locked_out_at_night_and_waiting_outside_is_urgent_not_tomorrows_office_hours(
    conversation_engine: ConversationEngine,
) -> None:
    """紧急优先 (seed 002): someone shut out of home at 2 am hears where to wait safely, and the duty
    supervisor answers within the hour, not "明天上午11点半"."""
    chat = Chat(conversation_engine, now=TUESDAY_2AM)
    chat.send(Started())
    step = chat.send("门禁卡刷不开 进不去家")
    assert step.handoff is None  # a lockout alone is a repair, asked for the phone as ever
    step = chat.send("已经在门口站了半小时了")
    assert chat.phrase_ids(step) == ["safety_locked_out", "urgent_ask_phone"]
    assert "110" in step.replies[0].text
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)
    chat.send("13512340000")
    step = chat.send("锦绣华庭5号楼")
    texts = chat.texts(step)
    assert "1小时内（今天凌晨3点前）" in texts and "明天" not in texts


def test_locked_out_told_in_one_message_in_english_is_urgent_too(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en", now=TUESDAY_2AM)
    chat.send(Started())
    step = chat.send("my access card stopped working, I'm locked out and standing outside")
    assert chat.phrase_ids(step)[0] == "safety_locked_out"
    assert step.handoff is not None and step.handoff.priority == 0
