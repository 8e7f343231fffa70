"""Staff helpers: accounts, sign-in (through the API, or holding exactly one session cookie),
queue membership, conversation ownership, a handed-off ticket, a claimed conversation, customers
waiting in the queue, the staff event socket (what it watches, and every frame it got up to now),
a watch list held on its way in."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Collection
from typing import Any

import aiohttp
from aiohttp import ClientWebSocketResponse, WSMsgType
from sqlalchemy import select, update

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.keys import resources
from bot.settings import PasswordCost
from bot.staff.accounts import Role, create_user
from bot.staff.auth import staff_auth_key
from bot.staff.event_socket import staff_hub_key
from bot.staff.events import publish
from bot.staff.socket_access import AccessReader, Reading
from bot.storage.models import Conversation, HandoffTicket, User
from tests.helpers import ChatSocket, new_session

PASSWORD = "correct horse battery"


CHEAPEST_PASSWORD_COST = PasswordCost(time_cost=1, memory_kib=8, parallelism=1)
"""argon2's lowest parameters: what tests sign in with unless the cost of hashing is their subject."""


async def password_hash(client: Any, password: str = PASSWORD) -> str:
    """``password`` hashed as the app hashes it (with its configured cost)."""
    return await client.app[staff_auth_key].hashers.hash_new(password)


async def add_user(client: Any, username: str, role: Role) -> None:
    now = resources(client.app).clock()
    hashed = await password_hash(client)
    await resources(client.app).database.write(lambda session: create_user(session, username, hashed, role, now))


async def set_queues(client: Any, username: str, queues: list[str]) -> None:
    """Put an agent in these queues (agents see and claim only their queues' tickets)."""

    def assign(session: Any) -> None:
        session.execute(update(User).where(User.username == username).values(queues=queues))

    await resources(client.app).database.write(assign)


async def set_display_name(client: Any, username: str, display_name: str) -> None:
    """Give the account the name colleagues know it by (王经理)."""

    def name(session: Any) -> None:
        session.execute(update(User).where(User.username == username).values(display_name=display_name))

    await resources(client.app).database.write(name)


async def give_to(client: Any, conversation_id: int, username: str) -> None:
    """Make the agent the conversation's owner (agents read only conversations that are theirs)."""

    def assign(session: Any) -> None:
        user_id = session.execute(select(User.id).where(User.username == username)).scalar_one()
        session.execute(update(Conversation).where(Conversation.id == conversation_id).values(owner=f"agent:{user_id}"))

    await resources(client.app).database.write(assign)


async def sign_in(client: Any, username: str) -> str:
    response = await client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["username"] == username
    return str(body["csrf_token"])


async def handed_off_ticket(client: Any) -> int:
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("转人工")
    await socket.until_bot_says("人工")
    await socket.close()
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(HandoffTicket.id))).scalar_one()


COOKIE = "bot_session"


async def sign_in_with_cookie(client: Any, username: str) -> tuple[str, str]:
    """Signs in from a fresh cookie jar; returns the session token and the CSRF token."""
    client.session.cookie_jar.clear()
    response = await client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status == 200, await response.text()
    return response.cookies[COOKIE].value, (await response.json())["csrf_token"]


async def call_with_cookie(client: Any, token: str, method: str, path: str, csrf: str | None = None) -> int:
    """A request carrying exactly this session cookie (a browser holding it)."""
    headers = {"Cookie": f"{COOKIE}={token}"}
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session,
        session.request(method, client.make_url(path), headers=headers, json={} if method != "GET" else None) as answer,
    ):
        await answer.read()
        return answer.status


Frame = dict[str, Any]


async def frames_until(
    socket: ClientWebSocketResponse, predicate: Callable[[Frame], bool], timeout: float = 10
) -> list[Frame]:
    """Every frame received until one matches ``predicate`` (that one last)."""
    seen: list[Frame] = []

    async def collect() -> None:
        while True:
            message = await socket.receive()
            if message.type is not WSMsgType.TEXT:
                raise AssertionError(f"socket ended: {message.type} {message.data!r}")
            seen.append(json.loads(message.data))
            if predicate(seen[-1]):
                return

    try:
        await asyncio.wait_for(collect(), timeout)
    except TimeoutError as error:
        raise AssertionError(f"timed out; frames so far: {seen}") from error
    return seen


async def staff_socket(client: Any, username: str) -> ClientWebSocketResponse:
    socket = await client.ws_connect("/api/events")
    hello = (await frames_until(socket, lambda frame: True))[0]
    assert hello["type"] == "hello" and hello["user"]["username"] == username
    return socket


async def watch(socket: ClientWebSocketResponse, conversation_ids: list[int]) -> None:
    """The console watches these conversations (as console.js does on opening one)."""
    await socket.send_json({"type": "watch", "conversation_ids": conversation_ids})


async def sockets_reading(client: Any, username: str, conversation_id: int) -> bool:
    """Whether a staff event socket of ``username`` on this instance is told of the conversation
    now: it watches it, and the server has read that its staff member may read it."""
    async with resources(client.app).sessions() as session:
        user_id = (await session.execute(select(User.id).where(User.username == username))).scalar_one()
    return any(
        staff.user_id == user_id and conversation_id in staff.readable and not staff.pending
        for staff in client.app[staff_hub_key]._sockets
    )


async def socket_roles(client: Any, username: str) -> set[str]:
    """The roles the staff event sockets of ``username`` on this instance are told as, as the
    server last read them (sockets whose access is being read again are left out)."""
    async with resources(client.app).sessions() as session:
        user_id = (await session.execute(select(User.id).where(User.username == username))).scalar_one()
    return {
        staff.role for staff in client.app[staff_hub_key]._sockets if staff.user_id == user_id and not staff.pending
    }


def told_of(conversation_id: int, kind: str = "conversation") -> Callable[[Frame], bool]:
    """A frame of this kind naming the conversation (for :func:`frames_until`)."""
    return lambda frame: frame["type"] == kind and conversation_id in frame["conversation_ids"]


async def frames_up_to_now(client: Any, *sockets: ClientWebSocketResponse) -> list[list[Frame]]:
    """Every frame each socket got before an event published now (a rules event, which every
    console is told of: the instances forward events in the order they were published)."""
    # Letters only: an agent's frames have their digit runs masked as phone numbers.
    mark = uuid.uuid4().hex.translate(str.maketrans("0123456789", "ghijklmnop"))
    await publish(resources(client.app).redis, StaffEvent(StaffEventKind.RULES, detail={"mark": mark}))
    return [
        (await frames_until(socket, lambda frame: frame["type"] == "rules" and frame["detail"].get("mark") == mark))[
            :-1
        ]
        for socket in sockets
    ]


async def claimed_conversation(client: Any, username: str) -> tuple[str, int, ChatSocket]:
    """A new agent ``username``, signed in, owning a new webchat conversation handed off to a person.

    Returns the agent's CSRF token, the conversation's id and the customer's open chat socket.
    """
    await add_user(client, username, Role.AGENT)
    csrf = await sign_in(client, username)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("<img src=x onerror=alert(1)> 电梯坏了")
    await socket.until_bot_says("电话")
    await socket.send("转人工")
    await socket.until_bot_says("人工")
    async with resources(client.app).sessions() as session:
        ticket_id = (await session.execute(select(HandoffTicket.id))).scalar_one()
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    return csrf, conversation_id, socket


async def customers_waiting(client: Any, first_words: list[str]) -> list[tuple[int, str]]:
    """One web chat customer per text, who says it and then asks for a person: their
    conversations and chat tokens, in the order they joined the queue."""
    conversations = []
    for words in first_words:
        token, conversation_id = await new_session(client)
        socket = await ChatSocket.open(client, token)
        await socket.until_bot_says("客服代表")
        await _answered(socket, words)
        await socket.send("转人工")
        await socket.until_bot_says("人工")
        await socket.close()
        conversations.append((conversation_id, token))
    return conversations


async def _answered(socket: ChatSocket, text: str) -> None:
    """Send ``text`` and wait for the bot's next message (a customer typing faster is slowed)."""
    before = len(socket.bot_texts())
    await socket.send(text)
    await socket.until(lambda frames: len(socket.bot_texts()) > before)


async def claim_conversation(client: Any, csrf: str, conversation_id: int) -> None:
    """The signed-in staff member claims the conversation's waiting ticket."""
    async with resources(client.app).sessions() as session:
        ticket_id = (
            await session.execute(
                select(HandoffTicket.id).where(
                    HandoffTicket.conversation_id == conversation_id, HandoffTicket.status == "waiting"
                )
            )
        ).scalar_one()
    response = await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})
    assert response.status == 200, await response.text()


async def event_socket_with_cookie(client: Any, token: str) -> tuple[aiohttp.ClientSession, ClientWebSocketResponse]:
    """``GET /api/events`` opened by a browser holding exactly this session cookie, once its hello
    has arrived; the caller closes the session returned with it. Raises ``WSServerHandshakeError``
    when refused."""
    session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
    try:
        socket = await session.ws_connect(client.make_url("/api/events"), headers={"Cookie": f"{COOKIE}={token}"})
        hello = (await frames_until(socket, lambda frame: True))[0]
        assert hello["type"] == "hello", hello
    except BaseException:
        await session.close()
        raise
    return session, socket


class HeldWatchLists(AccessReader):
    """The staff event hub's reader of access, holding the read of any watch list naming one
    conversation until released: the window between a console's watch frame reaching the server
    and the list being applied, as wide as a test needs. Installed by :meth:`install`."""

    def __init__(self, client: Any, conversation_id: int) -> None:
        super().__init__(resources(client.app).sessions)
        self.conversation_id = conversation_id
        self.held = asyncio.Event()
        """Set once a watch list naming the conversation is being held."""
        self.released = asyncio.Event()

    @classmethod
    def install(cls, client: Any, conversation_id: int) -> HeldWatchLists:
        held = cls(client, conversation_id)
        client.app[staff_hub_key]._reader = held
        return held

    async def reading(self, user_id: int, watching: Collection[int]) -> Reading | None:
        if self.conversation_id in watching:
            self.held.set()
            await self.released.wait()
        return await super().reading(user_id, watching)
