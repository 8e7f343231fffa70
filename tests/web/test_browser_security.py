"""The pages work under their content security policy in a real Chromium: no violation anywhere,
and script injected into a page does not run."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


async def watched_page(browser: Any, found: list[str]) -> Any:
    """A page in its own context that reports CSP violations (as events and console errors)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    await context.add_init_script(COLLECT_VIOLATIONS)
    page = await context.new_page()

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", on_console)
    return page


async def violations(page: Any, found: list[str]) -> list[str]:
    return [*found, *await page.evaluate("window.cspViolations")]


async def test_the_pages_run_under_their_policy_without_a_violation(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        found: dict[str, list[str]] = {"chat": [], "console": [], "manager": []}

        customer = await watched_page(browser, found["chat"])
        await customer.goto(str(client.make_url("/chat")))
        await customer.evaluate("window.complaintChat.ready")
        bot = customer.locator(".msg-bot")
        await expect(bot.first).to_contain_text("客服代表", timeout=10_000)
        await customer.fill("#chat-input", "转人工")
        await customer.click("#chat-send")
        await expect(customer.locator(".msg-bot", has_text="人工")).not_to_have_count(0, timeout=10_000)

        supervisor = await watched_page(browser, found["console"])
        await supervisor.goto(str(client.make_url("/console/")))
        await sign_in(supervisor, "zhou.sup")
        await expect(supervisor.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
        await supervisor.locator("#queue .claim").first.click()
        hours = supervisor.locator("#extend-hours")
        await expect(hours).to_be_visible(timeout=10_000)
        assert await hours.evaluate("node => getComputedStyle(node).width") == "70px"
        assert await supervisor.locator("#manager-link").evaluate("node => getComputedStyle(node).color") == (
            "rgb(255, 255, 255)"
        )

        manager = await watched_page(browser, found["manager"])
        await manager.goto(str(client.make_url("/manager/")))
        await sign_in(manager, "boss")
        await expect(manager.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
        for tab, shows in [("rules", "#rules"), ("standards", "#std-form")]:
            await manager.click(f"[data-tab={tab}]")
            await expect(manager.locator(shows)).not_to_be_empty(timeout=10_000)
        await manager.click("[data-tab=dashboard]")
        await expect(manager.locator("#dash-queues")).not_to_be_empty(timeout=10_000)

        pages = {"chat": customer, "console": supervisor, "manager": manager}
        assert {name: await violations(page, found[name]) for name, page in pages.items()} == {
            name: [] for name in pages
        }

        # Script that an injection slipped into the page is refused, and the refusal reported.
        await customer.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.injected = true";
              document.body.append(script);
            }"""
        )
        assert await customer.evaluate("window.injected === undefined")
        assert any("script-src" in line for line in await violations(customer, []))
        await browser.close()
