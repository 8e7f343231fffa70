"""A resolved case reopened the two ways, the customer's "没解决" at the 回访 and a supervisor's
重新打开 in the console, comes out the same: graded as a repeat (complex, the ``repeat`` signal),
the same new reply time told in the same words, back with whoever resolved it, its owner and the
supervisors told, the same timeline row and the same case timers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from bot.keys import resources
from bot.promises.timers import CASE_KINDS
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, HandoffTicket, Notification, TimelineEvent, Timer, User
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket
from tests.promises.support import claim_and_resolve, promised_case, staff

TOLD = "我们会继续跟进处理"


async def _reopened_case(client: Any, conversation_id: int) -> dict[str, Any]:
    """What a user of the console or the customer would notice of the reopened case."""
    async with resources(client.app).sessions() as session:
        case = (
            await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        timers = (
            await session.execute(
                select(Timer.kind, Timer.due_at, Timer.complaint_id).where(
                    Timer.conversation_id == conversation_id,
                    Timer.status == "pending",
                    Timer.kind.in_(list(CASE_KINDS)),
                )
            )
        ).all()
        notices = (
            await session.execute(select(Notification).where(Notification.complaint_id == case.id))
        ).scalars()
        [row] = (
            await session.execute(
                select(TimelineEvent).where(
                    TimelineEvent.conversation_id == conversation_id, TimelineEvent.kind == "reopened"
                )
            )
        ).scalars()
    return {
        "status": case.status,
        "grade": case.grade,
        "signals": sorted(case.signals or []),
        "deadline_at": case.deadline_at,
        "owner": conversation.owner,
        "flow_state": conversation.flow_state,
        "timers": sorted((kind, due_at, complaint_id == case.id) for kind, due_at, complaint_id in timers),
        "told": sorted(
            (notice.audience.replace(conversation.owner.replace("agent:", "user:"), "owner"))
            for notice in notices
            if notice.kind == "case_reopened"
        ),
        "timeline": {
            "owner": row.detail["owner"] == conversation.owner,
            "deadline_at": row.detail["deadline_at"],
            "grade": row.detail["grade"],
            "signals": row.detail["signals"],
        },
        "case_number": case.case_number,
    }


def _told(socket: ChatSocket, case_number: str) -> list[str]:
    return [text.replace(case_number, "…") for text in socket.told_texts() if TOLD in text]


async def test_the_customer_s_not_resolved_and_a_supervisor_s_reopening_give_the_same_case(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    by_customer, customer = await promised_case(client, phone="13800138000")
    by_staff, other = await promised_case(client, phone="13900139000")
    first_agent = await claim_and_resolve(client, by_customer, "li.agent")
    second_agent = await claim_and_resolve(client, by_staff, "liu.agent")
    clock.advance(hours=1)  # Monday 15:00 in Shanghai, before the 回访 is due

    await customer.send("垃圾还是没清走，根本没解决")
    await customer.until_told(TOLD)
    headers, _ = await staff(client, "wang.lead", Role.SUPERVISOR)
    reopened = await client.post(
        f"/api/conversations/{by_staff}/reopen", json={"reason": "客户来电说垃圾还没清走"}, headers=headers
    )
    assert reopened.status == 200, await reopened.text()
    await other.until_told(TOLD)

    mine, theirs = await _reopened_case(client, by_customer), await _reopened_case(client, by_staff)
    # Each is back with the agent who resolved it.
    assert (mine.pop("owner"), theirs.pop("owner")) == (f"agent:{first_agent}", f"agent:{second_agent}")
    told_mine = _told(customer, mine.pop("case_number"))
    told_theirs = _told(other, theirs.pop("case_number"))
    assert told_mine == told_theirs and len(told_mine) == 1, (told_mine, told_theirs)
    assert mine == theirs
    # A simple case the first time, reopened it is a repeat: complex, 24 service hours from now.
    assert (mine["status"], mine["grade"], "repeat" in mine["signals"]) == ("open", "complex", True)
    assert mine["deadline_at"] == clock.now + dt.timedelta(days=2, hours=21)
    assert mine["told"] == ["owner", "role:supervisor"]
    assert {kind for kind, _, _ in mine["timers"]} >= {"case_reminder", "case_apology", "case_breach"}
    assert all(own for _, _, own in mine["timers"])  # armed for the case itself
    assert mine["flow_state"] == "handed_off"
    await customer.close()
    await other.close()


async def test_not_resolved_after_its_agent_left_waits_in_the_supervisors_queue(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """Whoever resolved the case is off now: the customer's "没解决" does not leave it with nobody
    (the bot, no ticket), it waits in the supervisors' queue at a repeat's priority."""
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    agent_id = await claim_and_resolve(client, conversation_id, "li.agent")

    def switch_off(session: Any) -> None:
        session.execute(update(User).where(User.id == agent_id).values(active=False))

    await resources(client.app).database.write(switch_off)
    clock.advance(hours=1)
    await socket.send("垃圾还是没清走，根本没解决")
    await socket.until_told(TOLD)
    async with resources(client.app).sessions() as session:
        waiting = (
            await session.execute(
                select(HandoffTicket.queue, HandoffTicket.priority).where(
                    HandoffTicket.conversation_id == conversation_id, HandoffTicket.status == "waiting"
                )
            )
        ).all()
    assert [tuple(row) for row in waiting] == [("supervisor", 1)]
    case = await _reopened_case(client, conversation_id)
    assert (case["owner"], case["grade"], case["told"]) == ("bot", "complex", ["role:supervisor"])
    await socket.close()
