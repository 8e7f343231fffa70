"""A manager sets how far a supervisor must move a deadline at least (``deadlines.extension_min_hours``)
and how many times one case may be extended (``extensions_per_case``) in /manager/'s Deadlines
form (Chromium): the save is a version in the audit log, and the next extension follows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.staff.accounts import Role
from tests.audit.support import logged
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.promises.support import promised_case, staff
from tests.staff import add_user

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


async def test_an_extension_follows_the_least_hours_and_the_most_times_the_manager_set(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/deadlines")), "boss"
        )
        least = page.locator("[data-path='deadlines.extension_min_hours']")
        most = page.locator("[data-path='deadlines.extensions_per_case']")
        await expect(least).to_have_value("1", timeout=10_000)  # as shipped
        await expect(most).to_have_value("3")
        await least.fill("2")
        await most.fill("1")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "manager-standards-extensions.png"), full_page=True)
        await page.fill("#std-note", "延长至少2小时,每件只延一次")
        await page.click("#std-save")
        await expect(page.locator("#std-message")).to_contain_text("已保存", timeout=10_000)
        assert errors == []
        await browser.close()
    [change] = [entry for entry in await logged(client, "standards_change") if entry.status == 200]
    assert (change.actor, change.target) == ("boss", "standards:deadlines:v2")

    conversation_id, socket = await promised_case(client)
    await socket.close()
    headers, _ = await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    path = f"/api/conversations/{conversation_id}/extend"

    one_hour = await client.post(path, json={"hours": 1, "reason": "等配件"}, headers=headers)
    assert one_hour.status == 400 and "at least 2 hours" in (await one_hour.json())["error"]
    assert (await client.post(path, json={"hours": 12, "reason": "等配件"}, headers=headers)).status == 200
    again = await client.post(path, json={"hours": 12, "reason": "配件还没到"}, headers=headers)
    assert again.status == 409 and "already extended 1 times" in (await again.json())["error"]
