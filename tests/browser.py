"""Real headless Chromium for the page tests: where it is, how it is launched, and what staff and
customers do in it. Importing this skips the importing module when Chromium is absent."""

from __future__ import annotations

from collections.abc import Sequence
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


LAPTOP = {"width": 1280, "height": 720}
"""The window an agent works in (the console's layout is checked at this size)."""


async def laptop_console(browser: Any, url: str, username: str) -> Any:
    """A staff page at ``url`` in a laptop-sized window, signed in as ``username``."""
    page = await (await browser.new_context(viewport=LAPTOP)).new_page()
    await page.goto(url)
    await sign_in(page, username)
    return page


A_COMPLAINT = ("小区楼道的垃圾三天没人清理", "13800138000", "阳光花园3栋", "对")
"""What a customer types to file a whole complaint: the problem, a phone, the place, then yes."""


async def customer_in_chat(browser: Any, url: str) -> Any:
    """A customer in their own browser context, on the web chat at ``url``, once greeted."""
    customer = await (await browser.new_context(locale="zh-CN")).new_page()
    await customer.goto(url)
    await customer.evaluate("window.complaintChat.ready")
    await expect(customer.locator(".msg-bot").first).to_contain_text("客服代表", timeout=10_000)
    return customer


async def customer_says_each(customer: Any, texts: Sequence[str]) -> None:
    """Send each text and wait until the bot has answered it."""
    bot = customer.locator(".msg-bot")
    for text in texts:
        count = await bot.count()
        await customer.fill("#chat-input", text)
        await customer.click("#chat-send")
        await expect(bot).not_to_have_count(count, timeout=10_000)


async def customer_files_a_complaint(browser: Any, url: str) -> Any:
    """A customer who filed :data:`A_COMPLAINT` and was told its case number."""
    customer = await customer_in_chat(browser, url)
    await customer_says_each(customer, A_COMPLAINT)
    await expect(customer.locator(".msg-bot", has_text="TS2026")).to_have_count(1, timeout=10_000)
    return customer


async def customer_asks_for_a_person(browser: Any, url: str, first_words: str | None = None) -> Any:
    """A customer in their own browser context: web chat, optionally says something, then asks for a person."""
    customer = await customer_in_chat(browser, url)
    await customer_says_each(customer, [text for text in (first_words, "转人工") if text is not None])
    await expect(customer.locator(".msg-bot", has_text="人工")).not_to_have_count(0, timeout=10_000)
    return customer


async def resolve_in_console(page: Any, summary: str) -> None:
    """标记已解决 with ``summary`` in the open conversation, confirmed in the dialog that asks first."""
    await page.fill("#resolve-summary", summary)
    await page.click("#resolve")
    await page.click("#resolve-confirm")
