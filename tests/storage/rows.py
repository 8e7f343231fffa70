"""Rows the storage tests insert directly."""

from __future__ import annotations

import datetime as dt
from typing import Any


def bot_reply(conversation_id: int, channel: str, number: int, created_at: dt.datetime) -> dict[str, Any]:
    """The ``messages`` row of the bot's ``number``-th pending reply in a conversation."""
    return {
        "conversation_id": conversation_id,
        "channel": channel,
        "direction": "out",
        "sender": "bot",
        "kind": "text",
        "text": f"第{number}条回复",
        "created_at": created_at,
        "delivery_status": "pending",
    }
