"""The supervisor's notices in the agent console at 1366×768: Chinese titles and readable details
(never "pickup_overdue" or "waiting_minutes: 30"), danger first and urgent, the routine after-hours
notices folded into one line, and 全部已读."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx, ticket_of
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user, claim_conversation
from tests.staff import sign_in as api_sign_in
from workers.queue import supervise

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

WIDE = {"width": 1366, "height": 768}
SATURDAY_NOON = dt.datetime(2026, 12, 5, 4, 18, tzinfo=dt.UTC)  # 12:18 in Shanghai: after hours


async def test_a_trapped_in_a_lift_alert_comes_first_among_readable_notices(make_client: AppFactory) -> None:
    clock = FixedClock(SATURDAY_NOON)
    client = await make_client(clock=clock)
    await add_user(client, "lead", Role.SUPERVISOR)
    await add_user(client, "li", Role.AGENT)
    routine = [await customer_hands_off(client) for _ in range(3)]
    danger_id, danger = await customer_hands_off(client, says="电梯里困了人 快来", expect="紧急")
    # li claims the first routine case and leaves its customer unanswered
    owned_id, owned = routine[0]
    csrf = await api_sign_in(client, "li")
    claimed = await client.post(
        f"/api/tickets/{await ticket_of(client, owned_id)}/claim", headers={"X-CSRF-Token": csrf}
    )
    assert claimed.status == 200
    await owned.until_acked(await owned.send("还没人来吗"))
    clock.advance(minutes=30)
    await supervise(job_ctx(client))
    # the lead takes one case on another computer: new (新消息) to this one
    lead_csrf = await api_sign_in(client, "lead")
    taken = await client.post(
        f"/api/tickets/{await ticket_of(client, routine[1][0])}/claim", headers={"X-CSRF-Token": lead_csrf}
    )
    assert taken.status == 200

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport=WIDE)).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "lead")
        notices = page.locator("#notifications > ol > li")
        await expect(notices.first).to_contain_text("超时无人认领", timeout=10_000)
        # danger first, marked urgent, with its tooltip
        first = notices.first
        await expect(first).to_have_class("urgent")
        await expect(first).to_contain_text("电梯里困了人")
        await expect(first.locator(".badge.p0")).to_have_attribute("title", "P0 紧急")
        # the queue's P0 badge says what it means; 新消息 stays on one line beside a long case number
        await expect(page.locator("#queue .badge.p0").first).to_have_attribute("title", "P0 紧急")
        fresh = page.locator("#mine .badge.unread")
        await expect(fresh).to_have_text("新消息")
        fresh_box = await fresh.bounding_box()
        assert fresh_box is not None and fresh_box["height"] < 20, fresh_box
        text = await page.locator("#notifications").inner_text()
        for raw in (
            "pickup_overdue",
            "agent_silent",
            "waiting_minutes",
            "silent_minutes",
            "message_id",
            "agent:",
            "owner",
        ):
            assert raw not in text, raw
        assert "已等待30分钟" in text and "客服未回复客户" in text and "处理人: li" in text
        # the three after-hours "需主管关注" of routine cases are one line, opened on demand
        await expect(page.locator("#notifications .routine-group")).to_contain_text("另有 3 个常规案件")
        # several notices fit on the laptop screen, not one
        panel = await page.locator("#notifications-panel").bounding_box()
        assert panel is not None
        tops = [(await notice.bounding_box() or {"y": 9999})["y"] for notice in await notices.all()]
        await page.screenshot(path="/tmp/fl-notices.png")
        assert len([top for top in tops if top + 40 < panel["y"] + panel["height"]]) >= 3
        await page.locator("#notifications .routine-group button").click()
        await expect(page.locator("#notifications .routine-group")).to_have_count(0)
        await expect(page.locator("#notifications li", has_text="需主管关注")).to_have_count(4)
        # 全部已读
        await expect(page.locator("#notifications-unread")).to_be_visible()
        # an unread urgent notice: asked first, and kept when the supervisor says no
        asked: list[str] = []
        urgent = await page.locator("#notifications li.urgent").count()
        assert urgent >= 1
        for accept in (False, True):
            answered = asyncio.get_running_loop().create_future()

            async def answer(dialog: Any, accept: bool = accept, answered: Any = answered) -> None:
                asked.append(dialog.message)
                await (dialog.accept() if accept else dialog.dismiss())
                answered.set_result(None)

            page.once("dialog", lambda dialog, answer=answer: asyncio.ensure_future(answer(dialog)))
            await page.locator("#notifications-read-all").click()
            await asyncio.wait_for(answered, 10)  # a question never asked fails, not waits forever
            if not accept:
                await expect(page.locator("#notifications li.urgent")).to_have_count(urgent)
        await expect(page.locator("#notifications-unread")).to_be_hidden()
        assert asked == [f"有 {urgent} 条紧急通知未读，确定全部标为已读？"] * 2
        await expect(page.locator("#notifications li.urgent")).to_have_count(0)
        await expect(page.locator("#notifications li", has_text="标为已读")).to_have_count(0)
        await browser.close()
    for _, socket in [*routine, (danger_id, danger)]:
        await socket.close()


async def test_a_leader_asked_for_on_a_held_case_shows_no_empty_signals_label(make_client: AppFactory) -> None:
    """A leader asked for with no threat has no signals: the notice says the reason and the words,
    never "信号: " (or "Signals: ") with nothing after it."""
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    await add_user(client, "li", Role.AGENT)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.tell(
        [
            ("楼道灯坏了两周没人修", "电话"),
            ("13800138000", "小区或地址"),
            ("阳光花园3栋", "阳光花园3栋"),
            ("对", "投诉编号"),
        ]
    )
    csrf = await api_sign_in(client, "li")
    await claim_conversation(client, csrf, conversation_id)
    await socket.send("叫你们经理来")
    await socket.until_bot_says("已立即报告值班主管")

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        for locale, reason, empty in (("zh-CN", "内容: 叫你们经理来", "信号:"), ("en", "叫你们经理来", "Signals:")):
            lead = {"X-CSRF-Token": await api_sign_in(client, "lead")}
            assert (await client.put("/api/me/locale", json={"locale": locale}, headers=lead)).status == 200
            page = await (await browser.new_context(viewport=WIDE)).new_page()
            await page.goto(str(client.make_url("/console/")))
            await sign_in(page, "lead")
            notice = page.locator("#notifications > ol > li", has_text="叫你们经理来")
            await expect(notice.first).to_contain_text(reason, timeout=10_000)
            assert empty not in await notice.first.inner_text()
        await browser.close()
    await socket.close()
