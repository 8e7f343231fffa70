"""Deadlines from the table and the calendar, and how they are said."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.config import Calendar, DeadlineOverride, DeadlineRule, Grade, ServiceConfig
from bot.flows.deadline import BusinessCalendar, compute_deadline, describe_moment, format_hours

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
def test_standard_deadlines_are_12_and_24_hours(
    service_config: ServiceConfig, calendar: BusinessCalendar, grade: Grade, tier: str, hours: int
) -> None:
    deadline = compute_deadline(at(23, 14), grade, tier, "other", service_config.deadlines, calendar)
    assert deadline.hours == hours
    assert deadline.due_at == at(23, 14) + dt.timedelta(hours=hours)


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
        (at(23, 15), "今天下午3点前", "by 3:00 PM today"),
        (at(24, 2), "明天凌晨2点前", "by 2:00 AM tomorrow"),
        (at(24, 15, 30), "明天下午3点30分前", "by 3:30 PM tomorrow"),
        (at(25, 9), "后天上午9点前", "by 9:00 AM the day after tomorrow"),
        (at(27, 20, 5), "11月27日晚上8点05分前", "by 8:05 PM 11/27"),
        (at(24, 12, 10), "明天中午12点10分前", "by 12:10 PM tomorrow"),
    ],
)
def test_deadlines_are_said_as_a_local_time(
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


def test_hours_are_said_without_needless_decimals() -> None:
    assert format_hours(12.0) == "12"
    assert format_hours(7.5) == "7.5"


def test_the_hour_after_midnight(service_config: ServiceConfig) -> None:
    zh = service_config.phrases["zh-CN"].time_words
    en = service_config.phrases["en"].time_words
    assert describe_moment(at(24, 0, 30), at(23, 14), SHANGHAI, zh) == "明天凌晨0点30分前"
    assert describe_moment(at(24, 0, 30), at(23, 14), SHANGHAI, en) == "by 12:30 AM tomorrow"
