"""What agents see when a case changes hands in the console: a waiting conversation says where it
waits and is claimed from its own view; an appeal from a new chat is answered in that chat; the
agent a case was taken from is told; transfers pick queues by name (with their agent counts) and
ask before sending a case to an empty queue."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_files_a_complaint, laptop_console
from tests.conftest import AppFactory
from tests.handoff.appeal_helpers import appealed_case
from tests.helpers import eventually
from tests.staff import add_user, set_queues

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

async def asked_once(asked: list[str]) -> bool:
    return len(asked) == 1


EVERY_QUEUE_BUT_REAL_ESTATE = ["general", "supervisor", "consultation", "billing", "network", "property", "engineering"]


async def test_a_supervisor_claims_an_appeal_from_the_appealing_chat_and_answers_there(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    case = await appealed_case(client, make_client, "li")
    console_url = str(client.make_url("/console/"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        li = await laptop_console(browser, console_url, "li")
        supervisor = await laptop_console(browser, console_url, "zhou")
        supervisor.set_default_timeout(10_000)

        await supervisor.evaluate(f"location.hash = '#conversation={case.appealing_conversation_id}'")
        await expect(supervisor.locator("#conversation-meta")).to_contain_text("等待认领（值班主管）")
        await expect(supervisor.locator("#conversation-meta")).not_to_contain_text("处理中")
        await expect(supervisor.locator("#conversation-meta")).to_contain_text("客户类别：标准客户")
        await supervisor.locator("#conversation-meta").screenshot(path="/tmp/console-unclaimed-meta.png")
        await expect(supervisor.locator("#reply-hint")).to_contain_text("客户申诉已并入投诉")
        await supervisor.locator("#claim-here").click()

        await expect(supervisor.locator("#conversation-title")).to_have_text(f"会话 {case.appealing_conversation_id}")
        await expect(supervisor.locator("#conversation-meta")).to_contain_text("处理人：我")
        await supervisor.fill("#reply-text", "您好,我是值班主管,今天下午安排师傅上门")
        await supervisor.click("#reply-send")
        await case.appealing.until(lambda frames: any("值班主管" in f.get("text", "") for f in frames))

        # li, who held the case, is told who took it.
        told = li.locator("#notifications li", has_text="会话已被接手")
        await expect(told).to_contain_text("zhou 认领了客户申诉，已接手该投诉", timeout=10_000)
        await browser.close()
    await case.appealing.close()


async def test_a_waiting_case_is_claimed_from_its_view_and_transferred_to_a_queue_by_name(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await set_queues(client, "li", EVERY_QUEUE_BUT_REAL_ESTATE)
    console_url = str(client.make_url("/console/"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        li = await laptop_console(browser, console_url, "li")
        li.set_default_timeout(10_000)
        card = li.locator("#queue .ticket").first
        case_number = (await card.locator(".muted").first.text_content() or "").split(" · ")[3]
        assert case_number.startswith("TS")

        await card.get_by_role("button", name="查看").click()
        await expect(li.locator("#conversation-meta")).to_contain_text("等待认领（")
        await expect(li.locator("#reply-hint")).to_contain_text("等待认领：认领后即可回复")
        await li.locator("#claim-here").click()
        await expect(li.locator("#conversation-meta")).to_contain_text("处理人：我")

        await li.select_option("#transfer-mode", "queue")
        # each queue with how many agents take it, an empty one said unattended
        await expect(li.locator("#transfer-options option[value='工程维修组']")).to_have_text("工程维修组 · 1 名客服")
        await expect(li.locator("#transfer-options option[value='地产公司客户组']")).to_have_text(
            "地产公司客户组（无人值守）"
        )
        await li.fill("#transfer-target", "地产公司客户组")
        await expect(li.locator("#conversation-message")).to_contain_text("目前没有成员客服")
        # asked before the move, while the case is still li's: declining keeps it
        asked: list[str] = []

        async def decline(dialog: Any) -> None:
            asked.append(dialog.message)
            await dialog.dismiss()

        li.once("dialog", decline)
        await li.locator("#transfer").click()
        await eventually(lambda: asked_once(asked))
        assert "「地产公司客户组」目前没有成员客服" in asked[0] and "仍要转交" in asked[0]
        await expect(li.locator("#conversation-meta")).to_contain_text("处理人：我")
        await li.fill("#transfer-target", "工程维修组")
        await li.locator("#transfer-target").press("Enter")
        await expect(li.locator("#conversation-message")).to_have_text("已转交给 工程维修组")
        await expect(li.locator("#conversation-meta")).to_contain_text("等待认领（工程维修组）")
        await expect(li.locator("#conversation-meta")).not_to_contain_text("处理")
        moved = li.locator("#queue .ticket", has_text="工程维修组")
        await expect(moved).to_contain_text(case_number)
        await browser.close()
