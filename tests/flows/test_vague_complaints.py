"""A first message that names only whom the complaint is about ("你们物业到底管不管事": the property
company, no word of what went wrong) is met with "what happened?" before the phone is asked, and
the restatement says what went wrong, not the vent (seed 003: listen first, then restate)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat

VENTS = ["你们物业到底管不管事？？？", "物业太差了", "你們物業到底管唔管事啊", "管理处根本不作为"]


@pytest.mark.parametrize("vent", VENTS)
def test_a_complaint_naming_only_the_property_company_asks_what_happened(
    conversation_engine: ConversationEngine, vent: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(vent)
    assert chat.phrase_ids(step)[-1] == "ask_details"
    assert "电话" not in chat.texts(step)


def test_the_restatement_says_what_went_wrong_not_the_vent(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("你们物业到底管不管事？？？")
    step = chat.send("我家楼上天天晚上11点以后还在剁骨头 咚咚咚的 吵得孩子睡不着 说了好几次了没人管")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    chat.send("13912345678")
    step = chat.send("碧桂园凤凰城8栋2单元1502")
    problem = chat.line(step, "问题：")
    assert "剁骨头" in problem and "吵得孩子睡不着" in problem
    assert "管不管事" not in problem


@pytest.mark.parametrize("told", ["物业的电梯坏了三天了", "物业乱收停车费", "楼道灯坏了物业不管"])
def test_a_complaint_naming_the_company_and_what_went_wrong_goes_straight_on(
    conversation_engine: ConversationEngine, told: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(told)
    assert chat.phrase_ids(step)[-1] == "ask_phone"
