"""The 超时无人认领 notices of one supervision run are listed as the queue serves their tickets: gas
and someone trapped in a lift above the media and 12345 threats that share their P0 and their time."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx
from tests.staff import add_user, sign_in
from workers.queue import supervise

SAYS = (
    ("宽带老是断 我要曝光你们", "主管"),
    ("宽带一直断 不解决我就打12345", "主管"),
    ("楼道里煤气味特别大 是不是漏气了", "紧急"),
    ("救命，我被困在电梯里了", "紧急"),
)


async def overdue_customers(client: Any) -> list[int]:
    body = await (await client.get("/api/notifications")).json()
    return [n["conversation_id"] for n in body["notifications"] if n["kind"] == "pickup_overdue"]


async def test_unclaimed_overdue_notices_follow_the_queue(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    await sign_in(client, "zhou")
    customers = [await customer_hands_off(client, says=says, expect=expect) for says, expect in SAYS]
    threats, danger = [c for c, _ in customers[:2]], [c for c, _ in customers[2:]]
    clock.advance(minutes=6)
    assert await supervise(job_ctx(client)) == 4
    queue = [t["conversation_id"] for t in (await (await client.get("/api/queue")).json())["tickets"]]
    assert set(queue[:2]) == set(danger) and set(queue[2:]) == set(threats)
    assert await overdue_customers(client) == queue
    # repeated ten minutes later, still in the queue's order, above the first alerts
    clock.advance(minutes=10)
    assert await supervise(job_ctx(client)) == 4
    assert await overdue_customers(client) == queue + queue
    for _, socket in customers:
        await socket.close()
