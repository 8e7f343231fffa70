"""A web chat customer who writes again after the case was resolved, seen from the staff side:
what the callback cannot place waits in the queue again (as the console promises) and marks the
resolved conversation 新消息; another problem is a second case with its own ticket; a score told
with "没解决" is stored and counted by the reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, HandoffTicket, Satisfaction
from tests.conftest import SHANGHAI, AppFactory, FixedClock
from tests.helpers import ChatSocket, eventually
from tests.promises.support import claim_and_resolve, complaint, notifications, promised_case, run_due, staff

ASK_RATING, RECORDED, REOPENED = "1到5分", "我已记录下来", "重新为您处理"


async def _resolved_and_asked(client: Any, clock: FixedClock) -> tuple[int, ChatSocket]:
    conversation_id, socket = await promised_case(client)
    await claim_and_resolve(client, conversation_id)

    async def resolved() -> bool:
        async with resources(client.app).sessions() as session:
            found = await session.get(Conversation, conversation_id)
            return found is not None and found.flow_state == "resolved"

    await eventually(resolved)
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says(ASK_RATING)
    return conversation_id, socket


async def _waiting_tickets(client: Any, conversation_id: int) -> list[HandoffTicket]:
    async with resources(client.app).sessions() as session:
        return list(
            (
                await session.execute(
                    select(HandoffTicket).where(
                        HandoffTicket.conversation_id == conversation_id, HandoffTicket.status == "waiting"
                    )
                )
            ).scalars()
        )


async def test_messages_the_callback_cannot_place_reach_the_queue(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    conversation_id, socket = await _resolved_and_asked(client, clock)

    def questions() -> int:
        return sum(ASK_RATING in said for said in socket.bot_texts())

    for text in ("你好", "在吗"):
        asked = questions()
        await socket.send(text)
        await socket.until(lambda frames: questions() == asked + 1)  # noqa: B023 (awaited within the loop)
    await socket.send("我问你个事")
    await socket.until_bot_says(RECORDED)
    assert questions() == 3  # the callback's, then twice

    async def queued() -> bool:
        return bool(await _waiting_tickets(client, conversation_id))

    await eventually(queued)
    [ticket] = await _waiting_tickets(client, conversation_id)
    assert ticket.reason == "after_resolution"
    queue = await (await client.get("/api/queue")).json()
    assert conversation_id in [t["conversation_id"] for t in queue["tickets"]]
    mine = await (await client.get("/api/my-conversations")).json()
    [resolved] = [item for item in mine["resolved"] if item["conversation_id"] == conversation_id]
    assert resolved["last_customer_at"] is not None
    assert dt.datetime.fromisoformat(resolved["last_customer_at"]) > dt.datetime.fromisoformat(resolved["resolved_at"])
    await socket.close()


async def test_another_problem_after_the_resolution_is_a_second_case_in_the_queue(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await _resolved_and_asked(client, clock)

    await socket.send("快递柜一直占用消防通道")
    await socket.until_bot_says("是否正确")
    await socket.send("对")
    await socket.until(lambda frames: sum("投诉编号" in t for t in socket.bot_texts()) >= 2)

    async def two_cases() -> bool:
        async with resources(client.app).sessions() as session:
            found = (await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))).all()
            return len(found) == 2

    await eventually(two_cases)
    async with resources(client.app).sessions() as session:
        first, second = (
            await session.execute(
                select(Complaint).where(Complaint.conversation_id == conversation_id).order_by(Complaint.id)
            )
        ).scalars()
    assert first.status == "resolved" and second.status == "open"
    assert second.description == "快递柜一直占用消防通道" and second.case_number != first.case_number
    await eventually(lambda: _waiting_for(client, conversation_id, second.id))
    await socket.close()


async def _waiting_for(client: Any, conversation_id: int, complaint_id: int) -> bool:
    return any(ticket.complaint_id == complaint_id for ticket in await _waiting_tickets(client, conversation_id))


async def test_a_score_told_with_not_resolved_is_stored_and_counted(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    conversation_id, socket = await _resolved_and_asked(client, clock)

    await socket.send("2分，根本没解决")
    await socket.until_bot_says(REOPENED)

    async def rated() -> list[Satisfaction]:
        async with resources(client.app).sessions() as session:
            return list((await session.execute(select(Satisfaction))).scalars())

    await eventually(lambda: _any(rated))
    [answer] = await rated()
    assert (answer.rating, answer.resolved) == (2, False)
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert [entry["rating"] for entry in view["complaints"][0]["satisfaction"]] == [2]

    await staff(client, "zhao.manager", Role.MANAGER)
    day = clock.now.astimezone(SHANGHAI).date()
    span = f"from={day - dt.timedelta(days=1)}&to={day + dt.timedelta(days=1)}"
    report = await (await client.get(f"/api/reports?{span}")).json()
    figures = report["totals"]["satisfaction"]
    assert (figures["rated"], figures["average"], figures["satisfied"], figures["not_resolved"]) == (1, 2, 0, 1)
    await socket.close()


async def _any(read: Any) -> bool:
    return bool(await read())


async def test_a_case_reopened_at_the_callback_days_later_has_a_new_time_told_and_tracked(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """Reopened at the 回访 two days after its deadline (Tuesday 17:00) passed, the case is promised
    again from the deadline table counted from the reopening (a repeat of the problem: 24 service
    hours from Wednesday 16:00): the customer reads the new time as staff reopening a case tell it,
    a status question is answered with it (no apology for a missed time), and the breach comes at
    the new time, not at once."""
    client = await make_client()
    conversation_id, socket = await _resolved_and_asked(client, clock)
    clock.advance(days=2)  # Wednesday 16:00 in Shanghai

    await socket.send("2分，垃圾还是没清理，根本没解决")
    await socket.until_told("我们会继续跟进处理")
    case = await complaint(client, conversation_id)
    assert case.status == "open"
    assert case.deadline_at == dt.datetime(2026, 11, 30, 13, 0, tzinfo=SHANGHAI)
    told = [text for text in socket.told_texts() if "继续跟进处理" in text]
    assert told == [
        f"您好，您反映的问题（投诉编号{case.case_number}）我们会继续跟进处理，"
        "并在11月30日（周一）下午1点前给您明确的答复。给您带来的不便，请您原谅！"
    ]
    assert not any("向上级部门反映" in text for text in socket.bot_texts()[-3:])

    await socket.send("处理得怎么样了")
    await socket.until_bot_says("相关工作人员正在跟进处理")
    [status] = [text for text in socket.bot_texts() if "相关工作人员正在跟进处理" in text]
    assert "11月30日（周一）下午1点前给您明确的答复" in status and "没能按时答复" not in status, status

    await run_due(client)
    assert await notifications(client, "deadline_breached") == []
    clock.advance(days=4, hours=20, minutes=59)  # Monday 12:59
    await run_due(client)
    assert await notifications(client, "deadline_breached") == []
    clock.advance(minutes=1)
    await run_due(client)
    assert len(await notifications(client, "deadline_breached")) == 1
    await socket.close()
