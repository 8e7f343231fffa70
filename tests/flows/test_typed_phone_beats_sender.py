"""A phone typed in the message is the case's contact phone, even over an SMS sender's number;
a second number beside it is the one to try too, and "打不通" there is about reaching the
customer: neither a network fault nor part of the problem."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CustomerView, State
from tests.flows.chat import Chat

MESSAGE = "电话13999998888 打不通就打我老婆的13977776666 停水了 碧桂园凤凰城"


@pytest.mark.parametrize(
    "customer",
    [CustomerView(), CustomerView(phone="13811110004", phone_vouched=True)],
    ids=["web chat", "sms"],
)
def test_the_typed_phone_is_the_contact_and_the_problem_is_the_water(
    conversation_engine: ConversationEngine, customer: CustomerView
) -> None:
    chat = Chat(conversation_engine, customer=customer)
    chat.send(Started())
    step = chat.send(MESSAGE)
    assert chat.state is State.CONFIRMING
    said = chat.texts(step)
    assert chat.line(step, "问题：") == "问题：停水了（工程维修）"
    assert chat.line(step, "电话：").startswith("电话：139")
    assert "13977776666" in chat.line(step, "电话：") and "0004" not in said
    assert "地点：碧桂园凤凰城" in said
    step = chat.send("对")
    complaint = step.complaint
    assert complaint is not None
    assert (complaint.contact_phone, complaint.alternative_phone) == ("13999998888", "13977776666")
    assert (complaint.category, complaint.description) == ("engineering_repair", MESSAGE)
