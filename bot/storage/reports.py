"""Reports: the daily counts, and the stored reports (one row per kind and day)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.core.scripts import place_key
from bot.core.timeline import TimelineKind
from bot.storage.case_reports import SATISFIED_FROM
from bot.storage.models import Complaint, Conversation, DeadLetter, Message, Report, Satisfaction, TimelineEvent
from bot.storage.store import dialect_insert


def stored_report(session: Session, kind: str, day: dt.date) -> Report | None:
    """The report of this kind for this day, if it was made."""
    return session.execute(select(Report).where(Report.kind == kind, Report.day == day)).scalar_one_or_none()


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants a local calendar day starts and ends (23 or 25 hours across DST)."""
    start = dt.datetime.combine(day, dt.time(0), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _counts(values: list[str], key: str) -> list[dict[str, Any]]:
    ordered = sorted(Counter(values).items(), key=lambda item: (-item[1], item[0]))
    return [{key: value, "count": count} for value, count in ordered]


def _area_counts(places: Iterable[str | None]) -> list[dict[str, Any]]:
    """Cases by place (each its area), a place written in either script counted once (金星閣 and
    金星阁: :func:`bot.core.scripts.place_key`), named as its first case wrote it."""
    named: dict[str, str] = {}
    keys = []
    for area in places:
        key = place_key(area) if area else ""
        named.setdefault(key, area or "")
        keys.append(key)
    return [{"area": named[item["area"]], "count": item["count"]} for item in _counts(keys, "area")]


def build_daily_report(session: Session, day: dt.date, zone: ZoneInfo) -> dict[str, Any]:
    """The report body for one local day."""
    start, end = day_bounds(day, zone)
    created = session.execute(
        select(Complaint.category, Complaint.area, Conversation.channel, Complaint.district)
        .join(Conversation, Conversation.id == Complaint.conversation_id)
        .where(Complaint.created_at >= start, Complaint.created_at < end)
        .order_by(Complaint.id)  # a place is named as its first case wrote it
    ).all()
    resolved = session.execute(
        select(func.count(func.distinct(TimelineEvent.conversation_id))).where(
            TimelineEvent.kind == TimelineKind.RESOLVED,
            TimelineEvent.created_at >= start,
            TimelineEvent.created_at < end,
        )
    ).scalar_one()
    due = session.execute(
        select(Complaint.id, Complaint.conversation_id, Complaint.deadline_at).where(
            Complaint.deadline_at >= start, Complaint.deadline_at < end
        )
    ).all()
    breached = 0
    for complaint_id, conversation_id, deadline_at in due:
        # The conversation resolved, or this case of it alone (another case still open).
        resolution = or_(
            TimelineEvent.kind == TimelineKind.RESOLVED,
            and_(TimelineEvent.kind == TimelineKind.CASE_RESOLVED, TimelineEvent.complaint_id == complaint_id),
        )
        resolved_in_time = session.execute(
            select(func.count()).where(
                TimelineEvent.conversation_id == conversation_id,
                resolution,
                TimelineEvent.created_at <= deadline_at,
            )
        ).scalar_one()
        breached += resolved_in_time == 0
    failed = session.execute(
        select(func.count()).where(
            Message.direction == "out",
            Message.delivery_status == "failed",
            Message.created_at >= start,
            Message.created_at < end,
        )
    ).scalar_one()
    dead = session.execute(
        select(func.count()).where(DeadLetter.created_at >= start, DeadLetter.created_at < end)
    ).scalar_one()
    return {
        "day": day.isoformat(),
        "timezone": zone.key,
        "complaints": {
            "total": len(created),
            "by_category": _counts([row.category for row in created], "category"),
            "by_area": _area_counts(row.area for row in created),
            "by_channel": _counts([row.channel for row in created], "channel"),
            # issue 14 (reports): the district the address parser normalised ("" when unknown).
            "by_district": _counts([row.district or "" for row in created], "district"),
        },
        "resolved": int(resolved),
        "breached": int(breached),
        "deliveries_failed": int(failed),
        "dead_letters": int(dead),
        "satisfaction": _satisfaction(session, start, end),
    }


def _satisfaction(session: Session, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """The day's 回访 answers, counted as the reports count them (``case_reports.SATISFIED_FROM``):
    the average score, and the satisfied share of every answer, a "没解决" one among them."""
    answered = Satisfaction.rating.is_not(None) | Satisfaction.resolved.is_(False)
    satisfied = (Satisfaction.rating >= SATISFIED_FROM) & Satisfaction.resolved.is_not(False)
    average, rated, count, not_resolved, satisfied_count = session.execute(
        select(
            func.avg(Satisfaction.rating),
            func.count(Satisfaction.rating),
            _flag(answered),
            _flag(Satisfaction.resolved.is_(False)),
            _flag(satisfied),
        ).where(Satisfaction.created_at >= start, Satisfaction.created_at < end)
    ).one()
    return {
        "average": round(float(average), 2) if average is not None else None,
        "count": int(count),
        "rated": int(rated),
        "not_resolved": int(not_resolved),
        "satisfied": int(satisfied_count),
        "rate": round(int(satisfied_count) / int(count), 4) if count and rated else None,
    }


def _flag(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def store_report(session: Session, kind: str, day: dt.date, body: dict[str, Any], now: dt.datetime) -> bool:
    """Store the report unless one of this kind and day exists; True when this one was stored."""
    report_id = session.execute(
        dialect_insert(session, Report)
        .values(kind=kind, day=day, body=body, created_at=now)
        .on_conflict_do_nothing(index_elements=["kind", "day"])
        .returning(Report.id)
    ).scalar_one_or_none()
    return report_id is not None
