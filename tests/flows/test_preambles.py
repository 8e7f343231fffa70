"""The customer who takes their time (tester report h5, N5): a preamble ("你好 我是老人家 不太会打字")
is not answered with silence for the problem told after it; a number not remembered is no phone
to give; a number read beside "我没有手机" is kept."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import CustomerSaid, Started
from bot.understanding.understander import Understander
from tests.flows.chat import Chat


def test_the_problem_after_a_preamble_is_answered_not_met_with_silence(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("你好 我是老人家 不太会打字")
    step = chat.send("我家水龙头漏水 儿子不在家")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone_again"]


@pytest.mark.parametrize("answer", ["电话不记得了", "号码忘了", "I can't remember my number"])
def test_a_phone_not_remembered_is_no_phone_to_give(conversation_engine: ConversationEngine, answer: str) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我家水龙头漏水")
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["phone_not_needed", "ask_area"]
    assert chat.data.description == ["我家水龙头漏水"]


def test_a_landline_read_beside_no_mobile_is_kept(
    conversation_engine: ConversationEngine, understander: Understander
) -> None:
    """ "我没有手机 有座机 八七六五四三二一": whatever number the phone reader reads in it is the
    contact; the words saying there is no mobile do not drop it."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我们楼的电梯停了 我上不去楼")
    text = "我没有手机 有座机 八七六五四三二一"
    read = understander.understand(text, "zh-CN")
    landline = dataclasses.replace(read, slots=dataclasses.replace(read.slots, phone="87654321"))
    step = chat.send(CustomerSaid(text, understood=landline))
    assert "phone_not_needed" not in chat.phrase_ids(step)
    assert chat.data.phone == "87654321" and not chat.data.contact_by_channel
