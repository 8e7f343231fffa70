"""Danger now told in the words players used ("我孩子被锁在车里了", "HELP the lift stopped between floors and my
dad is inside", "有人困咗喺𨋢入面 救命", "电梯关人了 快来", "邻居说要杀了我") is answered first with the advice for that
danger and goes to the duty supervisor at once; a child at a window hears the child's advice, a child locked in a car
the car's; the place told with the danger again is read; a short English question in a Chinese emergency keeps the
conversation Chinese."""

from __future__ import annotations

import pytest

from bot.config import Signal
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CustomerView, State
from bot.understanding.understander import Understander
from tests.flows.chat import Chat

DANGERS = [
    ("我孩子被锁在车里了！！！地下车库B2 车窗关着 好热", "safety_child_car"),
    ("孩子还在车里 快来人啊 地下车库B2", "safety_child_car"),
    ("我家孩子被锁在车里了…怎么办啊", "safety_child_car"),
    ("宝宝被反锁在车里了 怎么办", "safety_child_car"),
    ("HELP the lift stopped between floors and my dad is inside", "safety_lift"),
    ("有人困咗喺𨋢入面 救命", "safety_lift"),
    ("部𨋢卡住咗 我阿爸喺入面", "safety_lift"),
    ("电梯关人了 快来", "safety_lift"),
    ("邻居说要杀了我", "safety_violence"),
    ("小孩爬到窗户外面了 在12楼 怎么办", "safety_child"),
]


@pytest.mark.parametrize(("message", "advice"), DANGERS)
def test_danger_told_so_hears_its_own_advice_and_goes_to_the_duty_supervisor(
    conversation_engine: ConversationEngine, message: str, advice: str
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[:2] == [advice, "urgent_handoff"], chat.texts(step)
    assert chat.state is State.HANDED_OFF
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.priority, step.handoff.reason) == ("supervisor", 0, "danger")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("HELP the lift stopped between floors and my dad is inside", "engineering_repair"),
        ("有人困咗喺𨋢入面 救命", "engineering_repair"),
        ("部𨋢卡住咗 我阿爸喺入面", "engineering_repair"),
        ("电梯关人了 快来", "engineering_repair"),
    ],
)
def test_someone_shut_in_a_lift_is_a_lift_repair_and_danger(
    understander: Understander, text: str, category: str
) -> None:
    understood = understander.understand(text)
    assert understood.category == category
    assert Signal.DANGER in understood.signals


@pytest.mark.parametrize("text", ["孩子在车里睡着了 我去拿快递", "电梯卡在12楼了", "邻居说要投诉我"])
def test_the_same_things_without_danger_are_no_emergency(understander: Understander, text: str) -> None:
    assert Signal.DANGER not in understander.understand(text).signals


@pytest.mark.parametrize("place", ["地下车库B2", "阳光花园地下车库B2"])
def test_the_place_told_with_the_danger_again_is_said_back(conversation_engine: ConversationEngine, place: str) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    chat.send("我孩子被锁在车里了！！！车窗关着 好热")
    step = chat.send(f"孩子还在车里 快来人啊 {place}")
    assert chat.line(step, "地点：") == f"地点：{place}"


def test_a_short_english_question_in_a_chinese_emergency_keeps_it_chinese(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    chat.send("我孩子被锁在车里了！！！车窗关着 好热")
    step = chat.send("what should i do")
    assert chat.phrase_ids(step)[0] == "safety_child_car"
    assert chat.locale == "zh-CN"
    assert step.replies[0].text.startswith("请马上确保孩子的安全")
    restated = chat.send("阳光花园3栋")
    assert chat.line(restated, "地点：") == "地点：阳光花园3栋"


@pytest.mark.parametrize(
    "words", ["can you speak english", "The street light outside my building has been broken for a week"]
)
def test_english_asked_for_or_told_at_length_still_switches(
    conversation_engine: ConversationEngine, words: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("小区电梯坏了三天了")
    chat.send(words)
    assert chat.locale == "en"
