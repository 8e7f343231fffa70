"""A staff event socket lives no longer than its session: a sign-out on any instance, a new
sign-in replacing the session, its expiry and the account's deactivation close it at once (or
within the recheck interval), and it receives no event after. One the server could not write an
event to is closed too, so its console reconnects rather than going on deaf."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse, WSMsgType
from sqlalchemy import update

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.keys import resources
from bot.settings import AuthSettings
from bot.staff.accounts import Role
from bot.staff.event_socket import SESSION_ENDED, UNWRITABLE, staff_hub_key
from bot.staff.events import publish
from bot.storage.models import User
from tests.conftest import AppFactory
from tests.staff import (
    COOKIE,
    PASSWORD,
    add_user,
    call_with_cookie,
    frames_until,
    sign_in_with_cookie,
    staff_socket,
)


async def close_code(socket: ClientWebSocketResponse, timeout: float) -> int:
    """The code the server closed the socket with; fails on any event frame before it."""
    message = await asyncio.wait_for(socket.receive(), timeout)
    assert message.type is WSMsgType.CLOSE, f"got {message.type} {message.data!r} instead of the close"
    return int(message.data)


async def test_a_sign_out_on_another_instance_closes_the_open_event_socket(make_client: AppFactory) -> None:
    first, second = await make_client(), await make_client()
    await add_user(first, "li.agent", Role.AGENT)
    token, csrf = await sign_in_with_cookie(first, "li.agent")
    socket = await staff_socket(first, "li.agent")

    assert await call_with_cookie(second, token, "POST", "/api/logout", csrf) == 200
    await publish(resources(second.app).redis, StaffEvent(StaffEventKind.RULES))  # must not reach it

    assert await close_code(socket, timeout=2) == SESSION_ENDED
    assert len(first.app[staff_hub_key]) == 0
    assert await call_with_cookie(first, token, "GET", "/api/events") == 401  # nor can it open a new one


async def test_a_new_sign_in_replacing_the_session_closes_its_socket(make_client: AppFactory) -> None:
    first, second = await make_client(), await make_client()
    await add_user(first, "zhao", Role.AGENT)
    old_token, _ = await sign_in_with_cookie(first, "zhao")
    socket = await staff_socket(first, "zhao")
    replaced = await second.post(
        "/api/login", json={"username": "zhao", "password": PASSWORD}, headers={"Cookie": f"{COOKIE}={old_token}"}
    )
    assert replaced.status == 200
    assert await close_code(socket, timeout=2) == SESSION_ENDED


async def test_a_socket_closes_when_its_session_expires(make_client: AppFactory) -> None:
    client = await make_client(auth=AuthSettings(session_max_age=2))
    await add_user(client, "sun", Role.AGENT)
    await sign_in_with_cookie(client, "sun")
    socket = await staff_socket(client, "sun")
    assert await close_code(socket, timeout=5) == SESSION_ENDED


async def test_a_socket_closes_soon_after_its_account_is_deactivated(make_client: AppFactory) -> None:
    client = await make_client(auth=AuthSettings(session_recheck_seconds=0.2))
    await add_user(client, "qian", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    await sign_in_with_cookie(client, "zhou")
    stays = await staff_socket(client, "zhou")
    await sign_in_with_cookie(client, "qian")
    leaves = await staff_socket(client, "qian")

    await _deactivate(client, "qian")

    assert await close_code(leaves, timeout=3) == SESSION_ENDED
    await publish(resources(client.app).redis, StaffEvent(StaffEventKind.RULES))
    message = await asyncio.wait_for(stays.receive(), 3)
    assert message.type is WSMsgType.TEXT and message.json()["type"] == "rules"
    await stays.close()


async def _deactivate(client: Any, username: str) -> None:
    await resources(client.app).database.write(
        lambda session: session.execute(update(User).where(User.username == username).values(active=False))
    )


async def test_a_console_an_event_could_not_be_written_to_is_closed_and_hears_again_on_reconnecting(
    make_client: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in_with_cookie(client, "li.agent")
    console = await staff_socket(client, "li.agent")
    (served,) = client.app[staff_hub_key]._sockets

    async def connection_reset(frame: str) -> None:
        raise ConnectionResetError("Cannot write to closing transport")

    monkeypatch.setattr(served.socket, "send_str", connection_reset)
    await publish(resources(client.app).redis, StaffEvent(StaffEventKind.RULES))

    # Not left open and deaf: closed as one to reconnect, not as a session ended (no sign-in shown).
    assert await close_code(console, timeout=5) == UNWRITABLE
    reconnected = await staff_socket(client, "li.agent")
    await publish(resources(client.app).redis, StaffEvent(StaffEventKind.RULES))
    assert (await frames_until(reconnected, lambda frame: True))[0]["type"] == "rules"
    await reconnected.close()
