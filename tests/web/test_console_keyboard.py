"""The agent console from the keyboard and in English (real Chromium): claiming or opening a case
puts the cursor in the reply box, the resolve dialog focuses its action, a full phone number that
finds nothing says why, and the English console names its language switch and the phrases in
English with placeholders that fit a 1366 px screen."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_asks_for_a_person, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user, customers_waiting, give_to

pytestmark = pytest.mark.browser

SCREEN = {"width": 1366, "height": 768}

# Inputs whose placeholder is wider than the room inside them: [id, placeholder, needed, room].
CUT_PLACEHOLDERS = """() => [...document.querySelectorAll("input[placeholder]")]
  .filter((node) => node.offsetParent !== null && node.placeholder)
  .map((node) => {
    const style = getComputedStyle(node);
    const context = document.createElement("canvas").getContext("2d");
    context.font = style.font;
    const room = node.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [node.id, node.placeholder, Math.ceil(context.measureText(node.placeholder).width), Math.floor(room)];
  })
  .filter(([, , needed, room]) => needed > room)"""


async def console_page(browser: Any, client: Any, username: str) -> Any:
    page = await (await browser.new_context(viewport=SCREEN, locale="zh-CN")).new_page()
    await page.goto(str(client.make_url("/console/")))
    await sign_in(page, username)
    return page


async def test_claiming_puts_the_cursor_in_the_reply_box_and_the_dialog_on_its_action(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        agent = await console_page(browser, client, "li.agent")
        await agent.locator("#queue .claim").click()

        await expect(agent.locator("#reply-text")).to_be_focused(timeout=10_000)
        await agent.keyboard.type("您好,我来帮您处理")
        await expect(agent.locator("#reply-text")).to_have_value("您好,我来帮您处理")

        # Nobody has answered yet: the dialog offers 取消 first; once answered, Enter confirms.
        await agent.fill("#resolve-summary", "已处理")
        await agent.click("#resolve")
        await expect(agent.locator("#resolve-cancel")).to_be_focused()
        await agent.keyboard.press("Escape")
        await agent.locator("#reply-text").press("Control+Enter")
        await expect(customer.locator(".msg-agent")).to_contain_text("我来帮您处理", timeout=10_000)
        await agent.click("#resolve")
        await expect(agent.locator("#resolve-confirm")).to_be_focused()
        await agent.keyboard.press("Enter")
        await expect(agent.locator("#conversation-meta")).to_contain_text("已解决", timeout=10_000)
        await browser.close()


async def test_opening_a_case_from_the_list_puts_the_cursor_in_the_reply_box(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    [(first, _), (second, _)] = await customers_waiting(client, ["路灯坏了", "电梯坏了"])
    await give_to(client, first, "li.agent")
    await give_to(client, second, "li.agent")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await console_page(browser, client, "li.agent")
        for conversation_id in (first, second):
            await agent.locator("#mine button", has_text=f"会话 {conversation_id}").click()
            await expect(agent.locator("#conversation")).to_contain_text(f"会话 {conversation_id}", timeout=10_000)
            await expect(agent.locator("#reply-text")).to_be_focused()
        await browser.close()


async def test_a_full_phone_number_that_finds_nothing_says_why(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    await customers_waiting(client, ["我电话13912345678 小区电梯坏了"])
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await console_page(browser, client, "li.agent")
        results = agent.locator("#search-results")
        await agent.fill("#search-q", "139 1234 5678")
        await agent.press("#search-q", "Enter")
        await expect(results.locator(".search-none")).to_be_visible(timeout=10_000)
        await expect(results).to_contain_text("完整号码只能在您接手或解决过的会话中搜索，其他会话可试后4位。")

        for other_number in ("9123 4567", "+852 9123 4567", "+86 139 1234 5678"):  # Hong Kong, country codes
            await agent.fill("#search-q", other_number)
            await agent.press("#search-q", "Enter")
            await expect(results.locator(".search-phone-hint")).to_be_visible(timeout=10_000)

        await agent.fill("#search-q", "5678")
        await agent.press("#search-q", "Enter")
        await expect(results.locator(".search-hit")).to_have_count(1, timeout=10_000)
        await agent.fill("#search-q", "路灯坏了")  # text finds nothing: no word about phones
        await agent.press("#search-q", "Enter")
        await expect(results.locator(".search-none")).to_be_visible(timeout=10_000)
        await expect(results.locator(".search-phone-hint")).to_have_count(0)

        supervisor = await console_page(browser, client, "zhou")  # sees phones in full: finds it
        await supervisor.fill("#search-q", "13912345678")
        await supervisor.press("#search-q", "Enter")
        await expect(supervisor.locator("#search-results .search-hit")).to_have_count(1, timeout=10_000)
        await supervisor.fill("#search-q", "+86 139-1234-5678")
        await supervisor.press("#search-q", "Enter")
        await expect(supervisor.locator("#search-results .search-hit")).to_have_count(1, timeout=10_000)
        await browser.close()


async def test_the_english_console_names_its_language_switch_and_phrases_and_its_placeholders_fit(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    [(conversation_id, _)] = await customers_waiting(client, ["路灯坏了"])
    await give_to(client, conversation_id, "li.agent")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await console_page(browser, client, "li.agent")
        await agent.select_option("#app .ui-locale", "en")
        await expect(agent.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await expect(agent.locator("#app .ui-locale")).to_have_attribute("aria-label", "Interface language")
        await agent.locator("#mine button", has_text=f"{conversation_id}").click()
        await expect(agent.locator("#reply-text")).to_be_focused(timeout=10_000)
        cut = await agent.evaluate(CUT_PLACEHOLDERS)
        assert cut == [], "\n".join(map(str, cut))

        await agent.click("#phrase-toggle")
        labels = agent.locator("#phrase-list .phrase-label")
        await expect(labels.filter(has_text="Ask for a phone")).to_have_count(1, timeout=10_000)
        # the customer writes Chinese: the text stays theirs, the name is the console's
        await expect(agent.locator("#phrase-list [data-phrase=ask_phone] .phrase-text")).to_contain_text("电话")
        cut = await agent.evaluate(CUT_PLACEHOLDERS)
        assert cut == [], "\n".join(map(str, cut))
        await browser.close()
