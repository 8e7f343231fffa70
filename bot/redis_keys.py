"""Every Redis key and channel name the product uses, in one place."""

from __future__ import annotations

PREFIX = "bot"

WEBCHAT_OUTBOUND_CHANNEL = f"{PREFIX}:webchat:outbound"
"""Pub/sub: web chat frames for sockets that may live on another app instance."""


def conversation_inbox(conversation_id: int) -> str:
    """List of pending events of one conversation, in arrival order."""
    return f"{PREFIX}:conv:{conversation_id}:inbox"


def conversation_lock(conversation_id: int) -> str:
    """Held by the one process that is running a conversation's events."""
    return f"{PREFIX}:conv:{conversation_id}:lock"


DUE_TIMERS = f"{PREFIX}:timers:due"
"""Sorted set of armed conversation timers, scored by due time (Unix seconds)."""


def timer_member(conversation_id: int, kind: str, token: int) -> str:
    return f"{conversation_id}:{kind}:{token}"


def delivery_lock(conversation_id: int) -> str:
    """Held by the one worker job sending a conversation's provider messages, in order."""
    return f"{PREFIX}:conv:{conversation_id}:delivering"

STAFF_EVENTS_CHANNEL = f"{PREFIX}:staff:events"
"""Pub/sub: events for the staff consoles (queue changed, conversation updated, notifications),
published by any app instance or worker and forwarded by every instance to its staff sockets."""
