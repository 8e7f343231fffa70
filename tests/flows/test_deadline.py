"""Deadlines from the table, the calendar and the service hours, and how they are said."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.config import Calendar, Clock, DeadlineOverride, DeadlineRule, DeadlineTable, Grade, ServiceConfig, Signal
from bot.flows.deadline import (
    BusinessCalendar,
    compute_deadline,
    describe_moment,
    due_after,
    extension_terms,
    format_hours,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def calendar(service_config: ServiceConfig) -> BusinessCalendar:
    return BusinessCalendar(
        Calendar(
            working_weekdays=[1, 2, 3, 4, 5],
            holidays=[dt.date(2026, 11, 25)],
            extra_working_days=[dt.date(2026, 11, 29)],
            business_hours=(dt.time(8, 30), dt.time(17, 30)),
        ),
        SHANGHAI,
    )


def test_working_days_skip_weekends_and_holidays_and_count_makeup_days(calendar: BusinessCalendar) -> None:
    assert calendar.add_working_days(at(23, 10), 1) == at(24, 10)  # Monday → Tuesday
    assert calendar.add_working_days(at(24, 10), 1) == at(26, 10)  # Wednesday 25th is a holiday
    assert calendar.add_working_days(at(27, 16), 1) == at(29, 16)  # Sunday 29th is a make-up day
    assert calendar.add_working_days(at(28, 9), 2) == at(30, 9)


def test_business_hours(calendar: BusinessCalendar) -> None:
    assert calendar.within_business_hours(at(23, 9))
    assert not calendar.within_business_hours(at(23, 18))
    assert not calendar.within_business_hours(at(22, 10))  # Sunday


@pytest.mark.parametrize(
    ("grade", "tier", "hours"),
    [(Grade.SIMPLE, "standard", 12), (Grade.COMPLEX, "standard", 24)],
)
def test_standard_deadlines_are_12_and_24_hours_on_the_wall_clock(
    service_config: ServiceConfig, calendar: BusinessCalendar, grade: Grade, tier: str, hours: int
) -> None:
    table = service_config.deadlines.model_copy(update={"clock": Clock.WALL})
    deadline = compute_deadline(at(23, 10), grade, tier, "other", table, calendar)
    assert deadline.hours == hours
    # Monday 10:00 + 12 h is 22:00, after closing: the next opening; + 24 h is inside the hours
    assert deadline.due_at == (at(24, 8, 30) if hours == 12 else at(24, 10))
    assert deadline.says_hours is (hours == 24)


def test_vip_is_tighter_than_standard(service_config: ServiceConfig, calendar: BusinessCalendar) -> None:
    for grade in Grade:
        vip = compute_deadline(at(23, 14), grade, "vip", "other", service_config.deadlines, calendar)
        standard = compute_deadline(at(23, 14), grade, "standard", "other", service_config.deadlines, calendar)
        assert vip.due_at < standard.due_at


def test_an_override_in_working_days_uses_the_calendar(
    service_config: ServiceConfig, calendar: BusinessCalendar
) -> None:
    table = service_config.deadlines.model_copy(
        update={"overrides": [DeadlineOverride(category="real_estate", deadline=DeadlineRule(working_days=1))]}
    )
    deadline = compute_deadline(at(24, 10), Grade.COMPLEX, "standard", "real_estate", table, calendar)
    assert deadline.due_at == at(26, 10)
    assert deadline.hours == 48


@pytest.mark.parametrize(
    ("moment", "expected_zh", "expected_en"),
    [
        (at(23, 15), "今天下午3点前", "by 3 pm today"),
        (at(23, 17), "今天下午5点前", "by 5 pm today"),
        (at(24, 2), "明天凌晨2点前", "by 2 am tomorrow"),
        (at(24, 10), "明天上午10点前", "by 10 am tomorrow"),
        (at(24, 15), "明天下午3点前", "by 3 pm tomorrow"),
        (at(24, 15, 30), "明天下午3点半前", "by 3:30 pm tomorrow"),
        (at(25, 9), "后天上午9点前", "by 9 am on Wednesday 25 November"),
        (at(27, 20, 5), "11月27日（周五）晚上8点05分前", "by 8:05 pm on Friday 27 November"),
        (at(4, 9, month=12), "12月4日（周五）上午9点前", "by 9 am on Friday 4 December"),
        (at(24, 12, 10), "明天中午12点10分前", "by 12:10 pm tomorrow"),
    ],
)
def test_deadlines_are_said_as_the_manuals_say_them(
    service_config: ServiceConfig, moment: dt.datetime, expected_zh: str, expected_en: str
) -> None:
    now = at(23, 14)
    zh = service_config.phrases["zh-CN"].time_words
    en = service_config.phrases["en"].time_words
    assert describe_moment(moment, now, SHANGHAI, zh) == expected_zh
    assert describe_moment(moment.astimezone(dt.UTC), now, SHANGHAI, en) == expected_en


def test_seconds_never_make_the_said_time_later_than_the_deadline(service_config: ServiceConfig) -> None:
    words = service_config.phrases["zh-CN"].time_words
    assert describe_moment(at(23, 15, 0).replace(second=59), at(23, 14), SHANGHAI, words) == "今天下午3点前"


def test_hours_are_said_whole_never_with_decimals() -> None:
    """"within N hours" stays true: a fraction rounds up (the exact time is said beside it)."""
    assert format_hours(12.0) == "12"
    assert format_hours(7.5) == "8"
    assert format_hours(1.5) == "2"


def test_the_hour_after_midnight(service_config: ServiceConfig) -> None:
    zh = service_config.phrases["zh-CN"].time_words
    en = service_config.phrases["en"].time_words
    assert describe_moment(at(24, 0, 30), at(23, 14), SHANGHAI, zh) == "明天凌晨0点半前"
    assert describe_moment(at(24, 0, 45), at(23, 14), SHANGHAI, zh) == "明天凌晨0点45分前"
    assert describe_moment(at(24, 0, 30), at(23, 14), SHANGHAI, en) == "by 12:30 am tomorrow"


# ---------------------------------------------------------------- issue 12 item 7: promises inside service hours


def _table(service_config: ServiceConfig, clock: Clock) -> DeadlineTable:
    return service_config.deadlines.model_copy(update={"clock": clock})


def test_business_hours_is_the_shipped_clock(service_config: ServiceConfig) -> None:
    assert service_config.deadlines.clock is Clock.BUSINESS_HOURS
    assert service_config.deadlines.round_to_minutes == 30


def test_twelve_hours_from_12_13_is_tomorrow_afternoon_inside_the_hours(
    service_config: ServiceConfig, calendar: BusinessCalendar
) -> None:
    """The issue's case: 12:13 + 12 h was said "明天凌晨0点13分前"."""
    now = at(23, 12, 13)
    deadline = compute_deadline(now, Grade.SIMPLE, "standard", "other", service_config.deadlines, calendar)
    # 5 h 17 min on Monday (to 17:30), 6 h 43 min on Tuesday from 08:30: 15:13, rounded up
    assert deadline.due_at == at(24, 15, 30)
    assert calendar.within_business_hours(deadline.due_at)
    assert not deadline.says_hours
    words = service_config.phrases["zh-CN"].time_words
    assert describe_moment(deadline.due_at, now, SHANGHAI, words) == "明天下午3点半前"


def test_on_the_wall_clock_a_night_deadline_moves_to_the_next_opening(
    service_config: ServiceConfig, calendar: BusinessCalendar
) -> None:
    table = _table(service_config, Clock.WALL)
    deadline = compute_deadline(at(23, 12, 13), Grade.SIMPLE, "standard", "other", table, calendar)
    assert deadline.due_at == at(24, 8, 30)  # not 00:13
    assert not deadline.says_hours


def test_friday_evening_is_answered_on_monday(service_config: ServiceConfig, calendar: BusinessCalendar) -> None:
    friday_evening = at(4, 19, month=12)
    wall = compute_deadline(
        friday_evening, Grade.SIMPLE, "standard", "other", _table(service_config, Clock.WALL), calendar
    )
    assert wall.due_at == at(7, 8, 30, month=12)  # Saturday 07:00 → Monday's opening
    vip = compute_deadline(friday_evening, Grade.SIMPLE, "vip", "other", service_config.deadlines, calendar)
    assert vip.due_at == at(7, 12, 30, month=12)  # 4 service hours from Monday 08:30
    words = service_config.phrases["zh-CN"].time_words
    assert describe_moment(vip.due_at, friday_evening, SHANGHAI, words) == "12月7日（周一）中午12点半前"


def test_a_public_holiday_is_skipped(service_config: ServiceConfig) -> None:
    calendar = BusinessCalendar(service_config.calendar, SHANGHAI)
    assert dt.date(2026, 10, 1) not in service_config.calendar.holidays  # 国庆 10/1–10/7: from chinese-calendar
    eve = dt.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
    business = compute_deadline(eve, Grade.SIMPLE, "standard", "other", service_config.deadlines, calendar)
    # 1.5 h on 9/30, 9 h on Thursday 10/8, 1.5 h on Friday 10/9
    assert business.due_at == dt.datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI)
    wall = compute_deadline(eve, Grade.SIMPLE, "standard", "other", _table(service_config, Clock.WALL), calendar)
    assert wall.due_at == dt.datetime(2026, 10, 8, 8, 30, tzinfo=SHANGHAI)


def test_new_years_day_2027_is_off_before_the_state_council_publishes_its_schedule(
    service_config: ServiceConfig,
) -> None:
    """chinese-calendar 1.11 ends with 2026; the shipped calendar keeps 2027's statutory days off."""
    calendar = BusinessCalendar(service_config.calendar, SHANGHAI)
    new_years_eve = dt.datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI)
    business = compute_deadline(new_years_eve, Grade.SIMPLE, "standard", "other", service_config.deadlines, calendar)
    # 1.5 h on Thursday 12/31, Friday 1/1 off, 9 h on Monday 1/4, 1.5 h on Tuesday 1/5
    assert business.due_at == dt.datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI)
    assert not calendar.is_working_day(dt.date(2027, 2, 8))  # 正月初三, a Monday


def test_a_make_up_working_day_counts(calendar: BusinessCalendar) -> None:
    # Saturday 28th is off, Sunday 29th is a make-up working day (the fixture's calendar)
    assert calendar.add_service_hours(at(27, 17), 2) == at(29, 10)


def test_closing_time_is_the_last_moment_of_a_day(calendar: BusinessCalendar) -> None:
    assert calendar.add_service_hours(at(23, 8, 30), 9) == at(23, 17, 30)  # the whole day: not tomorrow
    assert calendar.add_service_hours(at(23, 17, 30), 1) == at(24, 9, 30)  # nothing left today
    assert calendar.add_service_hours(at(23, 6), 1) == at(23, 9, 30)  # before opening
    assert calendar.serving_at_or_after(at(23, 17, 30)) == at(23, 17, 30)
    assert calendar.serving_at_or_after(at(23, 17, 31)) == at(24, 8, 30)
    assert calendar.serving_at_or_after(at(23, 8, 30)) == at(23, 8, 30)
    assert calendar.serving_at_or_after(at(23, 8, 29)) == at(23, 8, 30)


def test_rounding_is_up_to_whole_or_half_hours_and_never_past_closing(calendar: BusinessCalendar) -> None:
    assert calendar.round_up(at(23, 15, 13), 30) == at(23, 15, 30)
    assert calendar.round_up(at(23, 15, 30), 30) == at(23, 15, 30)
    assert calendar.round_up(at(23, 15, 31), 30) == at(23, 16)
    assert calendar.round_up(at(23, 15, 1), 60) == at(23, 16)
    late_closing = BusinessCalendar(
        Calendar(working_weekdays=[1, 2, 3, 4, 5], business_hours=(dt.time(8, 30), dt.time(17, 15))), SHANGHAI
    )
    assert late_closing.round_up(at(23, 17, 10), 30) == at(23, 17, 15)  # the closing time itself


@pytest.mark.parametrize("clock", [Clock.BUSINESS_HOURS, Clock.WALL])
@pytest.mark.parametrize("tier", ["standard", "high_value", "vip"])
@pytest.mark.parametrize("grade", list(Grade))
def test_a_promise_is_never_shorter_than_the_standard_and_always_inside_the_hours(
    service_config: ServiceConfig, calendar: BusinessCalendar, clock: Clock, tier: str, grade: Grade
) -> None:
    table = _table(service_config, clock)
    for minutes in range(0, 7 * 24 * 60, 97):  # a week of start times, every 97 minutes
        now = at(23, 0) + dt.timedelta(minutes=minutes)
        deadline = compute_deadline(now, grade, tier, "other", table, calendar)
        local = deadline.due_at.astimezone(SHANGHAI)
        assert deadline.due_at >= now + dt.timedelta(hours=deadline.hours), now
        assert calendar.is_working_day(local.date()), now
        assert dt.time(8, 30) <= local.time() <= dt.time(17, 30), now
        assert local.minute in (0, 30) and local.second == 0, now


def test_around_the_clock_the_hours_stay_where_they_fall_at_night_and_on_holidays(
    service_config: ServiceConfig, calendar: BusinessCalendar
) -> None:
    """Danger now is answered within the hour at any time: a Saturday night or the National Day
    holiday is not moved to the next opening."""
    table = _table(service_config, Clock.AROUND_THE_CLOCK)
    for start in (at(5, 23, 10, month=12), dt.datetime(2026, 10, 2, 3, 40, tzinfo=SHANGHAI)):
        for minutes in range(0, 24 * 60, 53):
            now = start + dt.timedelta(minutes=minutes)
            deadline = compute_deadline(now, Grade.SIMPLE, "standard", "other", table, calendar)
            assert now + dt.timedelta(hours=12) <= deadline.due_at < now + dt.timedelta(hours=12, minutes=30), now
            assert deadline.due_at.astimezone(SHANGHAI).minute in (0, 30)
            assert deadline.says_hours


def test_within_the_hour_is_said_of_a_time_at_most_ten_minutes_past_the_hour(
    service_config: ServiceConfig, calendar: BusinessCalendar
) -> None:
    """"1小时内（今天晚上8点前）" said at 18:31 promised an hour and a half: a short promise is
    rounded up by a sixth of it at most, a long one by the table's step."""
    table = service_config.deadlines
    start = at(4, 18, 0, month=12)
    for minutes in range(0, 60, 7):
        now = start + dt.timedelta(minutes=minutes, seconds=20)
        danger = compute_deadline(now, Grade.SIMPLE, "standard", "other", table, calendar, {Signal.DANGER})
        assert now + dt.timedelta(hours=1) <= danger.due_at <= now + dt.timedelta(hours=1, minutes=10), now
        assert danger.says_hours and danger.hours == 1
    ordinary = compute_deadline(at(2, 9, 1, month=12), Grade.SIMPLE, "standard", "other", table, calendar)
    assert ordinary.due_at.astimezone(SHANGHAI).minute in (0, 30)


def test_an_override_matches_a_signal_and_counts_on_its_own_clock(
    service_config: ServiceConfig, calendar: BusinessCalendar
) -> None:
    table = service_config.deadlines
    saturday_night = at(5, 23, 10, month=12)
    danger = compute_deadline(saturday_night, Grade.SIMPLE, "standard", "other", table, calendar, {Signal.DANGER})
    assert danger.due_at == at(6, 0, 10, month=12)  # 1 h on the wall clock, rounded up: not Monday
    ordinary = compute_deadline(saturday_night, Grade.SIMPLE, "standard", "other", table, calendar, {Signal.EMOTIONAL})
    assert ordinary.due_at == at(8, 11, 30, month=12)  # the table's 12 service hours from Monday
    with pytest.raises(ValidationError, match="clock counts hours"):
        DeadlineRule.model_validate({"working_days": 1, "clock": "around_the_clock"})


def test_an_agents_extension_lands_inside_the_hours_too(
    service_config: ServiceConfig, calendar: BusinessCalendar
) -> None:
    table = service_config.deadlines
    # Tuesday 0.5 h, Wednesday 25th a holiday, Thursday 9 h, Friday 2.5 h
    assert due_after(at(24, 17), 12, table.clock, table.round_to_minutes, calendar) == at(27, 11)
    assert due_after(at(24, 17), 12, Clock.WALL, table.round_to_minutes, calendar) == at(26, 8, 30)


def test_a_clock_and_rounding_are_checked_at_load(service_config: ServiceConfig) -> None:
    with pytest.raises(ValidationError, match="round_to_minutes"):
        DeadlineTable.model_validate({**service_config.deadlines.model_dump(), "round_to_minutes": 7})
    with pytest.raises(ValidationError, match="clock"):
        DeadlineTable.model_validate({**service_config.deadlines.model_dump(), "clock": "lunar"})
    with pytest.raises(ValidationError, match="opening time"):
        Calendar(working_weekdays=[1], business_hours=(dt.time(18), dt.time(9)))


def test_an_extension_counts_on_the_cases_own_clock_and_offers_its_own_promise(service_config: ServiceConfig) -> None:
    table = service_config.deadlines
    danger = extension_terms(table, "complex", "standard", "engineering_repair", ["danger"])
    assert (danger.clock, danger.default_hours) == (Clock.AROUND_THE_CLOCK, 1)
    simple = extension_terms(table, "simple", "standard", "property_service", [])
    assert (simple.clock, simple.default_hours) == (table.clock, 12)
    assert extension_terms(table, "complex", "vip", "billing", ["emotional"]).default_hours == 8
    # promised in working days (real estate): the grade × tier hours, on the table's clock
    estate = extension_terms(table, "simple", "standard", "real_estate", [])
    assert (estate.clock, estate.default_hours) == (table.clock, 12)
