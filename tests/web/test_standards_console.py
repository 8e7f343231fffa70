"""Managers edit the service standards in /manager/ (issue 14): a phrase edited and saved is what
the next customer hears, rolling back from the history puts the old text back, a bad edit is
refused naming the key, and agents read the phrases without changing them."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
OLD_INVITE = "请问有什么可以帮您吗？"
NEW_INVITE = "请问今天有什么需要我们帮您处理的吗?"


async def phrase_in_force(client: Any, phrase_id: str) -> str:
    body = await (await client.get("/api/standards/phrases")).json()
    return str(body["body"]["zh-CN"]["phrases"][phrase_id])


async def next_customer_hears(client: Any, text: str) -> None:
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says(text)
    await socket.close()


async def open_phrases(browser: Any, client: Any, username: str) -> tuple[Any, list[str]]:
    page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/#standards/phrases")), username)
    await expect(page.locator("[data-phrase=invite_complaint]")).to_be_visible(timeout=10_000)
    return page, errors


async def test_a_phrase_edited_in_the_page_is_what_the_next_customer_hears_until_rolled_back(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await api_sign_in(client, "boss")
    assert await phrase_in_force(client, "invite_complaint") == OLD_INVITE
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await open_phrases(browser, client, "boss")
        await expect(page.locator("#std-version")).to_contain_text("v1")
        # A phrase with placeholders shows a preview filled with sample values.
        opening = page.locator("[data-phrase-row=greeting_opening] .std-preview")
        await expect(opening).to_contain_text("客服代表为您服务")
        await expect(opening).not_to_contain_text("{work_number}")

        await page.fill("[data-phrase=invite_complaint]", NEW_INVITE)
        await page.check("#phrase-changed-only")  # what the save will change, before saving
        await expect(page.locator(".std-phrase")).to_have_count(1)
        await expect(page.locator("[data-phrase-row=invite_complaint] .std-undo")).to_be_visible()
        await page.screenshot(path=str(SCREENSHOTS / "manager-standards-changed-only.png"))
        await page.fill("#std-note", "问候更具体")
        await page.click("#std-save")
        await expect(page.locator("#std-message")).to_contain_text("v2", timeout=10_000)
        await expect(page.locator("#std-version")).to_contain_text("v2")
        newest = page.locator(".std-versions > li").first
        await expect(newest).to_contain_text("v2")
        await expect(newest).to_contain_text("boss")
        await expect(newest).to_contain_text("问候更具体")
        await expect(newest.locator(".line.add")).to_contain_text(NEW_INVITE)
        await expect(newest.locator(".line.del")).to_contain_text(OLD_INVITE)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "manager-standards-phrases.png"))
        assert await phrase_in_force(client, "invite_complaint") == NEW_INVITE
        await next_customer_hears(client, NEW_INVITE)

        page.on("dialog", lambda dialog: dialog.accept())
        await page.locator(".std-versions > li[data-version='1'] .std-rollback").click()
        await expect(page.locator("#std-version")).to_contain_text("v3", timeout=10_000)
        await expect(page.locator("[data-phrase=invite_complaint]")).to_have_value(OLD_INVITE)
        await expect(page.locator(".std-versions > li").first).to_contain_text("v1")  # "回滚自 v1"
        await page.locator("#std-history-panel").screenshot(path=str(SCREENSHOTS / "manager-standards-history.png"))
        assert await phrase_in_force(client, "invite_complaint") == OLD_INVITE
        await next_customer_hears(client, OLD_INVITE)
        assert errors == []
        await browser.close()


async def test_a_phrase_with_a_placeholder_it_may_not_use_is_refused_naming_the_key(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await open_phrases(browser, client, "boss")
        row = page.locator("[data-phrase-row=invite_complaint]")
        await page.fill("[data-phrase=invite_complaint]", "{case_number} 请问有什么可以帮您吗？")
        await expect(row.locator(".std-ph-warn")).to_contain_text("{case_number}")  # flagged while typing
        await page.fill("#std-note", "试试编号")
        await page.click("#std-save")
        message = page.locator("#std-message")
        # Named as the page names it, not by its configuration key.
        await expect(message).to_contain_text("用语「请客户讲述问题」", timeout=10_000)
        await expect(message).to_contain_text("{case_number}")
        await expect(page.locator("[data-phrase=invite_complaint]")).to_have_class(re.compile(r"\binvalid\b"))
        await expect(page.locator("#std-version")).to_contain_text("v1")
        await page.screenshot(path=str(SCREENSHOTS / "manager-standards-refused.png"))
        csrf = await api_sign_in(client, "boss")
        in_force = await (await client.get("/api/standards/phrases")).json()
        assert in_force["version"] == 1

        # Meanwhile another manager saves: this page's save is refused with "reload", not lost silently.
        in_force["body"]["zh-CN"]["phrases"]["goodbye"] = "感谢您的来信,再见!"
        other = await client.put(
            "/api/standards/phrases",
            json={"body": in_force["body"], "note": "另一位经理", "base_version": 1},
            headers={"X-CSRF-Token": csrf},
        )
        assert other.status == 200, await other.text()
        await page.fill("[data-phrase=invite_complaint]", NEW_INVITE)
        await page.click("#std-save")
        await expect(message).to_contain_text("其他人已保存", timeout=10_000)
        await page.click("#std-reload")
        await expect(page.locator("#std-version")).to_contain_text("v2", timeout=10_000)
        await expect(page.locator("[data-phrase=goodbye]")).to_have_value("感谢您的来信,再见!")
        assert errors == []
        await browser.close()


async def test_the_try_box_reads_a_sentence_under_the_unsaved_draft(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/classification")), "boss"
        )
        keywords = page.locator("[data-category=billing] textarea").first
        await expect(keywords).to_be_visible(timeout=10_000)
        await page.fill("#std-try-text", "我要投诉喵喵怪的问题")
        await page.click("#std-try-run")
        result = page.locator("#std-try-table")
        await expect(result).to_contain_text("类别", timeout=10_000)
        await expect(result).not_to_contain_text("(billing)")
        await keywords.fill(await keywords.input_value() + ", 喵喵怪")
        await page.click("#std-try-run")
        await expect(result).to_contain_text("收费类 (billing)", timeout=10_000)
        await expect(page.locator("#std-try-message")).to_contain_text("未保存的草稿")
        await page.screenshot(path=str(SCREENSHOTS / "manager-standards-try.png"))
        await expect(page.locator("#std-version")).to_contain_text("v1")  # nothing saved
        assert errors == []
        await browser.close()


async def test_an_agent_reads_the_phrases_and_forbidden_phrases_but_cannot_change_them(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/")), "li.agent")
        await expect(page.locator("#denied")).to_contain_text("只读")
        await expect(page.locator("[data-phrase=invite_complaint]")).not_to_be_editable(timeout=10_000)
        await expect(page.locator("#std-readonly")).to_be_visible()
        await expect(page.locator("#std-save")).to_have_count(0)
        await expect(page.locator("[data-section=deadlines]")).to_have_count(0)
        await expect(page.locator(".std-rollback")).to_have_count(0)
        await page.click("[data-section=forbidden]")
        await expect(page.locator("#forbidden input").first).to_have_value("应该是您的手机的问题", timeout=10_000)
        await expect(page.locator("#forbidden input").first).not_to_be_editable()
        await page.screenshot(path=str(SCREENSHOTS / "agent-standards-read-only.png"))
        assert errors == []
        await browser.close()


async def test_the_forms_save_what_the_manager_typed(make_client: AppFactory) -> None:
    """Service hours, a local day off, a timer, a deadline cell and a forbidden phrase, each through
    its form: what the API keeps is what was typed."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/calendar")), "boss"
        )

        async def save(note: str) -> None:
            await page.fill("#std-note", note)
            await page.click("#std-save")
            await expect(page.locator("#std-message")).to_contain_text("已保存", timeout=10_000)

        await expect(page.locator("#hours-end")).to_be_visible(timeout=10_000)
        await page.fill("#hours-end", "18:00")
        await page.fill("#local-holidays-new", "2026-12-24")
        await page.click("#local-holidays-add")
        await expect(page.locator("#local-holidays")).to_contain_text("2026-12-24")
        await save("周年纪念日放假,延长服务时间")
        await page.screenshot(path=str(SCREENSHOTS / "manager-standards-calendar.png"))

        await page.click("[data-section=timers]")
        prompt = page.locator("[data-path='timers.idle_prompt_after']")
        await expect(prompt).to_have_value("10", timeout=10_000)  # 600 s shown as 10 minutes
        await prompt.fill("15")
        await save("提醒晚一点")

        await page.click("[data-section=deadlines]")
        cell = page.locator("[data-cell='simple.vip']")
        await expect(cell).to_have_value("4", timeout=10_000)
        await cell.fill("3")
        await save("VIP 简单投诉 3 小时")

        await page.click("[data-section=forbidden]")
        await expect(page.locator("#forbidden-add")).to_be_visible(timeout=10_000)
        await page.fill("#forbidden-new-text", "这不归我们管")
        await page.fill("#forbidden-new-instead", "这是我们的责任")
        await page.click("#forbidden-add")
        await save("新增忌语")
        await expect(page.locator("#forbidden input[value=这不归我们管]")).to_have_count(1)

        await page.click("[data-section=followups]")
        average = page.locator("[data-path='followups.rating_phrases.3']")
        await expect(average).to_have_value(re.compile("一般"), timeout=10_000)
        await average.fill("一般, 还凑合吧")
        await save("回访:还凑合吧算3分")
        await page.screenshot(path=str(SCREENSHOTS / "manager-standards-followups.png"), full_page=True)

        await api_sign_in(client, "boss")

        async def body(section: str) -> Any:
            return (await (await client.get(f"/api/standards/{section}")).json())["body"]

        calendar = await body("calendar")
        assert calendar["business_hours"][1].startswith("18:00")
        assert calendar["holidays"][0] == "2026-12-24" and "2027-01-01" in calendar["holidays"]
        assert (await body("timers"))["idle_prompt_after"] == 900
        assert (await body("followups"))["rating_phrases"]["3"] == ["一般", "还凑合吧"]
        assert (await body("deadlines"))["table"]["simple"]["vip"] == 3
        forbidden = (await body("forbidden"))["forbidden"]
        assert {"text": "这不归我们管", "instead": "这是我们的责任", "locale": "zh-CN"}.items() <= forbidden[-1].items()
        assert errors == []
        await browser.close()


async def test_a_section_picked_while_another_is_still_loading_opens_without_a_page_error(
    make_client: AppFactory,
) -> None:
    """On a slow network the first section (phrases) may answer after the manager has already
    picked deadlines: the late answer must not draw deadlines before its own answer is in."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/")), "boss")
        await expect(page.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
        held: dict[str, asyncio.Event] = {"phrases": asyncio.Event(), "deadlines": asyncio.Event()}
        asked: dict[str, asyncio.Event] = {"phrases": asyncio.Event(), "deadlines": asyncio.Event()}

        def slow(section: str) -> Any:
            async def handle(route: Any) -> None:
                asked[section].set()
                await held[section].wait()
                await route.continue_()

            return handle

        for section in held:
            await page.route(f"**/api/standards/{section}", slow(section))
        await page.click("[data-tab=standards]")
        await asyncio.wait_for(asked["phrases"].wait(), 10)
        await page.click("[data-section=deadlines]")
        await asyncio.wait_for(asked["deadlines"].wait(), 10)
        async with page.expect_response("**/api/standards/phrases"):
            held["phrases"].set()
        await expect(page.locator("[data-section=deadlines]")).to_have_attribute("aria-current", "true")
        held["deadlines"].set()
        await expect(page.locator("[data-cell='simple.standard']")).to_have_value("12", timeout=10_000)
        await expect(page.locator("#std-title")).to_contain_text("答复时限")
        assert errors == []
        await browser.close()
