"""Telling waiting customers where they are in the queue ("请稍候…", "我马上就来为您服务").

A customer hears their position (within their ticket's queue) and an estimate when the ticket is
opened, and again as the position moves forward, spaced as their channel wants
(``queue.place_updates``: a nearer place no sooner than a minimum interval after the last, and
then only once it is next, some places nearer, or some minutes on; an SMS far more sparsely), never
further back than a place they were told (a place lost to more urgent cases is kept silently, and a
status question then names no place; the place won back is said again only
``queue.repeat_place_after_minutes`` after it was last said); outside service hours only the first.
An estimate that would pass the case's promised reply time is never said: the promised time is
(and no estimate once it has passed). A customer in danger or talking of self-harm
(``queue.served_first``) never hears a place or a wait: once, that the duty supervisor has the
emergency, the safety advice stands and whom to call. The
positions are kept on the ticket, so each is said once even when several processes look at the
same moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.config import PhraseId, PlaceUpdates, Signal
from bot.core.messages import Sender
from bot.core.phrases import Phrases, TraditionalScript
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.ticket_reason import TicketReason
from bot.flows.case import SUPERVISOR_QUEUE
from bot.flows.deadline import describe_moment
from bot.handoff.live_queue import LiveQueue, positions_in_queue
from bot.handoff.queue import HELD_BACK_PRIORITY, ServedFirst, WaitingTicket
from bot.outbound.effects import Delivery, Dispatcher, Effects
from bot.outbound.outbox import add_customer_message
from bot.storage import tickets
from bot.storage.db import Database

ANSWERED_AT_ANY_HOUR = frozenset({TicketReason.DANGER, TicketReason.THREAT})
"""Tickets the duty supervisor takes at any hour (danger now, threats: answered within the hour
on the wall clock): their customers never hear that staff are away. So is every ticket in the
duty supervisor's queue, whatever it was opened for: the customer was told "已立即转交值班主管"."""

TOLD_OF_THE_EMERGENCY = 0
"""The nearest place recorded for a customer told ``queue_urgent`` instead of any place (no
place is 0): the emergency is said once, and no place after it."""


@dataclass(frozen=True, slots=True)
class Notice:
    phrase_id: PhraseId
    position: int
    minutes: int
    deadline: dt.datetime | None = None
    """The promised reply time, said instead of an estimate that would pass it."""


PLACE_NOTICES = frozenset(
    phrase.value
    for phrase in (
        PhraseId.QUEUE_NEXT,
        PhraseId.QUEUE_POSITION,
        PhraseId.QUEUE_POSITION_BY_DEADLINE,
        PhraseId.QUEUE_POSITION_NO_ESTIMATE,
        PhraseId.QUEUE_AFTER_HOURS,
    )
)
"""What tells a waiting customer their place."""

URGENT_NOTICE = Notice(PhraseId.QUEUE_URGENT, TOLD_OF_THE_EMERGENCY, 0)
CARE_NOTICE = Notice(PhraseId.QUEUE_URGENT_CARE, TOLD_OF_THE_EMERGENCY, 0)
HELD_NOTICE = Notice(PhraseId.QUEUE_URGENT_HELD, TOLD_OF_THE_EMERGENCY, 0)


def emergency_notice(ticket: WaitingTicket) -> Notice:
    """Talk of self-harm alone hears care and the helpline; danger (or a case not yet known),
    that the safety advice stands and whom to call. An emergency held back behind many from its
    network address (``escalations_per_address``: P3, no alert of its own) is never told the
    supervisor has it: the truth, and to call 119/110/120 now."""
    if ticket.priority == HELD_BACK_PRIORITY:
        return HELD_NOTICE
    caring_only = Signal.SELF_HARM in ticket.signals and Signal.DANGER not in ticket.signals
    return CARE_NOTICE if caring_only else URGENT_NOTICE


def notice_for(
    position: int,
    minutes_per_position: float,
    serving: bool = True,
    deadline_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Notice:
    """What a customer at ``position`` in their queue hears: next, or their place and the wait;
    outside service hours (not ``serving``), their place and that staff take it when back. A wait
    that would pass the case's promised time (``deadline_at``) is said as that time; once it has
    passed, the place alone."""
    if not serving:
        return Notice(PhraseId.QUEUE_AFTER_HOURS, position, 0)
    if position <= 1:
        return Notice(PhraseId.QUEUE_NEXT, position, 0)
    minutes = max(1, round((position - 1) * minutes_per_position))
    if deadline_at is not None and now is not None:
        if deadline_at <= now:
            return Notice(PhraseId.QUEUE_POSITION_NO_ESTIMATE, position, 0)
        if now + dt.timedelta(minutes=minutes) > deadline_at:
            return Notice(PhraseId.QUEUE_POSITION_BY_DEADLINE, position, 0, deadline_at)
    return Notice(PhraseId.QUEUE_POSITION, position, minutes)


def _nearer_than_told(row: tickets.WaitingToTell, position: int) -> bool:
    """The customer is nearer than any place they were told (a place not yet said)."""
    return row.best_told is not None and row.best_told != TOLD_OF_THE_EMERGENCY and position < row.best_told


def place_due(
    spacing: PlaceUpdates, best_told: int, position: int, last_said: dt.datetime | None, now: dt.datetime
) -> bool:
    """Is a place ``position``, nearer than the nearest told (``best_told``), to be said now, a
    place having been said last at ``last_said``? Never sooner than the channel's minimum
    interval after the last; then when being next, when nearer by ``closer_by`` places, or once
    ``after_minutes`` have passed."""
    since = now - last_said if last_said is not None else dt.timedelta.max
    if since < dt.timedelta(minutes=spacing.min_interval_minutes):
        return False
    waited_enough = since >= dt.timedelta(minutes=spacing.after_minutes)
    return position <= 1 or best_told - position >= spacing.closer_by or waited_enough


async def announce_positions(
    live: LiveQueue,
    database: Database,
    gateway: Dispatcher,
    phrases: Phrases,
    now: dt.datetime,
    script: TraditionalScript,
    timezone: ZoneInfo,
    serving: bool = True,
) -> int:
    """Tell every waiting customer whose position changed since they were last told (in
    traditional characters to those who write them, promised times in the service's
    ``timezone``), within service hours or not (``serving``); returns how many."""
    ordered = await live.ordered()
    positions = positions_in_queue(ordered)
    if not positions:
        return 0
    by_id: dict[int, WaitingTicket] = {ticket.id: ticket for ticket in ordered}
    first = live.settings.served_first
    urgent = ServedFirst(frozenset(first.reasons), frozenset(first.signals))
    minutes_per_position = live.settings.estimate_minutes_per_position
    repeat_place_after = dt.timedelta(minutes=live.settings.repeat_place_after_minutes)

    def tell(session: Session) -> list[Delivery]:
        rows = tickets.waiting_to_tell(session, list(positions))
        nearer = [row for row in rows if _nearer_than_told(row, positions[row.ticket_id])]
        last_said = tickets.last_said_at_of(session, [row.conversation_id for row in nearer], PLACE_NOTICES)
        deliveries: list[Delivery] = []
        for row in rows:
            ticket, position = by_id[row.ticket_id], positions[row.ticket_id]
            if urgent(ticket):
                # Someone in danger hears once that the duty supervisor has it, never a place.
                said = row.best_told != TOLD_OF_THE_EMERGENCY
                notice = emergency_notice(ticket)
            else:
                answered_now = serving or ticket.reason in ANSWERED_AT_ANY_HOUR or ticket.queue == SUPERVISOR_QUEUE
                pending = answered_now and _nearer_than_told(row, position)
                if row.told == position and not pending:
                    continue
                # A place is said only when no further back than any said before: more urgent cases
                # going first ("第3位", then "第10位") is kept silently, and the customer hears the
                # place again once it is won back. Outside service hours it is said once: nobody is
                # serving, and "已进入排队" each time a place changes would only repeat itself.
                said = row.best_told is None or (answered_now and position <= row.best_told)
                if said and position == row.best_told:
                    # The very place said before, won back: not again so soon ("下一位就是您" at 11:24
                    # and 11:25), only once ``repeat_place_after_minutes`` have passed.
                    last = tickets.last_said_at(session, row.conversation_id, PLACE_NOTICES)
                    said = last is None or now - last >= repeat_place_after
                elif said and row.best_told is not None:
                    # A nearer place, spaced as the customer's channel wants (an SMS is not sent at
                    # every move): kept silently until it is due, then said (the reconcile cron looks).
                    spacing = live.settings.place_updates.of(row.channel)
                    said = place_due(spacing, row.best_told, position, last_said.get(row.conversation_id), now)
                notice = notice_for(position, minutes_per_position, answered_now, ticket.deadline_at, now)
            if row.told == position and not said:
                continue
            best = notice.position if said else None
            if not tickets.set_told_position(session, row.ticket_id, row.told, position, best):
                continue  # someone else told them meanwhile
            if not said:
                continue
            deadline = ""
            if notice.deadline is not None:
                deadline = describe_moment(notice.deadline, now, timezone, phrases.time_words(row.locale))
            text = phrases.render(
                notice.phrase_id, row.locale, position=notice.position, minutes=notice.minutes, deadline=deadline
            )
            if row.traditional:
                text = script.text(text, row.locale)
            delivery = add_customer_message(
                session,
                row.conversation_id,
                text,
                Sender.SYSTEM,
                now,
                gateway.status_on_commit,
                phrase_id=notice.phrase_id.value,
            )
            if delivery is not None:
                deliveries.append(delivery)
        return deliveries

    deliveries = await database.write(tell)
    if deliveries:
        told = StaffEvent(
            kind=StaffEventKind.CONVERSATION,
            conversation_ids=tuple(sorted({delivery.conversation_id for delivery in deliveries})),
        )
        await gateway.commit(Effects(deliveries=deliveries, staff_events=[told]))
    return len(deliveries)
