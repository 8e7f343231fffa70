"""Cluster alerts (seed 003, escalation sensitivity): many complaints about the same problem, in
the same area, in the same period, from different people raise an alert instead of being handled
one by one.

:func:`find_clusters` is pure; :func:`alert_clusters` runs it over the window's complaints and
notifies supervisors and managers once per (category, area, window bucket).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.config import ClusterAlert
from bot.core.staff_event import StaffEvent
from bot.storage.notifications import MANAGERS, SUPERVISORS, notify
from bot.storage.supervision import complaints_with_area

CLUSTER_ALERT = "cluster_alert"


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    case_number: str
    customer_id: int
    category: str
    area: str | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Cluster:
    category: str
    area: str
    """As the first complaint wrote it (trimmed)."""
    area_key: str
    """Normalised: trimmed and case-folded."""
    customers: int
    case_numbers: tuple[str, ...]


def normalise_area(area: str) -> str:
    return " ".join(area.split()).casefold()


def find_clusters(complaints: Iterable[ComplaintRow], min_customers: int) -> list[Cluster]:
    """Groups of complaints with the same category and area from at least ``min_customers``
    different customers, largest first. Complaints without an area never cluster."""
    groups: dict[tuple[str, str], list[ComplaintRow]] = {}
    for complaint in sorted(complaints, key=lambda row: (row.created_at, row.case_number)):
        if complaint.area is None or not complaint.area.strip():
            continue
        groups.setdefault((complaint.category, normalise_area(complaint.area)), []).append(complaint)
    clusters = []
    for (category, area_key), rows in groups.items():
        customers = len({row.customer_id for row in rows})
        if customers >= min_customers:
            clusters.append(
                Cluster(
                    category=category,
                    area=" ".join(rows[0].area.split()) if rows[0].area else area_key,
                    area_key=area_key,
                    customers=customers,
                    case_numbers=tuple(row.case_number for row in rows),
                )
            )
    return sorted(clusters, key=lambda cluster: (-cluster.customers, cluster.category, cluster.area_key))


def alert_clusters(session: Session, settings: ClusterAlert, now: dt.datetime) -> list[StaffEvent]:
    """Notify supervisors and managers of each cluster in the window ending now (once per bucket)."""
    window = dt.timedelta(hours=settings.window_hours)
    rows = complaints_with_area(session, now - window, now)
    clusters = find_clusters((ComplaintRow(*row) for row in rows), settings.min_customers)
    bucket = int(now.timestamp() // window.total_seconds())
    events = []
    for cluster in clusters:
        digest = hashlib.sha256(f"{cluster.category}\n{cluster.area_key}".encode()).hexdigest()[:24]
        detail = {
            "category": cluster.category,
            "area": cluster.area,
            "customers": cluster.customers,
            "window_hours": settings.window_hours,
            "case_numbers": list(cluster.case_numbers),
        }
        for audience in (SUPERVISORS, MANAGERS):
            event = notify(
                session,
                CLUSTER_ALERT,
                audience,
                now,
                detail=detail,
                dedupe_key=f"{CLUSTER_ALERT}:{audience}:{digest}:{bucket}",
            )
            if event is not None:
                events.append(event)
    return events
