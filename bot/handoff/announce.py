"""Telling waiting customers where they are in the queue ("请稍候…", "我马上就来为您服务").

A customer hears their position (within their ticket's queue) and an estimate when the ticket is
opened, and again whenever the position moves forward, never further back than a place they were
told (a place lost to more urgent cases is kept silently, and a status question then names no
place); outside service hours only the first. The positions are kept on the ticket, so each is
said once even when several processes look at the same moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.config import PhraseId
from bot.core.messages import Sender
from bot.core.phrases import Phrases, TraditionalScript
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.ticket_reason import TicketReason
from bot.flows.case import SUPERVISOR_QUEUE
from bot.handoff.live_queue import LiveQueue, positions_in_queue
from bot.outbound.effects import Delivery, Dispatcher, Effects
from bot.outbound.outbox import add_customer_message
from bot.storage import tickets
from bot.storage.db import Database

ANSWERED_AT_ANY_HOUR = frozenset({TicketReason.DANGER, TicketReason.THREAT})
"""Tickets the duty supervisor takes at any hour (danger now, threats: answered within the hour
on the wall clock): their customers never hear that staff are away. So is every ticket in the
duty supervisor's queue, whatever it was opened for: the customer was told "已立即转交值班主管"."""


@dataclass(frozen=True, slots=True)
class Notice:
    phrase_id: PhraseId
    position: int
    minutes: int


def notice_for(position: int, minutes_per_position: float, serving: bool = True) -> Notice:
    """What a customer at ``position`` in their queue hears: next, or their place and the wait;
    outside service hours (not ``serving``), their place and that staff take it when back."""
    if not serving:
        return Notice(PhraseId.QUEUE_AFTER_HOURS, position, 0)
    if position <= 1:
        return Notice(PhraseId.QUEUE_NEXT, position, 0)
    return Notice(PhraseId.QUEUE_POSITION, position, max(1, round((position - 1) * minutes_per_position)))


async def announce_positions(
    live: LiveQueue,
    database: Database,
    gateway: Dispatcher,
    phrases: Phrases,
    now: dt.datetime,
    script: TraditionalScript,
    serving: bool = True,
) -> int:
    """Tell every waiting customer whose position changed since they were last told (in
    traditional characters to those who write them), within service hours or not (``serving``);
    returns how many."""
    ordered = await live.ordered()
    positions = positions_in_queue(ordered)
    if not positions:
        return 0
    at_any_hour = {
        ticket.id for ticket in ordered if ticket.reason in ANSWERED_AT_ANY_HOUR or ticket.queue == SUPERVISOR_QUEUE
    }
    minutes_per_position = live.settings.estimate_minutes_per_position

    def tell(session: Session) -> list[Delivery]:
        rows = tickets.waiting_to_tell(session, list(positions))
        deliveries: list[Delivery] = []
        for row in rows:
            position = positions[row.ticket_id]
            if row.told == position:
                continue
            answered_now = serving or row.ticket_id in at_any_hour
            # A place is said only when no further back than any said before: more urgent cases
            # going first ("第3位", then "第10位") is kept silently, and the customer hears the
            # place again once it is won back. Outside service hours it is said once: nobody is
            # serving, and "已进入排队" each time a place changes would only repeat itself.
            said = row.best_told is None or (answered_now and position <= row.best_told)
            if not tickets.set_told_position(session, row.ticket_id, row.told, position, said):
                continue  # someone else told them meanwhile
            if not said:
                continue
            notice = notice_for(position, minutes_per_position, answered_now)
            text = phrases.render(notice.phrase_id, row.locale, position=notice.position, minutes=notice.minutes)
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
