"""A customer sends a photo from the web chat widget; the agent sees its thumbnail and enlarges it
(real headless Chromium, the real app)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Media
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_asks_for_a_person, customer_in_chat, sign_in
from tests.conftest import AppFactory
from tests.media.images import photo
from tests.media.page_photos import loaded_width
from tests.media.uploads import decoders_busy
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_a_photo_from_the_widget_shows_as_a_thumbnail_for_customer_and_agent(
    make_client: AppFactory, tmp_path: Path
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    leak = tmp_path / "leak.png"
    leak.write_bytes(photo("PNG", (800, 600), "steelblue"))
    not_a_photo = tmp_path / "invoice.png"
    not_a_photo.write_bytes(b"<html><script>alert(1)</script></html>")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        errors: list[str] = []
        customer.on("pageerror", lambda error: errors.append(str(error)))

        await customer.set_input_files("#chat-file", str(not_a_photo))
        await expect(customer.locator("#chat-notice")).to_contain_text("只能发送照片", timeout=10_000)
        await expect(customer.locator(".msg-customer.failed")).to_have_count(1)

        await customer.set_input_files("#chat-file", str(leak))
        thumb = customer.locator(".msg-customer:not(.failed) img.msg-photo")
        await expect(thumb).to_have_count(1, timeout=10_000)
        await expect(thumb).to_have_attribute("src", re.compile(r"^blob:"), timeout=10_000)
        assert 0 < await loaded_width(thumb) <= 320
        await customer.screenshot(path="/tmp/photos-widget.png")

        # After a reload the photo is still there, from the history.
        await customer.reload()
        await customer.evaluate("window.complaintChat.ready")
        await loaded_width(customer.locator("img.msg-photo").first)

        agent = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
        await agent.goto(str(client.make_url("/console/")))
        await sign_in(agent, "li.agent")
        ticket = agent.locator("#queue .ticket")
        await expect(ticket).to_have_count(1, timeout=10_000)
        await ticket.locator(".claim").click()
        agent_thumb = agent.locator("#messages img.photo")
        await expect(agent_thumb).to_have_count(1, timeout=10_000)
        # the conversation opened by the claim is fetched again once the server watches it for the page
        await agent.wait_for_load_state("networkidle")
        await loaded_width(agent_thumb)
        await agent_thumb.scroll_into_view_if_needed()
        await agent.screenshot(path="/tmp/photos-console.png")
        await agent_thumb.click()
        large = agent.locator(".photo-viewer img")
        await expect(large).to_be_visible()
        assert await loaded_width(large) == 800
        await agent.screenshot(path="/tmp/photos-console-enlarged.png")
        await agent.keyboard.press("Escape")
        await expect(agent.locator(".photo-viewer")).to_have_count(0)
        assert errors == []
        await browser.close()


async def test_the_widget_sends_photos_one_after_another_and_again_when_the_server_was_busy(
    make_client: AppFactory, tmp_path: Path
) -> None:
    client = await make_client(image_decode_queue=0, image_decode_wait_seconds=1)
    decoding = resources(client.app).image_decoding
    first, second = tmp_path / "leak.png", tmp_path / "ceiling.jpg"
    first.write_bytes(photo("PNG", (800, 600), "steelblue"))
    second.write_bytes(photo("JPEG", (600, 800), "tan"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_in_chat(browser, str(client.make_url("/chat")))
        errors: list[str] = []
        customer.on("pageerror", lambda error: errors.append(str(error)))
        async with decoders_busy(decoding):
            await customer.set_input_files("#chat-file", str(first))
            # Told 503 with Retry-After: the widget says it will send the photo, and keeps it pending.
            await expect(customer.locator("#chat-notice")).to_contain_text("照片较多", timeout=10_000)
            await customer.set_input_files("#chat-file", str(second))
            await expect(customer.locator(".msg-customer.pending")).to_have_count(2)
        photos = customer.locator(".msg-customer img.msg-photo")
        await expect(photos).to_have_count(2, timeout=15_000)
        await expect(customer.locator(".msg-customer.failed")).to_have_count(0)
        await expect(customer.locator(".msg-customer.pending")).to_have_count(0)
        assert [await loaded_width(photos.nth(index)) for index in range(2)] == [320, 240]
        assert errors == []
        await browser.close()
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Media))).scalar_one() == 2
    # The second photo waited for the first in the page: never "another photo is still being sent".
    refused = resources(client.app).metrics.registry.get_sample_value
    assert refused("complaint_bot_webchat_refused_total", {"reason": "photos_at_once"}) is None
    assert (refused("complaint_bot_webchat_refused_total", {"reason": "photos_busy"}) or 0) >= 1
