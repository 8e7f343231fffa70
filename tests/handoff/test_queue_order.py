"""Queue order as a pure function."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import replace

from bot.handoff.queue import ServedFirst, WaitingTicket, queue_order

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


def elder(ticket_id: int, priority: int, minutes_ago: float, deadline_in_hours: float | None = None) -> WaitingTicket:
    return dataclasses.replace(ticket(ticket_id, priority, minutes_ago, deadline_in_hours), elder=True)


HEAD_START = dt.timedelta(minutes=30)


def test_an_elder_goes_before_a_customer_of_the_same_urgency_who_came_about_the_same_time() -> None:
    came_first = ticket(1, priority=1, minutes_ago=10, deadline_in_hours=12)
    old_man = elder(2, priority=1, minutes_ago=5, deadline_in_hours=12)
    assert ids(queue_order([came_first, old_man], NOW, elder_head_start=HEAD_START)) == [2, 1]
    # The deadline rounded up half an hour later for the one who came later changes nothing.
    later_promise = elder(2, priority=1, minutes_ago=5, deadline_in_hours=12.5)
    assert ids(queue_order([came_first, later_promise], NOW, elder_head_start=HEAD_START)) == [2, 1]
    # Without the head start (0 in queue.yaml), arrival alone.
    assert ids(queue_order([came_first, old_man], NOW)) == [1, 2]


def test_first_come_and_urgent_still_come_first() -> None:
    """Who came more than the head start earlier, and anyone more urgent, stays ahead of the elder."""
    long_before = ticket(1, priority=1, minutes_ago=45, deadline_in_hours=11.25)
    urgent = ticket(3, priority=0, minutes_ago=1, deadline_in_hours=1)
    old_man = elder(2, priority=1, minutes_ago=5, deadline_in_hours=12)
    slow_aging = dt.timedelta(hours=2)  # no ticket here has risen a level by waiting
    ordered = queue_order([old_man, urgent, long_before], NOW, slow_aging, elder_head_start=HEAD_START)
    assert ids(ordered) == [3, 1, 2]


def test_danger_now_goes_before_threats_and_escalations_of_the_same_priority() -> None:
    """紧急优先: in the duty supervisor's queue every ticket is P0; someone trapped in a lift is
    taken before the media threat that came first, whichever deadline is nearer."""
    served_first = ServedFirst(reasons=frozenset({"danger"}), signals=frozenset({"danger", "self_harm"}))
    threat = replace(ticket(1, priority=0, minutes_ago=10, deadline_in_hours=0.5), reason="threat")
    refund = replace(ticket(2, priority=0, minutes_ago=8, deadline_in_hours=20), reason="beyond_authority")
    trapped = replace(ticket(3, priority=0, minutes_ago=0, deadline_in_hours=1), reason="danger")
    # asked for a person first, then "电梯里困了人": the ticket keeps its reason, the case has the signal
    raised = replace(ticket(4, priority=0, minutes_ago=1, deadline_in_hours=1), signals=("danger",))
    waiting = [threat, refund, trapped, raised]
    assert ids(queue_order(waiting, NOW, served_first=served_first)) == [4, 3, 1, 2]
    assert ids(queue_order(waiting, NOW)) == [1, 4, 3, 2]  # nobody named: time left, then arrival


def test_a_long_wait_still_lifts_a_ticket_level_with_danger_but_not_ahead_of_it() -> None:
    served_first = ServedFirst(reasons=frozenset({"danger"}))
    old = ticket(1, priority=2, minutes_ago=61, deadline_in_hours=0.5)  # P0 after an hour
    trapped = replace(ticket(2, priority=0, minutes_ago=0, deadline_in_hours=1), reason="danger")
    assert ids(queue_order([old, trapped], NOW, served_first=served_first)) == [2, 1]


CARED_FOR = frozenset({"elder", "health"})


def test_a_customer_ill_or_pregnant_has_the_elders_head_start() -> None:
    """"楼上漏水 我老婆怀孕七个月了": served first as an elder is, ahead of two of the same urgency
    who came 26 seconds earlier, though her repair is promised in 24 hours and theirs in 12; only
    when ``health`` is among the head start's signals."""
    first = ticket(1, priority=1, minutes_ago=0.5, deadline_in_hours=12)
    second = ticket(2, priority=1, minutes_ago=0.45, deadline_in_hours=12)
    pregnant = replace(ticket(3, priority=1, minutes_ago=0, deadline_in_hours=36), signals=("health",))
    waiting = [first, second, pregnant]
    assert ids(queue_order(waiting, NOW, elder_head_start=HEAD_START, head_start_signals=CARED_FOR)) == [3, 1, 2]
    assert ids(queue_order(waiting, NOW, elder_head_start=HEAD_START)) == [1, 2, 3]


def test_an_extension_never_moves_a_waiting_case_down() -> None:
    """First in line, its deadline extended by 8 hours: still first (ordered by the deadline first
    promised); a deadline brought forward (an appeal) counts at once."""
    old_man = elder(1, priority=1, minutes_ago=5, deadline_in_hours=12)
    others = [ticket(i, priority=1, minutes_ago=6 + i, deadline_in_hours=11.9) for i in (2, 3, 4)]
    assert ids(queue_order([old_man, *others], NOW, elder_head_start=HEAD_START))[0] == 1
    extended = replace(old_man, deadline_at=NOW + dt.timedelta(hours=20), first_deadline_at=old_man.deadline_at)
    assert ids(queue_order([extended, *others], NOW, elder_head_start=HEAD_START))[0] == 1
    appealed = others[2]
    brought_forward = replace(appealed, deadline_at=NOW + dt.timedelta(hours=2), first_deadline_at=appealed.deadline_at)
    assert ids(queue_order([*others[:2], brought_forward], NOW))[0] == 4


def test_a_customer_of_a_tier_served_first_goes_first_among_equals() -> None:
    """A VIP set after the promise: before the others of the same priority, never before someone
    more urgent (an elder, with the head start a level up), nor in danger."""
    served_first = ServedFirst(reasons=frozenset({"danger"}))
    came_first = ticket(1, priority=1, minutes_ago=20, deadline_in_hours=11.9)
    old_man = elder(2, priority=1, minutes_ago=10, deadline_in_hours=12)
    vip = replace(ticket(3, priority=1, minutes_ago=1, deadline_in_hours=12), tier="vip")
    urgent = ticket(4, priority=0, minutes_ago=0, deadline_in_hours=1)
    trapped = replace(ticket(5, priority=1, minutes_ago=0, deadline_in_hours=1), reason="danger")
    waiting = [came_first, old_man, vip, urgent, trapped]
    first, start = served_first, HEAD_START
    tiers = frozenset({"vip", "group"})
    vip_first = queue_order(waiting, NOW, served_first=first, elder_head_start=start, tiers_first=tiers)
    assert ids(vip_first) == [4, 2, 5, 3, 1]
    assert ids(queue_order(waiting, NOW, served_first=first, elder_head_start=start)) == [4, 2, 5, 1, 3]
