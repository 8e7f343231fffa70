"""Queue order as a pure function."""

from __future__ import annotations

import datetime as dt

from bot.handoff.queue import WaitingTicket, queue_order

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


def ticket(ticket_id: int, priority: int, minutes_ago: float, deadline_in_hours: float | None = None) -> WaitingTicket:
    return WaitingTicket(
        id=ticket_id,
        conversation_id=ticket_id,
        queue="general",
        priority=priority,
        reason="complaint",
        created_at=NOW - dt.timedelta(minutes=minutes_ago),
        deadline_at=None if deadline_in_hours is None else NOW + dt.timedelta(hours=deadline_in_hours),
    )


def ids(tickets: list[WaitingTicket]) -> list[int]:
    return [item.id for item in tickets]


def test_urgent_first_then_time_left_then_arrival() -> None:
    tickets = [
        ticket(1, priority=2, minutes_ago=5, deadline_in_hours=12),
        ticket(2, priority=0, minutes_ago=1, deadline_in_hours=4),
        ticket(3, priority=2, minutes_ago=4, deadline_in_hours=2),
        ticket(4, priority=2, minutes_ago=9, deadline_in_hours=12),
    ]
    assert ids(queue_order(tickets, NOW)) == [2, 3, 4, 1]


def test_a_long_wait_lifts_a_ticket_so_nothing_starves() -> None:
    old = ticket(1, priority=2, minutes_ago=61, deadline_in_hours=6)  # two levels up after an hour
    fresh_urgent = ticket(2, priority=0, minutes_ago=0, deadline_in_hours=8)
    assert ids(queue_order([fresh_urgent, old], NOW)) == [1, 2]  # level with it, and less time left
    assert ids(queue_order([fresh_urgent, old], NOW - dt.timedelta(minutes=45))) == [2, 1]
