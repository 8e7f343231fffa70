"""Test helpers that act as a web chat customer would."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient
from arq.constants import default_queue_name, in_progress_key_prefix
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from bot.config import ServiceConfig, WebchatLimits
from bot.core import redis_keys
from bot.keys import resources
from bot.storage.models import Message, TimelineEvent


def unpaced(config: ServiceConfig) -> ServiceConfig:
    """``config`` without web chat's flood limits: for tests that send faster than any customer
    types (fuzzing one socket, load) rather than about those limits."""
    lifted = WebchatLimits(
        messages_burst=10**6,
        messages_per_minute=10**6,
        messages_burst_per_address=10**6,
        messages_per_minute_per_address=10**6,
        sessions_per_address=10**6,
        characters_per_minute_per_address=10**9,
        sockets_per_session=10**6,
        sockets_per_address=10**6,
        connects_burst=10**6,
        connects_per_minute=10**6,
        socket_frames_burst=10**6,
        socket_frames_per_minute=10**6,
        socket_refusals_burst=10**6,
        socket_refusals_per_minute=10**6,
    )
    channels = config.channels.model_copy(update={"webchat": lifted})
    return config.model_copy(update={"channels": channels})


SYNC_FRAME = {"type": "sync"}
SYNC_ANSWER = {"type": "error", "message": "unknown frame type 'sync'"}


async def new_session(
    client: TestClient[Any, Any], locale: str = "zh-CN", forwarded_for: str | None = None
) -> tuple[str, int]:
    """A new web chat session (from ``forwarded_for``, as a trusted proxy says, when given)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = await client.post("/chat/session", json={"locale": locale}, headers=headers)
    assert response.status == 201, await response.text()
    body = await response.json()
    return body["token"], body["conversation_id"]


WANG_FILES_A_COMPLAINT = "阳光花园3栋的楼道灯坏了一个星期，我是王先生，电话13800138000"
"""A whole complaint in one message, from a customer who says how to address him."""


async def confirmed_complaint(
    client: TestClient[Any, Any], text: str = WANG_FILES_A_COMPLAINT, forwarded_for: str | None = None
) -> tuple[int, ChatSocket]:
    """A new web chat customer who files ``text`` (everything the form needs) and confirms it:
    the conversation, and the socket, open, once the case number has been said (``forwarded_for``:
    the client address, for an app behind a trusted proxy)."""
    token, conversation_id = await new_session(client, forwarded_for=forwarded_for)
    socket = await ChatSocket.open(client, token)
    await socket.send(text)
    await socket.until_bot_says("请问以上内容是否正确")
    await socket.send("对")
    await socket.until_bot_says("您的投诉编号是")
    return conversation_id, socket


class ChatSocket:
    """A customer's websocket: sends messages and collects every frame the server sends."""

    def __init__(self, socket: ClientWebSocketResponse) -> None:
        self.socket = socket
        self.frames: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, client: TestClient[Any, Any], token: str) -> ChatSocket:
        return cls(await client.ws_connect(f"/chat/ws?token={token}"))

    async def send(self, text: str, message_id: str | None = None) -> str:
        message_id = message_id or str(uuid.uuid4())
        await self.socket.send_json({"type": "message", "id": message_id, "text": text})
        return message_id

    async def until(self, predicate: Callable[[list[dict[str, Any]]], bool], timeout: float = 10) -> None:
        async def collect() -> None:
            while not predicate(self.frames):
                message = await self.socket.receive()
                if message.type is not WSMsgType.TEXT:
                    raise AssertionError(f"socket ended: {message.type} {message.data!r}")
                self.frames.append(message.json())

        try:
            await asyncio.wait_for(collect(), timeout)
        except TimeoutError as error:
            raise AssertionError(f"timed out; frames so far: {self.frames}") from error

    async def caught_up(self, timeout: float = 10) -> None:
        """Take every frame the server wrote to this socket before now.

        The server reads a socket's frames one at a time and answers a frame of an unknown type
        with an error on the same socket, after whatever it wrote before; so once that answer is
        here, so is everything before it, and every message sent on it before was stored.
        """
        await self.socket.send_json(SYNC_FRAME)
        await self.until(lambda frames: SYNC_ANSWER in frames, timeout)
        self.frames.remove(SYNC_ANSWER)

    async def collect_for(self, seconds: float) -> None:
        """Take every frame that arrives within ``seconds`` (to show that something did not)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while (left := end - loop.time()) > 0:
            try:
                message = await asyncio.wait_for(self.socket.receive(), left)
            except TimeoutError:
                return
            if message.type is not WSMsgType.TEXT:
                raise AssertionError(f"socket ended: {message.type} {message.data!r}")
            self.frames.append(message.json())

    async def until_bot_says(self, fragment: str, timeout: float = 10) -> dict[str, Any]:
        await self.until(lambda frames: any(self._says(frame, fragment) for frame in frames), timeout)
        return next(frame for frame in self.frames if self._says(frame, fragment))

    async def until_bot_says_anew(self, fragment: str, earlier: int, timeout: float = 10) -> None:
        """Until more than ``earlier`` of the bot's messages hold ``fragment`` (a question asked
        again: the second case's "是否正确")."""
        await self.until(lambda _: self.times_said(fragment) > earlier, timeout)

    def times_said(self, fragment: str) -> int:
        """How many of the bot's messages so far hold ``fragment``."""
        return sum(fragment in text for text in self.bot_texts())

    async def tell(self, exchanges: Sequence[tuple[str, str]]) -> None:
        """Send each text and wait for the bot's answer holding its fragment, said anew."""
        for text, answer in exchanges:
            earlier = self.times_said(answer)
            await self.send(text)
            await self.until_bot_says_anew(answer, earlier)

    async def until_acked(self, message_id: str, timeout: float = 10) -> None:
        await self.until(lambda frames: any(f == {"type": "ack", "id": message_id} for f in frames), timeout)

    @staticmethod
    def _says(frame: dict[str, Any], fragment: str) -> bool:
        return frame.get("type") == "message" and frame.get("from") == "bot" and fragment in frame["text"]

    def bot_texts(self) -> list[str]:
        return [f["text"] for f in self.frames if f.get("type") == "message" and f.get("from") == "bot"]

    def told_texts(self) -> list[str]:
        """What the service told the customer: the bot's messages and its own (a reopened case's
        new time, an extension), not the agents'."""
        return [f["text"] for f in self.frames if f.get("type") == "message" and f.get("from") in ("bot", "system")]

    async def until_told(self, fragment: str, timeout: float = 10) -> None:
        """Until the bot or the service itself has said ``fragment``."""
        await self.until(lambda _: any(fragment in text for text in self.told_texts()), timeout)

    async def close(self) -> None:
        await self.socket.close()

    def drop(self) -> None:
        """Lose the connection without a close frame, as a phone leaving coverage does."""
        self.socket._writer.transport.abort()


async def greeted_customer(client: TestClient[Any, Any]) -> tuple[ChatSocket, int]:
    """A new web chat customer with their socket open and the greeting heard; and their
    conversation's id."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    return socket, conversation_id


OLD_REPLY = "早先的回复"
"""The text, then a number, of the bot messages :func:`stored_replies` adds."""


async def stored_replies(client: TestClient[Any, Any], conversation_id: int, count: int) -> list[int]:
    """``count`` bot messages stored in the conversation without going out on any socket, as if
    sent while the customer was away; their ids, oldest first."""
    now = resources(client.app).clock()
    rows = [
        {
            "conversation_id": conversation_id,
            "channel": "webchat",
            "direction": "out",
            "sender": "bot",
            "kind": "text",
            "text": f"{OLD_REPLY}{number}",
            "created_at": now,
        }
        for number in range(count)
    ]

    def store(session: Session) -> list[int]:
        session.execute(insert(Message), rows)
        added = select(Message.id).where(Message.conversation_id == conversation_id, Message.text.startswith(OLD_REPLY))
        return list(session.execute(added.order_by(Message.id)).scalars())

    return await resources(client.app).database.write(store)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10, interval: float = 0.05) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(interval)


class SentTexts(Protocol):
    """A fake provider API that keeps the texts the bot sent through it."""

    def texts(self) -> list[str]: ...


async def sent_containing(api: SentTexts, fragment: str) -> list[str]:
    """Every text sent through ``api``, once one of them holds ``fragment``."""

    async def found() -> bool:
        return any(fragment in text for text in api.texts())

    try:
        await eventually(found, timeout=15)
    except AssertionError:
        raise AssertionError(f"waiting for {fragment!r}; sent: {api.texts()}") from None
    return api.texts()


async def timeline_kinds(client: TestClient[Any, Any], conversation_id: int) -> list[str]:
    """The kinds of a conversation's timeline rows, oldest first."""
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(TimelineEvent.kind)
            .where(TimelineEvent.conversation_id == conversation_id)
            .order_by(TimelineEvent.id)
        )
        return list(rows.scalars())


_HELD_KEYS = (
    redis_keys.conversation_inbox(0).replace(":0:", ":*:"),
    redis_keys.conversation_lock(0).replace(":0:", ":*:"),
    redis_keys.delivery_lock(0).replace(":0:", ":*:"),
)
"""Keys that exist only while work is waiting or running: a conversation's events not yet run (an
empty list is no key), a batch or a delivery job holding a conversation."""

_CRON_JOB = "cron:"
"""How the ids of arq's cron jobs begin: one is queued up to a second before it is due, which is
time passing, not work the test started."""

# One atomic look at everything in Redis that says work is waiting or running, so nothing moving
# from one stage to the next (a job pushing a conversation's events, a retry put back in the
# queue) is seen in neither. KEYS: the arq queue, the due timers. ARGV: whether an instance runs
# the worker (1/0), now (ms), the timers' now (the app clock, s), arq's in-progress key prefix,
# the cron jobs' id prefix, then the held keys' patterns.
_BUSY = """
local busy = {}
for i = 6, #ARGV do
  for _, key in ipairs(redis.call('keys', ARGV[i])) do busy[#busy + 1] = key end
end
local running = ARGV[4]
for _, key in ipairs(redis.call('keys', running .. '*')) do
  if redis.call('zscore', KEYS[1], string.sub(key, #running + 1)) then busy[#busy + 1] = key end
end
if ARGV[1] == '1' then
  local cron = ARGV[5]
  local queued = redis.call('zrange', KEYS[1], 0, -1, 'WITHSCORES')
  for i = 1, #queued, 2 do
    local job, due = queued[i], tonumber(queued[i + 1]) <= tonumber(ARGV[2])
    if due or string.sub(job, 1, #cron) ~= cron then
      busy[#busy + 1] = KEYS[1] .. ' ' .. job .. (due and ' (due)' or ' (deferred)')
    end
  end
  if redis.call('zcount', KEYS[2], '-inf', ARGV[3]) > 0 then busy[#busy + 1] = KEYS[2] .. ' (timers due)' end
end
return busy
"""


async def settled(*clients: TestClient[Any, Any], sockets: Sequence[ChatSocket] = (), timeout: float = 10) -> None:
    """Wait until nothing the test started can still happen on these app instances.

    Every instance's pipeline has stored and run what it took and handed the results to the
    gateway (web chat frames are on this instance's sockets and published to the others; provider
    messages are arq jobs; timers are armed); no conversation has events waiting or is held by a
    batch or a delivery; no arq job is running; and on an instance with the in-process worker, no
    job is queued (a retry waiting out its backoff included: the worker runs it in real time) and
    no timer is due. What may still come waits for the app's clock to move (a timer not yet due),
    for a cron job's time or for a worker the test has not run. Raises AssertionError naming what
    is still busy.

    ``sockets`` are caught up before (so the server has taken every message they sent) and after
    (so they hold every frame the server wrote to them). A frame another instance published may
    still be on its way through Redis to a socket on this one.
    """
    assert clients, "settled() needs the app instances the test started"
    for socket in sockets:
        await socket.caught_up(timeout)
    await _until_settled(clients, timeout)
    for socket in sockets:
        await socket.caught_up(timeout)


async def _until_settled(clients: tuple[TestClient[Any, Any], ...], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    quiet = 0
    while True:
        for client in clients:
            if not await resources(client.app).pipeline.drained(timeout=max(deadline - loop.time(), 0)):
                raise AssertionError(f"the pipeline of {resources(client.app).settings.instance_id} is still busy")
        busy = await _busy(clients)
        # Checked again after the Redis read: a pipeline woken meanwhile has work again.
        if not busy and all([await resources(client.app).pipeline.drained(timeout=0) for client in clients]):
            # Quiet twice in a row: work between two stages no look can see (a timer the pump has
            # taken and not yet queued, a batch's replies between its lock and their job) is seen
            # by the other look.
            quiet += 1
            if quiet == 2:
                return
        else:
            quiet = 0
        if loop.time() > deadline:
            raise AssertionError(f"not settled within {timeout} s: {busy or 'a pipeline busy again'}")
        await asyncio.sleep(0.01)


async def _busy(clients: tuple[TestClient[Any, Any], ...]) -> list[str]:
    redis = resources(clients[0].app).redis
    working = [resources(client.app) for client in clients if resources(client.app).settings.in_process_worker]
    timers_now = max((shared.clock().timestamp() for shared in working), default=0.0)
    found = await redis.register_script(_BUSY)(
        keys=[default_queue_name, redis_keys.DUE_TIMERS],
        args=["1" if working else "0", time.time() * 1000, timers_now, in_progress_key_prefix, _CRON_JOB, *_HELD_KEYS],
    )
    return [item.decode() if isinstance(item, bytes) else str(item) for item in found]


@contextmanager
def captured_statements() -> Iterator[list[tuple[str, Any]]]:
    """Every statement any engine sends to its database meanwhile, with its (first) parameters."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if many and parameters and isinstance(parameters[0], (tuple, list, dict)):
            parameters = parameters[0]
        seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", capture)
