"""The staff event socket against floods: a session, a staff member and a client address may each
hold only so many open at once; beyond, the upgrade is refused with ``429`` and a JSON error, and
a console that closes gives its place back."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.settings import AuthSettings
from bot.staff.accounts import Role
from bot.staff.event_socket import staff_hub_key
from tests.conftest import AppFactory
from tests.helpers import eventually
from tests.staff import add_user, event_socket_with_cookie, sign_in_with_cookie

CAPS = AuthSettings(event_sockets_per_session=2, event_sockets_per_user=3, event_sockets_per_address=4)


class Consoles(contextlib.AsyncExitStack):
    async def open(self, client: Any, token: str) -> aiohttp.ClientWebSocketResponse:
        session, socket = await event_socket_with_cookie(client, token)
        self.push_async_callback(session.close)
        self.push_async_callback(socket.close)
        return socket


@contextlib.asynccontextmanager
async def consoles() -> AsyncIterator[Consoles]:
    async with Consoles() as stack:
        yield stack


async def refusal(client: Any, token: str) -> tuple[int, dict[str, str]]:
    """The status and JSON body of a refused ``GET /api/events``."""
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await event_socket_with_cookie(client, token)
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session,
        session.get(client.make_url("/api/events"), headers={"Cookie": f"bot_session={token}"}) as plain,
    ):
        # The same request without the upgrade gets the same refusal, and its body can be read.
        assert plain.status == refused.value.status
        return refused.value.status, await plain.json()


async def test_one_session_holds_only_so_many_sockets_and_gets_a_place_back_when_one_closes(
    make_client: AppFactory,
) -> None:
    client = await make_client(auth=CAPS)
    await add_user(client, "li.agent", Role.AGENT)
    token, _ = await sign_in_with_cookie(client, "li.agent")
    async with consoles() as open_consoles:
        first = await open_consoles.open(client, token)
        await open_consoles.open(client, token)
        status, body = await refusal(client, token)
        assert status == 429
        assert body == {
            "error": "too many open consoles for this sign-in; close one and try again",
            "reason": "too_many_session_sockets",
        }
        await first.close()

        async def given_back() -> bool:
            return len(client.app[staff_hub_key].slots) == 1

        await eventually(given_back)
        await open_consoles.open(client, token)


async def test_one_staff_member_over_several_sign_ins_holds_only_so_many(make_client: AppFactory) -> None:
    client = await make_client(auth=CAPS)
    await add_user(client, "li.agent", Role.AGENT)
    office, _ = await sign_in_with_cookie(client, "li.agent")
    laptop, _ = await sign_in_with_cookie(client, "li.agent")
    async with consoles() as open_consoles:
        for token in (office, office, laptop):
            await open_consoles.open(client, token)
        status, body = await refusal(client, laptop)
        assert status == 429 and body["reason"] == "too_many_user_sockets", body
        assert "this account" in body["error"]


async def test_one_address_holds_only_so_many_over_all_staff(make_client: AppFactory) -> None:
    client = await make_client(auth=CAPS)
    for username in ("li.agent", "wang.agent", "zhou.sup"):
        await add_user(client, username, Role.SUPERVISOR if username == "zhou.sup" else Role.AGENT)
    li, _ = await sign_in_with_cookie(client, "li.agent")
    wang, _ = await sign_in_with_cookie(client, "wang.agent")
    zhou, _ = await sign_in_with_cookie(client, "zhou.sup")
    async with consoles() as open_consoles:
        for token in (li, li, wang, wang):
            await open_consoles.open(client, token)
        status, body = await refusal(client, zhou)
        assert status == 429 and body["reason"] == "too_many_address_sockets", body
