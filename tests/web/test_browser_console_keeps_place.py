"""The agent console keeps the agent's place while the queue moves (real headless Chromium, the
real app): a half-typed reply stays as typed, caret and all, when the customer writes and when
other customers join the queue; the 认领 button the agent reached with the keyboard is still the
one in focus after the queue is drawn again, so Enter claims that customer, and when a colleague
claims the card the agent was on, the keyboard stays in the queue, on the card now in its place.
In English the case form keeps a case number whole beside its longest label. 发送 and 添加备注
on an empty box say what is missing instead of seeming to do nothing."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import (
    CHROMIUM,
    LAUNCH_ARGS,
    customer_asks_for_a_person,
    customer_files_a_complaint,
    sign_in,
)
from tests.conftest import AppFactory
from tests.staff import add_user, claim_conversation, customers_waiting, sign_in_with_cookie

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

DESKTOP = {"width": 1366, "height": 768}

FOCUSED = """() => {
  const active = document.activeElement;
  const card = active && active.closest("#queue li.ticket");
  return { tag: active ? active.tagName : null, id: active ? active.id : null, text: active ? active.textContent : null,
           card: card ? Number(card.dataset.conversation) : null };
}"""

CARET = "() => { const box = document.getElementById('reply-text'); return [box.selectionStart, box.selectionEnd]; }"

# The console's line is where the agent looks: on the screen, or (scrolled off it) in the toast.
TOLD_ON_SCREEN = """() => {
  const line = document.getElementById("conversation-message");
  const at = line.getBoundingClientRect();
  const toast = document.getElementById("toast");
  return (at.top >= 0 && at.bottom <= innerHeight) || (!toast.hidden && toast.textContent === line.textContent);
}"""

NEWER_CARD = """() => Math.max(...[...document.querySelectorAll("#queue li.ticket")]
  .map((card) => Number(card.dataset.conversation)))"""

# Each case number in the form beside its label: how many lines it is drawn on.
CASE_NUMBER_LINES = """() => [...document.querySelectorAll("#complaint dl.form dd")]
  .filter((dd) => /TS\\d{8}[A-Z0-9]+/.test(dd.textContent))
  .map((dd) => {
    const range = document.createRange();
    range.selectNodeContents(dd);
    const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
    return [dd.previousElementSibling.textContent, dd.textContent, lines.size];
  })"""


async def console_of(browser: Any, url: str, username: str, viewport: dict[str, int] = DESKTOP) -> Any:
    page = await (await browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")).new_page()
    await page.goto(url)
    await sign_in(page, username)
    await expect(page.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
    return page


async def test_a_half_typed_reply_and_the_claim_button_reached_by_keyboard_stay_as_the_queue_moves(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "zhao.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")), "楼上漏水 天花板都湿了")
        agent = await console_of(browser, str(client.make_url("/console/")), "li.agent")
        await agent.locator("#queue li.ticket button.claim").click()
        await expect(agent.locator("#reply-text")).to_be_focused(timeout=10_000)

        # Half a reply typed, the caret put back after "您好，": then the customer writes.
        await agent.keyboard.type("您好，我们已安排维修师傅")
        await agent.evaluate("() => document.getElementById('reply-text').setSelectionRange(3, 3)")
        await customer.fill("#chat-input", "水越来越大了 快点")
        await customer.click("#chat-send")
        await expect(agent.locator("#messages li", has_text="水越来越大了")).to_have_count(1, timeout=10_000)
        # ...and two more customers join the queue.
        waiting = await customers_waiting(client, ["楼道灯坏了一个星期", "垃圾三天没人清理"])
        await expect(agent.locator("#queue li.ticket")).to_have_count(2, timeout=10_000)
        await expect(agent.locator("#reply-text")).to_have_value("您好，我们已安排维修师傅")
        await expect(agent.locator("#reply-text")).to_be_focused()
        assert await agent.evaluate(CARET) == [3, 3]
        await agent.keyboard.type("王先生")
        await expect(agent.locator("#reply-text")).to_have_value("您好，王先生我们已安排维修师傅")
        await agent.screenshot(path="/tmp/console-keeps-place-reply.png")

        # The agent tabs to the second card's 认领; another customer joins the queue behind it.
        second = waiting[1][0]
        await agent.locator(f'#queue li.ticket[data-conversation="{second}"] button.claim').focus()
        await customers_waiting(client, ["小区门口路灯不亮"])
        await expect(agent.locator("#queue li.ticket")).to_have_count(3, timeout=10_000)
        await expect(agent.locator("#queue-count")).to_have_text("3")
        focused = await agent.evaluate(FOCUSED)
        assert focused == {"tag": "BUTTON", "id": "", "text": "认领", "card": second}, focused

        # A colleague claims the card the agent is on: the keyboard stays on the card now in its place.
        _, csrf = await sign_in_with_cookie(client, "zhao.agent")
        await claim_conversation(client, csrf, second)
        await expect(agent.locator(f'#queue li.ticket[data-conversation="{second}"]')).to_have_count(0, timeout=10_000)
        focused = await agent.evaluate(FOCUSED)
        assert focused["tag"] == "BUTTON" and focused["card"] is not None and focused["card"] != second, focused
        await agent.screenshot(path="/tmp/console-keeps-place-queue.png")

        # Enter claims the customer whose card has the focus, and opens their conversation.
        await agent.keyboard.press("Enter")
        await expect(agent.locator("#conversation-title")).to_have_text(f"会话 {focused['card']}", timeout=10_000)
        await expect(agent.locator("#mine li[data-conversation]")).to_have_count(2, timeout=10_000)
        await browser.close()


async def test_the_english_case_form_keeps_each_case_number_whole_beside_its_label(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        chat_url = str(client.make_url("/chat"))
        # The same complaint from the same phone twice: the second case names the first (此前投诉).
        await customer_files_a_complaint(browser, chat_url)
        await customer_files_a_complaint(browser, chat_url)
        for viewport in (DESKTOP, {"width": 390, "height": 844}):
            agent = await console_of(browser, str(client.make_url("/console/")), "li.agent", viewport)
            if await agent.evaluate("() => document.documentElement.lang") != "en":
                await agent.select_option("#app .ui-locale", "en")
                await expect(agent.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
            await expect(agent.locator("#queue li.ticket")).to_have_count(2, timeout=10_000)
            # the second customer's card (the newer conversation), wherever its grade puts it
            newer = await agent.evaluate(NEWER_CARD)
            newer_card = agent.locator(f'#queue li.ticket[data-conversation="{newer}"]')
            await newer_card.get_by_role("button", name="View").click()
            await expect(agent.locator("#complaint dt", has_text="Earlier cases")).to_have_count(1, timeout=10_000)
            shot = f"/tmp/console-case-form-en-{viewport['width']}.png"
            await agent.locator("#complaint-panel").screenshot(path=shot)
            lines = await agent.evaluate(CASE_NUMBER_LINES)
            assert len(lines) == 2, lines
            assert all(count == 1 for _, _, count in lines), lines
        await browser.close()


async def test_send_and_add_note_on_an_empty_box_say_what_is_missing(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_asks_for_a_person(browser, str(client.make_url("/chat")), "楼道灯坏了一个星期")
        for viewport in (DESKTOP, {"width": 390, "height": 844}):
            agent = await console_of(browser, str(client.make_url("/console/")), "li.agent", viewport)
            if viewport == DESKTOP:
                await agent.locator("#queue li.ticket button.claim").click()
            else:
                await agent.locator("#mine li[data-conversation] button").click()
            await expect(agent.locator("#reply-text")).to_be_focused(timeout=10_000)
            messages = await agent.locator("#messages li").count()

            await agent.click("#reply-send")
            await expect(agent.locator("#conversation-message")).to_have_text("请先输入回复内容")
            assert await agent.evaluate(TOLD_ON_SCREEN)
            await expect(agent.locator("#reply-text")).to_be_focused()
            await agent.keyboard.type("您好")
            await expect(agent.locator("#conversation-message")).to_have_text("")

            await agent.click("#note-add")
            await expect(agent.locator("#conversation-message")).to_have_text("请先填写备注内容")
            assert await agent.evaluate(TOLD_ON_SCREEN)
            await expect(agent.locator("#note-text")).to_be_focused()
            await agent.screenshot(path=f"/tmp/console-empty-note-{viewport['width']}.png")
            await agent.keyboard.type("客户说晚上再打")
            await expect(agent.locator("#conversation-message")).to_have_text("")
            # nothing went to the customer, and no empty note is on the case
            assert await agent.locator("#messages li").count() == messages
            await expect(agent.locator("#timeline li.note")).to_have_count(0)
        await browser.close()


# The timeline's rows drawn wholly inside its panel's box (what the agent sees without scrolling it).
TIMELINE_ROWS_IN_SIGHT = """() => {
  const box = document.getElementById("timeline-panel").getBoundingClientRect();
  const rows = [...document.querySelectorAll("#timeline > li")];
  const inside = rows.filter((row) => {
    const at = row.getBoundingClientRect();
    return at.top >= box.top && at.bottom <= box.bottom;
  });
  return [inside.length, rows.length];
}"""


async def test_on_a_phone_the_timeline_shows_its_rows_not_two_of_them(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        agent = await console_of(browser, str(client.make_url("/console/")), "li.agent", {"width": 390, "height": 844})
        await agent.locator("#queue li.ticket button.claim").click()
        await expect(agent.locator("#timeline > li", has_text="认领")).to_have_count(1, timeout=10_000)
        await agent.locator("#timeline-panel").scroll_into_view_if_needed()
        await agent.screenshot(path="/tmp/console-timeline-390.png")
        in_sight, rows = await agent.evaluate(TIMELINE_ROWS_IN_SIGHT)
        assert rows >= 8, rows
        # as many as 60% of the screen holds (each row two short lines), not the two a 140 px box held
        assert in_sight >= min(rows, 7), (in_sight, rows)
        await browser.close()
