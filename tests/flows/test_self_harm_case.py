"""Talk of self-harm is cared for first and goes to the duty supervisor; its case is graded complex, as
danger's is (README), never a simple matter."""

from __future__ import annotations

from bot.config import Grade
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


def test_self_harm_is_cared_for_and_its_case_graded_complex(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("我不想活了 物业天天吵")
    assert chat.phrase_ids(step)[0] == "self_harm_care"
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)
    assert step.complaint is not None and step.complaint.grade is Grade.COMPLEX
