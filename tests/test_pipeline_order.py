"""Customer messages run in the order they were stored, whatever happened to their inbox entries;
a dead instance's lock holds a conversation up only briefly, a live one's never lapses."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import event, func, insert, select, text, update
from sqlalchemy.orm import Session

from bot.core import redis_keys
from bot.core.messages import ChannelName
from bot.core.redis_replies import awaited
from bot.keys import resources
from bot.storage import store
from bot.storage.db import Database
from bot.storage.models import Conversation, Message
from tests.conftest import AppFactory, database_kind
from tests.helpers import ChatSocket, eventually, new_session
from tests.order_helpers import (
    ADDRESS,
    DEAD_TOKEN,
    DESCRIPTION,
    complaint_and_kinds,
    hold_lock_as_dead_instance,
    lock_holder,
    until_asked_for_area,
    writes_waiting,
)


async def _post(client: Any, token: str, text: str) -> None:
    response = await client.post(
        "/chat/messages", json={"id": str(uuid.uuid4()), "text": text}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 200, await response.text()


async def _unprocessed(client: Any, conversation_id: int) -> int:
    async with resources(client.app).sessions() as session:
        return (
            await session.execute(
                select(func.count()).where(
                    Message.conversation_id == conversation_id,
                    Message.direction == "in",
                    Message.processed_at.is_(None),
                )
            )
        ).scalar_one()


async def test_a_message_drained_by_a_dead_instance_runs_before_the_later_one(
    make_client: AppFactory, redis: Redis
) -> None:
    first = await make_client(lock_ttl=1.0)
    second = await make_client(lock_ttl=1.0)
    token, conversation_id = await new_session(first)
    socket = await ChatSocket.open(second, token)
    await until_asked_for_area(socket)

    # An instance takes the lock and drains the area answer from the inbox, then dies.
    await hold_lock_as_dead_instance(redis, conversation_id, 30_000)
    await _post(first, token, ADDRESS)
    inbox = redis_keys.conversation_inbox(conversation_id)
    drained = await awaited(redis.lpop(inbox))
    assert isinstance(drained, bytes) and drained.startswith(b"m:")
    # The customer goes on through the other instance.
    await _post(second, token, "对")
    queued = await awaited(redis.lrange(inbox, 0, -1))
    assert len(queued) == 1 and queued != [drained]

    # The dead instance's lock expires; the reconcile cron queues the lost message again, after
    # the later one.
    await redis.delete(redis_keys.conversation_lock(conversation_id))
    for client in (first, second):
        resources(client.app).pipeline.wake(conversation_id)
        await resources(client.app).pipeline.drained()
    await resources(first.app).pipeline.reconcile(grace=dt.timedelta(0))
    await resources(first.app).pipeline.drained()
    await eventually(lambda: _no_unprocessed(first, conversation_id))

    complaint, state, kinds = await complaint_and_kinds(resources(first.app).sessions, conversation_id)
    assert complaint is not None, f"no complaint stored; state {state}, timeline {kinds}"
    assert (complaint.area, complaint.description) == (ADDRESS, DESCRIPTION)
    assert state == "handed_off"
    assert kinds.index("area_received") < kinds.index("restated") < kinds.index("confirmed")
    restatement = await socket.until_bot_says(ADDRESS)
    promise = await socket.until_bot_says("给您明确的答复")
    assert socket.frames.index(restatement) < socket.frames.index(promise)
    await socket.close()


async def _no_unprocessed(client: Any, conversation_id: int) -> bool:
    return await _unprocessed(client, conversation_id) == 0


async def test_a_dead_instances_lock_holds_a_conversation_up_for_its_lifetime_only(
    make_client: AppFactory, redis: Redis
) -> None:
    client = await make_client(lock_ttl=1.0)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")

    await hold_lock_as_dead_instance(redis, conversation_id, 1_000)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await socket.send(DESCRIPTION)
    await socket.until_bot_says("电话", timeout=10)
    assert loop.time() - started < 3
    await socket.close()


async def test_a_slow_batch_keeps_its_lock_alive(make_client: AppFactory, redis: Redis, database_url: str) -> None:
    first = await make_client(lock_ttl=0.5)
    second = await make_client(lock_ttl=0.5)
    token, conversation_id = await new_session(first)
    socket = await ChatSocket.open(first, token)
    await socket.until_bot_says("客服代表")

    # Stored while another holder has the lock; then that holder lets go and this instance's
    # batch waits on the database for several lock lifetimes.
    await hold_lock_as_dead_instance(redis, conversation_id, 60_000)
    await _post(first, token, DESCRIPTION)
    async with writes_waiting(database_url, conversation_id):
        await redis.delete(redis_keys.conversation_lock(conversation_id))

        async def taken() -> bool:
            return await lock_holder(redis, conversation_id) not in (None, DEAD_TOKEN)

        await eventually(taken)
        holder = await lock_holder(redis, conversation_id)
        assert await awaited(redis.llen(redis_keys.conversation_inbox(conversation_id))) == 0
        # Four lock lifetimes: the lock is still the holder's, so the other instance, woken
        # meanwhile, cannot run the conversation beside it.
        for _ in range(8):
            resources(second.app).pipeline.wake(conversation_id)
            await asyncio.sleep(0.25)
            assert await lock_holder(redis, conversation_id) == holder
    await socket.until_bot_says("电话")
    await eventually(lambda: _no_unprocessed(first, conversation_id))
    await eventually(lambda: _lock_free(redis, conversation_id))
    _, state, kinds = await complaint_and_kinds(resources(first.app).sessions, conversation_id)
    assert state == "await_phone"
    assert kinds.count("description_received") == 1
    await socket.close()


async def _lock_free(redis: Redis, conversation_id: int) -> bool:
    return await lock_holder(redis, conversation_id) is None


def _seed_history(session: Session, now: dt.datetime) -> int:
    """A conversation with a long processed history and two messages still to process, among
    others with a backlog of one message each."""
    customer_id, identity_id = store.create_customer_identity(session, ChannelName.WEBCHAT, "history", now)

    def closed_conversation() -> int:
        conversation_id = store.open_conversation(session, customer_id, identity_id, "webchat", "zh-CN", now)
        session.execute(update(Conversation).where(Conversation.id == conversation_id).values(status="closed"))
        return conversation_id

    conversation_ids = [closed_conversation() for _ in range(300)]

    def row(conversation_id: int, index: int, direction: str, processed: bool) -> dict[str, Any]:
        return {
            "conversation_id": conversation_id,
            "channel": "webchat",
            "direction": direction,
            "sender": "customer" if direction == "in" else "bot",
            "kind": "text",
            "text": "历史消息",
            "provider_message_id": f"{conversation_id}:{index}" if direction == "in" else None,
            "created_at": now,
            "processed_at": now if processed and direction == "in" else None,
        }

    target = conversation_ids[0]
    history = [row(target, index, direction, index < 3998) for index in range(4000) for direction in ("in", "out")]
    backlog = [row(conversation_id, 0, "in", False) for conversation_id in conversation_ids[1:]]
    session.execute(insert(Message), history + backlog)
    session.execute(text("ANALYZE"))
    return target


async def test_finding_the_messages_to_process_reads_only_the_unprocessed_ones(database_url: str) -> None:
    database = Database(database_url)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "processed_at IS NULL" in statement:
            captured.append((statement, parameters))

    try:
        now = dt.datetime.now(dt.UTC)
        conversation_id = await database.write(lambda session: _seed_history(session, now))
        target = database.engine.sync_engine if database._writer is None else database._writer
        event.listen(target, "before_cursor_execute", capture)
        try:
            pending = await database.write(lambda session: store.pending_inbound(session, {conversation_id: 10**9}))
        finally:
            event.remove(target, "before_cursor_execute", capture)
        assert [row.text for row in pending[conversation_id]] == ["历史消息", "历史消息"]
        (statement, parameters), = captured
        prefix = "EXPLAIN QUERY PLAN " if database_kind(database_url) == "sqlite" else "EXPLAIN "

        def explain(session: Session) -> str:
            rows = session.connection().exec_driver_sql(prefix + statement, parameters)
            return "\n".join(str(row[-1]) for row in rows)

        plan = await database.write(explain)
    finally:
        await database.dispose()
    assert "ix_messages_inbound_pending" in plan, plan
    assert "Seq Scan" not in plan and "SCAN messages" not in plan, plan
