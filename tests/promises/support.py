"""Helpers for the promise tracker tests: a promised case, staff sign-in, a burst arq worker."""

from __future__ import annotations

from typing import Any

from arq import create_pool
from arq.worker import Worker, func
from sqlalchemy import select

from bot.core import redis_keys
from bot.keys import resources
from bot.resources import job_ctx, redis_settings
from bot.staff.accounts import Role
from bot.storage.models import Complaint, HandoffTicket, Notification
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import add_user, set_queues, sign_in
from workers.jobs import reconcile
from workers.settings import CRON_JOBS, FUNCTIONS
from workers.timers import TimerPump


def _worker_ctx(client: Any) -> dict[str, Any]:
    return job_ctx(resources(client.app))


async def run_worker(client: Any, reconcile_first: bool = False) -> int:
    """Run a real arq worker in burst mode over everything queued; returns the jobs completed."""
    pool = await create_pool(redis_settings(resources(client.app).redis_url))
    ctx = _worker_ctx(client)
    if reconcile_first:
        await reconcile({**ctx, "redis": pool})
    # An app's in-process worker enqueues its crons on the wall clock; this worker may take one
    # from the queue first, and runs it as any worker would (scheduling none of its own).
    crons = [func(job.coroutine, name=job.name) for job in CRON_JOBS]
    worker = Worker(
        functions=[*FUNCTIONS, *crons], redis_pool=pool, burst=True, poll_delay=0.05, handle_signals=False, ctx=ctx
    )
    try:
        return await worker.run_check()
    finally:
        await worker.close()


async def run_due(client: Any) -> int:
    """What the timer pump and a worker do at the app's (fixed) current time."""
    # Timers armed by processing still under way reach Redis after its commit: let it finish,
    # events pushed but not yet taken (a resolution's, from the staff API) included.
    await eventually(lambda: _no_events_waiting(client), timeout=10)
    assert await resources(client.app).pipeline.drained(timeout=10)
    await TimerPump(resources(client.app).redis, resources(client.app).clock).pump_once()
    return await run_worker(client)


async def _no_events_waiting(client: Any) -> bool:
    """No conversation has events waiting to be run or a batch running them."""
    redis = resources(client.app).redis
    for key in (redis_keys.conversation_inbox(0), redis_keys.conversation_lock(0)):
        async for _ in redis.scan_iter(match=key.replace(":0:", ":*:")):
            return False
    return await resources(client.app).pipeline.drained(timeout=0)


async def promised_case(
    client: Any, description: str = "小区楼道的垃圾三天没人清理", phone: str = "13800138000"
) -> tuple[int, ChatSocket]:
    """A web chat customer whose property complaint was confirmed and promised (12 h deadline)."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in (
        (description, "电话"),
        (phone, "地址"),
        ("阳光花园3栋", "是否正确"),
        ("对", "投诉编号"),
    ):
        await socket.send(text)
        await socket.until_bot_says(answer)
    return conversation_id, socket


async def complaint(client: Any, conversation_id: int) -> Complaint:
    async with resources(client.app).sessions() as session:
        return (
            await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()


async def notifications(client: Any, kind: str) -> list[Notification]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Notification).where(Notification.kind == kind))).scalars())


async def staff(client: Any, username: str, role: Role) -> tuple[dict[str, str], int]:
    """Create and sign in a staff member; returns the CSRF header and the user id."""
    await add_user(client, username, role)
    csrf = await sign_in(client, username)
    me = await (await client.get("/api/me")).json()
    return {"X-CSRF-Token": csrf}, int(me["id"])


async def claim_case(client: Any, conversation_id: int, username: str = "li.agent") -> tuple[dict[str, str], int]:
    """An agent of every queue claims the case's ticket; returns the CSRF header and the agent's id."""
    headers, agent_id = await staff(client, username, Role.AGENT)
    await set_queues(client, username, resources(client.app).config.handoff.queue_ids())
    queue = await (await client.get("/api/queue")).json()
    ticket = next(t for t in queue["tickets"] if t["conversation_id"] == conversation_id)
    assert (await client.post(f"/api/tickets/{ticket['id']}/claim", headers=headers)).status == 200
    return headers, agent_id


async def claim_and_resolve(client: Any, conversation_id: int, username: str = "li.agent") -> int:
    """An agent of every queue claims the case's ticket and resolves it; returns the agent's id."""
    headers, agent_id = await claim_case(client, conversation_id, username)
    resolved = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已更换电梯控制板"}, headers=headers
    )
    assert resolved.status == 200, await resolved.text()
    return agent_id


async def promised_case_in_english(client: Any) -> tuple[int, ChatSocket]:
    """:func:`promised_case` for a web chat customer who writes English."""
    token, conversation_id = await new_session(client, locale="en")
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("at your service")
    for text, answer in (
        ("The rubbish in our stairwell has not been cleared for three days", "phone number"),
        ("13800138000", "community or address"),
        ("Sunny Garden 3", "Is that correct"),
        ("yes", "case number"),
    ):
        await socket.send(text)
        await socket.until_bot_says(answer)
    return conversation_id, socket


async def two_promised_cases(client: Any) -> tuple[int, ChatSocket]:
    """A web chat customer with two cases in one conversation: 停水 promised, then another problem
    (楼上天天半夜拍球, property service, a nearer deadline) registered as a case of its own."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell(
        (
            ("阳光花园5栋停水了 13812345678", "是否正确"),
            ("对", "投诉编号"),
            ("还有 楼上天天半夜拍球", "哪个小区或地址"),
            ("同一个地方", "是否正确"),
            ("对", "投诉编号"),
        )
    )
    return conversation_id, socket


async def cases_by_category(client: Any, conversation_id: int) -> dict[str, Complaint]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        return {case.category: case for case in found.scalars()}


async def claim_and_reply(client: Any, conversation_id: int, headers: dict[str, str]) -> None:
    """The signed-in agent claims one of the conversation's tickets (the others come with it) and
    writes to the customer."""
    async with resources(client.app).sessions() as session:
        ticket_id = (
            await session.execute(
                select(HandoffTicket.id).where(HandoffTicket.conversation_id == conversation_id).limit(1)
            )
        ).scalar_one()
    claimed = await client.post(f"/api/tickets/{ticket_id}/claim", headers=headers)
    assert claimed.status == 200, await claimed.text()
    reply = {"text": "您好，两个问题我都来跟进"}
    replied = await client.post(f"/api/conversations/{conversation_id}/messages", json=reply, headers=headers)
    assert replied.status == 201
