"""Photo uploads cannot take the process's memory or another customer's turn: too large is refused
before the body is read, not an image (or too large once decoded) before a decode slot is waited
for, one customer or address sends a few photos at once, and the wait for a decode is bounded."""

from __future__ import annotations

import asyncio
import io
import os
import time
import uuid
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from bot.channels.webchat.routes import PHOTO_IN_FLIGHT, PHOTOS_BUSY, flood_guards_key
from bot.config import ChannelsConfig, ServiceConfig, WebchatLimits
from bot.keys import resources
from bot.settings import AuthSettings
from bot.storage.models import Media, Message
from tests.conftest import AppFactory
from tests.helpers import eventually, new_session
from tests.media.images import photo
from tests.media.uploads import (
    decoders_busy,
    identity_of,
    multipart_around,
    photo_form,
    stalled_upload,
    status_before_the_body_ends,
    upload,
)

LONG_WAIT = 60.0
"""A decode wait no test sits out: an upload answered well within it never queued."""


async def _count(client: Any, statement: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(statement)).scalar_one())


def _png(size: tuple[int, int], mode: str) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


async def test_junk_with_a_png_header_is_refused_at_once_while_every_decoder_is_busy(
    make_client: AppFactory,
) -> None:
    client = await make_client(image_decode_wait_seconds=LONG_WAIT)
    token, _ = await new_session(client)
    decoding = resources(client.app).image_decoding
    junk = b"\x89PNG\r\n\x1a\n" + os.urandom(9 * 1024 * 1024)
    async with decoders_busy(decoding):
        started = time.monotonic()
        refused = await upload(client, token, photo_form(junk))
        assert refused.status == 415
        assert time.monotonic() - started < LONG_WAIT / 4
        assert decoding.waiting == 0  # it never took a place in the queue
    assert await _count(client, select(func.count()).select_from(Media)) == 0


@pytest.mark.parametrize(
    ("size", "mode"),
    [((10_000, 10_000), "1"), ((7_000, 5_700), "RGBA")],
    ids=["100-megapixels", "160-MB-decoded"],
)
async def test_a_decompression_bomb_is_refused_by_its_header_without_a_decoder(
    make_client: AppFactory, size: tuple[int, int], mode: str
) -> None:
    client = await make_client(image_decode_wait_seconds=LONG_WAIT)
    token, _ = await new_session(client)
    bomb = _png(size, mode)
    assert len(bomb) < 200_000
    decoding = resources(client.app).image_decoding
    async with decoders_busy(decoding):  # a decode would wait for one of these, and be answered 503
        refused = await upload(client, token, photo_form(bomb))
        assert refused.status == 415
        assert decoding.waiting == 0
    assert await _count(client, select(func.count()).select_from(Media)) == 0


async def test_a_second_photo_of_a_customer_still_sending_one_gets_429_and_another_customer_is_served(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    first, _ = await new_session(client)
    other, _ = await new_session(client)
    photos = client.app[flood_guards_key].photos
    go_on = asyncio.Event()
    sending = asyncio.create_task(stalled_upload(client, first, photo(), go_on))
    identity = await identity_of(client, first)

    async def under_way() -> bool:
        return photos.in_flight(identity) == 1

    try:
        await eventually(under_way)
        refused = await upload(client, first, photo_form(photo()))
        assert refused.status == 429
        assert await refused.json() == {"error": PHOTO_IN_FLIGHT}
        assert int(refused.headers["Retry-After"]) >= 1
        served = await upload(client, other, photo_form(photo()))
        assert served.status == 200, await served.text()
    finally:
        go_on.set()
    assert (await sending).status == 200
    assert photos.in_flight(identity) == 0
    # Sent again once the first has gone, it is taken.
    assert (await upload(client, first, photo_form(photo()))).status == 200
    assert await _count(client, select(func.count()).where(Message.kind == "image")) == 3


@pytest.mark.parametrize(
    ("flooders", "customer"),
    [
        (["203.0.113.7"] * 3, "198.51.100.20"),
        # An IPv6 client is its /64: each upload from another address of it is still the same client.
        (["2001:db8:7:1::1", "2001:db8:7:1::2", "2001:db8:7:1:ffff::3"], "2001:db8:7:2::1"),
    ],
    ids=["ipv4", "ipv6-slash-64"],
)
async def test_one_address_sending_photos_from_many_sessions_does_not_hold_up_another_address(
    make_client: AppFactory, service_config: ServiceConfig, flooders: list[str], customer: str
) -> None:
    limits = WebchatLimits(photos_at_once_per_address=2)
    channels = service_config.channels.model_copy(update={"webchat": limits})
    client = await make_client(
        config=service_config.model_copy(update={"channels": channels}),
        auth=AuthSettings(trusted_proxies=("127.0.0.1/32",)),
    )
    tokens = [(await new_session(client))[0] for _ in range(4)]
    go_on = asyncio.Event()
    sending = [
        asyncio.create_task(stalled_upload(client, token, photo(), go_on, flooder))
        for token, flooder in zip(tokens[:2], flooders, strict=False)
    ]
    photos = client.app[flood_guards_key].photos
    identities = [await identity_of(client, token) for token in tokens[:2]]

    async def under_way() -> bool:
        return all(photos.in_flight(identity) == 1 for identity in identities)

    try:
        await eventually(under_way)
        headers = {"Authorization": f"Bearer {tokens[2]}", "X-Forwarded-For": flooders[2]}
        refused = await client.post("/chat/media", data=photo_form(photo()), headers=headers)
        assert refused.status == 429
        headers = {"Authorization": f"Bearer {tokens[3]}", "X-Forwarded-For": customer}
        served = await client.post("/chat/media", data=photo_form(photo()), headers=headers)
        assert served.status == 200, await served.text()
    finally:
        go_on.set()
    assert [(await task).status for task in sending] == [200, 200]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_an_upload_over_the_size_limit_is_refused_before_its_body_is_read_whole(
    make_client: AppFactory, service_config: ServiceConfig, framing: str
) -> None:
    limit = 100_000
    channels = ChannelsConfig(max_media_bytes=limit)
    client = await make_client(config=service_config.model_copy(update={"channels": channels}))
    token, _ = await new_session(client)
    if framing == "content-length":
        # Announced far beyond the limit, and not a byte of it sent.
        status = await status_before_the_body_ends(client, token, f"Content-Length: {20 * limit}\r\n".encode(), b"")
    else:
        # No length announced: the file part goes past the limit (by the multipart reader's
        # look-ahead of one 64 KiB chunk), and the body has not ended.
        data = photo("PNG", (64, 64))
        data += b"\0" * (limit + 2 * 64 * 1024 - len(data))
        head, _ = multipart_around(data)
        chunk = head + data
        sent = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        status = await status_before_the_body_ends(client, token, b"Transfer-Encoding: chunked\r\n", sent)
    assert status.startswith("HTTP/1.1 413")
    assert await _count(client, select(func.count()).select_from(Media)) == 0


async def test_the_wait_for_a_decoder_is_bounded_and_the_queue_is_short(make_client: AppFactory) -> None:
    client = await make_client(image_decode_queue=1, image_decode_wait_seconds=LONG_WAIT)
    first, _ = await new_session(client)
    second, _ = await new_session(client)
    decoding = resources(client.app).image_decoding
    async with decoders_busy(decoding):
        client_id = str(uuid.uuid4())
        queued = asyncio.create_task(upload(client, first, photo_form(photo(), client_id=client_id)))

        async def in_the_queue() -> bool:
            return decoding.waiting == 1

        await eventually(in_the_queue)
        # The queue is full: refused at once, before the upload is read (no photo held for it).
        refused = await upload(client, second, photo_form(photo()))
        assert refused.status == 503
        assert await refused.json() == {"error": PHOTOS_BUSY}
        assert int(refused.headers["Retry-After"]) == LONG_WAIT
        assert not queued.done()
    # The photo in the queue is decoded once a slot is free.
    assert (await queued).status == 200
    assert (await upload(client, second, photo_form(photo()))).status == 200


async def test_a_photo_that_waits_too_long_for_a_decoder_is_told_when_to_come_back(make_client: AppFactory) -> None:
    client = await make_client(image_decode_wait_seconds=0.3)
    token, _ = await new_session(client)
    decoding = resources(client.app).image_decoding
    client_id = str(uuid.uuid4())
    async with decoders_busy(decoding):
        refused = await upload(client, token, photo_form(photo(), client_id=client_id))
        assert refused.status == 503
        assert await refused.json() == {"error": PHOTOS_BUSY, "id": client_id}
        assert refused.headers["Retry-After"] == "1"
        assert decoding.waiting == 0
    assert await _count(client, select(func.count()).select_from(Media)) == 0
    # Sent again with the same id, it is stored once.
    assert (await upload(client, token, photo_form(photo(), client_id=client_id))).status == 200
    assert await _count(client, select(func.count()).where(Message.kind == "image")) == 1
