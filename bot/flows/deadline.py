"""Reply deadlines, the business calendar and how a time is said to a customer.

The clock is always passed in: nothing here reads the current time.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import structlog

from bot.config import Calendar, Clock, DeadlineRule, DeadlineTable, Grade, PhraseId, Signal, TimeWords
from bot.flows import national_calendar
from bot.flows.national_calendar import Kind, NationalDay

log = structlog.get_logger(__name__)

_national_day = functools.lru_cache(maxsize=2048)(national_calendar.national_day)


@dataclass(frozen=True, slots=True)
class CalendarSource:
    """Where the public holidays come from, and the years it cannot tell (shown to managers)."""

    source: str
    covered_from: int
    covered_until: int
    beyond_data_years: tuple[int, ...]
    """Years asked about (and this year and the next) that only the working weekdays decide."""


class BusinessCalendar:
    """Working days and service hours.

    A day is worked when ``config/calendar.yaml`` says so (its ``extra_working_days`` and
    ``holidays`` are local overrides and always win), else as the State Council's schedule says
    (public holidays and make-up working days, from the chinese-calendar package), else by the
    configured working weekdays. For a year past the package's data only the weekdays decide, and
    that is logged once per year (``calendar.beyond_data``) and shown on the manager console.

    Every question about which days are worked goes through :meth:`is_working_day`, so where the
    holidays come from stays a matter of this class alone.
    """

    def __init__(self, calendar: Calendar, timezone: ZoneInfo) -> None:
        self._calendar = calendar
        self._holidays = frozenset(calendar.holidays)
        self._extra = frozenset(calendar.extra_working_days)
        self._weekdays = frozenset(calendar.working_weekdays)
        self._beyond: set[int] = set()
        self.timezone = timezone

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._extra:
            return True
        if day in self._holidays:
            return False
        national = self._national(day)
        if national is not None and national.kind is Kind.HOLIDAY:
            return False
        if national is not None and national.kind is Kind.MAKE_UP_WORKDAY:
            return True
        return day.isoweekday() in self._weekdays

    def _national(self, day: dt.date) -> NationalDay | None:
        national = _national_day(day)
        if national is national_calendar.BEYOND_DATA:
            self._note_beyond_data(day.year)
        return national

    def _note_beyond_data(self, year: int) -> None:
        if year in self._beyond:
            return
        self._beyond.add(year)
        covered = national_calendar.covered_years()
        log.warning(
            "calendar.beyond_data",
            year=year,
            source=national_calendar.source(),
            covered_until=covered[-1],
            fallback="working weekdays only; config/calendar.yaml overrides still apply",
        )

    def source_status(self, today: dt.date) -> CalendarSource:
        """The holiday source, and which years it has no data for among those asked about, this
        year and the next."""
        covered = national_calendar.covered_years()
        for year in (today.year, today.year + 1):
            if year not in covered:
                self._note_beyond_data(year)
        return CalendarSource(
            source=national_calendar.source(),
            covered_from=covered[0],
            covered_until=covered[-1],
            beyond_data_years=tuple(sorted(self._beyond)),
        )

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

    # ------------------------------------------------------------------ service hours as a clock

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.timezone)

    def _next_opening(self, day: dt.date) -> dt.datetime:
        """Opening time of the first working day after ``day``."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return self._at(day, self._calendar.business_hours[0])

    def serving_at_or_after(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` when it falls within service hours (closing time included: a deadline may
        be the close of the day), else the next opening."""
        local = moment.astimezone(self.timezone)
        opens, closes = self._calendar.business_hours
        if self.is_working_day(local.date()):
            if local.time() < opens:
                return self._at(local.date(), opens)
            if local.time() <= closes:
                return local
        return self._next_opening(local.date())

    def add_service_hours(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """``hours`` counted only within service hours on working days, from ``moment``."""
        remaining = dt.timedelta(hours=hours)
        closes = self._calendar.business_hours[1]
        current = self.serving_at_or_after(moment)
        while True:
            closing = self._at(current.date(), closes)
            left_today = closing - current
            if remaining <= left_today:
                return current + remaining
            remaining -= left_today
            current = self._next_opening(current.date())

    def step_up(self, moment: dt.datetime, minutes: int) -> dt.datetime:
        """The first whole ``minutes`` step at or after ``moment`` (local time)."""
        local = moment.astimezone(self.timezone)
        midnight = self._at(local.date(), dt.time(0, 0))
        step = dt.timedelta(minutes=minutes)
        return midnight + step * math.ceil((local - midnight) / step)

    def round_up(self, moment: dt.datetime, minutes: int) -> dt.datetime:
        """The first whole ``minutes`` step at or after ``moment`` (local time), but never past the
        closing time that ``moment`` itself does not pass."""
        local = moment.astimezone(self.timezone)
        rounded = self.step_up(local, minutes)
        closing = self._at(local.date(), self._calendar.business_hours[1])
        if local <= closing < rounded:
            return closing
        return rounded


@dataclass(frozen=True, slots=True)
class Deadline:
    due_at: dt.datetime
    hours: float
    working_days: int | None = None
    """Set when the rule counts working days: the promise then names the day, not the hours."""
    says_hours: bool = False
    """The promise may say "within N hours": the due time is the standard's hours on the wall
    clock, rounded up by less than one rounding step."""


def _rule_for(
    table: DeadlineTable, grade: Grade, tier: str, category: str, signals: Collection[Signal], problem: str = ""
) -> DeadlineRule:
    for override in table.overrides:
        if (
            (override.category in (None, category))
            and (override.tier in (None, tier))
            and (override.grade in (None, grade))
            and (override.signal is None or override.signal in signals)
            and (not override.words or any(word in problem for word in override.words))
        ):
            return override.deadline
    row = table.table[grade]
    return DeadlineRule(hours=row.get(tier, row[table.default_tier]))


@dataclass(frozen=True, slots=True)
class ExtensionTerms:
    """How a supervisor's extension of a case counts (the console's 延长时限)."""

    clock: Clock
    """The clock the case's own deadline counts on: around the clock for danger now, service hours
    for an ordinary complaint (``deadlines.yaml``)."""
    default_hours: float
    """The hours offered: the case's own promise again (1 for danger now, 12 for a simple complaint)."""


def extension_terms(
    table: DeadlineTable, grade: str, tier: str, category: str, signals: Collection[str]
) -> ExtensionTerms:
    """An extension counts as the case's deadline was counted (its rule's clock), and offers the
    hours that rule promised; a case promised in working days offers its grade × tier hours on
    the table's clock. Never under ``extension_min_hours``."""
    # A grade or signal no longer known (rows from before a configuration change) counts as
    # the plainest case: no override matched by it, the shorter promise.
    known_grade = Grade(grade) if grade in {known.value for known in Grade} else Grade.SIMPLE
    known_signals = [Signal(signal) for signal in signals if signal in {known.value for known in Signal}]
    rule = _rule_for(table, known_grade, tier, category, known_signals)
    if rule.hours is not None:
        clock, hours = rule.clock or table.clock, rule.hours
    else:
        row = table.table[known_grade]
        clock, hours = table.clock, row.get(tier, row[table.default_tier])
    return ExtensionTerms(clock=clock, default_hours=max(float(hours), table.extension_min_hours))


def due_after(
    start: dt.datetime, hours: float, clock: Clock, round_to_minutes: int, calendar: BusinessCalendar
) -> dt.datetime:
    """When ``hours`` from ``start`` are up, as promised: counted on the ``clock``, moved into
    service hours and rounded up to a time a person says ("下午3点30分"). Never earlier than the
    hours on the wall clock. Around the clock, the hours are on the wall clock and stay where they
    fall, rounded up."""
    if clock is Clock.AROUND_THE_CLOCK:
        return calendar.step_up(start + dt.timedelta(hours=hours), round_to_minutes)
    if clock is Clock.BUSINESS_HOURS:
        due = calendar.add_service_hours(start, hours)
    else:
        due = calendar.serving_at_or_after(start + dt.timedelta(hours=hours))
    return calendar.round_up(due, round_to_minutes)


def compute_deadline(
    now: dt.datetime,
    grade: Grade,
    tier: str,
    category: str,
    table: DeadlineTable,
    calendar: BusinessCalendar,
    signals: Collection[Signal] = (),
    problem: str = "",
) -> Deadline:
    """The promised reply time: the first matching override (one with ``words`` only when the
    ``problem``, in matchable form, holds one), else grade × tier hours; inside the service hours
    (unless the rule's clock runs around the clock) and rounded up (``table.clock``,
    ``table.round_to_minutes``)."""
    return deadline_by_rule(now, _rule_for(table, grade, tier, category, signals, problem), table, calendar)


def deadline_by_rule(
    now: dt.datetime, rule: DeadlineRule, table: DeadlineTable, calendar: BusinessCalendar
) -> Deadline:
    """The reply time ``rule`` promises from ``now`` (an override's, the table's, an appeal's)."""
    step = dt.timedelta(minutes=table.round_to_minutes)
    if rule.hours is not None:
        clock = rule.clock or table.clock
        minutes = rounding_minutes(rule.hours, table.round_to_minutes)
        step = dt.timedelta(minutes=minutes)
        due = due_after(now, rule.hours, clock, minutes, calendar)
        literal = due - (now + dt.timedelta(hours=rule.hours)) < step
        return Deadline(due_at=due, hours=rule.hours, says_hours=clock is not Clock.BUSINESS_HOURS and literal)
    assert rule.working_days is not None
    due = calendar.round_up(
        calendar.serving_at_or_after(calendar.add_working_days(now, rule.working_days)), table.round_to_minutes
    )
    return Deadline(due_at=due, hours=(due - now).total_seconds() / 3600, working_days=rule.working_days)


def rounding_minutes(hours: float, configured: int) -> int:
    """The step a promise of ``hours`` is rounded up to: the configured one, but at most a sixth of
    the time promised, so "1小时内" is not said of a time an hour and a half away (within the hour
    from 18:31 is 19:40, not 20:00)."""
    sixth = hours * 60 / 6
    return max(
        (step for step in range(1, configured + 1) if configured % step == 0 and step <= sixth),
        default=1,
    )


def format_hours(hours: float) -> str:
    """Hours as a customer reads them, whole ("5", never "5.4" nor "12.0"), rounded up: a promise
    "within N hours" still holds (a 1.5-hour promise is "2小时内", its time said beside it)."""
    return str(max(1, math.ceil(round(hours, 6))))


def promised_minutes(hours: float) -> int:
    """A promise of under an hour in whole minutes, rounded up: 0.5 hours is "30分钟内"."""
    return max(1, math.ceil(round(hours * 60, 6)))


def describe_moment(moment: dt.datetime, now: dt.datetime, timezone: ZoneInfo, words: TimeWords) -> str:
    """Say ``moment`` relative to ``now``: "明天下午3点前", "12月4日（周五）上午9点前", "by 3 pm tomorrow".

    Minutes are floored, so the time said is never later than the real deadline.
    """
    local = moment.astimezone(timezone).replace(second=0, microsecond=0)
    today = now.astimezone(timezone).date()
    offset = (local.date() - today).days
    if offset == 0:
        day = words.today
    elif offset == 1:
        day = words.tomorrow
    elif offset == 2 and words.day_after_tomorrow:
        day = words.day_after_tomorrow
    else:
        day = words.date.format(
            month=local.month,
            day=local.day,
            weekday=words.weekdays[local.weekday()] if words.weekdays else "",
            month_name=words.month_names[local.month - 1] if words.month_names else local.month,
        )
    period = words.periods[0].word
    for candidate in words.periods:
        if candidate.starts <= local.time():
            period = candidate.word
    hour = local.hour
    if words.twelve_hour:
        hour = hour % 12 or (words.midnight_hour if hour == 0 else 12)
    if local.minute == 30 and words.time_half_hour:
        time = words.time_half_hour.format(period=period, hour=hour)
    elif local.minute:
        time = words.time.format(period=period, hour=hour, minute=f"{local.minute:02d}")
    else:
        time = words.time_on_the_hour.format(period=period, hour=hour)
    return words.combine.format(day=day, time=time)
