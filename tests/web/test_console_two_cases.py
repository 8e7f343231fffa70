"""The agent console for a conversation with two cases (another problem told after the hand-off):
the header and the queue cards show both case numbers and deadlines, the resolve dialog lets the
agent tick which case is resolved, and the supervisor's extension picks the case it moves."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAPTOP, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory
from tests.promises.support import cases_by_category, claim_and_reply, staff, two_promised_cases

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

SHOTS = Path("/tmp/cf-shots")
SUMMARY = "已联系楼上住户，保证晚上十点后不再拍球"


async def _console(playwright: Any, client: Any, username: str) -> tuple[Any, Any, list[str]]:
    browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    page: Any = await (await browser.new_context(viewport=LAPTOP)).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(str(client.make_url("/console/")))
    await sign_in(page, username)
    return browser, page, errors


async def test_the_agent_resolves_one_of_two_cases_in_the_dialog(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await two_promised_cases(client)
    headers, _ = await staff(client, "li.agent", Role.AGENT)
    await claim_and_reply(client, conversation_id, headers)
    cases = await cases_by_category(client, conversation_id)
    water, noise = cases["engineering_repair"], cases["property_service"]

    async with playwright_api.async_playwright() as playwright:
        browser, page, errors = await _console(playwright, client, "li.agent")
        await page.locator("#mine li", has_text=f"会话 {conversation_id}").get_by_role("button").click()
        # The header names both cases, each with its deadline.
        header = page.locator("#conversation-cases")
        await expect(header.locator(".case-chip")).to_have_count(2, timeout=10_000)
        await expect(header.locator(f'[data-case="{water.case_number}"]')).to_contain_text("工程维修 · 时限")
        await expect(header.locator(f'[data-case="{noise.case_number}"]')).to_contain_text("物业服务 · 时限")

        await page.fill("#resolve-summary", SUMMARY)
        await page.click("#resolve")
        dialog = page.locator("#resolve-dialog")
        await expect(dialog).to_be_visible()
        # Both open cases listed by number, category and place, both ticked as before.
        ticks = dialog.locator("#resolve-cases input[type=checkbox]")
        await expect(ticks).to_have_count(2)
        for tick in (ticks.nth(0), ticks.nth(1)):
            await expect(tick).to_be_checked()
        await expect(dialog.locator("label", has_text=water.case_number)).to_contain_text("工程维修 · 阳光花园5栋")
        await expect(dialog.locator("label", has_text=noise.case_number)).to_contain_text("物业服务 · 阳光花园5栋")
        await dialog.locator("label", has_text=water.case_number).click()  # untick the water: only the noise
        await expect(page.locator(f"#resolve-case-{water.case_number}")).not_to_be_checked()
        await expect(page.locator("#resolve-summary-told")).to_contain_text("客户会立即收到")
        await page.screenshot(path=str(SHOTS / "resolve-two-cases-dialog.png"))
        # Nothing ticked: nothing to confirm.
        await dialog.locator("label", has_text=noise.case_number).click()
        await expect(page.locator("#resolve-confirm")).to_be_disabled()
        await dialog.locator("label", has_text=noise.case_number).click()
        await page.click("#resolve-confirm")
        await expect(dialog).to_have_count(0)

        message = page.locator("#conversation-message")
        await expect(message).to_contain_text(f"已标记 {noise.case_number} 为已解决；{water.case_number} 仍在处理")
        # Still the agent's, with the reply box; the customer read which case is resolved.
        await expect(page.locator("#reply-text")).to_be_enabled()
        await expect(page.locator("#messages")).to_contain_text(
            f"投诉编号{noise.case_number}）已处理完毕：{SUMMARY}。您的另一个投诉（投诉编号{water.case_number}）我们还在继续处理"
        )
        await expect(header.locator(f'[data-case="{noise.case_number}"]')).to_contain_text("已解决")
        await expect(header.locator(f'[data-case="{water.case_number}"]')).to_contain_text("时限")
        await expect(page.locator("#timeline")).to_contain_text(f"一个投诉已解决（其他仍在处理） {noise.case_number}")
        await page.screenshot(path=str(SHOTS / "resolve-two-cases-after.png"))
        assert errors == []
        await browser.close()

    cases = await cases_by_category(client, conversation_id)
    assert (cases["property_service"].status, cases["engineering_repair"].status) == ("resolved", "open")
    await socket.close()


async def test_a_refetch_from_before_the_resolve_coming_back_last_does_not_show_the_case_open_again(
    make_client: AppFactory,
) -> None:
    """The console refetches the conversation on every event; a slow answer that left before the
    agent resolved a case (a loaded server) must not paint the conversation as it was then."""
    client = await make_client()
    conversation_id, socket = await two_promised_cases(client)
    headers, _ = await staff(client, "li.agent", Role.AGENT)
    await claim_and_reply(client, conversation_id, headers)
    cases = await cases_by_category(client, conversation_id)
    water, noise = cases["engineering_repair"], cases["property_service"]

    async with playwright_api.async_playwright() as playwright:
        browser, page, errors = await _console(playwright, client, "li.agent")
        await page.locator("#mine li", has_text=f"会话 {conversation_id}").get_by_role("button").click()
        header = page.locator("#conversation-cases")
        await expect(header.locator(".case-chip")).to_have_count(2, timeout=10_000)
        await expect(page.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)

        asked, release, held = asyncio.Event(), asyncio.Event(), []

        async def slow_once(route: Any) -> None:
            if asked.is_set():
                await route.continue_()
                return
            before = await route.fetch()  # the conversation as it is now, before the resolve
            held.append(route.request)
            asked.set()
            await release.wait()
            await route.fulfill(response=before)

        await page.route(f"**/api/conversations/{conversation_id}?*", slow_once)
        await socket.send("师傅什么时候来")  # the customer writes: the console refetches (held)
        await asyncio.wait_for(asked.wait(), 10)

        await page.fill("#resolve-summary", SUMMARY)
        await page.click("#resolve")
        await page.locator("#resolve-dialog label", has_text=water.case_number).click()  # the noise only
        await page.click("#resolve-confirm")
        resolved = f"一个投诉已解决（其他仍在处理） {noise.case_number}"
        await expect(page.locator("#timeline")).to_contain_text(resolved)

        async with page.expect_response(lambda response: response.request in held):
            release.set()  # the answer from before the resolve comes back last
        await page.evaluate("() => new Promise((done) => setTimeout(done))")  # and is read
        await expect(page.locator("#timeline")).to_contain_text(resolved)
        await expect(header.locator(f'[data-case="{noise.case_number}"]')).to_contain_text("已解决")
        assert errors == []
        await browser.close()
    await socket.close()


async def test_the_supervisor_sees_both_cases_on_the_cards_and_extends_the_one_picked(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await two_promised_cases(client)
    await staff(client, "zhou", Role.SUPERVISOR)
    cases = await cases_by_category(client, conversation_id)
    water, noise = cases["engineering_repair"], cases["property_service"]

    async with playwright_api.async_playwright() as playwright:
        browser, page, errors = await _console(playwright, client, "zhou")
        # Each case's card names the other case of the conversation and its deadline.
        cards = page.locator("#queue li.ticket")
        await expect(cards).to_have_count(2, timeout=10_000)
        water_card = cards.filter(has_text=f"{water.case_number} · 工程维修")
        await expect(water_card.locator(".other-cases")).to_contain_text(f"另有投诉：{noise.case_number} 时限")
        await water_card.get_by_role("button", name="查看").click()

        # The extension offers the case with the nearest deadline first; the water one is picked.
        picker = page.locator("#extend-case")
        await expect(picker).to_be_visible(timeout=10_000)
        await expect(picker).to_have_value(noise.case_number)
        await picker.select_option(water.case_number)
        await page.fill("#extend-reason", "需要更换水泵")
        await page.click("#extend")
        preview = page.locator("#extend-preview")
        await expect(preview.locator("#extend-new-deadline")).to_contain_text(water.case_number)
        await expect(preview.locator("#extend-message")).to_contain_text(
            f"您反映的问题（投诉编号{water.case_number}）还需要一些时间处理"
        )
        await page.screenshot(path=str(SHOTS / "extend-two-cases.png"))
        await page.click("#extend-confirm")
        await expect(page.locator("#conversation-message")).to_contain_text(f"{water.case_number} 新时限")
        assert errors == []
        await browser.close()

    cases = await cases_by_category(client, conversation_id)
    assert cases["engineering_repair"].deadline_at != water.deadline_at
    assert cases["property_service"].deadline_at == noise.deadline_at
    await socket.close()
