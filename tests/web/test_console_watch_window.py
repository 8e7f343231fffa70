"""A customer who writes while the server is still applying the console's watch list (which the
page sends after its events socket opens, and again on opening a conversation) is shown in the
page without a reload: the server answers the list once applied, and the page refetches then."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAPTOP, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.helpers import eventually
from tests.promises.support import claim_case, promised_case, staff
from tests.staff import HeldWatchLists, frames_until, staff_socket, told_of

pytestmark = pytest.mark.browser


async def test_a_message_stored_before_the_console_s_watch_list_is_applied_shows_in_the_open_conversation(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    conversation_id, customer = await promised_case(client)
    await claim_case(client, conversation_id, "li.agent")
    await staff(client, "zhou.sup", Role.SUPERVISOR)
    supervisor = await staff_socket(client, "zhou.sup")  # watching nothing: told of every conversation
    held = HeldWatchLists.install(client, conversation_id)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport=LAPTOP)).new_page()
        pending: set[Any] = set()
        page.on("request", lambda request: pending.add(request) if "/api/" in request.url else None)
        page.on("requestfinished", lambda request: pending.discard(request))
        page.on("requestfailed", lambda request: pending.discard(request))
        await page.goto(str(client.make_url(f"/console/#conversation={conversation_id}")))
        await sign_in(page, "li.agent")
        await expect(page.locator("#messages")).to_contain_text("阳光花园3栋", timeout=10_000)

        # The page told the server it shows the conversation; the server has not applied it yet,
        # and everything the page fetched was read before the customer writes.
        await asyncio.wait_for(held.held.wait(), 10)

        async def fetched() -> bool:
            return not pending

        await eventually(fetched)
        await customer.send("垃圾还在楼道里")
        await frames_until(supervisor, told_of(conversation_id))  # stored, and told to the consoles then
        held.released.set()
        await expect(page.locator("#messages")).to_contain_text("垃圾还在楼道里", timeout=10_000)
        await browser.close()
    await supervisor.close()
    await customer.close()
