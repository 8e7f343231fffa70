"""Web chat: JSON frames over a websocket (or HTTP), and the sockets connected to this process.

The adapter parses client frames into :class:`InboundMessage`s and renders stored messages as
server frames. It keeps no conversation state and touches no storage.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from aiohttp import web

from bot import json_text
from bot.channels.text_input import TextRejected, check_text
from bot.channels.webchat.heartbeat import SocketHeartbeat
from bot.core.messages import ChannelName, InboundMessage, Option, Sender
from bot.json_text import NotStrictJson


class FrameError(ValueError):
    """A client frame that cannot be accepted; the message says why, for the client."""


def client_message_id(raw_id: object) -> str:
    if not isinstance(raw_id, str):
        raise FrameError("'id' must be a string (a client-generated UUID)")
    try:
        return str(uuid.UUID(raw_id))
    except ValueError as error:
        raise FrameError("'id' must be a UUID") from error


def parse_message(
    payload: Any, identity_id: int, now: dt.datetime, locale: str | None = None, *, max_chars: int
) -> InboundMessage:
    """Turn ``{"type": "message", "id": …, "text": …}`` into an inbound message.

    The provider message id is scoped to the identity, so one customer's ids never collide
    with another's. Raises :class:`FrameError` saying what is wrong, e.g. text that is blank,
    longer than ``max_chars`` or holds characters that cannot be stored (``bot/channels/text_input.py``).
    """
    if not isinstance(payload, dict):
        raise FrameError("a frame must be a JSON object")
    if payload.get("type", "message") != "message":
        raise FrameError(f"unknown frame type {payload.get('type')!r}")
    message_id = client_message_id(payload.get("id"))
    try:
        text = check_text(payload.get("text"), max_chars)
    except TextRejected as error:
        raise FrameError(str(error)) from error
    return InboundMessage(
        channel=ChannelName.WEBCHAT,
        sender_id=str(identity_id),
        provider_message_id=f"{identity_id}:{message_id}",
        text=text,
        sent_at=now,
        locale=locale,
    )


def parse_frame(
    raw: str, identity_id: int, now: dt.datetime, locale: str | None = None, *, max_chars: int
) -> InboundMessage:
    """A client frame read by the one strict reader HTTP bodies have too (``bot/json_text.py``):
    :class:`FrameError` for text it refuses (NaN, ``1e999999``, a name twice, an integer of
    thousands of digits, deep nesting), as for a frame of the wrong shape."""
    try:
        payload = json_text.strict_loads(raw, "a frame")
    except NotStrictJson as error:
        raise FrameError(str(error)) from error
    return parse_message(payload, identity_id, now, locale, max_chars=max_chars)


def message_frame(
    message_id: int,
    sender: Sender | str,
    text: str,
    created_at: dt.datetime,
    provider_message_id: str | None = None,
    options: Sequence[Option] = (),
    media: Sequence[str] = (),
    closes: bool = False,
) -> dict[str, Any]:
    """The server frame for one stored message; ``options`` become the widget's quick replies
    (``{"label", "value"}``: a click sends the value as the customer's message), ``media`` (photo
    ids) the links of its photos; ``closes`` (``"closes": true``) marks the message that ended the
    conversation, after which the widget shows that it is over."""
    client_id = provider_message_id.split(":", 1)[1] if provider_message_id and ":" in provider_message_id else None
    frame: dict[str, Any] = {
        "type": "message",
        "id": str(message_id),
        "from": Sender(sender).value,
        "text": text,
        "ts": created_at.isoformat(),
        "client_id": client_id,
    }
    if options:
        frame["options"] = [{"label": option.label, "value": option.value} for option in options]
    if media:
        frame["media"] = [media_links(media_id) for media_id in media]
    if closes:
        frame["closes"] = True
    return frame


def media_links(media_id: str) -> dict[str, str]:
    """Where a photo and its thumbnail are served (``bot/media/routes.py``)."""
    return {"id": media_id, "url": f"/media/{media_id}", "thumb": f"/media/{media_id}/thumb"}


class WebchatHub:
    """The web chat sockets open on this process, by customer identity."""

    def __init__(self) -> None:
        # A tuple, not a (weak) set: usually one socket per customer, and a tuple of one costs a
        # fifth of a set's memory (every idle connection counts). The handler always removes it.
        self._sockets: dict[int, tuple[web.WebSocketResponse, ...]] = {}
        self.heartbeat = SocketHeartbeat(self.sockets)

    def add(self, identity_id: int, socket: web.WebSocketResponse) -> None:
        self._sockets[identity_id] = (*self._sockets.get(identity_id, ()), socket)

    def remove(self, identity_id: int, socket: web.WebSocketResponse) -> None:
        remaining = tuple(kept for kept in self._sockets.get(identity_id, ()) if kept is not socket)
        if remaining:
            self._sockets[identity_id] = remaining
        else:
            self._sockets.pop(identity_id, None)

    def sockets(self) -> Iterator[web.WebSocketResponse]:
        for sockets in self._sockets.values():
            yield from sockets

    def has(self, identity_id: int) -> bool:
        return bool(self._sockets.get(identity_id))

    async def send(self, identity_id: int, frame: dict[str, Any]) -> None:
        await self.send_text(identity_id, json.dumps(frame, ensure_ascii=False))

    async def send_text(self, identity_id: int, text: str) -> None:
        """Send an already encoded frame to every socket of the identity on this process."""
        for socket in self._sockets.get(identity_id, ()):  # a tuple: removals below replace it, not change it
            if socket.closed:
                continue
            try:
                await socket.send_str(text)
            except (ConnectionError, RuntimeError):
                self.remove(identity_id, socket)

    async def close_all(self) -> None:
        for sockets in list(self._sockets.values()):
            for socket in sockets:
                await socket.close(code=1001, message=b"server shutting down")
        self._sockets.clear()

    def __len__(self) -> int:
        return sum(len(sockets) for sockets in self._sockets.values())
