"""A manager told of misconduct ("你们物业经理收了装修队的黑钱 放他们违规砸承重墙") goes to the duty
supervisor, as a complaint about a manager does, whether or not the customer says 投诉; a load-bearing
wall knocked out is graded complex, though no danger now (no safety advice)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    "told",
    [
        "你们物业经理收了装修队的黑钱 放他们违规砸承重墙",
        "项目经理吃回扣 外墙用的都是便宜料",
        "你們管理處主任收咗錢 放啲人亂停車",
        "保安队长收了好处费 让外面的车随便进",
        "the property manager took bribes from the renovation company",
    ],
)
def test_a_manager_told_of_misconduct_goes_to_the_duty_supervisor(
    conversation_engine: ConversationEngine, told: str
) -> None:
    chat = Chat(conversation_engine, locale="en" if told.isascii() else "zh-CN")
    chat.send(Started())
    step = chat.send(told)
    assert step.handoff is not None and step.handoff.queue == "supervisor"


def test_a_load_bearing_wall_knocked_out_is_complex_and_no_danger(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("楼上装修砸承重墙 物业也不管")
    assert step.handoff is None and "119" not in chat.texts(step)
    chat.send("13812340053")
    chat.send("万科星园")
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.grade == "complex"


@pytest.mark.parametrize("told", ["经理说红包已经发了 但我没收到", "负责人说明天来修 到现在没来"])
def test_a_manager_named_without_misconduct_stays_with_the_general_queue(
    conversation_engine: ConversationEngine, told: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(told)
    assert step.handoff is None
