"""Asked for a phone, an English customer who asks what it is for in short ("why u need my number",
"y u need my phone", "why need my number?? just fix it") hears what the phone is for and how to
decline (phone_reassure); the question is never taken down as more of the problem."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat

PROBLEM = "my neighbour's dog poops in the lift lobby every day and the cleaners dont clean it up"


@pytest.mark.parametrize("asked", ["why u need my number", "y u need my phone", "why need my number?? just fix it"])
def test_the_phone_is_explained_and_the_problem_kept(conversation_engine: ConversationEngine, asked: str) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send(f"{PROBLEM}. disgusting!!")
    chat.send("Tower 3, The Belcher's")
    step = chat.send(asked)
    assert chat.phrase_ids(step) == ["phone_reassure"]
    step = chat.send("ok fine its 6111 2222")
    assert chat.line(step, "Problem:") == f"Problem: {PROBLEM} (Property service)"
