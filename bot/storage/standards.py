"""The service standards' versions (``standard_versions``): one row per section and version."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.storage.models import StandardVersion
from bot.storage.store import dialect_insert


def newest_versions(session: Session) -> dict[str, int]:
    """The highest stored version of each section (sections never stored are absent)."""
    rows = session.execute(
        select(StandardVersion.section, func.max(StandardVersion.version)).group_by(StandardVersion.section)
    ).all()
    return {section: version for section, version in rows}


def newest_version(session: Session, section: str) -> int | None:
    return session.execute(
        select(func.max(StandardVersion.version)).where(StandardVersion.section == section)
    ).scalar_one_or_none()


def insert_version(
    session: Session,
    section: str,
    version: int,
    body: Any,
    changed_by: str,
    changed_at: dt.datetime,
    note: str,
    rollback_of: int | None = None,
) -> bool:
    """Store a version unless that number exists for the section; True when this one was stored."""
    inserted = session.execute(
        dialect_insert(session, StandardVersion)
        .values(
            section=section,
            version=version,
            body=body,
            changed_by=changed_by,
            changed_at=changed_at,
            note=note,
            rollback_of=rollback_of,
        )
        .on_conflict_do_nothing(index_elements=["section", "version"])
        .returning(StandardVersion.version)
    ).scalar_one_or_none()
    return inserted is not None


def get_version(session: Session, section: str, version: int) -> StandardVersion | None:
    return session.get(StandardVersion, (section, version))


def get_versions(session: Session, wanted: dict[str, int]) -> list[StandardVersion]:
    """The given version of each given section."""
    if not wanted:
        return []
    which = or_(
        *(
            and_(StandardVersion.section == section, StandardVersion.version == version)
            for section, version in wanted.items()
        )
    )
    return list(session.execute(select(StandardVersion).where(which)).scalars())


def every_version(session: Session, section: str) -> list[StandardVersion]:
    """Every stored version of ``section``, oldest first."""
    return list(
        session.execute(
            select(StandardVersion).where(StandardVersion.section == section).order_by(StandardVersion.version)
        ).scalars()
    )
