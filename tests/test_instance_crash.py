"""An app instance killed with SIGKILL right after it drained a customer's message.

Two real ``python -m bot run`` processes share the test database and Redis. Instance A takes
the conversation's lock and drains the customer's area answer, and is killed while its
processing transaction waits on the database. The customer goes on through instance B: the
conversation waits only for the dead instance's lock to expire, and the lost answer still runs
before the later "yes".
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.core import redis_keys
from bot.core.redis_replies import awaited
from bot.settings import Settings
from bot.storage.db import create_engine, session_factory
from tests.helpers import ChatSocket, eventually
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
from tests.processes import Instance, logs, product_env, start_all

LOCK_TTL = Settings().lock_ttl  # the shipped default


@pytest.fixture
async def instances(database_url: str, redis_url: str, redis: Redis, tmp_path: Path) -> AsyncIterator[list[Instance]]:
    env = product_env(database_url, redis_url, tmp_path / "var")
    started = await start_all(*(Instance.start(env, tmp_path / f"app-{name}.log") for name in "ab"))
    yield started
    for instance in started:
        await instance.stop()


@pytest.mark.slow
async def test_a_killed_instances_message_runs_in_order_after_a_short_stall(
    instances: list[Instance], redis: Redis, database_url: str
) -> None:
    doomed, survivor = instances
    engine = create_engine(database_url)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{survivor.base}/chat/session", json={}) as response:
            assert response.status == 201
            session = await response.json()
        token, conversation_id = session["token"], session["conversation_id"]
        socket = ChatSocket(await http.ws_connect(f"{survivor.base}/chat/ws?token={token}"))
        try:
            await until_asked_for_area(socket)

            # The area answer reaches the doomed instance while someone else holds the lock, so
            # it is stored first; then the database makes processing wait, the lock comes free,
            # and the doomed instance takes it and drains the answer.
            await hold_lock_as_dead_instance(redis, conversation_id, 60_000)
            async with http.post(
                f"{doomed.base}/chat/messages",
                json={"id": str(uuid.uuid4()), "text": ADDRESS},
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                assert response.status == 200, await response.text()
            async with writes_waiting(database_url, conversation_id):
                await redis.delete(redis_keys.conversation_lock(conversation_id))

                async def drained_by_the_doomed_instance() -> bool:
                    holder = await lock_holder(redis, conversation_id)
                    inbox = await awaited(redis.llen(redis_keys.conversation_inbox(conversation_id)))
                    return holder not in (None, DEAD_TOKEN) and inbox == 0

                try:
                    await eventually(drained_by_the_doomed_instance, timeout=LOCK_TTL + 10)
                except AssertionError:
                    raise AssertionError(f"the doomed instance never took the lock\n{logs(instances)}") from None
                await doomed.kill()

            loop = asyncio.get_running_loop()
            sent = loop.time()
            await socket.send("对")
            try:
                promise = await socket.until_bot_says("给您明确的答复", timeout=40)
            except AssertionError:
                raise AssertionError(f"no promise\n{logs(instances)}") from None
            stall = loop.time() - sent
            restatement = await socket.until_bot_says(ADDRESS)
        finally:
            await socket.close()

    complaint, state, kinds = await complaint_and_kinds(session_factory(engine), conversation_id)
    await engine.dispose()
    assert complaint is not None, f"no complaint; state {state}, timeline {kinds}"
    assert (complaint.area, complaint.description) == (ADDRESS, DESCRIPTION)
    assert kinds.index("area_received") < kinds.index("confirmed")
    assert socket.frames.index(restatement) < socket.frames.index(promise)
    # The dead instance's lock had at most LOCK_TTL left when it died.
    assert stall < LOCK_TTL + 3, f"stalled {stall:.1f} s"
