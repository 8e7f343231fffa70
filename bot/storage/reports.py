"""Stored reports (one row per kind and day)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Report


def stored_report(session: Session, kind: str, day: dt.date) -> Report | None:
    """The report of this kind for this day, if it was made."""
    return session.execute(select(Report).where(Report.kind == kind, Report.day == day)).scalar_one_or_none()
