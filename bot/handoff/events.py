"""Staff events: what the consoles must refresh, published once and seen by every app instance.

Any process (an app instance handling an API call, the pipeline, a worker) publishes; every app
instance subscribes and forwards the events to the staff websockets connected to it
(``GET /api/events``). Events are hints to refetch, never the data itself, so a lost one costs
at most a stale view until the next.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis

from bot import redis_keys


class StaffEventKind(StrEnum):
    QUEUE = "queue"
    """The waiting queue changed (a ticket arrived, was claimed, transferred or resolved)."""
    CONVERSATION = "conversation"
    """A conversation has new messages or timeline entries."""
    NOTIFICATION = "notification"
    """A notification for a role or a user (pickup overdue, agent silent, deadline, cluster alert)."""
    RULES = "rules"
    """The manager rules changed."""


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
        return json.dumps(body, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str | bytes) -> StaffEvent:
        body = json.loads(data)
        return cls(
            kind=StaffEventKind(body["kind"]),
            conversation_ids=tuple(int(cid) for cid in body.get("conversation_ids", ())),
            queue=body.get("queue"),
            audience=body.get("audience"),
            detail=dict(body.get("detail") or {}),
        )


async def publish(redis: Redis, *events: StaffEvent) -> None:
    """Publish events to every app instance's staff sockets (one round trip)."""
    if not events:
        return
    async with redis.pipeline(transaction=False) as pipe:
        for event in events:
            pipe.publish(redis_keys.STAFF_EVENTS_CHANNEL, event.to_json())
        await pipe.execute()
