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
from tests.staff import add_user, claim_conversation, customers_waiting, set_display_name, sign_in

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
        await expect(claimed).to_contain_text("我（li）")
        assert (await claimed.inner_text()).strip().splitlines()[-1].strip() == "认领"
        await expect(rows.filter(has_text="重新打开")).to_have_count(1)
        await expect(rows.filter(has_text="重新打开")).to_contain_text("重新打开 → 我（li）")
        await browser.close()


async def test_timeline_rows_say_the_category_the_times_the_score_and_a_note_once(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """已分类 names the category, 承诺答复时限 the time, 延长时限 the old and the new time, 客户评价 the
    score; a note reads as the note, its author named once by the row's header (their display name)."""
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await set_display_name(client, "li", "李娜")
    [(conversation_id, _)] = await customers_waiting(client, ["电梯坏了一个星期"])
    csrf = await sign_in(client, "li")
    await claim_conversation(client, csrf, conversation_id)
    noted = await client.post(
        f"/api/conversations/{conversation_id}/notes", json={"text": "已联系维修班组"}, headers={"X-CSRF-Token": csrf}
    )
    assert noted.status == 201, await noted.text()

    def facts(session: Any) -> None:
        for kind, detail in (
            (TimelineKind.CLASSIFIED, {"category": "property_service", "grade": "simple", "signals": []}),
            (
                TimelineKind.PROMISED,
                {
                    "case_number": "TS1",
                    "deadline_at": "2026-12-07T07:00:00+00:00",
                    "hours": 12,
                    "said": "明天下午3点前",
                },
            ),
            (
                TimelineKind.DEADLINE_EXTENDED,
                {"previous": "2026-12-07T07:00:00+00:00", "deadline_at": "2026-12-08T07:00:00+00:00", "hours": 24},
            ),
            (
                TimelineKind.DEADLINE_EXTENDED,
                {
                    "previous": "2026-12-08T07:00:00+00:00",
                    "deadline_at": "2026-12-10T07:00:00+00:00",
                    "hours": 16,
                    "clock": "business_hours",
                },
            ),
            (TimelineKind.RATED, {"rating": 4}),
        ):
            session.add(
                TimelineEvent(
                    conversation_id=conversation_id, kind=kind, actor="bot", detail=detail, created_at=clock()
                )
            )

    await resources(client.app).database.write(facts)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "li")
        await page.evaluate(f"location.hash = '#conversation={conversation_id}'")
        rows = page.locator("#timeline > li")
        await expect(rows.filter(has_text="物业服务")).to_contain_text("已分类 物业服务 · 简单", timeout=10_000)
        await expect(rows.filter(has_text="明天下午3点前")).to_contain_text(
            "承诺答复时限 2026-12-07 15:00 （告知客户「明天下午3点前」）"
        )
        await expect(rows.filter(has_text="延长 24 小时")).to_contain_text(
            "延长时限 2026-12-07 15:00 → 2026-12-08 15:00 （延长 24 小时）"
        )
        # counted in service hours, the timeline says so: 16 of them are not 16 hours on the clock
        await expect(rows.filter(has_text="服务小时")).to_contain_text(
            "延长时限 2026-12-08 15:00 → 2026-12-10 15:00 （延长 16 服务小时）"
        )
        await expect(rows.filter(has_text="客户评价")).to_contain_text("客户评价 4分")
        note = rows.filter(has_text="内部备注")
        await expect(note).to_contain_text("我（")  # the header names the author
        assert (await note.inner_text()).strip().splitlines()[-1].strip() == "内部备注 「已联系维修班组」"
        await page.screenshot(path="/tmp/staffsmall-timeline.png", full_page=True)
        await browser.close()
