"""The Redis live queue: kept in step with every change, rebuilt from the database when lost."""

from __future__ import annotations

import asyncio
import json

from redis.asyncio import Redis

from bot.core import redis_keys
from bot.core.redis_replies import awaited
from bot.handoff.live_queue import BUILT_FIELD
from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx, ticket_of
from tests.staff import add_user, set_queues, sign_in
from workers.jobs import reconcile


async def _queue(client: object) -> list[tuple[int, str, int]]:
    body = await (await client.get("/api/queue")).json()  # type: ignore[attr-defined]
    return [(ticket["conversation_id"], ticket["queue"], ticket["position"]) for ticket in body["tickets"]]


async def test_after_a_redis_flush_the_queue_is_rebuilt_in_the_same_order(
    make_client: AppFactory, clock: FixedClock, redis: Redis
) -> None:
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    first, socket_a = await customer_hands_off(client)
    clock.advance(minutes=1)
    second, socket_b = await customer_hands_off(client)
    clock.advance(minutes=1)
    # A threat to go to the press is urgent: it goes first although it came last.
    urgent, socket_c = await customer_hands_off(client, "电梯坏了三天了,我要找记者曝光你们", "值班主管")
    before = await _queue(client)
    assert [conversation for conversation, _, _ in before] == [urgent, first, second]
    assert before[0][1] == "supervisor"

    await redis.flushall()
    await sign_in(client, "lead")  # the staff sessions lived in Redis too
    assert await awaited(redis.hget(redis_keys.LIVE_QUEUE, BUILT_FIELD)) is None
    assert await _queue(client) == before
    assert await awaited(redis.hget(redis_keys.LIVE_QUEUE, BUILT_FIELD)) is not None  # rebuilt, not just read around
    for socket in (socket_a, socket_b, socket_c):
        await socket.close()


async def test_two_instances_reading_a_lost_queue_agree(make_client: AppFactory, redis: Redis) -> None:
    first_app, second_app = await make_client(), await make_client()
    await add_user(first_app, "boss", Role.MANAGER)
    conversation_id, socket = await customer_hands_off(first_app)
    await redis.delete(redis_keys.LIVE_QUEUE)
    await sign_in(first_app, "boss")
    await sign_in(second_app, "boss")
    answers = await asyncio.gather(_queue(first_app), _queue(second_app))
    assert answers[0] == answers[1] == [(conversation_id, "general", 1)]
    await socket.close()


async def test_claim_and_resolve_update_redis_and_tell_the_consoles(make_client: AppFactory, redis: Redis) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await set_queues(client, "li", ["general", "engineering"])
    csrf = await sign_in(client, "li")
    conversation_id, socket = await customer_hands_off(client)
    ticket_id = await ticket_of(client, conversation_id)
    assert await awaited(redis.hexists(redis_keys.LIVE_QUEUE, str(ticket_id)))
    pubsub = redis.pubsub()
    await pubsub.subscribe(redis_keys.STAFF_EVENTS_CHANNEL)
    await pubsub.get_message(timeout=1)  # the subscribe confirmation

    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    assert not await awaited(redis.hexists(redis_keys.LIVE_QUEUE, str(ticket_id)))
    assert await _queue(client) == []
    events = []
    for _ in range(10):
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
        if message is not None:
            events.append(json.loads(message["data"]))
            if any(event["kind"] == "queue" for event in events):
                break
    assert any(event["kind"] == "queue" and event["conversation_ids"] == [conversation_id] for event in events)

    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "engineering"}, headers={"X-CSRF-Token": csrf}
    )
    assert moved.status == 200
    assert await _queue(client) == [(conversation_id, "engineering", 1)]
    again = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{again}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    assert await _queue(client) == []
    resolved = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已处理"}, headers={"X-CSRF-Token": csrf}
    )
    assert resolved.status == 200
    assert await _queue(client) == [] and await awaited(redis.hlen(redis_keys.LIVE_QUEUE)) == 1  # just "built"
    await pubsub.aclose()
    await socket.close()


async def test_the_reconcile_cron_heals_drift(make_client: AppFactory, redis: Redis) -> None:
    client = await make_client()
    await add_user(client, "zhao", Role.SUPERVISOR)
    await sign_in(client, "zhao")
    conversation_id, socket = await customer_hands_off(client)
    ticket_id = await ticket_of(client, conversation_id)
    assert await _queue(client) == [(conversation_id, "general", 1)]
    # Drift: a lost write (the ticket is missing) and a stale entry for a ticket that no longer waits.
    await awaited(redis.hdel(redis_keys.LIVE_QUEUE, str(ticket_id)))
    await awaited(
        redis.hset(
            redis_keys.LIVE_QUEUE,
            "999",
            json.dumps(
                {
                    "id": 999,
                    "conversation_id": 999,
                    "queue": "general",
                    "priority": 0,
                    "reason": "gone",
                    "created_at": "2026-01-01T00:00:00+00:00",
                }
            ),
        )
    )
    assert await _queue(client) == [(999, "general", 1)]
    await reconcile(job_ctx(client))
    assert await _queue(client) == [(conversation_id, "general", 1)]
    await socket.close()
