"""A life-support machine at home without power (制氧机, 呼吸机, 透析机), told in one message or over several
("停电了" / "我妈八十多了在用制氧机的"), in any script or English: danger now, with its own advice (backup
oxygen or power, 120 if breathing is hard), the duty supervisor at once and a reply within the hour. A
power cut or a machine named beside something else is an ordinary complaint."""

from __future__ import annotations

import pytest

from bot.config import Signal
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from bot.understanding.understander import Understander
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    ("messages", "locale"),
    [
        (("停电了", "我妈八十多了在用制氧机的"), "zh-CN"),
        (("停電呀", "我老豆用緊氧氣機"), "zh-TW"),
        (("家里停电了", "13912345678", "我爸是透析病人 晚上要在家做腹透 机器用不了"), "zh-CN"),
        (("停电了", "13912345678", "我妈用着制氧机呢"), "zh-CN"),
        (("我妈在用制氧机", "停电了"), "zh-CN"),
        (("我想问一下", "家里老人用呼吸机", "刚刚整栋楼都没电了"), "zh-CN"),
        (("the power just went out", "my dad is on an oxygen concentrator"), "en"),
        (("my mum uses a ventilator at home", "we have no electricity"), "en"),
    ],
)
def test_a_machine_keeping_someone_alive_without_power_told_over_messages_is_danger(
    conversation_engine: ConversationEngine, messages: tuple[str, ...], locale: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    for message in messages[:-1]:
        step = chat.send(message)
        assert step.handoff is None
    step = chat.send(messages[-1])
    assert chat.phrase_ids(step)[0] == "safety_life_support"
    assert "120" in step.replies[0].text
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.priority, step.handoff.reason) == ("supervisor", 0, "danger")


@pytest.mark.parametrize(
    "message",
    [
        "停电了 我妈在用制氧机 现在机器停了",
        "我们小区已经停电8个小时了 家里还有个瘫痪的老人 呼吸机用不了",
        "停電呀 我老豆用緊氧氣機 點算好",
    ],
)
def test_told_in_one_message_it_hears_the_life_support_advice_not_the_general_one(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(message)
    advice = step.replies[0]
    assert advice.phrase_id == "safety_life_support"
    assert "120" in advice.text and any(word in advice.text for word in ("备用氧气", "備用氧氣"))
    assert chat.state is State.HANDED_OFF


def test_asked_what_to_do_after_it_hears_the_advice_again_and_the_case_says_what_the_machine_is(
    conversation_engine: ConversationEngine,
) -> None:
    """The player's conversation: the advice at the second message, not the phone asked three times;
    the restatement tells the supervisor of the oxygen machine, and the reply is within the hour."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    assert chat.phrase_ids(chat.send("停电了")) == ["description_recorded", "ask_phone"]
    step = chat.send("我妈八十多了在用制氧机的")
    assert chat.phrase_ids(step) == ["safety_life_support", "urgent_ask_phone"]
    step = chat.send("现在怎么办啊 机器停了")
    assert chat.phrase_ids(step)[0] == "safety_life_support"
    assert "ask_phone_again" not in chat.phrase_ids(step)
    assert "制氧机" in chat.line(step, "问题：")
    assert "1小时内" in chat.texts(step)
    chat.send("幸福里小区7栋302")
    chat.send("18611112222")
    assert chat.data.phone == "18611112222" and chat.data.area is not None and "幸福里小区" in chat.data.area


@pytest.mark.parametrize(
    "messages",
    [
        ("停电了", "冰箱里的东西都坏了"),
        ("停电了", "我妈上个月买了个制氧机 说明书找不到了"),
        ("制氧机的电费太贵了",),
        ("上个月停电呼吸机用不了 物业也不管",),
        ("我妈用制氧机", "电梯停了 下不了楼"),
    ],
)
def test_a_power_cut_or_a_machine_named_beside_something_else_is_no_danger(
    conversation_engine: ConversationEngine, messages: tuple[str, ...]
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for message in messages:
        step = chat.send(message)
        assert step.handoff is None and "safety_life_support" not in chat.phrase_ids(step)
    assert Signal.DANGER not in chat.data.signals


def test_a_machine_named_where_nothing_is_wrong_keeps_its_category(understander: Understander) -> None:
    assert understander.understand("制氧机的电费太贵了", "zh-CN").category == "billing"
