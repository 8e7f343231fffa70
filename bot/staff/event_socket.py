"""``GET /api/events``: the staff websocket that pushes staff events to the consoles, live.

Each app instance runs ONE Redis pub/sub listener on ``bot:staff:events`` and forwards every
:class:`~bot.staff.events.StaffEvent` to the staff sockets connected to it that may see it
(audience ``role:<role>``, ``user:<id>``, or none = every signed-in staff member; a ``queue``
event naming a queue only to supervisors, managers and the agents of that queue, and to an agent
watching one of its conversations that they may read, such as their own). A socket keeps
only its user's id and role, and optionally the conversations it watches, so thousands of idle
consoles cost little. Events are hints to refetch: a socket that misses one (reconnecting) loses
nothing but freshness, and the console refetches everything when it reconnects (a socket an
event cannot be written to is closed, so a console that still holds it reconnects). A watch list is
applied after the frame naming it arrives (its conversations' access read first), so the socket
answers each with a ``watching`` frame: the console refetches what those conversations show on
it, and an event told to nobody in between (its socket just opened, a conversation just opened)
is not lost to the page.

A socket lives no longer than its session: the same listener hears every sign-out (and the
rotation of a session by a new sign-in) on ``bot:staff:session-ended`` and closes the sockets of
that session with code 4401, a timer closes each at its session's expiry, and every
``BOT_SESSION_RECHECK_SECONDS`` the instance asks the database which of its sockets' sessions
still hold (a deactivated account, a sign-out notice lost with Redis).

Nor is a socket told more than its account may read now: when a manager takes an agent out of a
queue, the notice on ``bot:staff:access-changed`` (``bot.staff.socket_access``) reaches the
listener before any event published after it; the account's sockets here are told no
conversation, typing, queue or role-addressed event until their access is read again, and then only
those of the conversations and queues it still may read; once read, the socket is sent a bare
``queue`` frame, so its console refetches the queue (a queue the agent was just given shows its
waiting cases at once). The same recheck compares every socket's access with the database's, for a
notice lost with Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import structlog
from aiohttp import WSMsgType, web
from redis.asyncio import Redis

from bot import json_text
from bot.core import redis_keys
from bot.core.clock import utc_now
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.handoff.membership import EVERY_QUEUE_ROLES
from bot.json_text import NotStrictJson
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.auth import COOKIE_NAME, requires, staff_auth_key
from bot.staff.event_socket_limits import REFUSALS, SocketOwner, StaffSocketSlots
from bot.staff.privacy import mask_within
from bot.staff.socket_access import AccessReader, SocketAccess
from bot.storage.store import token_digest
from bot.web.client_address import client_addresses_key
from bot.web.responses import LARGEST_ID, api_error
from bot.web.security_headers import named_upgrade

log = structlog.get_logger(__name__)

HEARTBEAT_SECONDS = 25
MAX_WATCHED = 20
"""A console watches the conversation it shows (and maybe a few more); more is a client bug."""
SESSION_ENDED = 4401
"""Close code of a socket whose session ended: the console asks the user to sign in again."""
UNWRITABLE = 1013
"""Close code of a socket an event could not be written to: the console reconnects (try again
later) and refetches what it shows, rather than the session ending."""
RECHECK_BATCH = 500

StillOpen = Callable[[Collection[str]], Awaitable[set[str]]]


@dataclass(slots=True, eq=False)
class StaffSocket:
    """One connected console: who it is, and which conversations it watches (empty: all)."""

    socket: web.WebSocketResponse
    user_id: int
    role: str
    session: str
    """The session's token digest."""
    expires_at: dt.datetime
    watching: frozenset[int] = field(default_factory=frozenset)
    expiry: asyncio.TimerHandle | None = None
    readable: frozenset[int] = field(default_factory=frozenset)
    """The watched conversations its staff member may read: only these get typing and conversation
    events (issue 15)."""
    access: SocketAccess | None = None
    """The role and queues ``role`` and ``readable`` were read under; None until read (or when the
    read failed)."""
    pending: bool = False
    """Its account's access changed and is being read again: told no conversation, typing or
    role-addressed event meanwhile."""
    reads: int = 0
    """Reads of its access started: only the newest one's answer is kept."""
    greeted: bool = False
    """Its hello is sent: told no event before it (the console reads what changed on its hello)."""

    def may_see(self, event: StaffEvent) -> bool:
        if not self.greeted:
            return False
        if self.pending and (
            event.kind in (StaffEventKind.CONVERSATION, StaffEventKind.TYPING)
            or (event.audience or "").startswith("role:")
            or _names_a_case(event)
        ):
            return False
        if event.kind is StaffEventKind.TYPING:
            return not self.readable.isdisjoint(event.conversation_ids)
        audience = event.audience
        if audience is not None and audience not in (f"role:{self.role}", f"user:{self.user_id}"):
            return False
        if event.kind is StaffEventKind.CONVERSATION and (self.watching or not self.reads_every_conversation):
            # Watching is not reading: an id of another queue's conversation tells nothing of it.
            return not self.readable.isdisjoint(event.conversation_ids)
        if _names_a_case(event) and not self.reads_every_conversation:
            # A queue's changes go to those who see the queue; to an agent of another queue even
            # an id would tell that a case exists there. Its cases the agent watches and may read
            # (their own, from another queue) are told too.
            return self.sees_queue(event.queue) or not self.readable.isdisjoint(event.conversation_ids)
        return True

    @property
    def reads_every_conversation(self) -> bool:
        return self.role in EVERY_QUEUE_ROLES

    def sees_queue(self, queue: str | None) -> bool:
        """Is ``queue`` one of the queues its staff member sees, as last read?"""
        if queue is None or self.access is None:
            return False
        return self.access.queues is None or queue in self.access.queues

    def conversation_ids(self, event: StaffEvent) -> tuple[int, ...]:
        """The event's conversations this socket is told of: of a conversation or typing event,
        or a queue event of a queue not theirs, to an agent, only those it watches and may read
        (even an id tells that a conversation outside the agent's queues is busy)."""
        if self.reads_every_conversation:
            return event.conversation_ids
        if event.kind in (StaffEventKind.CONVERSATION, StaffEventKind.TYPING) or (
            event.kind is StaffEventKind.QUEUE and not self.sees_queue(event.queue)
        ):
            return tuple(cid for cid in event.conversation_ids if cid in self.readable)
        return event.conversation_ids


def _names_a_case(event: StaffEvent) -> bool:
    """A ``queue`` event about a queue or some conversations (not one that only has every console
    refetch, such as a change of who is in which queue)."""
    return event.kind is StaffEventKind.QUEUE and (event.queue is not None or bool(event.conversation_ids))


REFRESH = StaffEvent(StaffEventKind.QUEUE)
"""Sent to a socket once its access is read again after a change: its console refetches the queue
(a queue just given to the agent shows its waiting cases at once; events withheld while the
access was read are made up for)."""


def event_frame(event: StaffEvent) -> str:
    """The websocket frame for an event: ``{"type": kind, "conversation_ids", "queue", "detail"}``."""
    return json.dumps(
        {
            "type": event.kind.value,
            "conversation_ids": list(event.conversation_ids),
            "queue": event.queue,
            "detail": event.detail,
        },
        ensure_ascii=False,
    )


class StaffEventHub:
    """The staff sockets on this instance and the one pub/sub listener that feeds them."""

    def __init__(self, redis: Redis, slots: StaffSocketSlots, reader: AccessReader) -> None:
        self._redis = redis
        self.slots = slots
        """The caps on the sockets open here, taken before the upgrade."""
        self._reader = reader
        self._sockets: set[StaffSocket] = set()
        self._by_session: dict[str, set[StaffSocket]] = {}
        self._closing: set[asyncio.Task[bool]] = set()
        self._rereading: set[asyncio.Task[None]] = set()
        self._listener: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._sockets)

    def __contains__(self, staff: object) -> bool:
        return staff in self._sockets

    async def reread(self, staff: StaffSocket) -> bool:
        """Read the socket's access and which of its watched conversations it may read, now.
        False when its account is turned off or gone (the caller closes it); a read that a newer
        one overtook changes nothing."""
        staff.reads += 1
        this = staff.reads
        try:
            reading = await self._reader.reading(staff.user_id, staff.watching)
        except Exception:  # told of no watched conversation until the next read (the recheck's)
            log.warning("staff_events.access_unknown", exc_info=True)
            if staff.reads == this:
                staff.readable, staff.access = frozenset(), None
            return True
        if staff.reads != this:
            return True
        if reading is None:
            return False
        staff.role, staff.access, staff.readable = reading.access.role, reading.access, reading.readable
        staff.pending = False
        return True

    def access_changed(self, user_id: int) -> int:
        """The account's access changed: its sockets here are told nothing it may no longer read
        from now on, and their access is read again; returns how many."""
        changed = [staff for staff in self._sockets if staff.user_id == user_id]
        for staff in changed:
            self._read_again(staff)
        return len(changed)

    async def recheck_access(self) -> int:
        """Read again the access of the sockets whose account's role, queues or standing differ
        from what they were read under (a notice lost with Redis); returns how many."""
        now = await self._reader.accesses({staff.user_id for staff in self._sockets})
        stale = [staff for staff in self._sockets if staff.access is None or now.get(staff.user_id) != staff.access]
        for staff in stale:
            self._read_again(staff)
        return len(stale)

    def _read_again(self, staff: StaffSocket) -> None:
        # At once, before the next event is forwarded; a read under way now answers for the old access.
        staff.pending, staff.readable = True, frozenset()
        staff.reads += 1

        async def read() -> None:
            if staff not in self._sockets:
                return
            if not await self.reread(staff):
                if staff in self._sockets:
                    self._end(staff)
                return
            if staff in self._sockets and not staff.pending:  # read, and not overtaken by a newer read
                await self._send(staff, event_frame(REFRESH))

        task = asyncio.create_task(read())
        self._rereading.add(task)
        task.add_done_callback(self._rereading.discard)

    def add(self, staff: StaffSocket) -> None:
        """Serve events to this socket until its session ends (closed at its expiry at the latest)."""
        self._sockets.add(staff)
        self._by_session.setdefault(staff.session, set()).add(staff)
        remaining = (staff.expires_at - utc_now()).total_seconds()
        staff.expiry = asyncio.get_running_loop().call_later(max(0.0, remaining), self._end, staff)

    def remove(self, staff: StaffSocket) -> None:
        self._sockets.discard(staff)
        same = self._by_session.get(staff.session)
        if same is not None:
            same.discard(staff)
            if not same:
                del self._by_session[staff.session]
        if staff.expiry is not None:
            staff.expiry.cancel()

    def session_ended(self, session: str) -> int:
        """Close this instance's sockets of the session (by token digest); returns how many."""
        ended = list(self._by_session.get(session, ()))
        for staff in ended:
            self._end(staff)
        return len(ended)

    async def recheck(self, still_open: StillOpen) -> int:
        """Close the sockets whose sessions ``still_open`` no longer lists; returns how many."""
        sessions, closed = list(self._by_session), 0
        for start in range(0, len(sessions), RECHECK_BATCH):
            batch = sessions[start : start + RECHECK_BATCH]
            open_now = await still_open(batch)
            closed += sum(self.session_ended(session) for session in batch if session not in open_now)
        return closed

    def _end(self, staff: StaffSocket, code: int = SESSION_ENDED, message: bytes = b"session ended") -> None:
        self.remove(staff)  # at once, so no further event is sent to it
        closing = asyncio.create_task(staff.socket.close(code=code, message=message))
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)

    async def start(self) -> None:
        """Subscribe; returns once the subscription is in place (events published after are seen)."""
        ready = asyncio.get_running_loop().create_future()
        self._listener = asyncio.create_task(self._listen(ready), name="staff-events-listener")
        await ready

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        for task in list(self._rereading):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def close_all(self) -> None:
        for staff in list(self._sockets):
            self.remove(staff)
            await staff.socket.close(code=1001, message=b"server shutting down")

    async def _listen(self, ready: asyncio.Future[None]) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    # One connection for the three: an event published after an access change
                    # is heard after it.
                    await pubsub.subscribe(
                        redis_keys.STAFF_EVENTS_CHANNEL,
                        redis_keys.STAFF_SESSION_ENDED_CHANNEL,
                        redis_keys.STAFF_ACCESS_CHANGED_CHANNEL,
                    )
                    if not ready.done():
                        ready.set_result(None)
                    async for item in pubsub.listen():
                        if item.get("type") != "message":
                            continue
                        channel = _text(item["channel"])
                        if channel == redis_keys.STAFF_SESSION_ENDED_CHANNEL:
                            self.session_ended(_text(item["data"]))
                        elif channel == redis_keys.STAFF_ACCESS_CHANGED_CHANNEL:
                            self._heard_access_changed(_text(item["data"]))
                        else:
                            await self.forward(item["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("staff_events.listener_failed")
                if not ready.done():
                    ready.set_result(None)
                await asyncio.sleep(1)

    def _heard_access_changed(self, data: str) -> None:
        if not (data.isascii() and data.isdigit()):
            log.warning("staff_events.bad_access_notice", data=data[:40])
            return
        self.access_changed(int(data))

    async def forward(self, data: bytes | str) -> int:
        """Send a published event to every socket here that may see it; returns how many."""
        try:
            event = StaffEvent.from_json(data)
        except (ValueError, KeyError, TypeError):
            log.warning("staff_events.bad_event", data=data[:200])
            return 0
        targets = [staff for staff in self._sockets if staff.may_see(event)]
        if not targets:
            return 0
        # A notification's words (a customer's praise) reach an agent with phones masked whoever
        # owns the conversation now; GET /api/notifications shows them as the conversation does.
        masked = replace(event, detail=mask_within(event.detail)) if event.detail else event
        frames: dict[tuple[bool, tuple[int, ...]], str] = {}

        def frame_for(staff: StaffSocket) -> str:
            key = (staff.role == Role.AGENT, staff.conversation_ids(event))
            if key not in frames:
                frames[key] = event_frame(replace(masked if key[0] else event, conversation_ids=key[1]))
            return frames[key]

        await asyncio.gather(*(self._send(staff, frame_for(staff)) for staff in targets))
        return len(targets)

    async def _send(self, staff: StaffSocket, frame: str) -> None:
        try:
            await staff.socket.send_str(frame)
        except Exception:
            # Told nothing more from here: closed too, so a console that still holds the socket
            # open reconnects and refetches rather than going on deaf (a socket already gone just
            # finishes its handler).
            log.warning("staff_events.send_failed", user_id=staff.user_id, exc_info=True)
            self._end(staff, UNWRITABLE, b"events could not be sent; reconnect")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


staff_hub_key = web.AppKey("staff_event_hub", StaffEventHub)


async def staff_events_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the instance's listener, running as long as the app."""
    shared = resources(app)
    hub = StaffEventHub(shared.redis, StaffSocketSlots(shared.settings.auth), AccessReader(shared.sessions))
    app[staff_hub_key] = hub
    await hub.start()
    yield
    await hub.stop()


async def session_recheck_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx (after the sign-in's): close sockets whose sessions the database no longer holds,
    and read again the access of those whose account's queues or role changed unheard."""
    hub, sessions = app[staff_hub_key], app[staff_auth_key].sessions
    interval = resources(app).settings.auth.session_recheck_seconds

    async def recheck_forever() -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await hub.recheck(sessions.still_open)
                await hub.recheck_access()
            except Exception:
                log.exception("staff_events.recheck_failed")

    task = asyncio.create_task(recheck_forever(), name="staff-sessions-recheck")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def close_staff_sockets(app: web.Application) -> None:
    """on_shutdown: open websockets would otherwise hold the shutdown up."""
    await app[staff_hub_key].close_all()


def _same_origin(request: web.Request) -> bool:
    """Browsers send Origin on websocket requests; refuse pages of other sites (the cookie is
    SameSite=Strict already; this is the belt to those braces)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.host


WATCH_EXPECTED = 'send {"type": "watch", "conversation_ids": [..]}'


def _watch_list(data: str) -> frozenset[int] | str:
    """The conversations a watch frame names; else what to answer the console: the frame read by
    the strict reader of every client's JSON (``bot/json_text.py``), then checked for its shape."""
    try:
        message: Any = json_text.strict_loads(data, "a frame")
    except NotStrictJson as error:
        return f"{error}: {WATCH_EXPECTED}"
    if not isinstance(message, dict) or message.get("type") != "watch":
        return WATCH_EXPECTED
    ids = message.get("conversation_ids")
    if not isinstance(ids, list) or len(ids) > MAX_WATCHED:
        return WATCH_EXPECTED
    if not all(type(cid) is int and 1 <= cid <= LARGEST_ID for cid in ids):
        return WATCH_EXPECTED
    return frozenset(ids)


@requires(Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
async def events_socket(request: web.Request) -> web.StreamResponse:
    """``GET /api/events``: a websocket for signed-in staff (401 without a session).

    Sends ``{"type": "hello", "user": {...}}``, then one frame per staff event the user may see.
    The console may send ``{"type": "watch", "conversation_ids": [40]}`` to receive
    conversation events only for those conversations its user may read (``[]``: all again, for a
    supervisor or manager; an agent hears only of conversations it watches); once the list is
    applied the socket answers ``{"type": "watching", "watching": [40]}``, and the console
    refetches what it shows (an event before that may not have been told). Closed with code 4401
    when the session ends (sign-out, a new sign-in, expiry, the account deactivated). ``429``
    before the upgrade when the session, the user or the client address already holds as many
    sockets here as ``AuthSettings.event_sockets_per_*`` allow.
    """
    if not _same_origin(request):
        raise api_error(403, "the staff event socket only serves this site's consoles")
    hub = request.app[staff_hub_key]
    token, signed_in = request.cookies[COOKIE_NAME], request["signed_in"]
    owner = SocketOwner(token_digest(token), signed_in.user_id, request.app[client_addresses_key].limit_key(request))
    with hub.slots.holding(owner) as full:
        if full is not None:
            raise api_error(429, REFUSALS[full], reason=full.value)
        return await _serve(request, hub, owner)


async def _serve(request: web.Request, hub: StaffEventHub, owner: SocketOwner) -> web.WebSocketResponse:
    socket = named_upgrade(web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=4096, compress=False))
    await socket.prepare(request)
    sessions = request.app[staff_auth_key].sessions
    token, signed_in = request.cookies[COOKIE_NAME], request["signed_in"]
    staff = StaffSocket(socket, signed_in.user_id, signed_in.role, owner.session, signed_in.expires_at)
    hub.add(staff)
    try:
        # A sign-out between the check above and hub.add was not heard here: ask again.
        # The role and queues are read now, not taken from the session's cached copy.
        if await sessions.load(token) is None or not await hub.reread(staff):
            await socket.close(code=SESSION_ENDED, message=b"session ended")
            return socket
        await socket.send_json({"type": "hello", "user": request["staff"]})
        staff.greeted = True
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            watching = _watch_list(message.data)
            if isinstance(watching, str):
                await socket.send_json({"type": "error", "message": watching})
                continue
            staff.watching = watching
            staff.readable &= watching
            if not await hub.reread(staff):
                await socket.close(code=SESSION_ENDED, message=b"session ended")
                break
            # Told of these conversations from now on: what changed before (after the page last
            # read it, or while the list was being read) the page refetches on this answer.
            await socket.send_json({"type": "watching", "watching": sorted(watching)})
    finally:
        hub.remove(staff)
    return socket


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/events", events_socket)
