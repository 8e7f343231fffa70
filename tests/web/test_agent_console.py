"""The agent console at a laptop's size (1280×720): the conversation follows the newest message,
and a resolved case looks resolved everywhere on the page."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.timeline import TimelineKind
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.conversations import add_timeline_event
from bot.storage.models import Complaint
from tests.browser import (
    CHROMIUM,
    LAPTOP,
    LAUNCH_ARGS,
    customer_asks_for_a_person,
    customer_files_a_complaint,
    customer_in_chat,
    customer_says_each,
    laptop_console,
    resolve_in_console,
    sign_in,
)
from tests.conftest import AppFactory
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def customer_says(customer: Any, text: str) -> None:
    await customer.fill("#chat-input", text)
    await customer.click("#chat-send")


async def claimed_by_the_agent(browser: Any, client: Any) -> tuple[Any, Any, int]:
    """A customer who asked for a person, and li.agent's console with their conversation claimed."""
    customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
    agent = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
    await agent.locator("#queue .claim").click()
    await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
    return customer, agent, int(await agent.evaluate("window.agentConsole.state.conversationId"))


async def agent_replies(client: Any, conversation_id: int, csrf: str, texts: list[str]) -> None:
    for text in texts:
        response = await client.post(
            f"/api/conversations/{conversation_id}/messages", json={"text": text}, headers={"X-CSRF-Token": csrf}
        )
        assert response.status == 201, await response.text()


async def test_the_conversation_fills_the_pane_and_follows_the_newest_message(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await api_sign_in(client, "li.agent")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer, agent, conversation_id = await claimed_by_the_agent(browser, client)

        replies = [f"第{number}条回复:我们正在处理" for number in range(1, 13)]
        await agent_replies(client, conversation_id, csrf, replies)
        messages = agent.locator("#messages")
        last = messages.locator("li", has_text="第12条回复")
        await expect(last).to_be_in_viewport(timeout=10_000)
        box = await messages.bounding_box()
        assert box is not None and box["height"] > 300, box  # the pane takes the height, not 200 px
        await agent.screenshot(path="/tmp/agentui-scroll.png")

        await customer_says(customer, "好的,我等你们消息")
        await expect(messages.locator("li", has_text="我等你们消息")).to_be_in_viewport(timeout=10_000)

        # The agent scrolls up to read: a new message does not pull them down, a button offers it.
        await messages.evaluate("list => { list.scrollTop = 0; }")
        await customer_says(customer, "还有,楼道灯也坏了")
        newest = messages.locator("li", has_text="楼道灯也坏了")
        await expect(newest).to_have_count(1, timeout=10_000)
        await expect(agent.locator("#newer")).to_be_visible()
        assert await messages.evaluate("list => list.scrollTop") == 0
        await agent.click("#newer")
        await expect(newest).to_be_in_viewport()
        await browser.close()


async def test_a_long_conversation_opens_on_its_newest_messages_and_shows_earlier_ones_on_request(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await api_sign_in(client, "li.agent")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer, agent, conversation_id = await claimed_by_the_agent(browser, client)
        await customer.close()
        await agent_replies(client, conversation_id, csrf, [f"第{number}条回复" for number in range(1, 206)])
        whole = await (await client.get(f"/api/conversations/{conversation_id}?messages=2000")).json()
        total = len(whole["messages"])

        await agent.reload()
        messages = agent.locator("#messages li")
        await expect(messages.last).to_contain_text("第205条回复", timeout=10_000)
        await expect(messages).to_have_count(200)
        earlier = agent.locator("#earlier")
        await expect(earlier).to_have_text(f"显示更早的消息（还有 {total - 200} 条）")
        await agent.screenshot(path="/tmp/agentui-earlier.png")
        await earlier.click()
        await expect(messages).to_have_count(total)
        await expect(earlier).to_be_hidden()
        await expect(agent.locator("#newer")).to_be_hidden()
        await expect(messages.first).not_to_be_in_viewport()  # the agent stays where they were reading
        await browser.close()


async def test_a_customer_writing_on_after_the_handoff_leaves_the_timeline_on_its_newest_entries(
    make_client: AppFactory,
) -> None:
    """Each customer message after the hand-off is a timeline entry: the console lists the newest
    200 and offers the earlier ones, as it does for messages."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await api_sign_in(client, "li.agent")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer, agent, conversation_id = await claimed_by_the_agent(browser, client)
        entries = agent.locator("#timeline li")
        await expect(entries.first).to_contain_text("认领", timeout=10_000)
        earlier = agent.locator("#earlier-timeline")
        await expect(earlier).to_be_hidden()
        await customer.close()
        now = resources(client.app).clock()

        def wrote_on(session: Session) -> None:  # a day of messages at the allowed pace, without the day
            kind = TimelineKind.MESSAGE_AFTER_HANDOFF
            for number in range(1, 251):
                add_timeline_event(session, conversation_id, kind, "customer", {"text": f"第{number}条留言"}, now)

        await resources(client.app).database.write(wrote_on)
        whole = await (await client.get(f"/api/conversations/{conversation_id}?timeline=2000")).json()
        total = len(whole["timeline"])

        await agent.reload()
        await expect(entries.first).to_contain_text("第250条留言", timeout=10_000)
        await expect(entries).to_have_count(200)
        await expect(earlier).to_have_text(f"显示更早的记录（还有 {total - 200} 条）")
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我")
        await earlier.click()
        await expect(entries).to_have_count(total)
        await expect(entries.last).to_contain_text("机器人问候")  # the oldest entry
        await expect(earlier).to_be_hidden()
        await browser.close()


async def test_after_resolving_the_page_shows_the_case_resolved_and_clears_stale_boxes(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        agent = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await agent.locator("#queue .claim").click()
        meta = agent.locator("#conversation-meta")
        await expect(meta).to_contain_text("处理中", timeout=10_000)
        conversation_id = int(await agent.evaluate("window.agentConsole.state.conversationId"))
        await expect(agent.locator("#mine")).to_contain_text(f"会话 {conversation_id}")

        # 标记已解决 asks first, warning while no one has written to the customer; 取消 leaves the case open
        await agent.fill("#resolve-summary", "已告知客户")
        await agent.click("#resolve")
        await expect(agent.locator("#resolve-dialog")).to_be_visible()
        await expect(agent.locator("#resolve-unanswered")).to_contain_text("还没有任何客服回复过这位客户")
        await expect(agent.locator("#resolve-confirm")).to_have_text("仍然标记已解决")
        await agent.screenshot(path="/tmp/cf-shots/resolve-unanswered.png")
        await agent.click("#resolve-cancel")
        await expect(agent.locator("#resolve-dialog")).to_have_count(0)
        await expect(meta).to_contain_text("处理中")
        await agent.fill("#resolve-summary", "")

        await agent.fill("#reply-text", "已为您登记")
        await agent.click("#reply-send")
        await expect(customer.locator(".msg-agent")).to_contain_text("已为您登记", timeout=10_000)
        await expect(agent.locator("#messages li", has_text="已为您登记").locator(".meta")).to_contain_text("已发送")
        await agent.fill("#reply-text", "这个我不知道")
        await agent.click("#reply-send")
        await expect(agent.locator("#guard")).to_be_visible(timeout=10_000)
        await expect(agent.locator("#conversation-message")).not_to_contain_text("已发送")

        # The customer reads the summary as written: one in English for a Chinese customer is pointed out.
        await agent.fill("#resolve-summary", "The guard on duty has been spoken to")
        await agent.click("#resolve")
        await expect(agent.locator("#resolve-language")).to_contain_text("这位客户用中文沟通，但摘要不是中文")
        await expect(agent.locator("#resolve-confirm")).to_have_text("仍然标记已解决")
        await agent.click("#resolve-cancel")
        await expect(meta).to_contain_text("处理中")
        await agent.fill("#resolve-summary", "")

        # Enter submits the summary; an empty one is refused, and the error goes once it is typed.
        await agent.locator("#resolve-summary").press("Enter")
        await expect(agent.locator("#conversation-message")).to_have_text("请填写处理结果摘要")
        await agent.fill("#resolve-summary", "已告知客户办理流程")
        await expect(agent.locator("#conversation-message")).to_be_hidden()
        await agent.locator("#resolve-summary").press("Enter")
        await expect(agent.locator("#resolve-dialog")).to_contain_text("已告知客户办理流程")
        await expect(agent.locator("#resolve-unanswered")).to_have_count(0)  # li did reply
        await expect(agent.locator("#resolve-language")).to_have_count(0)
        await agent.click("#resolve-confirm")
        await expect(meta).to_contain_text("已解决", timeout=10_000)
        await expect(meta).to_contain_text("处理人：我（li.agent）")
        await expect(meta).not_to_contain_text("处理中")
        await expect(agent.locator("#guard")).to_be_hidden()
        await expect(agent.locator("#conversation-message")).not_to_contain_text("已发送")
        await expect(agent.locator("#mine")).not_to_contain_text(f"会话 {conversation_id}")
        await expect(agent.locator("#resolved")).to_contain_text(f"会话 {conversation_id} · 已解决")
        # Nothing is offered that would fail: no reply box, no second resolution; a hint says why.
        await expect(agent.locator("#reply-text")).to_be_disabled()
        await expect(agent.locator("#reply-send")).to_be_disabled()
        await expect(agent.locator("#reply-hint")).to_contain_text("已解决")
        await expect(agent.locator("#resolve")).to_be_disabled()
        await expect(agent.locator("#confirm-resolved")).to_be_enabled()
        await agent.screenshot(path="/tmp/agentui-resolved.png")

        # A reload keeps the case out of "My conversations".
        await agent.reload()
        await expect(agent.locator("body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await expect(agent.locator("#resolved")).to_contain_text(f"会话 {conversation_id}")
        await expect(agent.locator("#mine")).not_to_contain_text(f"会话 {conversation_id}")
        await browser.close()


async def test_an_agent_s_conversations_are_listed_on_another_browser_with_the_customer_s_case(
    make_client: AppFactory,
) -> None:
    """The lists come from the server: another computer (no local storage) shows the same."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        first = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await first.locator("#queue .claim").click()
        await expect(first.locator("#conversation-meta")).to_contain_text("处理中", timeout=10_000)
        conversation_id = int(await first.evaluate("window.agentConsole.state.conversationId"))

        second = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await expect(second.locator("body[data-ready=true]")).to_have_count(1, timeout=10_000)
        mine = second.locator("#mine")
        await expect(mine).to_contain_text(f"会话 {conversation_id}")
        await expect(mine).to_contain_text("TS")
        await second.screenshot(path="/tmp/agentui-mine-elsewhere.png")

        await resolve_in_console(first, "已安排保洁清理")
        await expect(first.locator("#conversation-meta")).to_contain_text("已解决", timeout=10_000)
        await second.reload()
        await expect(second.locator("body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await expect(second.locator("#resolved")).to_contain_text(f"会话 {conversation_id} · 已解决")
        await expect(mine).not_to_contain_text(f"会话 {conversation_id}")
        await browser.close()


async def test_a_queue_card_shows_the_channel_and_last_words_and_the_phone_shows_after_claiming(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        await customer_says(customer, "我在家等着,电话13812345678")
        agent = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        card = agent.locator("#queue .ticket")
        await expect(card.locator(".preview")).to_have_text("我在家等着,电话138****5678", timeout=10_000)
        await expect(card).to_contain_text("网页聊天")
        await agent.screenshot(path="/tmp/agentui-queue.png")

        await card.locator("button", has_text="查看").click()
        messages = agent.locator("#messages")
        await expect(messages).to_contain_text("电话138****5678", timeout=10_000)
        await expect(messages).not_to_contain_text("13812345678")
        await card.locator(".claim").click()
        await expect(messages).to_contain_text("电话13812345678", timeout=10_000)
        # No complaint yet: the phrases naming its case number cannot be filled, so they are not offered.
        await agent.click("#phrase-toggle")
        await expect(agent.locator("#phrase-list button.phrase", has_text="告知投诉编号")).to_be_disabled()
        await expect(agent.locator("#phrase-list button.phrase", has_text="安抚情绪")).to_be_enabled()
        await browser.close()


async def test_the_case_names_its_signals_in_the_agent_s_language(make_client: AppFactory) -> None:
    """An angry customer's case says 情绪激动, not the signal's id."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_in_chat(browser, str(client.make_url("/chat")))
        angry = ["楼道的垃圾三天没人清理，气死我了！！！", "13800138000", "阳光花园3栋", "对"]
        await customer_says_each(customer, angry)
        await expect(customer.locator(".msg-bot", has_text="TS2026")).to_have_count(1, timeout=10_000)
        agent = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await agent.locator("#queue .claim").click()
        complaint = agent.locator("#complaint")
        await expect(complaint).to_contain_text("情绪激动", timeout=10_000)
        await expect(complaint).not_to_contain_text("emotional")
        await browser.close()


async def test_the_phrase_picker_finds_named_phrases_with_the_case_filled_in(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        case_number = await agent_case_number(client)

        agent = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#complaint")).to_contain_text(case_number, timeout=10_000)
        await agent.click("#phrase-toggle")
        await expect(agent.locator("#phrase-search")).to_be_focused()
        options = agent.locator("#phrase-list button.phrase")
        await expect(options.first).to_be_visible()
        labels = await agent.locator("#phrase-list .phrase-label").all_inner_texts()
        assert "告知投诉编号" in labels and "道别" in labels
        assert not [label for label in labels if "_" in label]  # names, not ids
        await agent.screenshot(path="/tmp/agentui-picker.png")
        await agent.fill("#phrase-search", "结束")  # the bot's idle and harassment closes are not offered
        await expect(agent.locator("#phrase-list")).to_contain_text("没有匹配")

        await agent.fill("#phrase-search", "编号")
        wanted = options.filter(has_text="告知投诉编号")
        await expect(wanted).to_contain_text(f"您的投诉编号是{case_number}。")
        await wanted.click()
        await expect(agent.locator("#reply-text")).to_have_value(f"您的投诉编号是{case_number}。")
        await expect(agent.locator("#phrase-panel")).to_be_hidden()
        await agent.click("#phrase-toggle")
        await agent.fill("#phrase-search", "告知答复")
        await agent.press("#phrase-search", "Enter")
        await expect(agent.locator("#reply-text")).to_have_value(
            f"您的投诉编号是{case_number}。我们会在明天下午5点前给您明确的答复。"
        )
        await browser.close()


async def agent_case_number(client: Any) -> str:
    async with resources(client.app).sessions() as session:
        return str((await session.execute(select(Complaint.case_number))).scalar_one())


async def test_an_agent_finds_a_conversation_with_slash_and_sends_with_ctrl_enter(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        chat = str(client.make_url("/chat"))
        customer = await customer_asks_for_a_person(browser, chat, first_words="路灯坏了好几天")
        agent = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await expect(agent.locator("#queue .ticket")).to_have_count(1, timeout=10_000)
        await agent.locator("body").press("/")
        await expect(agent.locator("#search-q")).to_be_focused()
        await agent.keyboard.type("路灯坏了")
        await agent.keyboard.press("Enter")
        hit = agent.locator("#search-results .search-hit")
        await expect(hit).to_have_count(1, timeout=10_000)
        await expect(hit).to_contain_text("路灯坏了好几天")
        await expect(hit).to_contain_text("匹配内容")
        await agent.screenshot(path="/tmp/agentui-search.png")
        await hit.click()
        await expect(agent.locator("#search-results")).to_be_hidden()
        await expect(agent.locator("#messages")).to_contain_text("路灯坏了好几天", timeout=10_000)

        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        await agent.fill("#reply-text", "您好,马上为您安排维修")
        await agent.press("#reply-text", "Control+Enter")
        await expect(customer.locator(".msg-agent")).to_contain_text("马上为您安排维修", timeout=10_000)
        await browser.close()


RECORD_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  window.shownNotifications = [];
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.shownNotifications.push({ title, body: options && options.body });
    }
  }
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recorded;
})();
"""


async def test_desktop_notifications_ask_permission_then_announce_new_customers_and_replies(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    console = str(client.make_url("/console/"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        # Not allowed: the button asks, and says so when the browser refuses.
        refused = await laptop_console(browser, console, "li.agent")
        alerts = refused.locator("#alerts")
        await expect(alerts).to_have_text("开启桌面通知")
        await alerts.click()
        await expect(alerts).to_have_attribute("data-permission", "denied", timeout=10_000)
        await expect(alerts).to_contain_text("阻止")

        context = await browser.new_context(viewport=LAPTOP)
        await context.grant_permissions(["notifications"], origin=str(client.make_url("/")).rstrip("/"))
        await context.add_init_script(RECORD_NOTIFICATIONS)
        agent = await context.new_page()
        await agent.goto(console)
        await sign_in(agent, "li.agent")
        await expect(agent.locator("#alerts")).to_have_text("桌面通知已开启")
        await expect(agent.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)

        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")), first_words="水管漏水了")
        await expect(agent.locator("#queue .ticket")).to_have_count(1, timeout=10_000)
        shown = await agent.evaluate("window.shownNotifications")
        assert [n["title"] for n in shown] == ["新的客户等待 · 会话 1"], shown

        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        # The agent switches to another window; the customer writes.
        await agent.evaluate("Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })")
        await customer_says(customer, "楼下也在漏")
        await expect(agent.locator("#messages")).to_contain_text("楼下也在漏", timeout=10_000)
        shown = await agent.evaluate("window.shownNotifications")
        assert {"title": "客户回复 · 会话 1", "body": "楼下也在漏"} in shown, shown
        await browser.close()


async def test_a_phrase_a_manager_edits_reaches_an_open_console_within_a_minute(make_client: AppFactory) -> None:
    """Agents keep the console open all shift: the picker fetches the phrases again once they
    are more than a minute old, without a reload."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        context = await browser.new_context(viewport={"width": 1400, "height": 900})
        agent = await context.new_page()
        await agent.clock.install(time=resources(client.app).clock())
        await agent.goto(str(client.make_url("/console/")))
        await sign_in(agent, "li.agent")
        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        empathy = agent.locator("#phrase-list [data-phrase=empathy]")
        await agent.click("#phrase-toggle")
        await expect(empathy).to_contain_text("不要着急，让我来帮您", timeout=10_000)
        await agent.click("#phrase-toggle")

        manager = client  # the agent's own instance: it applies a saved version at once
        csrf = await api_sign_in(manager, "boss")
        phrases = (await (await manager.get("/api/standards/phrases")).json())["body"]
        phrases["zh-CN"]["phrases"]["empathy"] = "非常抱歉，让您久等了，我马上为您处理。"
        saved = await manager.put(
            "/api/standards/phrases", json={"body": phrases, "note": "更亲切"}, headers={"X-CSRF-Token": csrf}
        )
        assert saved.status == 200, await saved.text()

        await agent.clock.fast_forward("01:01")
        await agent.click("#phrase-toggle")
        await expect(empathy).to_contain_text("让您久等了", timeout=10_000)
        await browser.close()


async def test_a_resolution_summary_with_a_forbidden_phrase_is_refused_in_the_console(
    make_client: AppFactory,
) -> None:
    """The customer reads the summary with the callback: the console refuses it as it refuses a
    reply, with the phrase to say instead, and the case stays open until it is put right."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        agent = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理中", timeout=10_000)

        await agent.fill("#resolve-summary", "已经处理了 我们的规定就是这样的")
        await agent.click("#resolve")
        await expect(agent.locator("#resolve-summary-told")).to_contain_text("回访时客户会收到这段摘要")
        await agent.click("#resolve-confirm")
        told = agent.locator("#conversation-message")
        await expect(told).to_contain_text("含有服务忌语「我们的规定就是这样的」，请改用", timeout=10_000)
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理中")

        await resolve_in_console(agent, "已安排保洁清理")
        await expect(agent.locator("#conversation-meta")).to_contain_text("已解决", timeout=10_000)
        await browser.close()
