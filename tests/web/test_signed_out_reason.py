"""A console learns whether it is signed in without an error, and a console signed out because a
manager switched its account off says so, not that the sign-in expired."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory
from tests.staff import COOKIE, PASSWORD, add_user, call_with_cookie, sign_in, sign_in_with_cookie

playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def get_with_cookie(client: Any, token: str, path: str) -> tuple[int, dict[str, Any]]:
    """What a browser holding exactly this session cookie is told."""
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session,
        session.get(client.make_url(path), headers={"Cookie": f"{COOKIE}={token}"}) as answer,
    ):
        return answer.status, await answer.json()


async def turn_off(client: Any, username: str) -> None:
    csrf = await sign_in(client, "boss")
    listed = await (await client.get("/api/users")).json()
    user_id = next(user["id"] for user in listed["users"] if user["username"] == username)
    answer = await client.put(
        f"/api/users/{user_id}/active",
        json={"active": False, "current_password": PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status == 200, await answer.text()


async def test_the_session_question_is_answered_signed_in_or_not(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wu", Role.AGENT)
    answer = await client.get("/api/session")
    assert answer.status == 200
    assert await answer.json() == {"signed_in": False, "reason": None}
    await sign_in(client, "wu")
    body = await (await client.get("/api/session")).json()
    assert body["signed_in"] is True and body["username"] == "wu" and body["csrf_token"]


async def test_only_a_switched_off_account_is_told_why_it_was_signed_out(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "wu", Role.AGENT)
    await add_user(client, "li", Role.AGENT)
    wu_token, _ = await sign_in_with_cookie(client, "wu")
    li_token, li_csrf = await sign_in_with_cookie(client, "li")
    client.session.cookie_jar.clear()
    await turn_off(client, "wu")

    status, body = await get_with_cookie(client, wu_token, "/api/me")
    assert status == 401 and body["reason"] == "account_off"
    assert (await get_with_cookie(client, wu_token, "/api/session"))[1] == {"signed_in": False, "reason": "account_off"}
    # someone else's signed-out cookie, or none, learns nothing of it
    assert await call_with_cookie(client, li_token, "POST", "/api/logout", li_csrf) == 200
    status, body = await get_with_cookie(client, li_token, "/api/me")
    assert status == 401 and "reason" not in body
    assert (await get_with_cookie(client, "not-a-token", "/api/session"))[1] == {"signed_in": False, "reason": None}


@pytest.mark.browser
@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("zh-CN", "您的账号已停用，请联系主管"),
        ("en", "Your account has been deactivated: please contact your supervisor"),
    ],
)
async def test_an_open_console_says_its_account_was_switched_off(
    make_client: AppFactory, language: str, said: str
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "wu", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        console_errors: list[str] = []
        page = await (await browser.new_context(viewport={"width": 1280, "height": 720})).new_page()
        page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
        await page.goto(str(client.make_url("/console/")))
        await expect(page.locator("#login-username")).to_be_visible(timeout=10_000)
        assert console_errors == []  # no 401 logged before sign-in
        page = await laptop_console(browser, str(client.make_url("/console/")), "wu")
        if language == "en":
            await page.locator("header select.ui-locale").select_option("en")
            await expect(page.locator("#logout")).to_have_text("Sign out", timeout=10_000)
        await turn_off(client, "wu")
        await expect(page.locator("#login-username")).to_be_visible(timeout=10_000)
        await expect(page.locator("[role=alert]", has_text=said)).to_be_visible()
        await page.screenshot(path=f"/tmp/signed-out-reason-{language}.png")
        await browser.close()
