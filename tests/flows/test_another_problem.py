"""Another problem told while the case is with the staff ("还有 小区门口的路灯也坏了" after
"请问还有什么可以帮助您？"): added to the case, and the customer hears so with its number; the same
problem told again, or more of it, is a message for the staff as before."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    chat = Chat(conversation_engine)
    chat.send("阳光花园5栋楼上漏水 13812345678")
    chat.send("对")
    assert chat.state is State.HANDED_OFF
    return chat


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("还有 电梯也坏了一个星期了", "engineering_repair"),  # the case's category, other things
        ("还有 小区门口的路灯也坏了", "property_service"),
        ("对了 小区垃圾好几天没人收了", "property_service"),
        ("另外物业的保安态度特别差", "service_attitude"),
        ("by the way the street lamp at the gate is broken too", "engineering_repair"),
    ],
)
def test_another_problem_goes_on_the_case_and_the_customer_hears_its_number(
    chat: Chat, message: str, category: str
) -> None:
    case_number = chat.data.case_number
    assert case_number is not None
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["another_problem_added"]
    assert case_number in chat.texts(step)
    assert step.contact is not None and step.contact.case_number == case_number
    assert step.contact.more_of_the_problem == message
    assert step.contact.another_category == category
    assert chat.data.description[-1] == message
    assert any(
        audit.kind is TimelineKind.DESCRIPTION_RECEIVED and audit.detail.get("another_problem")
        for audit in step.audit
    )


@pytest.mark.parametrize("message", ["楼上还在漏", "水越来越大了", "还要等多久", "谢谢", "你们快点"])
def test_the_same_problem_again_or_anything_else_is_not_another_problem(chat: Chat, message: str) -> None:
    step = chat.send(message)
    assert "another_problem_added" not in chat.phrase_ids(step)
    assert step.contact is None or step.contact.another_category is None


def test_an_agent_owning_the_conversation_reads_it_and_the_bot_stays_silent(chat: Chat) -> None:
    chat.owner = "agent"
    assert chat.send("对了 小区垃圾好几天没人收了").replies == []
