"""Mainland China's public holidays and make-up working days (调休), from the chinese-calendar package.

The package carries the State Council's schedule up to the year of its release; it is upgraded
each year when the next year's schedule is published (docs/operations.md). For a year it has no
data for it raises ``NotImplementedError``, which is told here as :data:`BEYOND_DATA`.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import chinese_calendar

PACKAGE = "chinese-calendar"


class Kind(enum.Enum):
    HOLIDAY = "holiday"
    """A public holiday, its weekend days included."""
    MAKE_UP_WORKDAY = "make_up_workday"
    """A weekend day worked instead of a holiday (调休)."""
    ORDINARY = "ordinary"
    """Neither: the configured working weekdays decide."""


@dataclass(frozen=True, slots=True)
class NationalDay:
    kind: Kind
    name: str | None = None
    """The package's (English) holiday name, e.g. "National Day"."""


BEYOND_DATA = None
"""What :func:`national_day` returns for a year the package has no data for."""


def source() -> str:
    try:
        return f"{PACKAGE} {version(PACKAGE)}"
    except PackageNotFoundError:  # pragma: no cover - installed from a source tree without metadata
        return PACKAGE


def covered_years() -> range:
    """The years the installed package has the official schedule for."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def national_day(day: dt.date) -> NationalDay | None:
    """What the State Council's schedule says of ``day``, or :data:`BEYOND_DATA`."""
    try:
        off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return BEYOND_DATA
    if name is None:
        return NationalDay(Kind.ORDINARY)
    return NationalDay(Kind.HOLIDAY if off else Kind.MAKE_UP_WORKDAY, str(name))
