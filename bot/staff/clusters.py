"""Cluster alerts (seed 003, escalation sensitivity): many complaints about the same problem, in
the same area, in the same period, from different people raise an alert instead of being handled
one by one.

Different people, not different sessions: anyone may open web chat session after session, each
a new anonymous customer. Complaints count as one person's when they share a customer, a contact
phone, or an origin (the client address their web chat sessions were opened from), directly or
through one another; so one address counts once, and so does one phone typed from many. Many
neighbours behind one carrier NAT then count once too: an alert comes later, never a false one.

:func:`find_clusters` is pure; :func:`alert_clusters` runs it over the window's complaints and
notifies supervisors and managers once per (category, area, window bucket).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.config import ClusterAlert, Gazetteer
from bot.core.staff_event import StaffEvent
from bot.storage.notifications import MANAGERS, SUPERVISORS, notify
from bot.storage.supervision import complaints_with_area
from bot.understanding.normalise import Converter, normalise

CLUSTER_ALERT = "cluster_alert"


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    case_number: str
    customer_id: int
    category: str
    area: str | None
    created_at: dt.datetime
    phone: str | None = None
    """The case's contact phone, when one was given."""
    origin: str | None = None
    """The client address the customer's web chat session was opened from; None on other channels."""


@dataclass(frozen=True, slots=True)
class Cluster:
    category: str
    area: str
    """As the first complaint wrote it (trimmed)."""
    area_key: str
    """The estate or street, folded as the understanding layer folds text (``AreaGroups.key``)."""
    customers: int
    case_numbers: tuple[str, ...]


class AreaGroups:
    """The estate or street an address counts in: the address without its building, unit and floor
    (``building_suffixes`` and ``floor_suffixes`` of the gazetteer, after a number), so neighbours'
    complaints count together: "朝阳区阳光花园3栋2单元501" and "朝阳区阳光花园 5栋" are both
    朝阳区阳光花园's. Spellings count together as the understanding layer reads them the same: full
    width, case and traditional characters ("高新區錦業路" is 高新区锦业路)."""

    def __init__(self, gazetteer: Gazetteer, converter: Converter) -> None:
        self._converter = converter
        units = sorted({*gazetteer.building_suffixes, *gazetteer.floor_suffixes}, key=len, reverse=True)
        self._inside = (
            re.compile(rf"[0-9A-Za-z〇零一二三四五六七八九十百两甲乙丙丁-]+\s*(?:{'|'.join(map(re.escape, units))})")
            if units
            else None
        )

    def shown(self, area: str) -> str:
        """The estate or street as written (spaces trimmed); the whole address when it is nothing else."""
        text = " ".join(area.split())
        inside = self._inside.search(text) if self._inside is not None else None
        if inside is None or not text[: inside.start()].strip(" -,，"):
            return text
        return text[: inside.start()].rstrip(" -,，")

    def key(self, area: str) -> str:
        return self.shown(normalise(area, self._converter).text).casefold()


def find_clusters(complaints: Iterable[ComplaintRow], min_customers: int, areas: AreaGroups) -> list[Cluster]:
    """Groups of complaints with the same category in the same estate or street (``areas``) from at
    least ``min_customers`` different customers, largest first. Complaints without an area never
    cluster."""
    groups: dict[tuple[str, str], list[ComplaintRow]] = {}
    for complaint in sorted(complaints, key=lambda row: (row.created_at, row.case_number)):
        if complaint.area is None or not complaint.area.strip():
            continue
        groups.setdefault((complaint.category, areas.key(complaint.area)), []).append(complaint)
    clusters = []
    for (category, area_key), rows in groups.items():
        customers = distinct_people(rows)
        if customers >= min_customers:
            clusters.append(
                Cluster(
                    category=category,
                    area=areas.shown(rows[0].area) if rows[0].area else area_key,
                    area_key=area_key,
                    customers=customers,
                    case_numbers=tuple(row.case_number for row in rows),
                )
            )
    return sorted(clusters, key=lambda cluster: (-cluster.customers, cluster.category, cluster.area_key))


def distinct_people(rows: Iterable[ComplaintRow]) -> int:
    """How many people filed ``rows``: complaints sharing a customer, a contact phone or an origin
    are one person's, and so are those linked through them (connected components)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    people = set()
    for row in rows:
        keys = [f"customer:{row.customer_id}"]
        keys += [f"phone:{row.phone}"] if row.phone else []
        keys += [f"origin:{row.origin}"] if row.origin else []
        first = root(keys[0])
        for key in keys[1:]:
            parent[root(key)] = first
        people.add(keys[0])
    return len({root(key) for key in people})


def alert_clusters(session: Session, settings: ClusterAlert, areas: AreaGroups, now: dt.datetime) -> list[StaffEvent]:
    """Notify supervisors and managers of each cluster in the window ending now (once per bucket)."""
    window = dt.timedelta(hours=settings.window_hours)
    rows = complaints_with_area(session, now - window, now)
    clusters = find_clusters((ComplaintRow(*row) for row in rows), settings.min_customers, areas)
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
