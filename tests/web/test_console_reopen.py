"""The agent console's 重新打开 (Reopen) of a resolved case: a reason is asked for, the case is the
agent's again with a new reply time the customer is told, and the timeline says who and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, LAPTOP, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory, FixedClock
from tests.promises.support import claim_and_resolve, complaint, promised_case

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

SHOTS = Path("/tmp/cf-shots")
REASON = "客户来电说垃圾还没清走"


async def test_an_agent_reopens_a_case_resolved_by_mistake_from_the_console(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await claim_and_resolve(client, conversation_id, "li.agent")
    clock.advance(minutes=10)

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page: Any = await (await browser.new_context(viewport=LAPTOP)).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "li.agent")
        await page.locator("#resolved li", has_text=f"会话 {conversation_id}").get_by_role("button").click()
        meta = page.locator("#conversation-meta")
        await expect(meta).to_contain_text("已解决", timeout=10_000)
        await expect(page.locator("#reply-hint")).to_contain_text("重新打开…")
        reopen = page.locator("#reopen")
        await expect(reopen).to_be_visible()
        await expect(reopen).to_be_enabled()

        # The dialog asks why; without a reason nothing is reopened.
        await reopen.click()
        dialog = page.locator("#reopen-dialog")
        await expect(dialog).to_be_visible()
        await expect(dialog).to_contain_text("尚未进行的回访将取消")
        await expect(page.locator("#reopen-owner")).to_have_text("重新打开后由您继续处理。")
        await page.click("#reopen-confirm")
        await expect(page.locator("#reopen-error")).to_have_text("请填写重新打开的原因")
        await page.fill("#reopen-reason", REASON)
        await expect(page.locator("#reopen-error")).to_be_hidden()
        await page.screenshot(path=str(SHOTS / "reopen-dialog.png"))
        await page.click("#reopen-confirm")
        await expect(dialog).to_have_count(0)

        # The case is the agent's again: open, with a reply box, the reason on the timeline.
        await expect(meta).to_contain_text("处理人：我（li.agent）", timeout=10_000)
        await expect(meta).not_to_contain_text("已解决")
        await expect(page.locator("#conversation-message")).to_contain_text("已重新打开，新的答复时限")
        await expect(page.locator("#reply-text")).to_be_enabled()
        await expect(reopen).to_be_hidden()
        timeline = page.locator("#timeline")
        await expect(timeline).to_contain_text(f"重新打开 li.agent → 我（li.agent） 原因：{REASON}")
        await expect(timeline).to_contain_text("（已取消回访）")
        await expect(page.locator("#mine")).to_contain_text(f"会话 {conversation_id}")
        # The customer reads the new reply time in the configured phrase, in the conversation too.
        case = await complaint(client, conversation_id)
        await expect(page.locator("#messages")).to_contain_text(f"投诉编号{case.case_number}）我们会继续跟进处理")
        await page.screenshot(path=str(SHOTS / "reopen-done.png"))
        assert errors == []
        await browser.close()

    await socket.until(lambda frames: any("我们会继续跟进处理" in (frame.get("text") or "") for frame in frames))
    assert (case.status, case.resolved_at) == ("open", None)
    await socket.close()
