"""The 标准 (Standards) forms as a manager reads them in English and Chinese, on a laptop and a
phone: every timer named (edits_notice_every stood as its raw id), "1 point" not "1 points", the
history's "Changes +12 −0" spaced, a category's id labelled ID (not "Case no."), and a long
pattern in a version's changes wrapped on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser


async def _section(page: Any, name: str) -> None:
    await page.locator("#std-sections button", has_text=name).click()
    await expect(page.locator("#std-panel h2")).to_contain_text(name, timeout=10_000)


@pytest.mark.parametrize(("width", "locale"), [(1280, "en"), (1280, "zh-CN"), (390, "en")], ids=str)
async def test_the_standards_forms_name_and_count_in_the_readers_words(
    make_client: AppFactory, width: int, locale: str
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    english = locale == "en"
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": width, "height": 844})).new_page()
        await page.goto(str(client.make_url("/manager/")))
        await sign_in(page, "boss")
        if english:
            await page.select_option("#app .ui-locale", "en")
            await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await page.click(".tabs button[data-tab=standards]")

        await _section(page, "Timers" if english else "计时")
        labels = await page.locator("#timers .std-label").all_inner_texts()
        assert labels and not [text for text in labels if re.fullmatch(r"[a-z_]+", text)], labels
        edits = page.locator("label.std-field", has=page.locator("[data-path='timers.edits_notice_every']"))
        await expect(edits.locator(".std-label")).to_have_text(
            "An edited message (Telegram): ask for it anew, at most every"
            if english
            else "客户编辑已发出的消息（Telegram）时，提醒其重新发送，最多每隔"
        )
        await expect(page.locator("#std-history summary").first).to_have_text(
            re.compile(r"^(Changes|改动) \+\d+ −\d+$")
        )

        await _section(page, "Follow-ups and callbacks" if english else "跟进与回访")
        one = page.locator("label.std-field", has=page.locator("[data-path='followups.rating_phrases.1']"))
        await expect(one.locator(".std-label")).to_have_text("1 point" if english else "1分")
        five = page.locator("label.std-field", has=page.locator("[data-path='followups.rating_phrases.5']"))
        await expect(five.locator(".std-label")).to_have_text("5 points" if english else "5分")

        # a category's id is its id, not a case number ("Case no.: billing")
        await _section(page, "Categories and keywords" if english else "类别与关键词")
        category_id = page.locator("label.std-field", has=page.locator("[data-path='classification.categories.0.id']"))
        await expect(category_id.locator(".std-label")).to_have_text("ID" if english else "标识", timeout=10_000)

        if width < 900:  # the forbidden phrases' long patterns wrap inside the history, not past it
            await _section(page, "Forbidden phrases")
            # The section's history may be drawn again after it shows: opened, and measured once a
            # line of it shows, in one step.
            measured = await page.wait_for_function(
                """() => {
                  const changes = document.querySelector("#std-history details");
                  if (!changes) return false;
                  changes.open = true;
                  const lines = [...changes.querySelectorAll(".std-diff .line")];
                  if (!lines.length || !lines[0].getClientRects().length) return false;
                  return {wide: lines.filter((line) => line.scrollWidth > line.clientWidth + 1).length};
                }""",
                timeout=10_000,
            )
            assert await measured.json_value() == {"wide": 0}
        await page.screenshot(path=f"/tmp/fl-standards-words-{width}-{locale}.png")
        await browser.close()
