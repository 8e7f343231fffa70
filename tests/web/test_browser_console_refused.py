"""The console (real Chromium): a conversation the agent may not read leaves no other
conversation's complaint form, customer, timeline or actions beside its refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import HandoffTicket
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory
from tests.staff import add_user, customers_waiting, set_queues

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_a_conversation_out_of_the_agents_queues_clears_the_previous_ones_panels(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "gen", Role.AGENT)
    await set_queues(client, "gen", ["general"])
    (mine, _), (theirs, _) = await customers_waiting(client, ["小区楼道的垃圾三天没人清理", "电梯坏了三天了"])

    def to_engineering(session: Session) -> None:
        moved = update(HandoffTicket).where(HandoffTicket.conversation_id == theirs).values(queue="engineering")
        session.execute(moved)

    await resources(client.app).database.write(to_engineering)

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "gen")
        await page.evaluate(f"location.hash = '#conversation={mine}'")
        await expect(page.locator("#timeline li").first).to_be_visible(timeout=10_000)
        await expect(page.locator("#customer-panel")).to_be_visible()
        await expect(page.locator("#case-actions")).to_be_visible()

        await page.evaluate(f"location.hash = '#conversation={theirs}'")
        await expect(page.locator("#conversation")).to_contain_text("该会话不在您的队列中", timeout=10_000)
        # Nothing of the conversation opened before: its timeline, customer and actions are gone,
        # and the form's place says why it is empty.
        await expect(page.locator("#timeline li")).to_have_count(0)
        await expect(page.locator("#customer-panel")).to_be_hidden()
        await expect(page.locator("#case-actions")).to_be_hidden()
        await expect(page.locator("#complaint")).to_have_text(f"会话 {theirs} 无法打开，此处不显示任何客户的信息")

        # Back to their own conversation: everything is shown again.
        await page.evaluate(f"location.hash = '#conversation={mine}'")
        await expect(page.locator("#timeline li").first).to_be_visible(timeout=10_000)
        await expect(page.locator("#customer-panel")).to_be_visible()
        await expect(page.locator("#case-actions")).to_be_visible()
        await expect(page.locator("#complaint")).not_to_contain_text("无法打开")
        await browser.close()
