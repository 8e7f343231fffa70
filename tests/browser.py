"""Real headless Chromium for the page tests: where it is, how it is launched, and what staff and
customers do in it. Importing this skips the importing module when Chromium is absent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.staff import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists():
    pytest.skip(
        "Chromium is not installed at /usr/bin/chromium (Debian: apt-get install chromium)",
        allow_module_level=True,
    )
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
expect = playwright_api.expect


async def sign_in(page: Any, username: str) -> None:
    await page.fill("#login-username", username)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("body[data-ready=true]")).to_have_count(1, timeout=10_000)


async def signed_in_manager_page(browser: Any, url: str, username: str) -> tuple[Any, list[str]]:
    """The manager console at ``url`` in a wide window, signed in; page errors are collected in the list."""
    page = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(url)
    await sign_in(page, username)
    return page, errors


async def customer_asks_for_a_person(browser: Any, url: str, first_words: str | None = None) -> Any:
    """A customer in their own browser context: web chat, optionally says something, then asks for a person."""
    customer = await (await browser.new_context(locale="zh-CN")).new_page()
    await customer.goto(url)
    await customer.evaluate("window.complaintChat.ready")
    bot = customer.locator(".msg-bot")
    await expect(bot.first).to_contain_text("客服代表", timeout=10_000)
    for text in [first_words, "转人工"]:
        if text is None:
            continue
        count = await bot.count()
        await customer.fill("#chat-input", text)
        await customer.click("#chat-send")
        await expect(bot).not_to_have_count(count, timeout=10_000)
    await expect(customer.locator(".msg-bot", has_text="人工")).not_to_have_count(0, timeout=10_000)
    return customer
