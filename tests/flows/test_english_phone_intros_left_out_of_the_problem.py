"""The words an English customer puts before their number ("You can reach me at +852 5123 4567",
"whatsapp me on 9123 4567", "tel: 9123 4567") go out of the restated problem with the number, also
beside a demand taken to the duty supervisor: the problem said back is what happened, never
"…damaged the bumper, You can" or "…, whatsapp me"."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat

BARRIER = "Hello, the carpark barrier at Kingsford Terrace hit my car this morning and damaged the bumper."


@pytest.mark.parametrize(
    "contact",
    ["You can reach me at +852 5123 4567.", "whatsapp me on 5123 4567", "tel: 5123 4567"],
)
def test_the_problem_is_said_back_without_them(conversation_engine: ConversationEngine, contact: str) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    step = chat.send(f"{BARRIER} I want compensation. {contact}")
    assert chat.phrase_ids(step)[0] == "escalated_supervisor"
    problem = chat.line(step, "Problem:")
    assert problem == "Problem: the carpark barrier hit my car this morning and damaged the bumper (Other)"
    assert chat.line(step, "Phone:") == "Phone: 5123 4567"
