"""The manager console is told where the public holidays come from and which years it cannot tell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from structlog.testing import capture_logs

from bot.config import ServiceConfig
from bot.flows import national_calendar
from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.staff import add_user, sign_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


async def test_the_deadline_config_names_the_holiday_source_and_the_years_past_its_data(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    last = national_calendar.covered_years()[-1]
    # December of the last year the package covers: next year's holidays are not in it yet.
    december = FixedClock(dt.datetime(last, 12, 3, 10, 0, tzinfo=SHANGHAI))
    with capture_logs() as logs:
        client = await make_client(config=service_config, clock=december)  # its own engine and calendar
    said = [entry for entry in logs if entry["event"] == "calendar.beyond_data"]
    assert [(entry["log_level"], entry["year"]) for entry in said] == [("warning", last + 1)]  # at start-up, once
    await add_user(client, "wang.manager", Role.MANAGER)
    await sign_in(client, "wang.manager")
    body = await (await client.get("/api/config/deadlines")).json()
    calendar = body["calendar"]
    assert calendar["source"].startswith("chinese-calendar 1.")
    assert calendar["covered_until"] == last and calendar["covered_from"] <= 2025
    assert last + 1 in calendar["beyond_data_years"] and last not in calendar["beyond_data_years"]
    # The shipped overrides: 2027's statutory days off only, while the package lacks 2027.
    assert {day[:4] for day in calendar["local_holidays"]} <= {"2027"} and calendar["local_working_days"] == []
    assert body["table"]["simple"]["standard"] == 12  # the deadline table is still there


@pytest.mark.browser
async def test_the_manager_sees_a_warning_line_when_next_year_is_past_the_holiday_data(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    browser_helpers = pytest.importorskip("tests.browser")  # skips without Chromium or playwright
    last = national_calendar.covered_years()[-1]
    december = await make_client(clock=FixedClock(dt.datetime(last, 12, 3, 10, 0, tzinfo=SHANGHAI)))
    # Its own engine (config given): a calendar remembers every year past the data it was asked about.
    june_before = await make_client(
        config=service_config, clock=FixedClock(dt.datetime(last - 1, 6, 1, 10, 0, tzinfo=SHANGHAI))
    )
    await add_user(december, "boss", Role.MANAGER)
    async with browser_helpers.playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(browser_helpers.CHROMIUM), args=browser_helpers.LAUNCH_ARGS
        )
        expect = browser_helpers.expect
        page, errors = await browser_helpers.signed_in_manager_page(
            browser, str(december.make_url("/manager/#standards/calendar")), "boss"
        )
        source = page.locator("#calendar-source")
        await expect(source).to_contain_text("chinese-calendar 1.", timeout=10_000)
        await expect(source).to_contain_text(f"–{last} 年")
        warning = page.locator("#calendar-beyond-data")
        await expect(warning).to_be_visible()
        await expect(warning).to_contain_text(f"{last + 1} 年")
        await expect(warning).to_contain_text("只按周末计算工作日")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "manager-calendar-beyond-data.png"), full_page=True)

        calm, calm_errors = await browser_helpers.signed_in_manager_page(
            browser, str(june_before.make_url("/manager/#standards/calendar")), "boss"
        )
        await expect(calm.locator("#calendar-source")).to_contain_text("chinese-calendar", timeout=10_000)
        await expect(calm.locator("#calendar-beyond-data")).to_have_count(0)
        assert errors == [] and calm_errors == []
        await browser.close()
