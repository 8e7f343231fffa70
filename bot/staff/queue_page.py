"""One page of the waiting queue (issue 16): ``GET /api/queue?limit=&after=``.

Keyset paging over the queue's order: ``after`` is the id of the last ticket a client has, the
page is the ``limit`` tickets that follow it now. Only the page's tickets get their previews read,
so a long queue costs its length in Redis, not in the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.handoff.queue import WaitingTicket

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class QueuePage:
    tickets: list[tuple[int, WaitingTicket]]
    """(position in the whole queue, ticket), in order."""
    total: int
    next_after: int | None
    """The ``after`` of the next page; None on the last."""


class NoLongerWaiting(LookupError):
    """The ``after`` ticket left the queue (claimed meanwhile): its place in the order is gone."""


def paging(query: Mapping[str, str]) -> tuple[int | None, int]:
    """``after`` and ``limit`` from the query string; ValueError unless whole numbers, limit ≥ 1."""
    after = int(query["after"]) if query.get("after") else None
    limit = int(query.get("limit") or DEFAULT_LIMIT)
    if limit < 1:
        raise ValueError("limit is at least 1")
    return after, min(limit, MAX_LIMIT)


def page_of(ordered: Sequence[WaitingTicket], after: int | None, limit: int) -> QueuePage:
    """The page following ticket ``after`` (the first page without it); :class:`NoLongerWaiting`
    when that ticket left the queue."""
    start = 0
    if after is not None:
        start = next((index + 1 for index, ticket in enumerate(ordered) if ticket.id == after), -1)
        if start < 0:
            raise NoLongerWaiting(after)
    chunk = ordered[start : start + limit]
    more = start + limit < len(ordered)
    return QueuePage(
        [(start + offset, ticket) for offset, ticket in enumerate(chunk, 1)],
        len(ordered),
        chunk[-1].id if more and chunk else None,
    )
