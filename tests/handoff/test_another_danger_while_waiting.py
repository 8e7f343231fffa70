"""A danger of another kind told in a chat whose case already waits for the duty supervisor as an
emergency ("阳光花园3栋着火了" after the gas there) is an urgent notice of its own for the supervisors,
alerted again until one reads it; the same danger told again is not."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Notification
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import gas_then_fire, job_ctx
from tests.helpers import eventually
from tests.staff import add_user, sign_in
from workers.queue import supervise


async def _notices(client: Any, conversation_id: int) -> list[Notification]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(
            select(Notification)
            .where(Notification.conversation_id == conversation_id, Notification.kind == "another_danger")
            .order_by(Notification.id)
        )
        return list(found.scalars())


async def test_a_fire_after_the_gas_at_the_same_place_reaches_the_supervisors_on_its_own(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await gas_then_fire(client, clock)

    async def told() -> bool:
        return len(await _notices(client, conversation_id)) == 1

    await eventually(told, timeout=15)
    notice = (await _notices(client, conversation_id))[0]
    detail = notice.detail or {}
    assert notice.audience == "role:supervisor"
    assert detail["text"] == "阳光花园3栋着火了" and detail["reason"] == "danger" and detail["priority"] == 0
    # The gas again is the same danger: no notice of its own.
    clock.advance(minutes=10)
    said = socket.times_said("关闭燃气总阀")
    await socket.send("燃气泄漏了 好大的味道")
    await socket.until_bot_says_anew("关闭燃气总阀", said)
    assert await told()
    await socket.close()


async def test_the_fire_no_supervisor_has_read_is_alerted_again_until_one_reads_it(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    csrf = await sign_in(client, "lead")
    conversation_id, socket = await gas_then_fire(client, clock)

    async def told() -> bool:
        return len(await _notices(client, conversation_id)) == 1

    await eventually(told, timeout=15)
    ctx = job_ctx(client)
    clock.advance(minutes=4)
    await supervise(ctx)
    assert await told()  # the P0 pickup alert's 5 minutes not yet passed
    clock.advance(minutes=1)
    await supervise(ctx)
    await supervise(ctx)  # once per alert
    clock.advance(minutes=10)
    await supervise(ctx)
    notices = await _notices(client, conversation_id)
    assert [(notice.detail or {}).get("alert") for notice in notices] == [None, 2, 3]
    assert all((notice.detail or {})["text"] == "阳光花园3栋着火了" for notice in notices)

    # A supervisor reads the newest alert: the fire is seen, never alerted again.
    read = await client.post(f"/api/notifications/{notices[-1].id}/read", headers={"X-CSRF-Token": csrf})
    assert read.status == 200
    clock.advance(minutes=30)
    await supervise(ctx)
    assert len(await _notices(client, conversation_id)) == 3
    await socket.close()
