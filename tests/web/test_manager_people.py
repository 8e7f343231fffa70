"""A manager runs the team from the 人员 tab of /manager/: adds an agent whose made password is
shown once and signs in, changes an agent's queues, turns a signed-in agent off (signed out at
once) after confirming, gives one a typed password; a supervisor reads the list only."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, call_with_cookie, set_display_name, set_queues, sign_in_with_cookie

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SCREEN = {"width": 1366, "height": 768}


async def people_page(browser: Any, client: Any, username: str) -> tuple[Any, list[str]]:
    page = await (await browser.new_context(viewport=SCREEN)).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(str(client.make_url("/manager/#staff")))
    await sign_in(page, username)
    await expect(page.locator("#people-table")).to_be_visible(timeout=10_000)
    return page, errors


async def type_own_password(page: Any, password: str = PASSWORD) -> None:
    """Type the manager's own password in the dialog a sensitive account change opens."""
    await expect(page.locator("#reauth-dialog")).to_be_visible(timeout=10_000)
    await page.fill("#reauth-password", password)
    await page.click("#reauth-confirm")


async def sign_in_status(client: Any, username: str, password: str) -> int:
    client.session.cookie_jar.clear()
    response = await client.post("/api/login", json={"username": username, "password": password})
    await response.read()
    return response.status


async def test_a_manager_adds_an_agent_changes_queues_turns_one_off_and_resets_a_password(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "wu", Role.AGENT)
    await set_queues(client, "wu", ["general"])
    wu_token, _ = await sign_in_with_cookie(client, "wu")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await people_page(browser, client, "boss")
        dialogs: list[str] = []

        async def confirm(dialog: Any) -> None:
            dialogs.append(dialog.message)
            await dialog.accept()

        page.on("dialog", confirm)
        wu = page.locator("#people-table tr[data-user=wu]")
        await expect(wu).to_contain_text("客服")
        await expect(page.locator("#people-table tr[data-user=boss]")).to_contain_text("全部队列")

        await page.fill("#new-username", "zhao.agent")
        await page.fill("#new-display-name", "赵敏")
        await page.locator("[data-field=new-queues] input[value=engineering]").check()
        await page.click("#new-add")
        await expect(page.locator("#people-message")).to_contain_text("已新增 zhao.agent", timeout=10_000)
        password = await page.locator("#people-password").inner_text()
        zhao = page.locator("#people-table tr[data-user='zhao.agent']")
        await expect(zhao).to_contain_text("工程维修组")
        await expect(zhao).to_contain_text("从未登录")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "manager-people-added.png"), full_page=True)

        await wu.locator(".edit-queues").click()
        await page.locator("[data-field=user-queues] input[value=billing]").check()
        await page.click("#queues-save")
        await expect(page.locator("#people-message")).to_contain_text("已保存 wu 的队列", timeout=10_000)
        await expect(wu).to_contain_text("话费/收费组")

        await wu.locator(".deactivate").click()
        await type_own_password(page)
        await expect(wu).to_contain_text("已停用", timeout=10_000)
        assert dialogs[-1].startswith("确定停用 wu 吗")
        await expect(page.locator("#people-message")).to_contain_text("1 处登录已退出，0 个客户会话已退回队列")
        assert await call_with_cookie(client, wu_token, "GET", "/api/me") == 401

        await zhao.locator(".reset-password").click()
        await page.fill("#reset-password", "boss-typed-password")
        await page.click("#reset-confirm")
        await type_own_password(page)
        await expect(page.locator("#people-message")).to_contain_text("已重置 zhao.agent 的密码", timeout=10_000)
        assert dialogs[-1].startswith("确定重置 zhao.agent 的密码吗")
        await expect(page.locator("#people-secret")).to_be_hidden()  # the first password is gone from the page
        await page.screenshot(path=str(SCREENSHOTS / "manager-people.png"), full_page=True)
        assert errors == []
        await browser.close()

    assert await sign_in_status(client, "zhao.agent", password) == 401  # replaced
    assert await sign_in_status(client, "zhao.agent", "boss-typed-password") == 200
    assert await sign_in_status(client, "wu", PASSWORD) == 401
    await sign_in_status(client, "boss", PASSWORD)
    queues = {user["username"]: user["queues"] for user in (await (await client.get("/api/users")).json())["users"]}
    assert queues["wu"] == ["general", "billing"] and queues["zhao.agent"] == ["general", "engineering"]


async def test_a_supervisor_reads_the_staff_list_without_changing_it(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "super", Role.SUPERVISOR)
    await add_user(client, "wu", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await people_page(browser, client, "super")
        await expect(page.locator("#people-table tr[data-user=wu]")).to_be_visible()
        await expect(page.locator("#people-readonly")).to_be_visible()
        await expect(page.locator("#people-add")).to_be_hidden()
        await expect(page.locator("#people-table button")).to_have_count(0)
        assert errors == []
        await browser.close()


async def test_the_top_bar_names_the_manager_and_a_short_password_is_refused_at_its_field(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await set_display_name(client, "boss", "王经理")
    await add_user(client, "wu", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await people_page(browser, client, "boss")
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
        whoami = page.locator("#whoami")
        await expect(whoami).to_have_text("王经理 · 经理")
        await expect(whoami).to_have_attribute("title", "用户名：boss")

        await page.fill("#new-username", "zhao.agent")
        await page.fill("#new-password", "short")
        await page.click("#new-add")
        await expect(page.locator("#new-password-error")).to_have_text("初始密码：至少 8 个字", timeout=10_000)
        await expect(page.locator("#new-password")).to_be_focused()
        await expect(page.locator("#people-message")).to_have_text("")
        await page.screenshot(path="/tmp/cf-shots/people-short.png")
        await page.fill("#new-password", "long-enough-password")
        await expect(page.locator("#new-password-error")).to_have_text("")

        await page.locator("#people-table tr[data-user=wu] .reset-password").click()
        await page.fill("#reset-password", "short")
        await page.click("#reset-confirm")
        await type_own_password(page)
        await expect(page.locator("#reset-password-error")).to_have_text("新密码：至少 8 个字", timeout=10_000)
        await expect(page.locator("#people-message")).to_have_text("")
        assert errors == []
        await browser.close()
    assert await sign_in_status(client, "wu", PASSWORD) == 200  # unchanged


async def test_an_easy_password_and_a_lookalike_username_are_refused_saying_what_to_do_in_either_language(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "admin", Role.AGENT)
    await add_user(client, "wu", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await people_page(browser, client, "boss")
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))

        await page.fill("#new-username", "zhao.min")
        await page.fill("#new-display-name", "赵敏")
        await page.fill("#new-password", "zhao.min.2026")
        await page.click("#new-add")
        await expect(page.locator("#new-password-error")).to_have_text(
            "初始密码：含有用户名或显示名，很容易被猜中；请改用不含姓名和账号的密码", timeout=10_000
        )
        await page.fill("#new-password", "12345678901234")
        await page.click("#new-add")
        await expect(page.locator("#new-password-error")).to_contain_text(
            "初始密码：只是重复的字符、重复的一段或键盘、字母、数字的顺序", timeout=10_000
        )
        await page.fill("#new-username", "\u0430dmin")  # a Cyrillic а
        await page.fill("#new-display-name", "")
        await page.fill("#new-password", "lantern oyster quietly")
        await page.click("#new-add")
        await expect(page.locator("#people-message")).to_contain_text(
            "用户名「аdmin」混用了不同文字的字母", timeout=10_000
        )
        await page.fill("#new-username", "ａｄｍｉｎ")
        await page.click("#new-add")
        await expect(page.locator("#people-message")).to_contain_text(
            "用户名「ａｄｍｉｎ」与已有的「admin」看起来一样，请换一个", timeout=10_000
        )

        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await page.goto(str(client.make_url("/manager/#staff")))
        await expect(page.locator("#people-table tr[data-user=wu]")).to_be_visible(timeout=10_000)
        await page.locator("#people-table tr[data-user=wu] .reset-password").click()
        await page.fill("#reset-password", "Password2026!")
        await page.click("#reset-confirm")
        await type_own_password(page)
        await expect(page.locator("#reset-password-error")).to_have_text(
            "New password: is one of the most common passwords (or one with digits or symbols added), easy to"
            " guess: use a phrase of a few unrelated words",
            timeout=10_000,
        )
        await page.screenshot(path="/tmp/cf-shots/people-common-password.png")
        assert errors == []
        await browser.close()
    assert await sign_in_status(client, "wu", PASSWORD) == 200  # unchanged
    assert await sign_in_status(client, "zhao.min", "12345678901234") == 401  # never made
