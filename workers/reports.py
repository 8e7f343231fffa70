"""The managers' daily report: yesterday's complaints, resolutions, breaches and failed deliveries.

A cron job (unique, so one worker makes it) at the configured local time; stored once per day
in ``reports`` and announced to every manager with a notification.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy.orm import Session

from bot.core.staff_event import StaffEvent
from bot.outbound.effects import Effects
from bot.resources import resources
from bot.storage.notifications import MANAGERS, notify
from bot.storage.reports import build_daily_report, store_report

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]
DAILY = "daily"


async def make_daily_report(ctx: Ctx, day: dt.date) -> bool:
    """Build and store the report for ``day`` and notify the managers; False when it exists already."""
    res = resources(ctx)
    zone = ZoneInfo(res.config.service.timezone)
    now = res.clock()

    def store(session: Session) -> StaffEvent | bool | None:
        body = build_daily_report(session, day, zone)
        if not store_report(session, DAILY, day, body, now):
            return False
        summary = {
            "day": body["day"],
            "complaints": body["complaints"]["total"],
            "resolved": body["resolved"],
            "breached": body["breached"],
            "deliveries_failed": body["deliveries_failed"],
        }
        return notify(session, "daily_report", MANAGERS, now, detail=summary, dedupe_key=f"daily_report:{day}")

    event = await res.database.write(store)
    if event is False:
        return False
    if isinstance(event, StaffEvent):
        await res.gateway.commit(Effects(staff_events=[event]))
    log.info("report.daily", day=day.isoformat())
    return True


async def daily_report(ctx: Ctx) -> str:
    """Cron: the report for the previous local day."""
    res = resources(ctx)
    zone = ZoneInfo(res.config.service.timezone)
    yesterday = res.clock().astimezone(zone).date() - dt.timedelta(days=1)
    made = await make_daily_report(ctx, yesterday)
    return f"daily report for {yesterday}: {'made' if made else 'already there'}"
