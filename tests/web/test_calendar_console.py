"""The manager console is told where the public holidays come from and which years it cannot tell."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.flows import national_calendar
from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.staff import add_user, sign_in

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_the_deadline_config_names_the_holiday_source_and_the_years_past_its_data(
    make_client: AppFactory,
) -> None:
    last = national_calendar.covered_years()[-1]
    # December of the last year the package covers: next year's holidays are not in it yet.
    client = await make_client(clock=FixedClock(dt.datetime(last, 12, 3, 10, 0, tzinfo=SHANGHAI)))
    await add_user(client, "wang.manager", Role.MANAGER)
    await sign_in(client, "wang.manager")
    body = await (await client.get("/api/config/deadlines")).json()
    calendar = body["calendar"]
    assert calendar["source"].startswith("chinese-calendar 1.")
    assert calendar["covered_until"] == last and calendar["covered_from"] <= 2025
    assert last + 1 in calendar["beyond_data_years"] and last not in calendar["beyond_data_years"]
    assert calendar["local_holidays"] == [] and calendar["local_working_days"] == []
    assert body["table"]["simple"]["standard"] == 12  # the deadline table is still there
