"""On the duty supervisor's paths (a threat of a regulator or of a knife, a demand for compensation) the
restatement is still checked with the customer, and a demand beyond the bot's authority ("要赔") is
promised the duty supervisor's time (``deadlines.yaml`` ``appeal``), never the general queue's 12 hours."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    "messages",
    [
        ["暖气漏水漏了一个礼拜 找了你们四次了", "再不修我就拿刀去你们物业办公室", "13944443333", "东湖小区2栋"],
        ["你们这个破物业 电梯坏了三天 我要去12345投诉", "13944443333", "东湖小区2栋"],
        ["保洁阿姨把我放门口的鞋柜扔了！！", "那是实木的 一千多买的", "要赔", "13633334444", "香榭里花园7栋2单元"],
    ],
)
def test_the_restatement_asks_whether_it_is_right(conversation_engine: ConversationEngine, messages: list[str]) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for message in messages:
        step = chat.send(message)
    assert "我跟您确认一下" in chat.texts(step)
    assert chat.phrase_ids(step)[-1] == "restated_check"
    step = chat.send("电话错了 是13944443334")
    assert "13944443334" in chat.texts(step)


@pytest.mark.parametrize("demand", ["要赔", "这个你们得赔", "我要求赔偿"])
def test_a_demand_for_compensation_is_promised_the_supervisors_time(
    conversation_engine: ConversationEngine, demand: str
) -> None:
    chat = Chat(conversation_engine)  # Monday 2 pm: the appeal's 2 service hours are 4 pm
    chat.send(Started())
    chat.send("保洁阿姨把我放门口的鞋柜扔了！！")
    step = chat.send(demand)
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    assert step.complaint is not None and step.complaint.promised_hours <= 2
    chat.send("13633334444")
    step = chat.send("香榭里花园7栋2单元")
    assert "今天下午4点前" in chat.texts(step)
