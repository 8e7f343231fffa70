"""Two agents of different queues with their consoles open in real Chromium: a customer waiting in
one queue shows on its agent's console, and the other agent's console does not change (no refetch,
nothing redrawn) until that agent is given the queue, when the card shows at once."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.events import publish
from bot.storage.models import User
from tests.browser import CHROMIUM, LAPTOP, LAUNCH_ARGS, customer_asks_for_a_person, laptop_console, sign_in
from tests.conftest import AppFactory
from tests.helpers import eventually
from tests.staff import add_user, set_queues, sign_in_with_cookie

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

WATCH_QUEUE = """() => {
  window.queueRedrawn = 0;
  new MutationObserver(() => { window.queueRedrawn += 1; })
    .observe(document.getElementById("queue"), { childList: true, subtree: true, characterData: true });
}"""
"""Counts every redraw of the waiting queue from now on."""

PAST_PENDING_TASKS = "() => new Promise((resolve) => setTimeout(resolve, 0))"
"""Resolves once the page has run the tasks already queued (an answer's drawing)."""


async def test_the_other_queues_agent_sees_nothing_change_until_given_the_queue(make_client: AppFactory) -> None:
    customer_side, console_side = await make_client(), await make_client()
    await add_user(customer_side, "li.agent", Role.AGENT)  # of the general queue
    await add_user(customer_side, "qian.agent", Role.AGENT)
    await set_queues(customer_side, "qian.agent", ["billing"])
    await add_user(customer_side, "wang.mgr", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        console_url = str(console_side.make_url("/console/"))
        li = await laptop_console(browser, console_url, "li.agent")
        qian = await (await browser.new_context(viewport=LAPTOP)).new_page()
        queue_fetches: list[str] = []
        queue_answers: list[str] = []
        qian.on("request", lambda request: _count_queue_fetch(request, queue_fetches))
        qian.on("requestfinished", lambda request: _count_queue_fetch(request, queue_answers))
        told: list[dict[str, Any]] = []
        sockets: list[str] = []  # each event socket's opening and closing, for a failure to tell

        def follow(socket: Any) -> None:
            sockets.append("opened")
            socket.on("framereceived", lambda data: told.append(json.loads(data)))
            socket.on("close", lambda _: sockets.append("closed"))

        qian.on("websocket", follow)
        await qian.goto(console_url)
        await sign_in(qian, "qian.agent")
        for page in (li, qian):
            await expect(page.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
            await expect(page.locator("#queue")).to_contain_text("暂无等待的客户", timeout=10_000)

        # The queue fetched on going live (once the server has read the agent's queues) has come
        # back and been drawn: nothing drawn from here on was started before.
        async def answered() -> bool:
            return len(queue_answers) == len(queue_fetches)

        await eventually(answered)
        await qian.evaluate(PAST_PENDING_TASKS)
        await qian.evaluate(WATCH_QUEUE)
        fetched_before, told_before = len(queue_fetches), len(told)

        customer = await customer_asks_for_a_person(browser, str(customer_side.make_url("/chat")))
        await expect(li.locator("#queue .ticket")).to_have_count(1, timeout=10_000)
        await expect(li.locator("#queue-count")).to_have_text("1")
        # Whatever the other console was told of it has reached it before a mark published now.
        mark = uuid.uuid4().hex
        await publish(resources(console_side.app).redis, StaffEvent(StaffEventKind.RULES, detail={"mark": mark}))

        async def marked() -> bool:
            return any(frame.get("detail", {}).get("mark") == mark for frame in told)

        try:
            await eventually(marked)
        except AssertionError:
            raise AssertionError(f"mark not told; sockets {sockets}; told since: {told[told_before:]}") from None
        assert [frame for frame in told[told_before:] if frame["type"] == "queue"] == []
        assert await qian.evaluate("window.queueRedrawn") == 0
        assert len(queue_fetches) == fetched_before
        await expect(qian.locator("#queue-count")).to_have_text("0")
        await qian.screenshot(path="/tmp/queue-events-other-queue.png")

        # Given the general queue by the manager, the same open console shows the customer at once.
        _, csrf = await sign_in_with_cookie(customer_side, "wang.mgr")
        async with resources(customer_side.app).sessions() as session:
            qian_id = (await session.execute(select(User.id).where(User.username == "qian.agent"))).scalar_one()
        given = await customer_side.put(
            f"/api/users/{qian_id}/queues", json={"queues": ["billing", "general"]}, headers={"X-CSRF-Token": csrf}
        )
        assert given.status == 200, await given.text()
        await expect(qian.locator("#queue .ticket")).to_have_count(1, timeout=10_000)
        assert len(queue_fetches) > fetched_before
        await qian.screenshot(path="/tmp/queue-events-given-the-queue.png")
        await customer.close()
        await browser.close()


def _count_queue_fetch(request: Any, fetches: list[str]) -> None:
    if urlsplit(request.url).path == "/api/queue":
        fetches.append(request.url)
