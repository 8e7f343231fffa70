"""The 处理记录 timeline in the agent console (real Chromium): one row per event, and no name said
twice ("我 (li)" over "认领", never "认领 li"; one reopening is one row)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.core.timeline import TimelineKind
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import TimelineEvent, User
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory, FixedClock
from tests.staff import add_user, claim_conversation, customers_waiting, sign_in

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_a_claim_and_a_reopening_read_once_each(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    [(conversation_id, _)] = await customers_waiting(client, ["电梯坏了一个星期"])
    await claim_conversation(client, await sign_in(client, "li"), conversation_id)
    clock.advance(minutes=5)

    def reopen(session: Any) -> None:
        # what one "还是没修好" to the callback writes: the customer's answer and the case opened again
        li = session.execute(select(User.id).where(User.username == "li")).scalar_one()
        for kind, actor, detail in (
            (TimelineKind.REOPENED_BY_CUSTOMER, "bot", {}),
            (TimelineKind.REOPENED, "customer", {"owner": f"agent:{li}", "case_number": None}),
        ):
            session.add(
                TimelineEvent(
                    conversation_id=conversation_id, kind=kind, actor=actor, detail=detail, created_at=clock()
                )
            )

    await resources(client.app).database.write(reopen)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "li")
        await page.evaluate(f"location.hash = '#conversation={conversation_id}'")
        rows = page.locator("#timeline > li")
        await expect(rows.filter(has_text="认领")).to_have_count(1, timeout=10_000)
        claimed = rows.filter(has_text="认领")
        await expect(claimed).to_contain_text("我 (li)")
        assert (await claimed.inner_text()).strip().splitlines()[-1].strip() == "认领"
        await expect(rows.filter(has_text="重新打开")).to_have_count(1)
        await expect(rows.filter(has_text="重新打开")).to_contain_text("重新打开 → 我 (li)")
        await browser.close()
