"""The console (real Chromium): a landline's extension stands beside the phone on the form."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_the_form_shows_the_extension_beside_the_landline(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("阳光花园5栋楼上漏水 座机0755-2688-1234转8021")
    await socket.until_bot_says("是否正确")
    await socket.send("对")
    await socket.until_bot_says("投诉编号")
    await socket.close()
    await add_user(client, "boss", Role.SUPERVISOR)

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "boss")
        await page.evaluate(f"location.hash = '#conversation={conversation_id}'")
        form = page.locator("#complaint dl.form")
        await expect(form.locator("dt", has_text="联系电话")).to_be_visible(timeout=10_000)
        await expect(form.locator("dt:has-text('联系电话') + dd")).to_have_text("075526881234")
        await expect(form.locator("dt:has-text('分机号') + dd")).to_have_text("8021")
        await browser.close()


async def test_the_form_shows_the_alternative_landline_s_extension_beside_it(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("阳光花园5栋楼上漏水 电话13812345678 打不通就打我单位的010-62345678转8021")
    await socket.until_bot_says("是否正确")
    await socket.send("对")
    await socket.until_bot_says("投诉编号")
    await socket.close()
    await add_user(client, "boss", Role.SUPERVISOR)

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "boss")
        await page.evaluate(f"location.hash = '#conversation={conversation_id}'")
        form = page.locator("#complaint dl.form")
        await expect(form.locator("dt:text-is('备用电话')")).to_be_visible(timeout=10_000)
        await expect(form.locator("dt:text-is('备用电话') + dd")).to_have_text("01062345678")
        await expect(form.locator("dt:has-text('备用电话分机号') + dd")).to_have_text("8021")
        await browser.close()
