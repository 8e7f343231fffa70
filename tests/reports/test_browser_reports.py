"""The reports tab of the manager console in a real headless Chromium: the charts are drawn from
the known cases, the headline figures and the daily report are readable, the exports download."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, LAUNCH_ARGS, signed_in_manager_page
from tests.conftest import SHANGHAI, AppFactory, FixedClock
from tests.reports.cases import make_known_cases
from tests.workers.providers import worker_ctx
from workers.reports import daily_report

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

CHARTS = (
    "chart-day",
    "chart-ontime",
    "chart-category",
    "chart-area",
    "chart-channel",
    "chart-agent",
    "chart-times",
    "chart-satisfaction-agent",
    "chart-satisfaction-category",
    "chart-alerts",
)
# True when the canvas has pixels drawn on it (not a blank, transparent bitmap).
DRAWN = """(id) => {
  const canvas = document.getElementById(id);
  if (!canvas || !canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
}"""


async def test_a_manager_reads_the_reports_tab(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    await make_known_cases(client, clock)
    # The morning after: the daily report of the cases' day is made, as the cron makes it.
    clock.now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
    assert await daily_report(worker_ctx(client)) == "daily report for 2026-11-23: made"

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/")), "boss")
        # A script or style the Content-Security-Policy refused would be a console error.
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
        await page.click("[data-tab=reports]")
        await expect(page.locator("body[data-reports=drawn]")).to_have_count(1, timeout=10_000)
        headline = page.locator("#report-headline")
        await expect(headline.locator(".figure").first).to_contain_text("3")
        await expect(headline).to_contain_text("按时率")
        await expect(headline).to_contain_text("50.0%")  # satisfied: A rated 5, C rated 2
        for chart in CHARTS:
            assert await page.evaluate(DRAWN, chart), f"{chart} is blank"
        labels = await page.evaluate("window.managerReports.charts['chart-area'].data.labels")
        assert sorted(labels) == sorted(["海淀区", "朝阳区", "未识别行政区"])
        assert await page.evaluate("window.managerReports.charts['chart-channel'].data.datasets[0].data") == [2, 1]
        await expect(page.locator("#report-agents")).to_contain_text("li")
        times = page.locator(".report-chart", has=page.locator("#chart-times")).locator("h2")
        await expect(times).to_have_text("首次响应与解决时长（中位数，小时）")  # C took days
        daily = page.locator("#daily-body")
        await expect(daily).to_contain_text("2026-11-23", timeout=10_000)
        await expect(daily).to_contain_text("物业服务")
        await expect(daily.locator(".figure").first).to_contain_text("3")
        assert "/api/cases.csv?" in (await page.get_attribute("#report-csv", "href") or "")
        await page.screenshot(path="/tmp/rep-reports.png", full_page=True)

        # Medians all under two hours are charted in minutes, as the headline says them (never 0.5 小时)
        await page.select_option("#report-channel", "webchat")
        await page.click("#report-run")
        await expect(times).to_have_text("首次响应与解决时长（中位数，分钟）", timeout=10_000)
        first_response = await page.evaluate("window.managerReports.charts['chart-times'].data.datasets[0].data")
        assert 30 in first_response, first_response  # case A: answered 30 minutes after it was made

        # A filter: one channel.
        await page.select_option("#report-channel", "sms")
        await page.click("#report-run")
        await expect(headline.locator(".figure").first).to_contain_text("1", timeout=10_000)
        assert "channel=sms" in (await page.get_attribute("#report-xlsx", "href") or "")
        async with page.expect_download() as download_info:
            await page.click("#report-csv")
        download = await download_info.value
        path = await download.path()
        assert path is not None
        lines = Path(path).read_bytes().decode("utf-8-sig").splitlines()  # noqa: ASYNC240
        assert lines[0].startswith("工单号,") and len(lines) == 2 and "TS-C" in lines[1]
        # A range that ends before it starts: the page says which parameter is wrong.
        await page.fill("#report-from", "2026-11-30")
        await page.click("#report-run")
        await expect(page.locator("#report-message")).to_contain_text("from:", timeout=10_000)
        refused = [text for text in refused if "400" not in text]  # the refused request itself
        assert errors == [] and refused == []
        await browser.close()
