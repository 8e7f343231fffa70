"""A manager sets the appeal's reply time (``deadlines.appeal``) and how long a resolved case may be
reopened by the customer (``followups.reopen_within``) in /manager/ as the other deadlines and
timers (Chromium): each save is a version in the audit log, and the bot uses the new value at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation
from tests.audit.support import logged
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, eventually, new_session
from tests.promises.support import claim_and_resolve, promised_case
from tests.staff import add_user

pytestmark = pytest.mark.browser

PHONE = "13800138000"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


async def _save_in_console(client: Any, section: str, note: str, fill: Any) -> None:
    """The manager opens ``section`` in /manager/, changes it with ``fill(page)`` and saves it."""
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url(f"/manager/#standards/{section}")), "boss"
        )
        await fill(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / f"manager-standards-{section}-knobs.png"), full_page=True)
        await page.fill("#std-note", note)
        await page.click("#std-save")
        await expect(page.locator("#std-message")).to_contain_text("已保存", timeout=10_000)
        assert errors == []
        await browser.close()
    [change] = [entry for entry in await logged(client, "standards_change") if entry.status == 200]
    assert (change.actor, change.target, change.detail["note"]) == ("boss", f"standards:{section}:v2", note)


async def _cases(client: Any) -> list[Complaint]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Complaint).order_by(Complaint.id))).scalars())


async def test_an_appeal_is_answered_within_the_hours_the_manager_set(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)

    async def one_hour(page: Any) -> None:
        appeal = page.locator("#appeal-deadline")
        await expect(appeal).to_have_value("2", timeout=10_000)  # shipped: 2 hours
        await appeal.fill("1")

    await _save_in_console(client, "deadlines", "申诉1小时内答复", one_hour)

    # Monday 14:00: a case filed, then appealed in web chat; its reply time is the appeal's hour.
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.tell([("停水两天了 锦绣家园6号楼", "电话"), (PHONE, "是否正确"), ("对", "投诉编号")])
    await socket.close()
    [case] = await _cases(client)
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.tell([(f"{case.case_number} 还是没来水！！", "完整联系电话"), (PHONE, "升级为优先处理")])
    await socket.close()
    answer = next(said for said in socket.bot_texts() if "升级为优先处理" in said)
    assert "今天下午3点前" in answer, answer  # not 4点, the shipped 2 hours

    async def moved() -> bool:
        [appealed] = await _cases(client)
        return appealed.deadline_at is not None and appealed.deadline_at < case.deadline_at  # type: ignore[operator]

    await eventually(moved, timeout=15)


async def test_a_case_resolved_longer_ago_than_the_shipped_week_is_reopened_within_the_managers_window(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)

    async def ten_days(page: Any) -> None:
        window = page.locator("[data-path='followups.reopen_within']")
        await expect(window).to_have_value("168", timeout=10_000)  # 7 days, in hours
        await window.fill("240")

    await _save_in_console(client, "followups", "十天内可重开", ten_days)

    conversation_id, socket = await promised_case(client, "小区门口的路灯坏了一个星期了,晚上一片漆黑")
    [first] = await _cases(client)
    await claim_and_resolve(client, conversation_id)

    async def resolved() -> bool:
        return [case.status for case in await _cases(client)] == ["resolved"]

    await eventually(resolved)
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(status="closed", closed_at=clock(), closed_reason="idle")
        )
    clock.advance(days=8)  # past the shipped 7 days, within the manager's 10
    socket.frames.clear()
    await socket.send("还是没修好")
    await socket.until_bot_says("重新为您处理")

    async def reopened() -> bool:
        [case] = await _cases(client)
        return case.status == "open" and case.conversation_id != conversation_id

    await eventually(reopened)
    [case] = await _cases(client)
    assert case.case_number == first.case_number
    await socket.close()
