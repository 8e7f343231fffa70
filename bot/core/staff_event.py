"""Staff events: hints that the consoles must refresh, as plain values any layer can build."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import orjson


class StaffEventKind(StrEnum):
    QUEUE = "queue"
    """The waiting queue changed (a ticket arrived, was claimed, transferred or resolved)."""
    CONVERSATION = "conversation"
    """A conversation has new messages or timeline entries."""
    NOTIFICATION = "notification"
    """A notification for a role or a user (pickup overdue, agent silent, deadline, cluster alert)."""
    RULES = "rules"
    """The manager rules changed."""
    TYPING = "typing"
    """The customer is typing in a conversation (issue 15): shown for a few seconds, never stored;
    only to consoles watching a conversation their staff member may read."""


@dataclass(frozen=True, slots=True)
class StaffEvent:
    kind: StaffEventKind
    conversation_ids: tuple[int, ...] = ()
    queue: str | None = None
    audience: str | None = None
    """For notifications: "role:<role>" or "user:<id>"; None means every signed-in staff member."""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        body = asdict(self)
        body["conversation_ids"] = list(self.conversation_ids)
        return orjson.dumps(body).decode()

    @classmethod
    def from_json(cls, data: str | bytes) -> StaffEvent:
        body = orjson.loads(data)
        return cls(
            kind=StaffEventKind(body["kind"]),
            conversation_ids=tuple(int(cid) for cid in body.get("conversation_ids", ())),
            queue=body.get("queue"),
            audience=body.get("audience"),
            detail=dict(body.get("detail") or {}),
        )
