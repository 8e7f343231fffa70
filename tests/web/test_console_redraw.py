"""The agent console draws again only what changed (real headless Chromium, the real app): a
customer's new message adds its line, and the messages already shown (a photo, the words the agent
selected) stay the very elements they were; a desktop notice for a waiting customer is withdrawn
once that customer is claimed, by a colleague or by the agent who read it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAPTOP, LAUNCH_ARGS, customer_asks_for_a_person, sign_in
from tests.conftest import AppFactory
from tests.media.images import photo
from tests.media.page_photos import loaded_width
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

MARK_AND_SELECT = """() => {
  const first = document.querySelector("#messages li");
  const photo = document.querySelector("#messages img.photo");
  first.marked = "first";
  photo.marked = "photo";
  document.querySelector("#timeline li:last-child").marked = "oldest";
  const words = first.querySelector(".text");
  const range = document.createRange();
  range.selectNodeContents(words);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  return getSelection().toString();
}"""
"""Marks the first message's element and the photo's, and selects the first message's words."""

STILL_MARKED = """() => ({
  first: document.querySelector("#messages li").marked || null,
  photo: (document.querySelector("#messages img.photo") || {}).marked || null,
  oldest: document.querySelector("#timeline li:last-child").marked || null,
  selected: getSelection().toString(),
})"""

RECORD_NOTICES = """(() => {
  const Shown = window.Notification;
  window.shownNotices = [];
  window.Notification = class extends Shown {
    constructor(title, options) {
      super(title, options);
      this.withdrawn = false;
      window.shownNotices.push(this);
    }
    close() { this.withdrawn = true; super.close(); }
  };
})();"""
"""Installed before the console's scripts: every desktop notice the page shows, and whether it closed it."""

NOTICES = "() => window.shownNotices.map((n) => ({ title: n.title, withdrawn: n.withdrawn }))"


async def test_a_new_message_is_added_and_the_ones_shown_stay_as_they_are(
    make_client: AppFactory, tmp_path: Path
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    leak = tmp_path / "leak.png"
    leak.write_bytes(photo("PNG", (800, 600), "steelblue"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")), "楼道天花板漏水了")
        await customer.set_input_files("#chat-file", str(leak))
        await expect(customer.locator(".msg-customer img.msg-photo")).to_have_count(1, timeout=10_000)

        agent = await (await browser.new_context(viewport=LAPTOP)).new_page()
        errors: list[str] = []
        agent.on("pageerror", lambda error: errors.append(str(error)))
        await agent.goto(str(client.make_url("/console/")))
        await sign_in(agent, "li.agent")
        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        thumb = agent.locator("#messages img.photo")
        await expect(thumb).to_have_count(1, timeout=10_000)
        await loaded_width(thumb)
        # the claim's fetch and the one on the socket's watch answer have both been drawn
        await agent.wait_for_load_state("networkidle")
        shown = agent.locator("#messages li")
        before = await shown.count()
        selected = await agent.evaluate(MARK_AND_SELECT)
        assert selected.strip()

        # the customer writes on to the agent (the bot is silent now): a conversation event
        await customer.fill("#chat-input", "楼道的灯也不亮了")
        await customer.click("#chat-send")
        newest = agent.locator("#messages li").last
        await expect(newest).to_contain_text("楼道的灯也不亮了", timeout=10_000)
        await expect(shown).to_have_count(before + 1)
        kept = {"first": "first", "photo": "photo", "oldest": "oldest", "selected": selected}
        assert await agent.evaluate(STILL_MARKED) == kept
        # followed: the photo's loading left the agent at the newest, where the new message shows
        await expect(newest).to_be_in_viewport()
        await expect(agent.locator("#newer")).to_be_hidden()
        await agent.screenshot(path="/tmp/console-redraw.png")
        assert errors == []
        await browser.close()


async def _console_with_notices(browser: Any, url: str, username: str, *scripts: str, waiting: int = 0) -> Any:
    """The console with desktop notices allowed and recorded (RECORD_NOTICES), live, showing ``waiting`` customers."""
    context = await browser.new_context(viewport=LAPTOP)
    await context.grant_permissions(["notifications"])
    for script in (RECORD_NOTICES, *scripts):
        await context.add_init_script(script)
    page = await context.new_page()
    await page.goto(url)
    await sign_in(page, username)
    await expect(page.locator("#alerts")).to_have_text("桌面通知已开启")
    await expect(page.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
    if waiting:
        await expect(page.locator("#queue .ticket")).to_have_count(waiting, timeout=10_000)
    else:
        await expect(page.locator("#queue")).to_contain_text("暂无等待的客户", timeout=10_000)
    return page


async def test_a_waiting_customers_notice_is_withdrawn_once_claimed(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "wang.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        url = str(client.make_url("/console/"))
        li = await _console_with_notices(browser, url, "li.agent")
        wang = await _console_with_notices(browser, url, "wang.agent")

        await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        for page in (li, wang):
            await expect(page.locator("#queue .ticket")).to_have_count(1, timeout=10_000)
            notices = await page.evaluate(NOTICES)
            assert len(notices) == 1 and notices[0]["title"].startswith("新的客户等待")
            assert not notices[0]["withdrawn"]

        # wang claims it and reads it there; li's console sees it leave the queue
        await wang.locator("#queue .claim").click()
        await expect(wang.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        assert [n["withdrawn"] for n in await wang.evaluate(NOTICES)] == [True]
        await expect(li.locator("#queue")).to_contain_text("暂无等待的客户", timeout=10_000)
        assert [n["withdrawn"] for n in await li.evaluate(NOTICES)] == [True]
        await li.screenshot(path="/tmp/console-notice-withdrawn.png")
        await browser.close()


AWAY = """(() => {
  window.pageAway = false;
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => window.pageAway });
})();"""
"""Lets the test send the agent to another tab (document.hidden) and back."""

BACK = """() => { window.pageAway = false; document.dispatchEvent(new Event("visibilitychange")); }"""


async def test_a_customers_reply_notice_is_withdrawn_when_the_agent_comes_back_to_it(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        li = await _console_with_notices(browser, str(client.make_url("/console/")), "li.agent", AWAY, waiting=1)
        await li.locator("#queue .claim").click()
        await expect(li.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        await li.wait_for_load_state("networkidle")

        await li.evaluate("() => { window.pageAway = true; }")
        await customer.fill("#chat-input", "还有人在吗")
        await customer.click("#chat-send")
        await expect(li.locator("#messages li").last).to_contain_text("还有人在吗", timeout=10_000)
        notices = await li.evaluate(NOTICES)
        assert [n["title"] for n in notices] == ["客户回复 · 会话 1"]
        assert not notices[0]["withdrawn"]

        await li.evaluate(BACK)
        assert [n["withdrawn"] for n in await li.evaluate(NOTICES)] == [True]
        await browser.close()
