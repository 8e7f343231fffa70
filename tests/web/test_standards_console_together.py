"""A manager sets a category's paired words (``together``: a thing and what is wrong with it) and
how far apart they may stand (``together_window``) in /manager/ (Chromium), as the other category
fields: half a pair is refused, the save is a version in the audit log, the form shows it after a
reload, the next customer's complaint is read by it, and the fields are labelled in English too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.audit.support import logged
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SNOWY_TV = "我家电视从昨天晚上开始一直是雪花"
"""A TV's fault told with no network keyword: a network complaint only by a pair five words apart."""
NETWORK = "[data-category=network]"
THINGS = "[data-path='classification.categories.1.together.0']"
FAULTS = "[data-path='classification.categories.1.together.1']"
WINDOW = "[data-path='classification.categories.1.together_window']"


async def what_the_bot_reads(client: Any, text: str) -> str | None:
    """The category the bot reads now in a customer's ``text`` (the standards in force)."""
    reading = await client.post("/api/standards/try", json={"text": text}, headers=await headers(client))
    assert reading.status == 200, await reading.text()
    category = (await reading.json())["category"]
    return str(category) if category is not None else None


async def headers(client: Any) -> dict[str, str]:
    return {"X-CSRF-Token": await api_sign_in(client, "boss")}


async def test_a_pair_of_words_the_manager_adds_puts_the_next_complaint_in_its_category(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    assert await what_the_bot_reads(client, SNOWY_TV) is None
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/classification")), "boss"
        )
        network = page.locator(NETWORK)
        # As shipped: the television the line brings, beside no sound or picture ("电视还是没声音").
        await expect(network.locator(THINGS)).to_have_value(re.compile(r"^电视, 电视机, "), timeout=10_000)
        await expect(network.locator(WINDOW)).to_have_value("5")
        repair = page.locator("[data-category=engineering_repair]")
        await expect(repair.locator("[data-path$='.together.1']")).to_have_value(
            re.compile(r"^不能用, 用不了, ")
        )  # as shipped

        # Half a pair: said while typing, and refused on saving, marked on the pair.
        await network.locator(THINGS).fill("电视, 机顶盒")
        await network.locator(FAULTS).fill("")
        await expect(network.locator(".std-together-hint")).to_contain_text("两组都填写才生效")
        await page.fill("#std-note", "电视雪花算网络类")
        await page.click("#std-save")
        await expect(page.locator("#std-message")).to_contain_text("together", timeout=10_000)
        await expect(network.locator("[data-path='classification.categories.1.together']")).to_have_class(
            re.compile(r"\binvalid\b")
        )
        await expect(page.locator("#std-version")).to_contain_text("v1")

        await network.locator(FAULTS).fill("雪花, 没台")
        await expect(network.locator(".std-together-hint")).to_have_text("")
        await network.locator(WINDOW).fill("6")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await network.screenshot(path=str(SCREENSHOTS / "manager-standards-category-pairs.png"))
        await page.click("#std-save")
        await expect(page.locator("#std-message")).to_contain_text("已保存", timeout=10_000)
        await expect(page.locator("#std-version")).to_contain_text("v2")

        await page.reload()
        await expect(page.locator(NETWORK).locator(FAULTS)).to_have_value("雪花, 没台", timeout=10_000)
        await expect(page.locator(NETWORK).locator(THINGS)).to_have_value("电视, 机顶盒")
        await expect(page.locator(NETWORK).locator(WINDOW)).to_have_value("6")
        assert errors == []
        await browser.close()

    saved = (await (await client.get("/api/standards/classification")).json())["body"]
    [network_body] = [category for category in saved["categories"] if category["id"] == "network"]
    assert (network_body["together"], network_body["together_window"]) == ([["电视", "机顶盒"], ["雪花", "没台"]], 6)
    [change] = [entry for entry in await logged(client, "standards_change") if entry.status == 200]
    assert (change.actor, change.target, change.detail["note"]) == (
        "boss",
        "standards:classification:v2",
        "电视雪花算网络类",
    )
    assert await what_the_bot_reads(client, SNOWY_TV) == "network"

    # The next customer who tells it has a network complaint restated.
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell([(f"{SNOWY_TV} 锦绣家园6号楼", "电话"), ("13800138000", "网络类")])
    await socket.close()


async def test_the_paired_word_fields_are_labelled_in_english(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/classification")), "boss"
        )
        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        network = page.locator(NETWORK)
        await expect(network.locator(THINGS)).to_be_visible(timeout=10_000)
        text = await network.inner_text()
        for label in ("Paired words: things", "Paired words: what is wrong", "Paired words at most", "words apart"):
            assert label in text, text
        assert "搭配" not in text
        assert errors == []
        await browser.close()
