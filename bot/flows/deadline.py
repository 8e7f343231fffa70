"""Reply deadlines, the business calendar and how a time is said to a customer.

The clock is always passed in: nothing here reads the current time.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.config import Calendar, DeadlineRule, DeadlineTable, Grade, PhraseId, TimeWords


class BusinessCalendar:
    """Working days from the configured weekdays, holidays and make-up working days."""

    def __init__(self, calendar: Calendar, timezone: ZoneInfo) -> None:
        self._calendar = calendar
        self._holidays = frozenset(calendar.holidays)
        self._extra = frozenset(calendar.extra_working_days)
        self._weekdays = frozenset(calendar.working_weekdays)
        self.timezone = timezone

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._extra:
            return True
        return day.isoweekday() in self._weekdays and day not in self._holidays

    def add_working_days(self, moment: dt.datetime, days: int) -> dt.datetime:
        """The same local time of day, ``days`` working days after ``moment``."""
        local = moment.astimezone(self.timezone)
        day = local.date()
        remaining = days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return dt.datetime.combine(day, local.timetz()).replace(tzinfo=self.timezone)

    def time_greeting(self, moment: dt.datetime) -> PhraseId:
        clock = moment.astimezone(self.timezone).time()
        if self._calendar.morning_starts <= clock < self._calendar.afternoon_starts:
            return PhraseId.GREETING_MORNING
        if self._calendar.afternoon_starts <= clock < self._calendar.evening_starts:
            return PhraseId.GREETING_AFTERNOON
        return PhraseId.GREETING_EVENING

    def festival_greeting(self, moment: dt.datetime, locale: str) -> str | None:
        today = moment.astimezone(self.timezone).date()
        for festival in self._calendar.festivals:
            if festival.date == today:
                return festival.phrase.get(locale)
        return None

    def within_business_hours(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.timezone)
        opens, closes = self._calendar.business_hours
        return self.is_working_day(local.date()) and opens <= local.time() < closes


@dataclass(frozen=True, slots=True)
class Deadline:
    due_at: dt.datetime
    hours: float
    working_days: int | None = None
    """Set when the rule counts working days: the promise then names the day, not the hours."""


def _rule_for(table: DeadlineTable, grade: Grade, tier: str, category: str) -> DeadlineRule:
    for override in table.overrides:
        if (
            (override.category in (None, category))
            and (override.tier in (None, tier))
            and (override.grade in (None, grade))
        ):
            return override.deadline
    row = table.table[grade]
    return DeadlineRule(hours=row.get(tier, row[table.default_tier]))


def compute_deadline(
    now: dt.datetime,
    grade: Grade,
    tier: str,
    category: str,
    table: DeadlineTable,
    calendar: BusinessCalendar,
) -> Deadline:
    """The promised reply time: the first matching override, else grade × tier hours."""
    rule = _rule_for(table, grade, tier, category)
    if rule.hours is not None:
        return Deadline(due_at=now + dt.timedelta(hours=rule.hours), hours=rule.hours)
    assert rule.working_days is not None
    due = calendar.add_working_days(now, rule.working_days)
    return Deadline(due_at=due, hours=(due - now).total_seconds() / 3600, working_days=rule.working_days)


def format_hours(hours: float) -> str:
    return str(int(hours)) if float(hours).is_integer() else f"{math.floor(hours * 10) / 10:g}"


def describe_moment(moment: dt.datetime, now: dt.datetime, timezone: ZoneInfo, words: TimeWords) -> str:
    """Say ``moment`` relative to ``now``: "明天下午3点前", "by 3:00 PM tomorrow".

    Minutes are floored, so the time said is never later than the real deadline.
    """
    local = moment.astimezone(timezone).replace(second=0, microsecond=0)
    today = now.astimezone(timezone).date()
    offset = (local.date() - today).days
    if offset == 0:
        day = words.today
    elif offset == 1:
        day = words.tomorrow
    elif offset == 2:
        day = words.day_after_tomorrow
    else:
        day = words.date.format(month=local.month, day=local.day)
    period = words.periods[0].word
    for candidate in words.periods:
        if candidate.starts <= local.time():
            period = candidate.word
    hour = local.hour
    if words.twelve_hour:
        hour = hour % 12 or (words.midnight_hour if hour == 0 else 12)
    if local.minute:
        time = words.time.format(period=period, hour=hour, minute=f"{local.minute:02d}")
    else:
        time = words.time_on_the_hour.format(period=period, hour=hour)
    return words.combine.format(day=day, time=time)
