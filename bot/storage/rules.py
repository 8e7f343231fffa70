"""The manager rules' versions (``rule_sets``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.models import RuleSetVersion
from bot.storage.store import dialect_insert


def newest_version(session: Session) -> int | None:
    return session.execute(select(func.max(RuleSetVersion.version))).scalar_one_or_none()


def insert_version(
    session: Session, version: int, rules: Any, changed_by: str, changed_at: dt.datetime, note: str
) -> bool:
    """Store a version unless that number exists; True when this one was stored."""
    inserted = session.execute(
        dialect_insert(session, RuleSetVersion)
        .values(version=version, rules=rules, changed_by=changed_by, changed_at=changed_at, note=note)
        .on_conflict_do_nothing(index_elements=["version"])
        .returning(RuleSetVersion.version)
    ).scalar_one_or_none()
    return inserted is not None


def every_version(session: Session) -> list[RuleSetVersion]:
    """Every stored version, oldest first."""
    return list(session.execute(select(RuleSetVersion).order_by(RuleSetVersion.version)).scalars().all())
