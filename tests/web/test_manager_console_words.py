"""The manager console reads in one language: the reports' figures and the standards' sections are
named in the page's language only, and a chart with nothing to show says so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, signed_in_manager_page
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
LATIN = re.compile(r"[A-Za-z]{2,}")
CHINESE = re.compile(r"[\u3400-\u9fff]")
EMPTY_CHARTS = ("chart-satisfaction-agent", "chart-satisfaction-category", "chart-alerts", "chart-category")


async def test_reports_and_standards_speak_the_page_s_language_and_empty_charts_say_so(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/")), "boss")
        await page.click("[data-tab=reports]")
        await expect(page.locator("body[data-reports=drawn]")).to_have_count(1, timeout=10_000)
        labels = await page.locator("#report-headline .figure-label").all_inner_texts()
        assert "投诉总数" in labels and "按时率" in labels and "首次响应（中位）" in labels
        assert [label for label in labels if LATIN.search(label)] == [], labels
        for chart in EMPTY_CHARTS:
            await expect(page.locator(f".chart-empty[data-chart={chart}]")).to_have_text("暂无数据")
            await expect(page.locator(f"#{chart}")).to_be_hidden()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "manager-reports-empty.png"), full_page=True)

        await page.click("[data-tab=standards]")
        nav = page.locator(".std-nav-title")
        await expect(nav.first).to_have_text("用语", timeout=10_000)
        assert [title for title in await nav.all_inner_texts() if LATIN.search(title)] == []
        await expect(page.locator("#std-title")).to_have_text("用语")

        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await page.click("[data-tab=reports]")
        await expect(page.locator("body[data-reports=drawn]")).to_have_count(1, timeout=10_000)
        labels = await page.locator("#report-headline .figure-label").all_inner_texts()
        assert "Complaints" in labels and [label for label in labels if CHINESE.search(label)] == [], labels
        await expect(page.locator(".chart-empty[data-chart=chart-alerts]")).to_have_text("No data yet")
        await page.click("[data-tab=standards]")
        await expect(page.locator(".std-nav-title").first).to_have_text("Phrases", timeout=10_000)
        assert errors == []
        await browser.close()
