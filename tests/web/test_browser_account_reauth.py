"""In real Chromium: a manager turning off another manager or changing a role types their own
password again in a dialog (a wrong one is said there and asked again; cancelling changes
nothing); an agent changes their own password and signs out their other sessions from 我的账号."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, call_with_cookie, sign_in_with_cookie

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SCREEN = {"width": 1366, "height": 768}
NEW_PASSWORD = "lantern oyster quietly"


async def signed_in_page(browser: Any, client: Any, path: str, username: str) -> tuple[Any, list[str]]:
    page = await (await browser.new_context(viewport=SCREEN)).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before turning one off
    await page.goto(str(client.make_url(path)))
    await sign_in(page, username)
    return page, errors


async def role_of(client: Any, username: str) -> tuple[str, bool]:
    client.session.cookie_jar.clear()
    await client.post("/api/login", json={"username": "boss", "password": PASSWORD})
    listed = (await (await client.get("/api/users")).json())["users"]
    user = next(user for user in listed if user["username"] == username)
    return user["role"], user["active"]


async def test_a_manager_types_their_own_password_again_to_turn_off_a_manager_and_change_a_role(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "li.manager", Role.MANAGER)
    await add_user(client, "wu", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_page(browser, client, "/manager/#staff", "boss")
        li = page.locator("#people-table tr[data-user='li.manager']")
        await expect(li).to_be_visible(timeout=10_000)

        await li.locator(".deactivate").click()
        dialog = page.locator("#reauth-dialog")
        await expect(dialog).to_be_visible(timeout=10_000)
        await expect(dialog).to_contain_text("请再次输入您的密码")
        await expect(dialog).to_contain_text("停用 li.manager")
        await page.fill("#reauth-password", "not my password")
        await page.click("#reauth-confirm")
        await expect(page.locator("#reauth-error")).to_have_text("密码不正确，请重新输入", timeout=10_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "manager-reauth-wrong.png"))
        await page.click("#reauth-cancel")
        await expect(dialog).to_have_count(0)
        await expect(li).to_contain_text("启用")
        assert await role_of(client, "li.manager") == ("manager", True)

        await li.locator(".deactivate").click()
        await page.fill("#reauth-password", PASSWORD)
        await page.click("#reauth-confirm")
        await expect(li).to_contain_text("已停用", timeout=10_000)

        wu = page.locator("#people-table tr[data-user=wu]")
        await wu.locator(".change-role").click()
        await page.select_option("#user-role", "supervisor")
        await page.click("#role-save")
        await page.fill("#reauth-password", PASSWORD)
        await page.click("#reauth-confirm")
        await expect(page.locator("#people-message")).to_have_text("已把 wu 的角色改为主管", timeout=10_000)
        await expect(wu).to_contain_text("主管")
        await page.screenshot(path=str(SCREENSHOTS / "manager-people-roles.png"), full_page=True)
        assert errors == []
        await browser.close()
    assert await role_of(client, "wu") == ("supervisor", True)
    assert await role_of(client, "li.manager") == ("manager", False)


async def test_an_agent_changes_their_own_password_and_signs_out_elsewhere(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wu", Role.AGENT)
    elsewhere, _ = await sign_in_with_cookie(client, "wu")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_page(browser, client, "/console/", "wu")
        await page.click("#my-account-open")
        await expect(page.locator("#my-account")).to_be_visible()

        await page.fill("#my-current-password", PASSWORD)
        await page.fill("#my-new-password", NEW_PASSWORD)
        await page.fill("#my-new-password-again", "lantern oyster")
        await page.click("#my-password-save")
        await expect(page.locator("#my-new-password-again-error")).to_have_text("两次输入的新密码不一致")

        await page.fill("#my-current-password", "a guess")
        await page.fill("#my-new-password-again", NEW_PASSWORD)
        await page.click("#my-password-save")
        await expect(page.locator("#my-current-password-error")).to_have_text("当前密码不正确", timeout=10_000)

        await page.fill("#my-current-password", PASSWORD)
        await page.fill("#my-new-password", "password123")
        await page.fill("#my-new-password-again", "password123")
        await page.click("#my-password-save")
        await expect(page.locator("#my-new-password-error")).to_contain_text(
            "新密码：是最常见的密码之一", timeout=10_000
        )

        await page.fill("#my-new-password", NEW_PASSWORD)
        await page.fill("#my-new-password-again", NEW_PASSWORD)
        await page.click("#my-password-save")
        await expect(page.locator("#my-account-message")).to_have_text(
            "密码已修改；其他 1 处登录已退出", timeout=10_000
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "console-my-account.png"))
        assert await call_with_cookie(client, elsewhere, "GET", "/api/me") == 401

        client.session.cookie_jar.clear()
        other = await client.post("/api/login", json={"username": "wu", "password": NEW_PASSWORD})
        assert other.status == 200
        await page.click("#my-end-others")
        await expect(page.locator("#my-account-message")).to_have_text("已退出其他 1 处登录", timeout=10_000)
        await page.click("#my-account-close")
        await expect(page.locator("#my-account")).to_have_count(0)
        assert (await client.get("/api/me")).status == 401  # the other session
        await expect(page.locator("#login-form")).to_be_hidden()  # this console stays signed in
        assert errors == []
        await browser.close()
