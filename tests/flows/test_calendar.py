"""Working days from the State Council's schedule (the chinese-calendar package), local overrides
from config/calendar.yaml, and weekends only — said so — past the package's data."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from structlog.testing import capture_logs

from bot.config import Calendar, Grade, ServiceConfig
from bot.flows import national_calendar
from bot.flows.deadline import BusinessCalendar, compute_deadline

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = (dt.time(8, 30), dt.time(17, 30))


def business(holidays: list[dt.date] | None = None, extra: list[dt.date] | None = None) -> BusinessCalendar:
    return BusinessCalendar(
        Calendar(
            working_weekdays=[1, 2, 3, 4, 5],
            holidays=holidays or [],
            extra_working_days=extra or [],
            business_hours=HOURS,
        ),
        SHANGHAI,
    )


def test_national_day_2025_and_its_make_up_sunday() -> None:
    calendar = business()
    golden_week = [dt.date(2025, 10, 1) + dt.timedelta(days=n) for n in range(8)]  # 国庆 + 中秋: 10/1–10/8
    assert not any(calendar.is_working_day(day) for day in golden_week)
    assert calendar.is_working_day(dt.date(2025, 9, 28))  # Sunday, worked for 国庆 (调休)
    assert calendar.is_working_day(dt.date(2025, 10, 11))  # Saturday, worked for 国庆
    assert not calendar.is_working_day(dt.date(2025, 10, 12))  # an ordinary Sunday
    assert calendar.add_working_days(dt.datetime(2025, 9, 30, 10, tzinfo=SHANGHAI), 1) == dt.datetime(
        2025, 10, 9, 10, tzinfo=SHANGHAI
    )


def test_spring_festival_2026_from_the_package() -> None:
    calendar = business()
    assert not calendar.is_working_day(dt.date(2026, 2, 17))  # 春节, a Tuesday
    assert calendar.is_working_day(dt.date(2026, 2, 14))  # Saturday, worked for 春节


def test_the_deadline_is_counted_across_a_public_holiday(service_config: ServiceConfig) -> None:
    calendar = business()
    eve = dt.datetime(2025, 9, 30, 16, 0, tzinfo=SHANGHAI)  # Tuesday 9/30, the eve of 国庆
    deadline = compute_deadline(eve, Grade.SIMPLE, "standard", "other", service_config.deadlines, calendar)
    # 12 service hours: 1.5 h on 9/30, then 10/1–10/8 off, 9 h on Thursday 10/9, 1.5 h on Friday 10/10
    assert deadline.due_at == dt.datetime(2025, 10, 10, 10, 0, tzinfo=SHANGHAI)


def test_local_overrides_win_over_the_national_schedule() -> None:
    local_day_off = dt.date(2025, 11, 12)  # an ordinary Wednesday
    worked_holiday = dt.date(2025, 10, 8)  # the last day of 国庆
    calendar = business(holidays=[local_day_off], extra=[worked_holiday])
    assert not calendar.is_working_day(local_day_off)
    assert calendar.is_working_day(worked_holiday)
    assert not calendar.is_working_day(dt.date(2025, 10, 7))  # the rest of the holiday stays off


def test_a_local_day_of_calendar_yaml_is_an_override(service_config: ServiceConfig) -> None:
    """The shipped file keeps the old keys, now holding local overrides only."""
    data = service_config.calendar.model_dump(by_alias=True)
    data["holidays"] = [dt.date(2026, 12, 24)]  # a Thursday
    data["extra_working_days"] = [dt.date(2026, 10, 8)]  # inside 国庆
    calendar = BusinessCalendar(Calendar.model_validate(data), SHANGHAI)
    assert not calendar.is_working_day(dt.date(2026, 12, 24))
    assert calendar.is_working_day(dt.date(2026, 10, 8))
    assert not calendar.is_working_day(dt.date(2026, 10, 7))
    # Shipped: no local overrides, only 2027's statutory days off while the package lacks 2027.
    assert {day.year for day in service_config.calendar.holidays} <= {2027}
    assert service_config.calendar.extra_working_days == []


def test_a_date_in_both_override_lists_is_refused() -> None:
    day = dt.date(2026, 12, 24)
    with pytest.raises(ValidationError, match="both a holiday and an extra working day: 2026-12-24"):
        Calendar(working_weekdays=[1, 2, 3, 4, 5], holidays=[day], extra_working_days=[day], business_hours=HOURS)


def test_past_the_package_data_only_weekends_count_and_it_is_logged_once() -> None:
    beyond = national_calendar.covered_years()[-1] + 1
    new_year = dt.date(beyond, 1, 1)
    days = [new_year + dt.timedelta(days=n) for n in range(14)]
    local_saturday = next(day for day in days if day.isoweekday() == 6)
    calendar = business(extra=[local_saturday])
    with capture_logs() as logs:
        worked = [calendar.is_working_day(day) for day in days]
        calendar.add_working_days(dt.datetime.combine(new_year, dt.time(10), tzinfo=SHANGHAI), 5)
    # 元旦 and any 调休 are not guessed: Monday to Friday are worked, and the local override still wins
    assert worked == [day.isoweekday() <= 5 or day == local_saturday for day in days]
    warnings = [entry for entry in logs if entry["event"] == "calendar.beyond_data"]
    assert len(warnings) == 1
    assert warnings[0]["log_level"] == "warning" and warnings[0]["year"] == beyond
    assert warnings[0]["covered_until"] == beyond - 1
    status = calendar.source_status(dt.date(beyond - 1, 12, 3))
    assert status.source.startswith("chinese-calendar ") and status.covered_until == beyond - 1
    assert status.beyond_data_years == (beyond,)


def test_the_source_tells_this_and_next_year_beyond_the_data() -> None:
    last = national_calendar.covered_years()[-1]
    covered = business().source_status(dt.date(last, 6, 1))
    assert covered.beyond_data_years == (last + 1,)
    assert business().source_status(dt.date(last - 1, 6, 1)).beyond_data_years == ()
