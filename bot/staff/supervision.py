"""Conditions a supervisor must hear about, found by a cron every minute.

- ``pickup_overdue``: a ticket still unclaimed ``pickup_alert_after_minutes`` after it entered its
  queue or became more urgent (sooner for the
  priorities in ``pickup_alert_by_priority``: a P0 danger ticket alerts first), and again every
  ``pickup_alert_repeat_minutes`` while still unclaimed (more often by ``pickup_alert_repeat_by_priority``;
  detail ``alert``: the second, third… alert).
- ``agent_silent``: an agent owns a conversation and the customer's last message has had no
  agent reply for ``agent_silent_after_minutes`` (once per customer message).
- ``supervisor_told`` and ``another_danger`` again: a threat (``unseen_alert.signals``: violence,
  danger) told to the supervisors while an agent holds the case, or a danger of another kind told
  while the case waits for the duty supervisor, read by no supervisor, at the P0 pickup alert's
  times (detail ``alert``: 2, 3…) until one reads it or one of its alerts.

Each function runs in the caller's transaction and returns the staff events to publish after it
commits; :func:`bot.storage.notifications.notify` makes a repeat run a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.config import QueueSettings
from bot.core.staff_event import StaffEvent
from bot.handoff.queue import HELD_BACK_PRIORITY
from bot.storage.models import Notification
from bot.storage.notifications import SUPERVISORS, notify, recent_alerts
from bot.storage.supervision import awaiting_agent_reply, waiting_since

PICKUP_OVERDUE = "pickup_overdue"
AGENT_SILENT = "agent_silent"
SUPERVISOR_TOLD = "supervisor_told"
ANOTHER_DANGER = "another_danger"
_ALERTED_UNTIL_READ = (SUPERVISOR_TOLD, ANOTHER_DANGER)
_MOST_TOLD = 500
"""The newest notices of a kind looked at per run: far more than a day brings."""
_URGENT = 0


def overdue_pickups(
    session: Session, settings: QueueSettings, now: dt.datetime, queue_order: Sequence[int] = ()
) -> list[StaffEvent]:
    """Notify the supervisors of every ticket waiting longer than the pickup limit.

    ``queue_order``: the waiting tickets' ids in the order the queue serves them. The notices of one
    run are made in its reverse, so the newest-first list shows them as the queue serves them (gas
    and someone trapped in a lift above the media and 12345 threats that share their P0)."""
    shortest = min([settings.pickup_alert_after_minutes, *settings.pickup_alert_by_priority.values()])
    rank = {ticket_id: index for index, ticket_id in enumerate(queue_order)}
    rows = waiting_since(session, now - dt.timedelta(minutes=shortest))
    rows.sort(key=lambda row: (rank.get(row[0].id, len(rank)), row[0].id), reverse=True)
    events = []
    for ticket, case_number in rows:
        if ticket.priority >= HELD_BACK_PRIORITY:  # held back on purpose (many cases from one address)
            continue
        # Unclaimed since it entered this queue: an escalated ticket is new to the supervisors.
        queued_at = ticket.queued_at or ticket.created_at
        first = dt.timedelta(minutes=settings.pickup_alert_minutes(ticket.priority))
        if now - queued_at < first:
            continue
        alert = _alert_number(now - queued_at - first, settings.pickup_alert_repeat(ticket.priority))
        event = notify(
            session,
            PICKUP_OVERDUE,
            SUPERVISORS,
            now,
            conversation_id=ticket.conversation_id,
            complaint_id=ticket.complaint_id,
            ticket_id=ticket.id,
            detail={
                "queue": ticket.queue,
                "priority": ticket.priority,
                "case_number": case_number,
                "waiting_minutes": int((now - queued_at).total_seconds() // 60),
                **({"alert": alert} if alert > 1 else {}),
            },
            dedupe_key=_pickup_key(ticket.id, ticket.queued_at, alert),
        )
        if event is not None:
            events.append(event)
    return events


def _alert_number(since_first: dt.timedelta, repeat_minutes: float | None) -> int:
    """Which alert of a still unclaimed ticket is due: 1 the first, 2 the first repeat, …"""
    if not repeat_minutes:
        return 1
    return 1 + int(since_first / dt.timedelta(minutes=repeat_minutes))


def _pickup_key(ticket_id: int, queued_at: dt.datetime | None, alert: int) -> str:
    """One notice per alert of the ticket's wait in its queue: the first alert of a ticket never
    moved keeps the key it always had; a ticket moved to another queue (or made more urgent)
    waits anew there, its alerts counted again."""
    if queued_at is None and alert == 1:
        return f"{PICKUP_OVERDUE}:{ticket_id}"
    moved = f":{queued_at.isoformat()}" if queued_at is not None else ""
    return f"{PICKUP_OVERDUE}:{ticket_id}{moved}:{alert}"


def silent_agents(session: Session, settings: QueueSettings, now: dt.datetime) -> list[StaffEvent]:
    """Notify the supervisors of owned conversations whose customer waits for the agent's reply."""
    limit = dt.timedelta(minutes=settings.agent_silent_after_minutes)
    rows = awaiting_agent_reply(session, now - limit)
    events = []
    for conversation_id, owner, message_id, written_at in rows:
        event = notify(
            session,
            AGENT_SILENT,
            SUPERVISORS,
            now,
            conversation_id=conversation_id,
            detail={
                "owner": owner,
                "message_id": message_id,
                "silent_minutes": int((now - written_at).total_seconds() // 60),
            },
            dedupe_key=f"{AGENT_SILENT}:{message_id}",
        )
        if event is not None:
            events.append(event)
    return events


def unseen_threats(session: Session, settings: QueueSettings, now: dt.datetime) -> list[StaffEvent]:
    """Alert the supervisors again of each threat of ``unseen_alert.signals`` (violence, danger) told
    while an agent holds the case, or while it waits for the duty supervisor (another danger), that no
    supervisor has read, nor an alert of it: a threat does not sit unseen. Alerted as a P0 ticket
    left unclaimed is, from when it was told."""
    alerted = {signal.value for signal in settings.unseen_alert.signals}
    if not alerted:
        return []
    since = now - dt.timedelta(hours=settings.unseen_alert.within_hours)
    events = []
    for kind in _ALERTED_UNTIL_READ:
        notices = recent_alerts(session, kind, SUPERVISORS, since, _MOST_TOLD)
        events += _alert_unseen(session, kind, notices, alerted, settings, now)
    return events


def _alert_unseen(
    session: Session,
    kind: str,
    notices: list[Notification],
    alerted: set[str],
    settings: QueueSettings,
    now: dt.datetime,
) -> list[StaffEvent]:
    """The alerts due of the ``kind`` notices (newest first) no supervisor has read."""
    first = dt.timedelta(minutes=settings.pickup_alert_minutes(_URGENT))
    last_read = _last_read(notices)
    events = []
    for told in notices:
        detail = told.detail or {}
        if "alert" in detail or not alerted & set(detail.get("signals") or ()):
            continue
        if now - told.created_at < first or last_read.get(told.conversation_id, 0) >= told.id:
            continue
        alert = 1 + _alert_number(now - told.created_at - first, settings.pickup_alert_repeat(_URGENT))
        event = notify(
            session,
            kind,
            SUPERVISORS,
            now,
            conversation_id=told.conversation_id,
            complaint_id=told.complaint_id,
            detail={**detail, "alert": alert},
            dedupe_key=f"{kind}:{told.id}:unseen:{alert}",
        )
        if event is not None:
            events.append(event)
    return events


def _last_read(notices: list[Notification]) -> dict[int | None, int]:
    """Per conversation, the newest of its notices a supervisor read: an earlier threat, or an
    alert of it, is seen."""
    read: dict[int | None, int] = {}
    for notice in notices:
        if notice.read_at is not None:
            read[notice.conversation_id] = max(read.get(notice.conversation_id, 0), notice.id)
    return read
