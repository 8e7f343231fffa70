"""A home flooding now, told in any words ("天花板一直在往下灌水 整个客厅都淹了", "水管好像爆了",
"there's water pouring through my ceiling!!!"), is danger: the water advice, the duty supervisor and a reply
within the hour, not a promise for the day after tomorrow; water then reaching the sockets hears the
electrics' advice. A dripping tap or a slow leak is a repair, never 119."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.config import Signal
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, State
from bot.understanding.understander import Understander
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    ("message", "locale"),
    [
        ("天花板一直在往下灌水 整个客厅都淹了", "zh-CN"),
        ("我在外地出差 邻居打电话说我家水管好像爆了 楼道里都是水", "zh-CN"),
        ("水管可能爆了", "zh-CN"),
        ("客厅都淹了", "zh-CN"),
        ("楼上漏水 像下雨一样", "zh-CN"),
        ("水管好像爆了，客廳都淹了", "zh-TW"),
        ("樓上爆水喉 成個客廳浸晒", "zh-TW"),
        ("there's water pouring through my ceiling!!! what do i do", "en"),
        ("a pipe burst in the kitchen", "en"),
        ("my bedroom is under water", "en"),
    ],
)
def test_a_home_flooding_now_in_any_words_hears_the_water_advice_and_the_supervisor(
    conversation_engine: ConversationEngine, message: str, locale: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[:2] == ["safety_water", "urgent_ask_phone"]
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.priority, step.handoff.reason) == ("supervisor", 0, "danger")
    assert step.complaint is not None and step.complaint.category == "engineering_repair"


@pytest.mark.parametrize(
    ("message", "locale"),
    [
        ("厨房水龙头关不紧 水还在流 滴滴答答的", "zh-CN"),
        ("卫生间水龙头一直滴水", "zh-CN"),
        ("楼上漏水 天花板有水渍", "zh-CN"),
        ("水管有点渗水", "zh-CN"),
        ("天太冷了 水管可能会爆", "zh-CN"),
        ("上个月水管爆了 墙还是湿的", "zh-CN"),
        ("廚房水龍頭關唔緊 一直滴水", "zh-TW"),
        ("the kitchen tap won't turn off, water is still running", "en"),
        ("water dripping from upstairs aircon onto my window", "en"),
    ],
)
def test_a_dripping_tap_or_a_slow_leak_is_a_repair_never_an_emergency(
    conversation_engine: ConversationEngine, message: str, locale: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    step = chat.send(message)
    assert step.handoff is None and chat.state is State.AWAIT_PHONE
    assert not any(phrase and phrase.startswith("safety") for phrase in chat.phrase_ids(step))
    assert "119" not in chat.texts(step)


def test_a_flood_said_in_english_hears_the_advice_and_water_near_the_sockets_the_electrics_advice(
    conversation_engine: ConversationEngine,
) -> None:
    """The player's conversation: the question gets the advice at once, and the second line an answer
    that fits it (keep away from the sockets), not silence."""
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    step = chat.send("there's water pouring through my ceiling!!! what do i do")
    assert chat.phrase_ids(step) == ["safety_water", "urgent_ask_phone"]
    step = chat.send("it's all over the floor near the sockets")
    assert chat.phrase_ids(step)[0] == "safety_electric"
    assert "sockets" in step.replies[0].text
    step = chat.send("6234 5678")
    assert chat.data.phone is not None and "urgent_ask_place" in chat.phrase_ids(step)


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("天花板一直在往下灌水 整个客厅都淹了", "水已经漫到插座旁边了"),
        ("家里被淹了", "电箱那边也有水"),
    ],
)
def test_water_then_the_electrics_hears_the_electrics_advice_in_chinese_too(
    conversation_engine: ConversationEngine, first: str, then: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    assert chat.phrase_ids(chat.send(first))[0] == "safety_water"
    assert chat.phrase_ids(chat.send(then))[0] == "safety_electric"


def test_after_the_flood_is_handed_off_when_they_come_is_answered_with_the_time(
    conversation_engine: ConversationEngine,
) -> None:
    """The player's conversation, with the flood now an emergency: "几点来啊 水还在往下流" asks when
    someone comes, told with the time promised, not "您的留言已转给客服代表"."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("水！！！")
    step = chat.send("天花板一直在往下灌水 整个客厅都淹了")
    assert chat.phrase_ids(step)[0] == "safety_water"
    chat.send("13900001111")
    step = chat.send("幸福家园三栋二单元1201")
    assert "promise_urgent" in chat.phrase_ids(step) and "1小时内" in chat.texts(step)
    assert step.complaint is not None or chat.data.case_number is not None
    # Storage loads the case as handed off, with the hour's deadline.
    deadline = chat.now + dt.timedelta(hours=1)
    loaded = CaseStatus(CaseStage.WAITING, case_number=chat.data.case_number, deadline_at=deadline)
    chat.customer = dataclasses.replace(chat.customer, this_case=loaded)
    for question in ("几点来啊 水还在往下流", "你们什么时候来 水还在流"):
        step = chat.send(question)
        assert "status_answer" in chat.phrase_ids(step)
        assert "下午3点前" in chat.texts(step)
        assert "handoff_ack" not in chat.phrase_ids(step)


def test_a_slow_leak_handed_off_is_asked_when_they_come_and_answered_too(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("楼上漏水 13900001111 幸福家园3栋1201")
    chat.send("对")
    assert chat.state is State.HANDED_OFF
    step = chat.send("几点来啊 水还在往下流")
    assert "status_answer" in chat.phrase_ids(step)
    assert Signal.DANGER not in chat.data.signals


@pytest.mark.parametrize(
    "text",
    ["水管可能爆了", "客厅都淹了", "被淹了", "我家房间都是水", "樓上爆水喉 成個客廳浸晒", "my bedroom is under water"],
)
def test_a_flood_is_a_repair_for_engineering(understander: Understander, text: str) -> None:
    understood = understander.understand(text, "zh-CN")
    assert understood.category == "engineering_repair"
