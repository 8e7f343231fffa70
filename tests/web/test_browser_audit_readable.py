"""The audit tab reads as Chinese for a manager (real Chromium): a forbidden phrase sent anyway is
marked, a refusal's reason is Chinese, a claim names the conversation (never 工单 8), details
carry labels not keys, and the 人员 box finds a name by its start."""

from __future__ import annotations

import re

import pytest

from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.staff import add_user, claim_conversation, customers_waiting, sign_in

browser_helpers = pytest.importorskip("tests.browser")  # skips without Chromium or playwright
expect = browser_helpers.expect


@pytest.mark.browser
async def test_a_forbidden_phrase_sent_anyway_stands_out_in_readable_rows(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhao", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    [(conversation_id, _)] = await customers_waiting(client, ["电梯坏了一个星期"])
    csrf = await sign_in(client, "zhao")
    await claim_conversation(client, csrf, conversation_id)
    url, headers = f"/api/conversations/{conversation_id}/messages", {"X-CSRF-Token": csrf}
    refused = await client.post(url, json={"text": "这不是我们的责任"}, headers=headers)
    assert refused.status == 422
    sent = await client.post(
        url, json={"text": "这不是我们的责任", "override": True, "forbidden": ["这不是我们的责任"]}, headers=headers
    )
    assert sent.status == 201
    assert (await client.post(url, json={"text": "您好,马上为您处理"}, headers=headers)).status == 201

    async with browser_helpers.playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(browser_helpers.CHROMIUM), args=browser_helpers.LAUNCH_ARGS
        )
        page, errors = await browser_helpers.signed_in_manager_page(browser, str(client.make_url("/manager/")), "boss")
        await page.click("[data-tab=audit]")
        rows = page.locator("#audit-table tbody tr")
        await expect(rows.first).to_be_visible(timeout=10_000)
        replies = page.locator("#audit-table tbody tr[data-action=reply]")
        await expect(replies).to_have_count(3)
        ordinary, anyway, refusal = replies.nth(0), replies.nth(1), replies.nth(2)
        await expect(anyway).to_have_class(re.compile(r"\boverridden\b"))
        await expect(anyway.locator(".badge.overridden")).to_have_text("含忌语·强行发送")
        await expect(ordinary).not_to_have_class(re.compile(r"\boverridden\b"))
        await expect(ordinary.locator(".badge.overridden")).to_have_count(0)
        await expect(refusal).to_contain_text("拒绝 422 · 含有服务忌语「这不是我们的责任」")
        claim = page.locator("#audit-table tbody tr[data-action=claim]")
        await expect(claim).to_contain_text(f"会话 {conversation_id}")
        await expect(claim).not_to_contain_text("工单")
        table = await page.locator("#audit-table").inner_text()
        for raw in ("message_id", "overrode_guard", "conversation_id", "forbidden phrase", "=true", "=false"):
            assert raw not in table, raw
        assert "消息 #" in table
        await page.screenshot(path="/tmp/fl-audit.png")

        # the 人员 box: the start of a name is enough
        await page.fill("#audit-actor", "zha")
        await page.click("#audit-search")
        await expect(page.locator("#audit-table tbody tr[data-action=sign_in]")).to_have_count(1)
        await expect(rows).to_have_count(5)  # zhao's sign-in, claim and three replies; not boss's
        assert errors == []
        await browser.close()
