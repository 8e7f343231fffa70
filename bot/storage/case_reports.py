"""The managers' reports over cases (issue 14): figures grouped by day, category, area, channel
or agent, and the work-order (工单) rows of the export.

Every figure is aggregated in SQL (GROUP BY, window functions for the medians): a request costs
the same few statements however many cases its range holds, and the range is found through the
index on ``complaints.created_at``, so the cost does not grow with the stored history. A case
belongs to the range by when it was created; everything about it (resolution, deadline,
callbacks, reopenings, appeals) is counted with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, String, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.storage.models import (
    Complaint,
    Conversation,
    Customer,
    HandoffTicket,
    Message,
    Notification,
    Satisfaction,
    TimelineEvent,
    User,
)

GROUPS = ("day", "category", "area", "channel", "agent")
SATISFIED_FROM = 4
"""A callback rating of 4 or 5 (of 1 to 5) counts as satisfied (满意), unless the same answer said
the problem is not resolved: the satisfaction rate (满意率) is the satisfied answers among every
answer to the 回访, a "没解决" with or without a score counting as not satisfied."""
CLUSTER_ALERT = "cluster_alert"
CLUSTER_AUDIENCE = "role:manager"
"""Each cluster alert notifies supervisors and managers: counted once, by the managers' copy."""
AGENT_PREFIX = "agent:"


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Which cases a report or an export covers: created on ``days`` (local days, in order, with
    their UTC bounds), and optionally of one queue, category and channel."""

    days: tuple[tuple[dt.date, dt.datetime, dt.datetime], ...]
    queue: str | None = None
    category: str | None = None
    channel: str | None = None

    @classmethod
    def local_days(
        cls,
        first: dt.date,
        last: dt.date,
        zone: ZoneInfo,
        queue: str | None = None,
        category: str | None = None,
        channel: str | None = None,
    ) -> CaseFilter:
        """Cases created from ``first`` to ``last`` (both included), days of the ``zone``."""
        days = []
        day = first
        while day <= last:
            start = dt.datetime.combine(day, dt.time(0), zone).astimezone(dt.UTC)
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone).astimezone(dt.UTC)
            days.append((day, start, end))
            day += dt.timedelta(days=1)
        return cls(tuple(days), queue, category, channel)

    @property
    def start(self) -> dt.datetime:
        return self.days[0][1]

    @property
    def end(self) -> dt.datetime:
        return self.days[-1][2]


_LatestTicket = aliased(HandoffTicket, name="latest_ticket")
_OtherTicket = aliased(HandoffTicket, name="other_ticket")


def _latest_ticket_id() -> ColumnElement[Any]:
    """The newest hand-off ticket of the case's conversation: its queue is the case's queue."""
    return (
        select(func.max(_OtherTicket.id))
        .where(_OtherTicket.conversation_id == Complaint.conversation_id)
        .correlate(Complaint)
        .scalar_subquery()
    )


def _handler() -> ColumnElement[Any]:
    """Who handles the case ("agent:<id>"): who resolved it while it stays resolved, else the agent
    who owns the conversation, else who claimed its ticket; NULL while no agent has it. A case
    reopened keeps its first resolver in ``resolved_by`` (who handled it, for access), but it is
    the agent it went to, and whoever it was transferred to after, who handles it now."""
    resolved = case((Complaint.status == "resolved", Complaint.resolved_by), else_=None)
    owner = case((Conversation.owner.like(f"{AGENT_PREFIX}%"), Conversation.owner), else_=None)
    claimed = case(
        (_LatestTicket.claimed_by.is_not(None), literal(AGENT_PREFIX, String) + _LatestTicket.claimed_by), else_=None
    )
    return func.coalesce(resolved, owner, claimed)


def _day_index(column: Any, days: Sequence[tuple[dt.date, dt.datetime, dt.datetime]]) -> ColumnElement[Any]:
    """The position in ``days`` of the local day ``column`` falls on (exact across any offset or
    DST change: the bounds come from the time zone database, not the SQL engine's)."""
    return case(*[(column < end, index) for index, (_day, _start, end) in enumerate(days)], else_=None)


def _group_key(group_by: str, days: Sequence[tuple[dt.date, dt.datetime, dt.datetime]]) -> Any:
    if group_by == "day":
        return _day_index(Complaint.created_at, days)
    if group_by == "category":
        return Complaint.category
    if group_by == "area":
        return Complaint.district
    if group_by == "channel":
        return Conversation.channel
    if group_by == "agent":
        return _handler()
    if group_by == "all":
        return literal(0)
    raise ValueError(f"unknown group {group_by!r}")


def _filtered(statement: Select[Any], filters: CaseFilter) -> Select[Any]:
    """``statement`` over the complaints (FROM ``complaints``) in ``filters``, joined to their
    conversation and their newest ticket."""
    statement = (
        statement.join(Conversation, Conversation.id == Complaint.conversation_id)
        .outerjoin(_LatestTicket, _LatestTicket.id == _latest_ticket_id())
        .where(Complaint.created_at >= filters.start, Complaint.created_at < filters.end)
    )
    if filters.queue is not None:
        statement = statement.where(_LatestTicket.queue == filters.queue)
    if filters.category is not None:
        statement = statement.where(Complaint.category == filters.category)
    if filters.channel is not None:
        statement = statement.where(Conversation.channel == filters.channel)
    return statement


def _timeline_count(kind: TimelineKind) -> ColumnElement[Any]:
    return (
        select(func.count())
        .where(
            TimelineEvent.conversation_id == Complaint.conversation_id,
            TimelineEvent.complaint_id == Complaint.id,
            TimelineEvent.kind == kind,
        )
        .correlate(Complaint)
        .scalar_subquery()
    )


def _appeal_count() -> ColumnElement[Any]:
    """The case's appeals (申诉): made from another conversation (``appeal_received`` on the case), or
    in the case's own one, where the case is escalated with the reason ``appeal`` instead; one
    appeal writes one of the two, never both."""
    return (
        select(func.count())
        .where(
            TimelineEvent.conversation_id == Complaint.conversation_id,
            TimelineEvent.complaint_id == Complaint.id,
            or_(
                TimelineEvent.kind == TimelineKind.APPEAL_RECEIVED,
                and_(
                    TimelineEvent.kind == TimelineKind.ESCALATED,
                    TimelineEvent.detail["reason"].as_string() == TicketReason.APPEAL.value,
                ),
            ),
        )
        .correlate(Complaint)
        .scalar_subquery()
    )


def _first_reply() -> ColumnElement[Any]:
    """When an agent first wrote to the customer after the case was made."""
    return (
        select(func.min(Message.created_at))
        .where(
            Message.conversation_id == Complaint.conversation_id,
            Message.direction == "out",
            Message.sender == "agent",
            Message.created_at >= Complaint.created_at,
        )
        .correlate(Complaint)
        .scalar_subquery()
    )


def _first_replier() -> ColumnElement[Any]:
    """Who ("agent:<id>") wrote that first reply: the agent a first response is credited to, not
    whoever holds the case after a transfer."""
    return (
        select(TimelineEvent.actor)
        .where(
            TimelineEvent.conversation_id == Complaint.conversation_id,
            TimelineEvent.kind == TimelineKind.AGENT_REPLIED,
            TimelineEvent.created_at >= Complaint.created_at,
        )
        .order_by(TimelineEvent.created_at, TimelineEvent.id)
        .limit(1)
        .correlate(Complaint)
        .scalar_subquery()
    )


def _seconds(dialect: str, later: Any, earlier: Any) -> ColumnElement[Any]:
    if dialect == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def _cases(filters: CaseFilter, group_by: str) -> Any:
    """One row per case in range: its group and what the figures need."""
    return _filtered(
        select(
            Complaint.id.label("id"),
            _group_key(group_by, filters.days).label("g"),
            Complaint.created_at.label("created_at"),
            Complaint.resolved_at.label("resolved_at"),
            Complaint.deadline_at.label("deadline_at"),
            _first_reply().label("first_reply_at"),
            _first_replier().label("first_replier"),
            _timeline_count(TimelineKind.REOPENED).label("reopens"),
            _appeal_count().label("appeals"),
        ).select_from(Complaint),
        filters,
    ).subquery("cases")


def _flag(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _counts(session: Session, cases: Any, now: dt.datetime) -> dict[Any, dict[str, int]]:
    c = cases.c
    has_deadline = c.deadline_at.is_not(None)
    resolved = c.resolved_at.is_not(None)
    rows = session.execute(
        select(
            c.g,
            func.count().label("cases"),
            _flag(resolved).label("resolved"),
            _flag(and_(has_deadline, resolved, c.resolved_at <= c.deadline_at)).label("on_time"),
            _flag(
                and_(
                    has_deadline,
                    or_(and_(resolved, c.resolved_at > c.deadline_at), and_(~resolved, c.deadline_at < now)),
                )
            ).label("late"),
            _flag(~resolved).label("open"),
            _flag(c.reopens > 0).label("reopened_cases"),
            func.coalesce(func.sum(c.reopens), 0).label("reopens"),
            _flag(c.appeals > 0).label("appealed_cases"),
            func.coalesce(func.sum(c.appeals), 0).label("appeals"),
        ).group_by(c.g)
    ).all()
    return {row.g: {key: int(value) for key, value in row._mapping.items() if key != "g"} for row in rows}


def _durations(session: Session, cases: Any, ends: str, by: str = "g") -> dict[Any, dict[str, float | int | None]]:
    """Median and average seconds from a case's creation to ``ends`` (a column of ``cases``), by
    group (the column ``by``)."""
    c = cases.c
    end = c[ends]
    group = c[by]
    seconds = _seconds(session.get_bind().dialect.name, end, c.created_at)
    ranked = (
        select(
            group.label("g"),
            seconds.label("d"),
            func.row_number().over(partition_by=group, order_by=seconds).label("n"),
            func.count().over(partition_by=group).label("total"),
        )
        .where(end.is_not(None))
        .subquery("ranked")
    )
    r = ranked.c
    middle = or_(r.n == (r.total + 1) // 2, r.n == (r.total + 2) // 2)
    rows = session.execute(
        select(
            r.g,
            func.avg(case((middle, r.d), else_=None)).label("median"),
            func.avg(r.d).label("average"),
            func.count().label("measured"),
        ).group_by(r.g)
    ).all()
    return {
        row.g: {
            "median_seconds": _round(row.median),
            "average_seconds": _round(row.average),
            "count": int(row.measured),
        }
        for row in rows
    }


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _satisfaction(session: Session, cases: Any) -> dict[Any, dict[str, int]]:
    c = cases.c
    rows = session.execute(
        select(
            c.g,
            func.count().label("callbacks"),
            func.count(Satisfaction.rating).label("rated"),
            _flag((Satisfaction.rating >= SATISFIED_FROM) & Satisfaction.resolved.is_not(False)).label("satisfied"),
            func.coalesce(func.sum(Satisfaction.rating), 0).label("rating_sum"),
            _flag(Satisfaction.resolved.is_(False)).label("not_resolved"),
            _flag(Satisfaction.rating.is_not(None) | Satisfaction.resolved.is_(False)).label("answered"),
        )
        .select_from(cases)
        .join(Satisfaction, Satisfaction.complaint_id == c.id)
        .group_by(c.g)
    ).all()
    return {row.g: {key: int(value) for key, value in row._mapping.items() if key != "g"} for row in rows}


def _cluster_alerts(session: Session, filters: CaseFilter) -> dict[int, int]:
    day = _day_index(Notification.created_at, filters.days).label("g")
    rows = session.execute(
        select(day, func.count())
        .where(
            Notification.kind == CLUSTER_ALERT,
            Notification.audience == CLUSTER_AUDIENCE,
            Notification.created_at >= filters.start,
            Notification.created_at < filters.end,
        )
        .group_by(day)
    ).all()
    return {int(index): int(count) for index, count in rows if index is not None}


def staff_names(session: Session) -> dict[str, str]:
    """Every staff account's display name (or username), by its owner string "agent:<id>"."""
    rows = session.execute(select(User.id, User.display_name, User.username)).all()
    return {f"{AGENT_PREFIX}{user_id}": display or username for user_id, display, username in rows}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


_SATISFACTION_COUNTS = ("callbacks", "rated", "satisfied", "rating_sum", "not_resolved", "answered")


def _figures(
    counts: dict[str, int],
    first_response: dict[str, float | int | None] | None,
    resolution: dict[str, float | int | None] | None,
    satisfaction: dict[str, int] | None,
) -> dict[str, Any]:
    nothing: dict[str, float | int | None] = {"median_seconds": None, "average_seconds": None, "count": 0}
    rated = satisfaction or dict.fromkeys(_SATISFACTION_COUNTS, 0)
    decided = counts["on_time"] + counts["late"]
    return {
        "cases": counts["cases"],
        "resolved": counts["resolved"],
        "open": counts["open"],
        "on_time": counts["on_time"],
        "late": counts["late"],
        "on_time_rate": _ratio(counts["on_time"], decided),
        "first_response": first_response or nothing,
        "resolution": resolution or nothing,
        "satisfaction": {
            "callbacks": rated["callbacks"],
            "rated": rated["rated"],
            "satisfied": rated["satisfied"],
            "not_resolved": rated["not_resolved"],
            "answered": rated["answered"],
            # Over every answer: "没解决" is an answer, and not a satisfied one. With no score given
            # yet there is no rate to read (shown "—", never "0.0%" beside an average of "—").
            "rate": _ratio(rated["satisfied"], rated["answered"]) if rated["rated"] else None,
            "average": round(rated["rating_sum"] / rated["rated"], 2) if rated["rated"] else None,
        },
        "reopened_cases": counts["reopened_cases"],
        "reopens": counts["reopens"],
        "appealed_cases": counts["appealed_cases"],
        "appeals": counts["appeals"],
    }


_NO_CASES = dict.fromkeys(
    ("cases", "resolved", "open", "on_time", "late", "reopened_cases", "reopens", "appealed_cases", "appeals"), 0
)


def case_figures(session: Session, filters: CaseFilter, group_by: str, now: dt.datetime) -> dict[str, Any]:
    """The figures of the cases ``filters`` selects: ``totals``, one entry of ``groups`` per value
    of ``group_by`` (a day: every day of the range, empty ones too; agent: "agent:<id>" or None
    for cases no agent has; area: the district or None) and ``cluster_alerts`` per day.

    Eight statements whatever the number of cases.
    """
    if group_by not in GROUPS:
        raise ValueError(f"unknown group {group_by!r}")
    grouped, whole = _cases(filters, group_by), _cases(filters, "all")
    counts = _counts(session, grouped, now)
    # By agent, a first response counts for the agent who wrote it (a transfer moves the case, not
    # the reply already sent).
    first_response = _durations(session, grouped, "first_reply_at", "first_replier" if group_by == "agent" else "g")
    resolution = _durations(session, grouped, "resolved_at")
    satisfaction = _satisfaction(session, grouped)
    total_first_response = _durations(session, whole, "first_reply_at").get(0)
    total_resolution = _durations(session, whole, "resolved_at").get(0)
    alerts = _cluster_alerts(session, filters)
    names = staff_names(session) if group_by == "agent" else {}

    totals_counts = {key: sum(group[key] for group in counts.values()) for key in _NO_CASES}
    totals_satisfaction: dict[str, int] = {}
    for group in satisfaction.values():
        for key, value in group.items():
            totals_satisfaction[key] = totals_satisfaction.get(key, 0) + value

    keys: list[Any] = list(range(len(filters.days))) if group_by == "day" else list(counts)
    keys += [key for key in first_response if key not in counts and group_by == "agent"]
    groups = []
    for key in keys:
        figures = _figures(
            counts.get(key, _NO_CASES), first_response.get(key), resolution.get(key), satisfaction.get(key)
        )
        if group_by == "day":
            groups.append({"key": filters.days[key][0].isoformat(), **figures})
        elif group_by == "agent":
            groups.append({"key": key, "name": names.get(key) if key else None, **figures})
        else:
            groups.append({"key": key, **figures})
    if group_by != "day":
        groups.sort(key=lambda group: (-group["cases"], group["key"] is None, str(group["key"])))
    return {
        "totals": _figures(totals_counts, total_first_response, total_resolution, totals_satisfaction or None),
        "groups": groups,
        "cluster_alerts": [
            {"day": day.isoformat(), "count": alerts.get(index, 0)} for index, (day, _s, _e) in enumerate(filters.days)
        ],
    }


# ---------------------------------------------------------------- the work-order export


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case as the export writes it."""

    id: int
    case_number: str
    created_at: dt.datetime
    channel: str
    queue: str | None
    category: str
    district: str | None
    area: str | None
    description: str
    customer_name: str | None
    customer_surname: str | None
    phone: str | None
    extension: str | None
    deadline_at: dt.datetime | None
    handler: str | None
    status: str
    resolved_at: dt.datetime | None
    rating: int | None
    grade: str
    customer_tier: str


def _latest_rating() -> ColumnElement[Any]:
    newest = aliased(Satisfaction, name="newest")
    newest_id = select(func.max(newest.id)).where(newest.complaint_id == Complaint.id).correlate(Complaint)
    return (
        select(Satisfaction.rating)
        .where(Satisfaction.id == newest_id.scalar_subquery())
        .correlate(Complaint)
        .scalar_subquery()
    )


def case_rows(session: Session, filters: CaseFilter, after_id: int, limit: int) -> list[CaseRow]:
    """The next ``limit`` cases with an id above ``after_id``, in id (creation) order: the export
    reads them a batch at a time, so it never holds every row."""
    columns: list[Any] = [
        Complaint.id,
        Complaint.case_number,
        Complaint.created_at,
        Conversation.channel,
        _LatestTicket.queue,
        Complaint.category,
        Complaint.district,
        Complaint.area,
        func.coalesce(Complaint.problem, Complaint.description).label("description"),  # as restated when kept
        Customer.display_name,
        Customer.surname,
        Complaint.contact_phone,
        Complaint.contact_extension,
        Complaint.deadline_at,
        _handler(),
        Complaint.status,
        Complaint.resolved_at,
        _latest_rating(),
        Complaint.grade,
        Complaint.customer_tier,
    ]
    rows = session.execute(
        _filtered(
            select(*columns).select_from(Complaint).join(Customer, Customer.id == Complaint.customer_id),
            filters,
        )
        .where(Complaint.id > after_id)
        .order_by(Complaint.id)
        .limit(limit)
    ).all()
    return [CaseRow(*row) for row in rows]
