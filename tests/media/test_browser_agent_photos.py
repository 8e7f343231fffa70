"""Photos live in every tab (issue 15), in real headless Chromium against the real app: the agent
sends one from the console's 照片 button and the customer's widget shows it; a customer with the
chat open in two tabs sends one from the first and the second shows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Conversation
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_asks_for_a_person, customer_in_chat, sign_in
from tests.channels.conftest import app_with_sms_stub
from tests.conftest import AppFactory
from tests.helpers import eventually, settled
from tests.media.images import photo
from tests.media.page_photos import loaded_width
from tests.staff import add_user, give_to

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_the_agents_photo_shows_in_the_customers_widget(make_client: AppFactory, tmp_path: Path) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    repaired = tmp_path / "repaired.jpg"
    repaired.write_bytes(photo("JPEG", (900, 600), "seagreen"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        errors: list[str] = []
        customer.on("pageerror", lambda error: errors.append(str(error)))

        agent = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
        agent.on("pageerror", lambda error: errors.append(str(error)))
        await agent.goto(str(client.make_url("/console/")))
        await sign_in(agent, "li.agent")
        ticket = agent.locator("#queue .ticket")
        await expect(ticket).to_have_count(1, timeout=10_000)
        await ticket.locator(".claim").click()
        button = agent.locator("#photo-send")
        await expect(button).to_be_visible(timeout=10_000)
        await expect(button).to_have_text("照片")

        await agent.fill("#reply-text", "这是维修后的照片")
        async with agent.expect_file_chooser() as chooser:
            await button.click()
        await (await chooser.value).set_files(str(repaired))
        await expect(agent.locator("#conversation-message")).to_have_text("照片已发送", timeout=10_000)
        await expect(agent.locator("#reply-text")).to_have_value("")
        agent_thumb = agent.locator("#messages li.from-agent img.photo")
        await expect(agent_thumb).to_have_count(1, timeout=10_000)
        await loaded_width(agent_thumb)

        shown = customer.locator(".msg-agent img.msg-photo")
        await expect(shown).to_have_count(1, timeout=10_000)
        await expect(shown).to_have_attribute("src", re.compile(r"^blob:"), timeout=10_000)
        assert 0 < await loaded_width(shown) <= 320
        with_photo = customer.locator(".msg-agent", has=customer.locator("img.msg-photo"))
        await expect(with_photo).to_contain_text("这是维修后的照片")  # the caption stays under the photo
        await customer.screenshot(path="/tmp/agent-photo-widget.png")
        assert errors == []
        await browser.close()


async def test_a_photo_sent_in_one_tab_appears_in_the_other(make_client: AppFactory, tmp_path: Path) -> None:
    client = await make_client()
    leak = tmp_path / "leak.png"
    leak.write_bytes(photo("PNG", (800, 600), "steelblue"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        first = await customer_in_chat(browser, str(client.make_url("/chat")))
        # The same browser, a second tab: the stored token resumes the same conversation.
        second = await first.context.new_page()
        await second.goto(str(client.make_url("/chat")))
        await second.evaluate("window.complaintChat.ready")
        await expect(second.locator(".msg-bot").first).to_contain_text("客服代表", timeout=10_000)
        errors: list[str] = []
        for page in (first, second):
            page.on("pageerror", lambda error: errors.append(str(error)))

        await first.set_input_files("#chat-file", str(leak))
        for page in (first, second):
            thumb = page.locator(".msg-customer img.msg-photo")
            await expect(thumb).to_have_count(1, timeout=10_000)
            await expect(thumb).to_have_attribute("src", re.compile(r"^blob:"), timeout=10_000)
            assert 0 < await loaded_width(thumb) <= 320
        await second.screenshot(path="/tmp/photo-second-tab.png")
        assert errors == []
        await browser.close()


async def test_an_sms_conversation_has_no_photo_button(make_client: AppFactory) -> None:
    client, stub = await app_with_sms_stub(make_client)
    try:
        await stub.phone_sends("小区电梯坏了")

        async def stored() -> bool:
            async with resources(client.app).sessions() as session:
                return (await session.execute(select(func.count()).select_from(Conversation))).scalar_one() == 1

        await eventually(stored, timeout=15)
        await settled(client)
        async with resources(client.app).sessions() as session:
            conversation_id = (await session.execute(select(Conversation.id))).scalar_one()
        await add_user(client, "li.agent", Role.AGENT)
        await give_to(client, conversation_id, "li.agent")
        async with playwright_api.async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            agent = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
            await agent.goto(str(client.make_url(f"/console/#conversation={conversation_id}")))
            await sign_in(agent, "li.agent")
            await expect(agent.locator("#reply-send")).to_be_visible(timeout=10_000)
            await expect(agent.locator("#messages li")).not_to_have_count(0, timeout=10_000)
            await expect(agent.locator("#photo-send")).to_have_count(1)  # there, but not offered
            await expect(agent.locator("#photo-send")).to_be_hidden()
            await browser.close()
    finally:
        await stub.server.close()
