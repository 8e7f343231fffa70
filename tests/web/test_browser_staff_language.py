"""One language at a time on the staff pages (issue 15), in real headless Chromium: Chinese until
the staff member chooses English; the choice is kept on their account and follows them to
another browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user, customers_waiting

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

WIDE = {"width": 1400, "height": 900}
CHINESE = re.compile(r"[\u3400-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# What a page shows that is no message of its own: the signed-in username, config file names.
NOT_MESSAGES = re.compile(r"[\w.]+\.(agent|manager|yaml)\b|\bVIP\b")

# Everything the page shows, apart from the language switch (whose options name each language in itself).
VISIBLE_TEXT = """() => {
  const picker = document.querySelector("#app .ui-locale");
  picker.hidden = true;
  const text = document.getElementById("app").innerText;
  picker.hidden = false;
  return text;
}"""


async def visible_text(page: Any) -> str:
    return NOT_MESSAGES.sub(" ", str(await page.evaluate(VISIBLE_TEXT)))


async def open_signed_in(browser: Any, url: str, username: str, locale: str = "zh-CN") -> Any:
    page = await (await browser.new_context(viewport=WIDE, locale=locale)).new_page()
    await page.goto(url)
    await sign_in(page, username)
    return page


async def wrong_password(page: Any) -> None:
    await page.fill("#login-username", "li.agent")
    await page.fill("#login-password", "not the password")
    await page.click("#login-submit")


async def choose(page: Any, locale: str) -> None:
    """Pick a language in the top bar: the page comes back in it."""
    await page.select_option("#app .ui-locale", locale)
    await expect(page.locator(f"html[lang={locale}] body[data-ready=true]")).to_have_count(1, timeout=10_000)


async def test_a_new_agent_reads_chinese_only_and_english_once_chosen_in_any_browser(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    console = str(client.make_url("/console/"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await open_signed_in(browser, console, "li.agent")
        await expect(agent.locator("html")).to_have_attribute("lang", "zh-CN")
        await expect(agent.locator("#queue-title")).to_contain_text("等待队列")
        await expect(agent.locator("#logout")).to_have_text("退出")
        await expect(agent.locator("#queue")).to_contain_text("暂无等待的客户", timeout=10_000)
        shown = await visible_text(agent)
        assert "Queue" not in shown and "Sign out" not in shown
        assert ENGLISH_WORD.findall(shown) == [], shown
        assert await agent.get_attribute("#search-q", "placeholder") == "搜索 编号/电话/内容（ / ）"

        await choose(agent, "en")
        await expect(agent.locator("#queue-title")).to_contain_text("Queue")
        await expect(agent.locator("#logout")).to_have_text("Sign out")
        await expect(agent.locator("#queue")).to_contain_text("Nobody waiting", timeout=10_000)
        await expect(agent.locator("#live")).to_have_text("Live", timeout=10_000)
        shown = await visible_text(agent)
        assert CHINESE.findall(shown) == [], shown
        assert await agent.get_attribute("#search-q", "placeholder") == "Case no./phone/text (/)"
        assert await agent.title() == "Agent console"

        await agent.reload()
        await expect(agent.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await expect(agent.locator("#queue-title")).to_contain_text("Queue")

        # Another browser, set to Chinese: the sign-in speaks Chinese, then the account's English wins.
        elsewhere = await (await browser.new_context(viewport=WIDE, locale="zh-CN")).new_page()
        await elsewhere.goto(console)
        await expect(elsewhere.locator("#login-submit")).to_have_text("登录")
        await sign_in(elsewhere, "li.agent")
        await expect(elsewhere.locator("html")).to_have_attribute("lang", "en")
        await expect(elsewhere.locator("#logout")).to_have_text("Sign out")
        assert CHINESE.findall(await visible_text(elsewhere)) == []

        # Back to Chinese, from the English page.
        await choose(elsewhere, "zh-CN")
        await expect(elsewhere.locator("#queue-title")).to_contain_text("等待队列")
        assert ENGLISH_WORD.findall(await visible_text(elsewhere)) == []
        await browser.close()


async def test_the_sign_in_follows_the_browser_until_someone_chooses(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    console = str(client.make_url("/console/"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        english = await (await browser.new_context(locale="en-GB")).new_page()
        await english.goto(console)
        await expect(english.locator("#login-submit")).to_have_text("Sign in")
        await expect(english.locator("html")).to_have_attribute("lang", "en")
        assert await english.get_attribute("#login-username", "placeholder") == "Username"
        await wrong_password(english)
        await expect(english.locator("#login-form .error")).to_have_text("Wrong username or password")

        other = await (await browser.new_context(locale="fr-FR")).new_page()
        await other.goto(console)
        await expect(other.locator("#login-submit")).to_have_text("登录")  # Chinese by default
        await wrong_password(other)
        await expect(other.locator("#login-form .error")).to_have_text("用户名或密码错误")
        await other.select_option("#login-form .ui-locale", "en")
        await expect(other.locator("#login-submit")).to_have_text("Sign in", timeout=10_000)
        await other.reload()
        await expect(other.locator("#login-submit")).to_have_text("Sign in")
        await browser.close()


async def test_the_manager_console_speaks_one_language(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wang.manager", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        manager = await open_signed_in(browser, str(client.make_url("/manager/")), "wang.manager")
        await expect(manager.locator("#dash-updated")).not_to_be_empty(timeout=10_000)
        await expect(manager.locator("[data-tab=dashboard]")).to_have_text("实时看板")
        shown = await visible_text(manager)
        assert "Dashboard" not in shown and ENGLISH_WORD.findall(shown) == [], shown

        await choose(manager, "en")
        await expect(manager.locator("#dash-updated")).not_to_be_empty(timeout=10_000)
        await expect(manager.locator("[data-tab=dashboard]")).to_have_text("Dashboard")
        await expect(manager.locator("#logout")).to_have_text("Sign out")
        shown = await visible_text(manager)
        assert CHINESE.findall(shown) == [], shown

        await manager.click("[data-tab=rules]")
        # The configured names too, where config/ has them in English (config/handoff.yaml queues).
        await expect(manager.locator("#rules")).to_contain_text("Duty supervisor", timeout=10_000)
        await expect(manager.locator("#rules")).not_to_contain_text("值班主管")
        await manager.click("[data-tab=audit]")
        await expect(manager.locator("#audit-search")).to_have_text("Search")
        await expect(manager.locator("#audit-table")).to_contain_text("Console language", timeout=10_000)
        await browser.close()


async def test_the_english_console_lists_a_cases_signals_with_english_commas(make_client: AppFactory) -> None:
    """A case's signals and other problems are listed in the console's language: "Repeat complaint,
    Staff error", not joined with the Chinese enumeration comma."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await customers_waiting(client, ["我第三次投诉了 保安骂人 电梯坏了一个月"])
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await open_signed_in(browser, str(client.make_url("/console/")), "li.agent", locale="en")
        await choose(agent, "en")
        await agent.locator("#queue .claim").first.click()
        complaint = agent.locator("#complaint")
        await expect(complaint).to_contain_text("Repeat complaint, ", timeout=10_000)
        assert "、" not in await complaint.inner_text()
        await browser.close()
