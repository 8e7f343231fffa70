"""Which web chat frames are the customer's typing signal (issue 15)."""

from __future__ import annotations

import json

import pytest

from bot.channels.webchat.typing import AGENT_TYPING_FRAME, is_typing_frame


@pytest.mark.parametrize(
    "raw",
    ['{"type": "typing"}', '{"type":"typing","conversation_id":7}', '{"text": "x", "type": "typing"}'],
)
def test_typing_frames_whatever_else_they_carry(raw: str) -> None:
    assert is_typing_frame(raw)


@pytest.mark.parametrize(
    "raw",
    [
        '{"type": "message", "id": "x", "text": "typing"}',
        '{"type": "Typing"}',
        '["typing"]',
        '"typing"',
        '{"type": "typing"',
        "typing",
        '{"type": ["typing"]}',
        '{"type": "typing", "pad": "' + "x" * 300 + '"}',
        "[" * 100 + "typing",
    ],
)
def test_anything_else_is_not_a_typing_frame(raw: str) -> None:
    assert not is_typing_frame(raw)


def test_the_agent_frame_names_its_sender() -> None:
    assert json.loads(AGENT_TYPING_FRAME) == {"type": "typing", "from": "agent"}
