"""One vocabulary for a case's state (real Chromium): the conversation's header and its complaint
form both say 处理中 for a case handed off before the customer confirmed it (never 未完成 beside
处理中), and the audit log names a resolution as the button does, 标记已解决 (解决, never 办结)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory
from tests.staff import add_user, claim_conversation, customers_waiting, sign_in

playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect
STATIC = Path(__file__).resolve().parents[2] / "bot" / "web" / "static"


@pytest.mark.browser
async def test_the_header_and_the_complaint_form_say_the_same_state(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    [(conversation_id, _)] = await customers_waiting(client, ["电梯坏了一个星期"])
    await claim_conversation(client, await sign_in(client, "li"), conversation_id)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "li")
        await page.evaluate(f"location.hash = '#conversation={conversation_id}'")
        complaint = page.locator("#complaint")
        await expect(complaint).to_contain_text("处理中（信息未经客户确认）", timeout=10_000)
        await expect(complaint).not_to_contain_text("未完成")
        await expect(page.locator("#conversation")).to_contain_text("处理中")
        await page.screenshot(path="/tmp/staffsmall-vocabulary.png")
        await browser.close()


def test_staff_pages_say_resolved_as_the_button_does() -> None:
    pages = {path.name: path.read_text(encoding="utf-8") for path in STATIC.glob("*.js")}
    assert re.search(r'resolve: T\("标记已解决"\)', pages["audit.js"])
    assert 'text: T("标记已解决")' in pages["console.js"]
    assert [name for name, source in pages.items() if "办结" in source] == []
