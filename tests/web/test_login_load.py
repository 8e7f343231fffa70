"""Password hashing never holds up the service: sign-ins are checked off the event loop and away
from the database writer, and an unknown username costs what a known one costs."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from dataclasses import replace
from typing import Any

import pytest

from bot.config import ServiceConfig
from bot.core import redis_keys
from bot.keys import resources
from bot.settings import AuthSettings, PasswordCost, Settings
from bot.staff.accounts import Role
from bot.staff.auth import staff_auth_key
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session, unpaced
from tests.staff import PASSWORD, add_user

UNLIMITED = AuthSettings(
    login_limit_per_user_address=10_000,
    login_limit_per_address=10_000,
    login_limit_per_user=10_000,
    password_hash_queue=10_000,
)
"""The load here is many sign-ins from one address; the limits (and the hashing queue's, except
in its own test) are another test's subject."""
PRODUCTION_COST = PasswordCost()
"""What these tests measure is the cost of hashing, so they hash as production does (the suite's
settings make hashing as cheap as argon2 allows)."""

# Hashing runs away from the database, whichever it is: these seconds of argon2 once are enough.
pytestmark = pytest.mark.one_database


async def sign_in_status(client: Any, username: str, password: str) -> int:
    response = await client.post("/api/login", json={"username": username, "password": password})
    await response.read()
    return response.status


async def test_a_web_chat_send_stays_fast_while_60_anonymous_sign_ins_are_checked(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    # Unpaced: the customer sends as fast as each message is acked.
    client = await make_client(auth=UNLIMITED, password_cost=PRODUCTION_COST, config=unpaced(service_config))
    token, _ = await new_session(client)
    customer = await ChatSocket.open(client, token)
    await customer.until_bot_says("客服代表")

    began = time.perf_counter()
    sign_ins = [asyncio.create_task(sign_in_status(client, f"nobody-{n}", "letmein123")) for n in range(60)]
    latencies: list[float] = []
    while not all(task.done() for task in sign_ins):
        started = time.perf_counter()
        message_id = await customer.send(f"小区电梯坏了 {len(latencies)}")
        await customer.until_acked(message_id)
        latencies.append(time.perf_counter() - started)
    assert await asyncio.gather(*sign_ins) == [401] * 60
    checking = time.perf_counter() - began
    await customer.close()
    assert latencies, "the sign-ins finished before the customer could send"
    # Relative to how long the 60 checks took, so a busy machine slows both sides alike: with
    # hashing on the event loop a send waits for most of the checks.
    assert statistics.median(latencies) < 1.0, latencies
    assert max(latencies) < checking / 3, (checking, latencies)


async def test_an_unknown_username_takes_as_long_as_a_wrong_password(make_client: AppFactory) -> None:
    client = await make_client(auth=UNLIMITED, password_cost=PRODUCTION_COST)
    await add_user(client, "wang", Role.AGENT)

    async def timed(username: str) -> float:
        started = time.perf_counter()
        assert await sign_in_status(client, username, "not the password") == 401
        return time.perf_counter() - started

    known, unknown = [], []
    for n in range(6):
        known.append(await timed("wang"))
        unknown.append(await timed(f"ghost-{n}"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2.0, (known, unknown)
    assert await sign_in_status(client, "wang", PASSWORD) == 200


async def timed_sign_in(client: Any, username: str) -> tuple[int, float, str | None]:
    started = time.perf_counter()
    response = await client.post("/api/login", json={"username": username, "password": "letmein123"})
    body = await response.json()
    assert "error" in body
    return response.status, time.perf_counter() - started, response.headers.get("Retry-After")


async def test_a_burst_beyond_the_hashing_queue_is_told_to_come_back_while_chat_stays_fast(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(
        auth=replace(UNLIMITED, password_hash_threads=1, password_hash_queue=4),
        password_cost=PRODUCTION_COST,
        config=unpaced(service_config),
    )
    token, _ = await new_session(client)
    customer = await ChatSocket.open(client, token)
    await customer.until_bot_says("客服代表")

    sign_ins = [asyncio.create_task(timed_sign_in(client, f"nobody-{n}")) for n in range(60)]
    latencies: list[float] = []
    while not all(task.done() for task in sign_ins):
        started = time.perf_counter()
        message_id = await customer.send(f"小区电梯坏了 {len(latencies)}")
        await customer.until_acked(message_id)
        latencies.append(time.perf_counter() - started)
    answers = await asyncio.gather(*sign_ins)
    await customer.close()

    busy = [answer for answer in answers if answer[0] == 503]
    checked = [answer for answer in answers if answer[0] == 401]
    assert len(busy) + len(checked) == 60, answers
    assert len(checked) >= 5 and len(busy) >= 30, answers  # a thread's one and the queue's four, at least
    assert all(retry_after == "1" for _, _, retry_after in busy)
    assert statistics.median(latencies) < 1.0, latencies
    # Refused for load, not for the password: only the checked ones counted as failures.
    failures = await resources(client.app).redis.get(redis_keys.login_failures("address", "127.0.0.1"))
    assert int(failures) == len(checked)


async def test_a_sign_in_finding_every_hashing_place_taken_is_refused_without_waiting_for_one(
    make_client: AppFactory,
) -> None:
    client = await make_client(
        auth=replace(UNLIMITED, password_hash_threads=1, password_hash_queue=4), password_cost=PRODUCTION_COST
    )
    hashers = client.app[staff_auth_key].hashers
    with contextlib.ExitStack() as held:
        # The thread's place and the queue's four, held until the refusals are in: an answer
        # that waited for a place could not arrive before they are given back.
        assert all(held.enter_context(hashers.place()) for _ in range(5))
        refusals = await asyncio.wait_for(
            asyncio.gather(*(timed_sign_in(client, f"nobody-{n}") for n in range(8))), timeout=30
        )
        assert [(status, retry_after) for status, _, retry_after in refusals] == [(503, "1")] * 8
    status, _, _ = await timed_sign_in(client, "nobody-after")
    assert status == 401


def test_the_hashing_queue_comes_from_the_environment() -> None:
    assert Settings.from_env({}).auth.password_hash_queue == 16
    assert Settings.from_env({"BOT_PASSWORD_HASH_QUEUE": "3"}).auth.password_hash_queue == 3
