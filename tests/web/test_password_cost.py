"""argon2's cost is a setting: a password hashed with another cost still signs in and is hashed
again with the configured one; a new account's password is hashed away from the database writer,
so customers' messages are stored while it is."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import pytest
from sqlalchemy import select

from bot.keys import resources
from bot.settings import PasswordCost
from bot.staff.accounts import Role, create_user
from bot.staff.auth import staff_auth_key
from bot.staff.passwords import PasswordHashers
from bot.storage.models import User
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import CHEAPEST_PASSWORD_COST, PASSWORD, add_user, sign_in

PRODUCTION_COST = PasswordCost()


async def stored_hash(client: Any, username: str) -> str:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(User.password_hash).where(User.username == username))).scalar_one()


def parameters(password_hash: str) -> str:
    """The ``m=…,t=…,p=…`` part of an argon2 hash."""
    return password_hash.split("$")[3]


@pytest.mark.parametrize(
    ("made_with", "configured"),
    [(PRODUCTION_COST, CHEAPEST_PASSWORD_COST), (CHEAPEST_PASSWORD_COST, PasswordCost(time_cost=2, memory_kib=64))],
)
async def test_a_password_hashed_with_another_cost_signs_in_and_is_hashed_again_with_the_configured_one(
    make_client: AppFactory, made_with: PasswordCost, configured: PasswordCost
) -> None:
    client = await make_client(password_cost=configured)
    other = PasswordHashers(made_with)
    try:
        old_hash = await other.hash_new(PASSWORD)
    finally:
        other.close()
    now = resources(client.app).clock()
    await resources(client.app).database.write(lambda session: create_user(session, "wang", old_hash, Role.AGENT, now))

    wrong = await client.post("/api/login", json={"username": "wang", "password": "not the password"})
    assert wrong.status == 401
    assert await stored_hash(client, "wang") == old_hash  # a wrong password changes nothing

    await sign_in(client, "wang")
    new_hash = await stored_hash(client, "wang")
    expected = f"m={configured.memory_kib},t={configured.time_cost},p={configured.parallelism}"
    assert parameters(old_hash) != expected and parameters(new_hash) == expected
    client.session.cookie_jar.clear()
    await sign_in(client, "wang")
    assert await stored_hash(client, "wang") == new_hash


async def test_a_customers_message_is_stored_while_a_new_accounts_password_is_hashed(
    make_client: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}
    token, _ = await new_session(client)
    customer = await ChatSocket.open(client, token)
    await customer.until_bot_says("客服代表")

    hashers = client.app[staff_auth_key].hashers
    hashing, go_on = asyncio.Event(), asyncio.Event()
    hash_new = hashers.hash_new

    async def held_hash(password: str, names: Iterable[str | None] = (), service: Iterable[str] = ()) -> str:
        hashing.set()
        await go_on.wait()
        return await hash_new(password, names, service)

    monkeypatch.setattr(hashers, "hash_new", held_hash)
    adding = asyncio.create_task(
        client.post("/api/users", json={"username": "zhao", "role": "agent", "password": PASSWORD}, headers=headers)
    )
    await asyncio.wait_for(hashing.wait(), 10)
    message_id = await customer.send("小区电梯坏了")
    await customer.until_acked(message_id)  # stored: the database writer is not waiting for the hash
    assert not adding.done()
    go_on.set()
    assert (await adding).status == 201
    await customer.close()

    client.session.cookie_jar.clear()
    await sign_in(client, "zhao")
    expected = CHEAPEST_PASSWORD_COST
    assert parameters(await stored_hash(client, "zhao")) == (
        f"m={expected.memory_kib},t={expected.time_cost},p={expected.parallelism}"
    )
