"""The stored versions of each section (``standard_versions``): the newest is in force.

Every save is a new version, a rollback too (history is never rewritten). Version 1 of a
section is seeded from ``config/`` the first time it is read.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy.orm import Session

from bot.config import ServiceConfig
from bot.standards.sections import Section
from bot.storage import standards as store
from bot.storage.models import StandardVersion

SEEDED_BY = "config"


class ConcurrentEdit(Exception):
    """Another manager saved a version of the section at the same moment."""


class StaleBase(Exception):
    """The draft was made from a version that is no longer the newest."""

    def __init__(self, newest: int) -> None:
        super().__init__(newest)
        self.newest = newest


@dataclass(frozen=True, slots=True)
class SectionVersion:
    section: str
    version: int
    body: Any
    changed_by: str
    changed_at: dt.datetime
    note: str
    rollback_of: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "version": self.version,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at.isoformat(),
            "note": self.note,
            "rollback_of": self.rollback_of,
        }


def _parse(row: StandardVersion) -> SectionVersion:
    return SectionVersion(row.section, row.version, row.body, row.changed_by, row.changed_at, row.note, row.rollback_of)


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a list or mapping met twice out twice: an import refuses anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def whole_numbers(body: Any) -> Any:
    """``body`` with each float that is a whole number as an int (12.0 → 12): ``config/`` and
    the standards editor write 12, the models dump 12.0, and a version's diff must not show a
    change nobody made."""
    if isinstance(body, float) and body.is_integer():
        return int(body)
    if isinstance(body, dict):
        return {key: whole_numbers(value) for key, value in body.items()}
    if isinstance(body, list):
        return [whole_numbers(value) for value in body]
    return body


def as_yaml(body: Any) -> str:
    """The export format: the body as its file in ``config/`` holds it (whole numbers without
    ``.0``), without anchors or aliases (:mod:`bot.standards.yaml_import` refuses them)."""
    return yaml.dump(whole_numbers(body), Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=120)


def _in_key_order(body: Any) -> Any:
    """``body`` with every mapping's keys in one order, for a diff: the console's JavaScript puts
    number-like keys first and ascending (the 回访 rating phrases 5…1 come back 1…5), so two versions
    differing in one value would otherwise show whole blocks moved (the tester saw +48 −48)."""
    if isinstance(body, dict):
        return {key: _in_key_order(body[key]) for key in sorted(body, key=str)}
    if isinstance(body, list):
        return [_in_key_order(value) for value in body]
    return body


def seed(session: Session, section: Section, defaults: ServiceConfig, now: dt.datetime) -> None:
    """Store ``config/``'s section as version 1 unless some version exists (safe when instances race)."""
    store.insert_version(session, section.id, 1, section.body_of(defaults), SEEDED_BY, now, f"config/{section.files}")


def load(session: Session, section: str, version: int) -> SectionVersion | None:
    row = store.get_version(session, section, version)
    return _parse(row) if row is not None else None


def current(session: Session, section: Section, defaults: ServiceConfig, now: dt.datetime) -> SectionVersion:
    """The section's version in force, seeding version 1 from ``defaults`` when none is stored."""
    version = store.newest_version(session, section.id)
    if version is None:
        seed(session, section, defaults, now)
        version = 1
    found = load(session, section.id, version)
    assert found is not None
    return found


def follow_config(
    session: Session, sections: dict[str, Section], defaults: ServiceConfig, now: dt.datetime
) -> dict[str, int]:
    """After an upgrade, what ``config/`` now ships: each section whose newest version is
    ``config/`` as seeded then gets today's ``config/`` as its next version, and a manager's
    version lacking phrases a newer release requires gets them from ``config/``. Returns the
    versions stored (none when another process stored them first)."""
    stored: dict[str, int] = {}
    for row in store.get_versions(session, store.newest_versions(session)):
        section = sections.get(row.section)
        if section is None:
            continue
        shipped = section.body_of(defaults)
        if row.changed_by == SEEDED_BY:
            body, note = shipped, f"config/{section.files} changed"
        else:
            body, note = section.completed(row.body, shipped), f"new situations from config/{section.files}"
        if body != row.body and store.insert_version(session, row.section, row.version + 1, body, SEEDED_BY, now, note):
            stored[row.section] = row.version + 1
    return stored


def newest(session: Session) -> dict[str, int]:
    """The newest stored version of each section (one grouped query)."""
    return store.newest_versions(session)


def stored_bodies(session: Session, versions: dict[str, int]) -> dict[str, SectionVersion]:
    return {row.section: _parse(row) for row in store.get_versions(session, versions)}


def save(
    session: Session,
    section: Section,
    body: Any,
    changed_by: str,
    note: str,
    defaults: ServiceConfig,
    now: dt.datetime,
    *,
    base_version: int | None = None,
    rollback_of: int | None = None,
) -> SectionVersion:
    """Store ``body`` as the section's next version.

    Raises:
        StaleBase: ``base_version`` is given and is not the newest version.
        ConcurrentEdit: another version with the same number was saved meanwhile.
    """
    newest_version = store.newest_version(session, section.id)
    if newest_version is None:
        seed(session, section, defaults, now)
        newest_version = 1
    if base_version is not None and base_version != newest_version:
        raise StaleBase(newest_version)
    version = newest_version + 1
    if not store.insert_version(session, section.id, version, body, changed_by, now, note, rollback_of):
        raise ConcurrentEdit(version)
    return SectionVersion(section.id, version, body, changed_by, now, note, rollback_of)


def history(session: Session, section: str) -> list[dict[str, Any]]:
    """Every version, newest first, each with the unified diff of the YAML from the one before."""
    entries: list[dict[str, Any]] = []
    previous = ""
    for row in store.every_version(session, section):
        text = as_yaml(_in_key_order(row.body))
        diff = "".join(
            difflib.unified_diff(
                previous.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{section}-v{row.version - 1}.yaml" if row.version > 1 else "/dev/null",
                tofile=f"{section}-v{row.version}.yaml",
            )
        )
        entry = _parse(row).as_json()
        del entry["section"]
        entries.append({**entry, "diff": diff})
        previous = text
    return list(reversed(entries))
