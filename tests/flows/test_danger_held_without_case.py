"""Danger, talk of self-harm and the threats the standards escalate are heard whoever holds the
chat (standards §5): a customer who asked for a person before telling any problem ("转人工"), an
agent holding that chat with no case, still hears how to stay safe, and the duty supervisors and
the agent are told."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.flows.complaint import Started
from bot.flows.records import CustomerView, State
from tests.flows.chat import Chat

AGENT = "agent:7"


def _held_without_a_case(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("转人工")
    assert chat.state is State.HANDED_OFF and chat.data.case_number is None
    chat.customer = CustomerView()
    chat.owner = AGENT
    chat.wait(300)
    return chat


@pytest.mark.parametrize(
    ("text", "reason", "said"),
    [
        ("我不想活了", TicketReason.DANGER, "12356"),
        ("厨房煤气味很重 怎么办", TicketReason.DANGER, "不要"),
        ("电梯坏了三天了 再不修我就找媒体曝光", TicketReason.THREAT, "值班主管"),
    ],
)
def test_danger_or_a_threat_in_a_held_chat_with_no_case_is_answered_and_told_to_the_supervisor(
    conversation_engine: ConversationEngine, text: str, reason: TicketReason, said: str
) -> None:
    chat = _held_without_a_case(conversation_engine)
    step = chat.send(text)
    assert step.replies, "the customer hears something"
    assert said in chat.texts(step)
    assert step.supervisor_told is not None and step.supervisor_told.reason is reason
    assert step.supervisor_told.text == text
    assert "escalated" in [event.kind for event in step.audit]
    assert step.handoff is None  # the agent keeps the chat
