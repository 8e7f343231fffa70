"""Password hashing never holds up the service: sign-ins are checked off the event loop and away
from the database writer, and an unknown username costs what a known one costs."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from bot.handoff.accounts import Role
from bot.settings import AuthSettings
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import PASSWORD, add_user

UNLIMITED = AuthSettings(
    login_limit_per_user_address=10_000, login_limit_per_address=10_000, login_limit_per_user=10_000
)
"""The load here is many sign-ins from one address; the limits are another test's subject."""


async def sign_in_status(client: Any, username: str, password: str) -> int:
    response = await client.post("/api/login", json={"username": username, "password": password})
    await response.read()
    return response.status


async def test_a_web_chat_send_stays_fast_while_60_anonymous_sign_ins_are_checked(make_client: AppFactory) -> None:
    client = await make_client(auth=UNLIMITED)
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
    client = await make_client(auth=UNLIMITED)
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
