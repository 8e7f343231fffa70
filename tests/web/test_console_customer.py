"""The agent console's customer panel and team canned replies (issue 15), in real Chromium at 1280×720."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import CannedReplyLimits, ServiceConfig
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.canned_replies import add_canned_reply
from tests.audit.support import user_id
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory
from tests.handoff.customer_helpers import customer_on_two_channels
from tests.helpers import confirmed_complaint, new_session
from tests.staff import add_user, give_to

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_the_customer_panel_lists_the_earlier_sms_case_and_opens_it(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    seeded = await customer_on_two_channels(client, sms_cases=1)
    earlier, current = seeded.conversations
    await give_to(client, current, "li.agent")
    await give_to(client, earlier, "li.agent")  # they handled the SMS case too, so they may open it
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await laptop_console(browser, str(client.make_url(f"/console/#conversation={current}")), "li.agent")
        panel = agent.locator("#customer-panel")
        await expect(panel.locator("#customer-name")).to_have_text("王女士", timeout=10_000)
        await expect(panel.locator("#customer-phone")).to_have_text("13812345678")
        await expect(panel.locator("#customer-channels")).to_contain_text("短信")
        await expect(panel.locator("#customer-channels")).to_contain_text("网页聊天")
        cases = panel.locator("#customer-cases li")
        await expect(cases).to_have_count(2)
        await expect(cases.nth(0)).to_contain_text("当前")
        await expect(cases.nth(1)).to_contain_text(seeded.case_numbers[0])
        await expect(cases.nth(1)).to_contain_text("短信")
        await expect(cases.nth(1)).to_contain_text("已解决")
        await expect(cases.nth(1)).to_contain_text("★★★★")
        await expect(panel).to_be_in_viewport()
        await agent.screenshot(path="/tmp/custpanel-panel.png")

        await cases.nth(1).get_by_role("button").click()
        await expect(agent.locator("#complaint")).to_contain_text(seeded.case_numbers[0], timeout=10_000)
        await expect(agent.locator("#complaint")).to_contain_text("路灯坏了")
        await expect(cases.nth(1)).to_contain_text("当前")  # the SMS case is the one open now
        assert earlier == await agent.evaluate("window.agentConsole.state.conversationId")
        await browser.close()


async def test_an_earlier_case_the_agent_may_not_open_shows_no_case_number(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    seeded = await customer_on_two_channels(client, sms_cases=1)
    current = seeded.conversations[-1]
    await give_to(client, current, "li.agent")  # the SMS case was never theirs nor their queue's
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await laptop_console(browser, str(client.make_url(f"/console/#conversation={current}")), "li.agent")
        cases = agent.locator("#customer-panel #customer-cases li")
        await expect(cases).to_have_count(2, timeout=10_000)
        other = cases.nth(1)
        await expect(other).to_contain_text(f"会话 {seeded.conversations[0]}")
        await expect(other).to_contain_text("短信")
        await expect(other).to_contain_text("不在您的队列中，无法打开")
        await expect(other).not_to_contain_text(seeded.case_numbers[0])
        await expect(other).not_to_contain_text("★")
        await expect(other).not_to_contain_text("undefined")
        await expect(other.get_by_role("button")).to_have_count(0)
        await agent.screenshot(path="/tmp/custpanel-unreadable.png")
        await browser.close()


async def test_a_canned_reply_added_in_the_console_is_inserted_by_the_picker(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    seeded = await customer_on_two_channels(client, sms_cases=1)
    current = seeded.conversations[-1]
    await give_to(client, current, "li.agent")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent, dialog = await _canned_dialog(browser, client, current)
        await expect(dialog).to_be_visible()
        await expect(dialog.locator("#canned-list")).to_contain_text("还没有团队常用语")

        await dialog.locator("#canned-title").fill("上门时间")
        await dialog.locator("#canned-text").fill("师傅明天上门,可能是您弄错了时间")
        await dialog.locator("#canned-save").click()
        await expect(dialog.locator("#canned-message")).to_contain_text("可能是您弄错了")
        await expect(dialog.locator("#canned-message")).to_contain_text("非常抱歉")
        await dialog.locator("#canned-text").fill("维修师傅明天上午上门,请保持电话畅通。")
        await dialog.locator("#canned-save").click()
        await expect(dialog.locator("#canned-list li")).to_have_count(1)
        await expect(dialog.locator("#canned-list")).to_contain_text("维修师傅明天上午上门")
        await expect(dialog.locator("#canned-message")).to_have_text("")
        await agent.screenshot(path="/tmp/custpanel-canned-dialog.png")
        await dialog.locator("#canned-close").click()
        await expect(dialog).to_be_hidden()

        await agent.click("#phrase-toggle")
        await agent.fill("#phrase-search", "上门")
        await expect(agent.locator("#phrase-list .phrase-section")).to_have_text("团队常用语")
        await agent.screenshot(path="/tmp/custpanel-picker.png")
        await agent.locator("#phrase-list button.phrase", has_text="上门时间").click()
        await expect(agent.locator("#reply-text")).to_have_value("维修师傅明天上午上门,请保持电话畅通。")
        await agent.click("#reply-send")
        await expect(agent.locator("#messages li", has_text="维修师傅明天上午上门")).to_have_count(1, timeout=10_000)
        await browser.close()


async def test_an_agent_at_their_limit_of_canned_replies_is_told_to_remove_one_first(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    limits = CannedReplyLimits(per_author=1, total=500)
    handoff = service_config.handoff.model_copy(update={"canned_replies": limits})
    client = await make_client(config=service_config.model_copy(update={"handoff": handoff}))
    await add_user(client, "li.agent", Role.AGENT)
    current = (await customer_on_two_channels(client, sms_cases=0)).conversations[-1]
    await give_to(client, current, "li.agent")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        _, dialog = await _canned_dialog(browser, client, current)
        for title in ("上门时间", "再来一条"):
            await expect(dialog.locator("#canned-title")).to_have_value("")  # the last save is done
            await dialog.locator("#canned-title").fill(title)
            await dialog.locator("#canned-text").fill("维修师傅明天上午上门,请保持电话畅通。")
            await dialog.locator("#canned-save").click()
        await expect(dialog.locator("#canned-message")).to_have_text(
            "您已有 1 条常用语，达到每人上限，请先删除不用的。"
        )
        await expect(dialog.locator("#canned-list li")).to_have_count(1)
        await browser.close()


async def test_the_picker_offers_phrases_and_team_replies_in_the_conversation_language(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    chinese = (await customer_on_two_channels(client, sms_cases=0)).conversations[-1]
    _, english = await new_session(client, "en")
    for conversation in (chinese, english):
        await give_to(client, conversation, "li.agent")
    now, author = resources(client.app).clock(), await user_id(client, "li.agent")

    def replies(session: Any) -> None:
        add_canned_reply(session, "上门时间", "维修师傅明天上午上门,请保持电话畅通。", "zh-CN", author, now)
        add_canned_reply(session, "Visit time", "The engineer will call tomorrow morning.", "en", author, now)

    await resources(client.app).database.write(replies)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await laptop_console(browser, str(client.make_url(f"/console/#conversation={chinese}")), "li.agent")
        await agent.click("#phrase-toggle")
        team = agent.locator("#phrase-list button.phrase", has_text="Visit time")
        await expect(agent.locator("#phrase-list button.phrase", has_text="上门时间")).to_have_count(1)
        await expect(team).to_have_count(0)
        await expect(agent.locator("#phrase-list button.phrase", has_text="安抚情绪")).to_have_count(1)
        await agent.click("#phrase-toggle")

        await agent.fill("#open-id", str(english))
        await agent.click("#open-form button[type=submit]")
        await expect(agent.locator("#conversation-title")).to_contain_text(str(english), timeout=10_000)
        await agent.click("#phrase-toggle")
        await expect(team).to_have_count(1)
        await expect(agent.locator("#phrase-list button.phrase", has_text="上门时间")).to_have_count(0)
        # the standard phrases in English too (config/phrases/en.yaml), named in the console's language
        calm = agent.locator("#phrase-list button.phrase", has_text="安抚情绪")
        await expect(calm).to_contain_text("I'm very sorry for the inconvenience")
        await team.click()
        await expect(agent.locator("#reply-text")).to_have_value("The engineer will call tomorrow morning.")
        await browser.close()


async def test_the_panel_names_a_web_chat_customer_as_they_confirmed_being_addressed(make_client: AppFactory) -> None:
    """No channel gives a web chat customer's name: the one they confirmed ("我是王先生") is shown."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    conversation_id, socket = await confirmed_complaint(client)
    await socket.close()
    await give_to(client, conversation_id, "li.agent")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        console = str(client.make_url(f"/console/#conversation={conversation_id}"))
        agent = await laptop_console(browser, console, "li.agent")
        await expect(agent.locator("#customer-name")).to_have_text("王先生", timeout=10_000)
        await browser.close()


async def _canned_dialog(browser: Any, client: Any, conversation_id: int) -> tuple[Any, Any]:
    """li.agent's console on the conversation, and its team canned-replies dialog opened."""
    url = str(client.make_url(f"/console/#conversation={conversation_id}"))
    agent = await laptop_console(browser, url, "li.agent")
    await agent.click("#phrase-toggle")
    await agent.click("#canned-manage")
    return agent, agent.locator("#canned-dialog")
