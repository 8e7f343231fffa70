"""Web chat typing frames (issue 15): the customer's ``{"type": "typing"}``, and the server's
``{"type": "typing", "from": "agent"}`` while the agent types. Neither is ever stored."""

from __future__ import annotations

import json
from typing import Any

from bot import json_text
from bot.json_text import NotStrictJson

TYPING = "typing"
AGENT_TYPING_FRAME = json.dumps({"type": TYPING, "from": "agent"})
MAX_TYPING_FRAME_CHARS = 200
"""A typing frame carries nothing: anything longer is some other frame."""


def is_typing_frame(raw: str) -> bool:
    """Is this client frame the customer's typing signal? Fields besides ``type`` are ignored."""
    if len(raw) > MAX_TYPING_FRAME_CHARS or TYPING not in raw:
        return False
    try:
        payload: Any = json_text.strict_loads(raw, "a frame")
    except NotStrictJson:  # answered as any other frame the strict reader refuses
        return False
    return isinstance(payload, dict) and payload.get("type") == TYPING
