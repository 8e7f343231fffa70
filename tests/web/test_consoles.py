"""The agent and manager consoles in a real headless Chromium, against the real app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from bot.understanding.model_settings import ModelSettings
from tests.browser import (
    CHROMIUM,
    LAUNCH_ARGS,
    customer_asks_for_a_person,
    resolve_in_console,
    sign_in,
    signed_in_manager_page,
)
from tests.conftest import AppFactory
from tests.helpers import eventually
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in
from tests.understanding.chat_server import API_KEY, MODEL, chat_server

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
"""Kept after the run so a person can look at the consoles (var/ is not committed)."""


async def test_an_agent_takes_a_customer_live_and_they_talk(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
        await agent.goto(str(client.make_url("/console/")))
        await sign_in(agent, "li.agent")
        await expect(agent.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
        await expect(agent.locator("#queue .ticket")).to_have_count(0)

        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        # The handoff appears without a reload: pushed over /api/events.
        ticket = agent.locator("#queue .ticket")
        await expect(ticket).to_have_count(1, timeout=10_000)
        await ticket.locator(".claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        await expect(agent.locator("#queue .ticket")).to_have_count(0, timeout=10_000)
        await expect(agent.locator("#messages .from-customer")).to_contain_text("转人工")

        await agent.fill("#reply-text", "您好,我是客服小李,马上为您处理。")
        await agent.click("#reply-send")
        await expect(customer.locator(".msg-agent")).to_contain_text("我是客服小李", timeout=10_000)

        # The customer answers; the open conversation refreshes by itself.
        await customer.fill("#chat-input", "好的,谢谢,电梯还是坏的")
        await customer.click("#chat-send")
        answered = agent.locator("#messages .from-customer", has_text="电梯还是坏的")
        await expect(answered).to_have_count(1, timeout=10_000)

        await agent.fill("#note-text", "客户情绪平稳,已联系物业")
        await agent.click("#note-add")
        await expect(agent.locator("#timeline .note")).to_contain_text("已联系物业", timeout=10_000)
        await expect(customer.locator(".msg", has_text="已联系物业")).to_have_count(0)

        await resolve_in_console(agent, "物业已派人维修电梯")
        await expect(agent.locator("#timeline")).to_contain_text("物业已派人维修电梯", timeout=10_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await agent.screenshot(path=str(SCREENSHOTS / "agent-console.png"), full_page=True)
        await browser.close()


async def test_customer_html_shows_as_text_in_the_console(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    attack = "<img src=x onerror=alert(1)>"
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_asks_for_a_person(browser, str(client.make_url("/chat")), first_words=attack)
        agent = await (await browser.new_context()).new_page()
        dialogs: list[str] = []
        agent.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await agent.goto(str(client.make_url("/console/")))
        await sign_in(agent, "li.agent")
        await agent.locator("#queue .ticket button", has_text="查看").click()
        await expect(agent.locator("#messages .from-customer", has_text=attack)).to_have_count(1, timeout=10_000)
        assert await agent.locator("img").count() == 0
        assert dialogs == []
        await browser.close()


async def test_the_forbidden_phrase_guard_warns_and_can_be_overridden(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer, agent = await _agent_takes_a_waiting_customer(browser, client)

        await agent.fill("#reply-text", "这个我不知道")
        await agent.click("#reply-send")
        guard = agent.locator("#guard")
        await expect(guard).to_be_visible(timeout=10_000)
        await expect(guard.locator(".forbidden")).to_have_text("「我不知道」")
        await expect(guard.locator(".suggestion")).to_contain_text("请您留下可以联系到您的联系方式")
        assert await customer.locator(".msg-agent").count() == 0

        suggestion = "对不起，请您留下可以联系到您的联系方式，我们查询后将尽快与您联系，好吗？"
        await agent.click("#guard-use")
        await expect(agent.locator("#reply-text")).to_have_value(f"这个，{suggestion}")
        # The expression takes the place of the forbidden words alone: the agent's other words and
        # punctuation stay, and the expression keeps its own question mark (no "好吗，明天…").
        await agent.fill("#reply-text", "停水的原因我不知道，明天师傅会去看")
        await agent.click("#reply-send")
        await expect(guard.locator(".forbidden")).to_have_text("「我不知道」", timeout=10_000)
        await agent.click("#guard-use")
        await expect(agent.locator("#reply-text")).to_have_value(f"停水的原因，{suggestion}明天师傅会去看")
        # The tester's case: spaced out to slip past the guard, the words are still found, wherever
        # the cursor is.
        await agent.fill("#reply-text", "我 不 知 道 什么时候能修好，您先稍等")
        await agent.click("#reply-send")
        await expect(guard.locator(".forbidden")).to_have_text("「我不知道」")
        await agent.locator("#reply-text").evaluate("box => box.setSelectionRange(box.value.length, box.value.length)")
        await agent.click("#guard-use")
        await expect(agent.locator("#reply-text")).to_have_value(f"{suggestion}什么时候能修好，您先稍等")
        # Two phrases: each suggestion takes its own words' place, found in the text as it is by
        # then; what is still flagged is what the text still holds; 自来水公司 stays.
        await agent.fill("#reply-text", "我不知道什么时候来水，您应该去找自来水公司问问")
        await agent.click("#reply-send")
        await expect(guard.locator(".forbidden")).to_contain_text("「我不知道」", timeout=10_000)
        await agent.get_by_role("button", name=f"插入建议「{suggestion}」").click()
        await expect(agent.locator("#reply-text")).to_have_value(f"{suggestion}什么时候来水，您应该去找自来水公司问问")
        await expect(guard.locator(".forbidden")).to_have_text("「您应该去找」")
        await agent.get_by_role("button", name="插入建议「这是我们的责任」").click()
        both = f"{suggestion}什么时候来水，这是我们的责任，自来水公司问问"
        await expect(agent.locator("#reply-text")).to_have_value(both)
        await expect(guard).to_be_hidden()
        # The staff tester's reply: two phrases of one row, one expression for both, said once.
        await agent.fill("#reply-text", "停水是自来水公司管网维修，这不是我们的责任，您应该去找自来水公司问。")
        await agent.click("#reply-send")
        await expect(guard.locator(".forbidden")).to_contain_text("「您应该去找」", timeout=10_000)
        await expect(guard.get_by_role("button", name="插入建议")).to_have_count(1)
        await agent.click("#guard-use")
        once = "停水是自来水公司管网维修，这是我们的责任，自来水公司问。"
        await expect(agent.locator("#reply-text")).to_have_value(once)
        await agent.fill("#reply-text", "我不知道,稍等")
        await agent.click("#reply-send")
        await agent.click("#guard-override")
        await expect(customer.locator(".msg-agent")).to_contain_text("我不知道,稍等", timeout=10_000)
        await expect(agent.locator("#guard")).to_be_hidden()
        await browser.close()


async def test_an_override_sends_only_the_text_the_warning_was_about(make_client: AppFactory) -> None:
    """The tester's bypass: warned about one sentence, the agent typed another forbidden one and
    clicked 仍然发送. Editing hides the warning; a text changed behind it is checked again."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer, agent = await _agent_takes_a_waiting_customer(browser, client)
        guard = agent.locator("#guard")

        await agent.fill("#reply-text", "有这样的事儿？不可能！")
        await agent.click("#reply-send")
        await expect(guard.locator(".forbidden")).to_have_text("「有这样的事儿?不可能」", timeout=10_000)
        swapped = "您激动什么呀，我们的规定就是这样的"
        await agent.fill("#reply-text", swapped)
        await expect(guard).to_be_hidden()  # the warning was about the old text

        # Changed without an input event (a script, an extension): 仍然发送 checks the new text first.
        await agent.fill("#reply-text", "有这样的事儿？不可能！")
        await agent.click("#reply-send")
        await expect(guard).to_be_visible(timeout=10_000)
        await agent.locator("#reply-text").evaluate(f"box => {{ box.value = {swapped!r}; }}")
        await agent.click("#guard-override")
        both = "「我们的规定就是这样的」「您激动什么呀」"
        await expect(guard.locator(".forbidden")).to_have_text(both, timeout=10_000)
        assert await customer.locator(".msg-agent").count() == 0
        # Now that both phrases were shown, the agent may still decide to send them.
        await agent.click("#guard-override")
        await expect(customer.locator(".msg-agent")).to_contain_text(swapped, timeout=10_000)
        await expect(customer.locator(".msg-agent")).to_have_count(1)
        await expect(agent.locator("#timeline")).to_contain_text("忽略忌语提醒发送", timeout=10_000)
        await browser.close()


async def test_the_guard_says_when_a_flag_is_the_models_opinion(make_client: AppFactory) -> None:
    async with chat_server() as server, playwright_api.async_playwright() as playwright:
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=5))
        await add_user(client, "li.agent", Role.AGENT)
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer, agent = await _agent_takes_a_waiting_customer(browser, client)
        server.answer_object({"forbidden": True, "matches": "not_our_business", "quote": "你问我也没用"})

        await agent.fill("#reply-text", "这种事你问我也没用")
        await agent.click("#reply-send")
        guard = agent.locator("#guard")
        await expect(guard).to_be_visible(timeout=10_000)
        await expect(guard.locator(".forbidden")).to_have_text("「你问我也没用」")
        await expect(guard.locator(".guard-by")).to_contain_text("模型判断")
        await expect(guard.locator(".suggestion")).to_have_text("「这是我们的责任」")
        await agent.click("#guard-override")
        await expect(customer.locator(".msg-agent")).to_contain_text("这种事你问我也没用", timeout=10_000)

        await agent.fill("#reply-text", "这个我不知道")
        await agent.click("#reply-send")
        await expect(guard.locator(".forbidden")).to_have_text("「我不知道」", timeout=10_000)
        await expect(guard.locator(".guard-by")).to_have_count(0)  # the managers' list, not an opinion
        await browser.close()


async def test_the_manager_console_shows_its_panels_and_degrades_without_their_endpoints(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/")), "boss")
        await expect(page.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
        dashboard_there = (await client.get("/api/dashboard")).status != 404
        await expect(page.locator("#dash-queues")).not_to_be_empty(timeout=10_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "manager-dashboard.png"), full_page=True)

        await page.click("[data-tab=standards]")
        await page.click("[data-section=deadlines]")
        await expect(page.locator("[data-cell='simple.standard']")).to_have_value("12", timeout=10_000)
        danger = page.locator("[data-override='0']")
        await expect(danger.locator("[data-path='deadlines.overrides.0.signal']")).to_have_value("danger")
        await expect(danger.locator("input[type=number]")).to_have_value("1")
        await expect(danger.locator("[data-path='deadlines.overrides.0.deadline.clock']")).to_have_value(
            "around_the_clock"
        )  # 1 小时, 全天候
        override = page.locator("[data-override='5']")  # after the four signals and the elder-lift one
        await expect(override.locator("select").first).to_have_value("real_estate")
        await expect(override.locator("input[type=number]")).to_have_value("1")
        await expect(override.locator("select").last).to_have_value("working_days")  # 1 个工作日
        await page.click("[data-section=forbidden]")
        await expect(page.locator("#forbidden input[value=我不知道]")).to_have_count(1, timeout=10_000)
        await expect(page.locator("#guard-mode")).to_have_value("warn")
        await page.click("[data-section=phrases]")
        await expect(page.locator("#phrases")).to_contain_text("invite_complaint", timeout=10_000)
        await page.screenshot(path=str(SCREENSHOTS / "manager-phrases.png"), full_page=True)
        await page.click("[data-tab=rules]")
        await expect(page.locator("#rules")).not_to_be_empty(timeout=10_000)
        await page.click("[data-tab=dead-letters]")
        await expect(page.locator("#dead-letters")).not_to_be_empty(timeout=10_000)
        if not dashboard_there:
            await page.click("[data-tab=dashboard]")
            await expect(page.locator("#dash-queues")).to_contain_text("暂不可用")
        assert errors == []
        await browser.close()


async def test_a_manager_tries_a_sentence_and_sees_what_the_bot_understands(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/")), "boss")
        await page.click("[data-tab=understand]")
        await page.fill("#understand-text", "我叫王芳，电话13912345678，海淀区中关村大街的自来水有异味三天了，氣死我了")
        await page.click("#understand-run")
        result = page.locator("#understand-table")
        await expect(result).to_contain_text("投诉 complaint", timeout=10_000)
        for shown in (
            "工程维修 (engineering_repair)",
            "情绪激动 emotional",
            "+8613912345678",
            "王芳",
            "海淀区",
            "中关村大街",
        ):
            await expect(result).to_contain_text(shown)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "manager-understand.png"), full_page=True)
        await page.fill("#understand-text", "叫你们领导出来")
        await page.click("#understand-run")
        await expect(result).to_contain_text("要求领导 supervisor", timeout=10_000)
        assert errors == []
        await browser.close()


async def test_a_rule_edited_in_the_manager_console_routes_the_next_complaint(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await api_sign_in(client, "zhou.sup")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        manager = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
        await manager.goto(str(client.make_url("/manager/#rules")))
        await sign_in(manager, "boss")
        await manager.click("#rule-add")
        rule = manager.locator(".rule").last
        # A rule that does nothing yet: named in the console's words, and nothing is saved.
        await manager.fill("#rules-note", "燃气泄漏属于安全问题")
        await manager.click("#rules-save")
        await expect(manager.locator("#rules-message")).to_contain_text("没有设置任何动作", timeout=10_000)

        # Ids are picked by their readable names, never typed.
        await expect(rule.locator("[data-field='when.signals']")).to_contain_text("媒体/法律")
        await expect(rule.locator("[data-field='when.categories']")).to_contain_text("收费类")
        await expect(rule.locator("[data-field='when.channels'] input")).to_have_count(4)
        await rule.locator(".rule-name").fill("燃气问题直接交给主管")
        await rule.locator("[data-field='when.channels']").get_by_label("网页聊天").check()
        await rule.locator("[data-field='when.keywords']").fill("燃气")
        await rule.locator("[data-field='then.queue']").select_option(label="值班主管")
        await rule.locator("[data-field='then.priority']").select_option("0")
        await rule.locator("[data-field='stop']").check()
        # The new rule goes first so nothing before it takes the complaint.
        for index in range(await manager.locator(".rule").count() - 1, 0, -1):
            await manager.locator(".rule").nth(index).locator("button", has_text="↑").click()
        await expect(manager.locator(".rule").first.locator(".rule-name")).to_have_value("燃气问题直接交给主管")
        await manager.click("#rules-save")
        await expect(manager.locator("#rules-history")).to_contain_text("燃气泄漏属于安全问题", timeout=10_000)
        in_force = await (await client.get("/api/rules")).json()
        # the version saved is named, as the standards editor names its own
        await expect(manager.locator("#rules-message")).to_contain_text(f"已保存，版本 {in_force['version']}")
        # the shipped rules send real-estate complaints to a queue nobody here is a member of: said, not refused
        await expect(manager.locator("#rules-message")).to_contain_text("「地产公司客户组」目前没有成员客服")

        saved = in_force["rules"][0]
        assert saved == {
            "name": "燃气问题直接交给主管",
            "when": {
                "categories": [],
                "grades": [],
                "channels": ["webchat"],
                "tiers": [],
                "signals": [],
                "keywords": ["燃气"],
                "outside_business_hours": None,
                "repeat_complaint": None,
            },
            "then": {
                "queue": "supervisor",
                "priority": 0,
                "notify_supervisor": False,
                "notify_account_manager": False,
                "route_to_previous_owner": False,
            },
            "stop": True,
        }
        # Reloaded, the pickers show the rule as saved.
        await manager.reload()
        channels = manager.locator(".rule").first.locator("[data-field='when.channels']")
        await expect(channels.get_by_label("网页聊天")).to_be_checked(timeout=10_000)
        await expect(channels.locator("input:checked")).to_have_count(1)
        first = manager.locator(".rule").first
        await expect(first.locator("[data-field='then.queue']")).to_have_value("supervisor")

        customer = await (await browser.new_context(locale="zh-CN")).new_page()
        await customer.goto(str(client.make_url("/chat")))
        await customer.evaluate("window.complaintChat.ready")
        bot = customer.locator(".msg-bot")
        await expect(bot.first).to_contain_text("客服代表", timeout=10_000)
        for text in ["楼道里有很重的燃气味道", "13800138000", "阳光花园3栋", "对"]:
            count = await bot.count()
            await customer.fill("#chat-input", text)
            await customer.click("#chat-send")
            await expect(bot).not_to_have_count(count, timeout=10_000)

        # The supervisor reads who routed it: the rules, by name ("规则", not the id "rules").
        supervisor = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
        await supervisor.goto(str(client.make_url("/console/")))
        await sign_in(supervisor, "zhou.sup")
        await supervisor.locator("#queue .ticket").first.get_by_role("button", name="查看").click()
        routed_row = supervisor.locator("#timeline li", has_text="按规则分派")
        await expect(routed_row).to_contain_text("规则", timeout=10_000)
        await expect(routed_row).not_to_contain_text("rules")
        await browser.close()

    async def routed() -> bool:
        tickets = (await (await client.get("/api/queue")).json())["tickets"]
        return any(ticket["queue"] == "supervisor" and ticket["priority"] == 0 for ticket in tickets)

    await eventually(routed)


async def _agent_takes_a_waiting_customer(browser: Any, client: Any) -> tuple[Any, Any]:
    """A web chat customer who asked for a person, and li.agent's console once it has claimed them."""
    customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
    agent = await (await browser.new_context()).new_page()
    await agent.goto(str(client.make_url("/console/")))
    await sign_in(agent, "li.agent")
    # A click that lands while the queue is drawn anew (its first refetch after sign-in) is lost, as
    # an agent would find it: they click again.
    await expect(agent.locator("#queue .claim")).to_have_count(1, timeout=10_000)
    for _ in range(3):
        if await agent.locator("#queue .claim").count():
            await agent.locator("#queue .claim").click()
        try:
            await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
            break
        except AssertionError:
            continue
    await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=1_000)
    return customer, agent
