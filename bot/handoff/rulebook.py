"""Versioned storage of the manager rules (table ``rule_sets``) and the per-process cache.

Every save is a new version; the highest version is in force. Each process keeps the parsed
rules of the version it last saw in a :class:`RuleBook` and, inside every transaction that
applies rules, checks the highest version first (one indexed ``max()``), so a change saved on
any instance applies on every instance from the next handoff on, without a restart.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

import structlog
import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.rules import STORED, Rule, RuleSet, changes_between
from bot.storage import rules as rule_store
from bot.storage.models import RuleSetVersion

log = structlog.get_logger(__name__)

SEEDED_BY = "config"


class ConcurrentEdit(Exception):
    """Another manager saved a version at the same moment; reload and try again."""


@dataclass(frozen=True, slots=True)
class RulesVersion:
    version: int
    rules: tuple[Rule, ...]
    changed_by: str
    changed_at: dt.datetime
    note: str

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at.isoformat(),
            "note": self.note,
            "rules": [rule.model_dump(mode="json") for rule in self.rules],
        }


def _parse(row: RuleSetVersion) -> RulesVersion:
    try:
        rules = tuple(RuleSet.model_validate({"rules": row.rules}, context={STORED: True}).rules)
    except ValidationError:
        # Saved versions were validated; this only happens if the rule schema changed since.
        log.exception("rules.stored_version_invalid", version=row.version)
        rules = ()
    return RulesVersion(row.version, rules, row.changed_by, row.changed_at, row.note)


def newest_version(session: Session) -> int | None:
    return rule_store.newest_version(session)


def seed(session: Session, defaults: RuleSet, now: dt.datetime) -> None:
    """Store ``defaults`` as version 1 unless some version exists (safe when instances race)."""
    rule_store.insert_version(session, 1, defaults.as_json(), SEEDED_BY, now, "config/rules.yaml")


def load(session: Session, version: int) -> RulesVersion | None:
    row = session.get(RuleSetVersion, version)
    return _parse(row) if row is not None else None


def current(session: Session, defaults: RuleSet, now: dt.datetime) -> RulesVersion:
    """The rules in force, seeding version 1 from ``defaults`` when none is stored."""
    version = newest_version(session)
    if version is None:
        seed(session, defaults, now)
        version = 1
    found = load(session, version)
    assert found is not None
    return found


def save(session: Session, rule_set: RuleSet, changed_by: str, note: str, defaults: RuleSet, now: dt.datetime) -> int:
    """Store ``rule_set`` as the next version; returns its number.

    Raises:
        ConcurrentEdit: another version with the same number was saved meanwhile.
    """
    newest = newest_version(session)
    if newest is None:
        seed(session, defaults, now)
        newest = 1
    version = newest + 1
    if not rule_store.insert_version(session, version, rule_set.as_json(), changed_by, now, note):
        raise ConcurrentEdit(version)
    return version


def _as_text(rules: tuple[Rule, ...]) -> str:
    # Without the defaults every rule would add a dozen lines of "[]" and "false" to the diff.
    dumped = [rule.model_dump(mode="json", exclude_defaults=True) for rule in rules]
    return yaml.safe_dump(dumped, allow_unicode=True, sort_keys=False, width=120) if dumped else ""


def against(shown: RulesVersion, in_force: RulesVersion) -> dict[str, Any]:
    """What putting ``shown`` back would change in the rules in force: the rule names added,
    removed, changed, and only moved (same rule, another place in the order), and the unified
    diff of the two as YAML (in force ``---``, shown ``+++``)."""
    diff = difflib.unified_diff(
        _as_text(in_force.rules).splitlines(keepends=True),
        _as_text(shown.rules).splitlines(keepends=True),
        fromfile=f"rules-v{in_force.version}.yaml",
        tofile=f"rules-v{shown.version}.yaml",
    )
    changes = changes_between(in_force.rules, shown.rules)
    before = {rule.name: rule for rule in in_force.rules}
    after = {rule.name: rule for rule in shown.rules}
    # Positions among the rules both have: one rule added on top moves no other.
    order_before = [name for name in before if name in after]
    order_after = [name for name in after if name in before]
    changes["changed"] = [name for name in order_after if before[name] != after[name]]
    moved = [
        name
        for index, name in enumerate(order_after)
        if before[name] == after[name] and order_before.index(name) != index
    ]
    return {"version": in_force.version, "changes": {**changes, "moved": moved}, "diff": "".join(diff)}


def history(session: Session) -> list[dict[str, Any]]:
    """Every version, newest first: who changed it, when, the note, and which rules changed."""
    rows = rule_store.every_version(session)
    entries: list[dict[str, Any]] = []
    previous: tuple[Rule, ...] = ()
    for row in rows:
        parsed = _parse(row)
        entries.append(
            {
                "version": parsed.version,
                "changed_by": parsed.changed_by,
                "changed_at": parsed.changed_at.isoformat(),
                "note": parsed.note,
                "changes": changes_between(previous, parsed.rules),
            }
        )
        previous = parsed.rules
    return list(reversed(entries))


class RuleBook:
    """The rules in force, cached per process and reloaded when a newer version is stored."""

    def __init__(self, defaults: RuleSet) -> None:
        self._defaults = defaults
        self._cached: RulesVersion | None = None

    def current(self, session: Session, now: dt.datetime) -> RulesVersion:
        """Call inside the transaction that applies the rules: it sees the newest committed version."""
        version = newest_version(session)
        cached = self._cached
        if cached is not None and cached.version == version:
            return cached
        if version is None:
            seed(session, self._defaults, now)
            version = 1
        found = load(session, version)
        assert found is not None
        self._cached = found
        if cached is not None:
            log.info("rules.reloaded", version=found.version, previous=cached.version)
        return found
