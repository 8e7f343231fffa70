"""A deadline exception that applies only when the problem names certain words (an elder kept at
home by a broken lift) shows those words in /manager/'s Deadlines form (Chromium), and a manager's
edit of them is what is saved (matched lower-cased, as the problem is read)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import DeadlineOverride, DeadlineRule, Signal
from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in

pytestmark = pytest.mark.browser


async def _elder_words(client: Any) -> list[list[str]]:
    body = await (await client.get("/api/standards/deadlines")).json()
    return [override.get("words") or [] for override in body["body"]["overrides"] if override.get("signal") == "elder"]


async def test_the_words_an_exception_needs_are_shown_and_saved(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await api_sign_in(client, "boss")
    [shipped] = [words for words in await _elder_words(client) if words]
    assert "电梯" in shipped
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/deadlines")), "boss"
        )
        boxes = page.locator("#deadline-overrides input.override-words")
        await expect(boxes.first).to_be_visible(timeout=10_000)
        values = [await box.input_value() for box in await boxes.all()]
        index = next(i for i, value in enumerate(values) if "电梯" in value)
        assert values[index] == ", ".join(shipped)
        await expect(boxes.nth(index)).to_have_attribute("aria-label", "问题须含的词")
        await boxes.nth(index).fill("电梯，Lift, 扶梯")
        await page.locator("#deadline-overrides").screenshot(path="/tmp/deadline-words.png")
        await page.fill("#std-note", "扶梯也算")
        await page.click("#std-save")
        await expect(page.locator("#std-message")).to_contain_text("已保存", timeout=10_000)
        assert errors == []
        await browser.close()
    assert [words for words in await _elder_words(client) if words] == [["电梯", "Lift", "扶梯"]]


def test_an_exceptions_words_are_matched_in_lower_case() -> None:
    override = DeadlineOverride(signal=Signal.ELDER, words=[" Lift ", "电梯", ""], deadline=DeadlineRule(hours=4))
    assert override.words == ["lift", "电梯"]
