"""Web chat uploads for the photo tests: the multipart form, the request (whole, stalled half
way, or raw over a socket), a customer whose case an agent has claimed, and decoders kept busy."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import FormData
from sqlalchemy import select

from bot.keys import resources
from bot.media.decoding import Decoding
from bot.staff.accounts import Role
from bot.storage import store
from bot.storage.models import HandoffTicket
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import add_user, sign_in

BOUNDARY = "photo-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def photo_form(
    data: bytes, filename: str = "leak.png", content_type: str = "image/png", client_id: str | None = None
) -> FormData:
    form = FormData()
    if client_id is not None:
        form.add_field("id", client_id)
    form.add_field("file", data, filename=filename, content_type=content_type)
    return form


async def upload(client: Any, token: str, form: FormData) -> Any:
    return await client.post("/chat/media", data=form, headers={"Authorization": f"Bearer {token}"})


async def claimed_case(client: Any, username: str) -> tuple[str, str, int]:
    """A customer handed off to a person and claimed by the new agent ``username``, who stays
    signed in. Returns the agent's CSRF token, the customer's token and the conversation id."""
    await add_user(client, username, Role.AGENT)
    csrf = await sign_in(client, username)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("转人工")
    await socket.until_bot_says("人工")
    await socket.close()
    async with resources(client.app).sessions() as session:
        ticket_id = (await session.execute(select(HandoffTicket.id))).scalar_one()
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    return csrf, token, conversation_id


def multipart_around(data: bytes) -> tuple[bytes, bytes]:
    """What a multipart body with ``data`` in its ``file`` field has before and after it."""
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="leak.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    return head, f"\r\n--{BOUNDARY}--\r\n".encode()


async def stalled_upload(client: Any, token: str, data: bytes, go_on: asyncio.Event, address: str = "") -> Any:
    """An upload that sends half of ``data``, then the rest once ``go_on`` is set (chunked)."""
    head, tail = multipart_around(data)

    async def body() -> AsyncIterator[bytes]:
        yield head + data[: len(data) // 2]
        await go_on.wait()
        yield data[len(data) // 2 :] + tail

    headers = {"Authorization": f"Bearer {token}", "Content-Type": MULTIPART}
    if address:
        headers["X-Forwarded-For"] = address
    return await client.post("/chat/media", data=body(), headers=headers)


async def status_before_the_body_ends(client: Any, token: str, head: bytes, sent: bytes) -> str:
    """The status line the server answers ``POST /chat/media`` with after only the request
    ``head`` (its header lines) and ``sent`` of the body have arrived: the rest never comes."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    try:
        writer.write(
            b"POST /chat/media HTTP/1.1\r\nHost: test\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Type: {MULTIPART}\r\n".encode()
            + head
            + b"\r\n"
            + sent
        )
        await writer.drain()
        return (await asyncio.wait_for(reader.readline(), 10)).decode().strip()
    finally:
        writer.close()


async def identity_of(client: Any, token: str) -> int:
    async with resources(client.app).sessions() as session:
        identity_id = await session.run_sync(store.identity_for_token, token)
    assert identity_id is not None
    return int(identity_id)


@contextlib.asynccontextmanager
async def decoders_busy(decoding: Decoding) -> AsyncIterator[None]:
    """Every decode slot of ``decoding`` taken, until the block ends, by work that waits for it."""
    release = threading.Event()
    held = [asyncio.create_task(decoding.run(lambda _: release.wait(), b"")) for _ in range(decoding.slots)]

    async def all_taken() -> bool:
        return decoding.running == decoding.slots

    try:
        await eventually(all_taken)
        yield
    finally:
        release.set()
        await asyncio.gather(*held)
