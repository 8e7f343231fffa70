"""A web chat customer sends a photo; the agent who may read the conversation sees and opens it."""

from __future__ import annotations

import io
import random
import uuid
from typing import Any

from PIL import Image
from sqlalchemy import func, select

from bot.channels.webchat.routes import NOT_STORED
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Media, Message
from tests.conftest import AppFactory
from tests.helpers import new_session
from tests.media.images import photo
from tests.media.uploads import claimed_case, photo_form, upload
from tests.order_helpers import messages_locked
from tests.staff import add_user, set_queues, sign_in


async def _count(client: Any, statement: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(statement)).scalar_one())


async def test_an_uploaded_photo_reaches_the_agent_who_can_open_it(make_client: AppFactory) -> None:
    client = await make_client()
    _, token, conversation_id = await claimed_case(client, "li.agent")
    response = await upload(client, token, photo_form(photo("JPEG"), "leak.jpg", "image/jpeg"))
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["type"] == "ack" and len(body["media"]) == 1
    media = body["media"][0]

    conversation = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    images = [message for message in conversation["messages"] if message["media"]]
    assert len(images) == 1 and images[0]["kind"] == "image" and images[0]["text"] == "[image]"
    assert images[0]["media"][0]["id"] == media["id"]

    full = await client.get(media["url"])
    assert full.status == 200
    assert full.headers["Content-Type"] == "image/jpeg"
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert full.headers["Content-Disposition"] == f'inline; filename="photo-{media["id"]}.jpg"'
    assert Image.open(io.BytesIO(await full.read())).size == (640, 480)
    thumb = await client.get(media["thumb"])
    assert thumb.status == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(await thumb.read())).size) <= 320

    # The bytes are in the media directory, not in the database.
    stored = list(resources(client.app).settings.media_root.rglob(media["id"]))
    assert len(stored) == 1 and stored[0].stat().st_size > 0

    # The customer who sent it opens it with their token, and sees it in their history.
    client.session.cookie_jar.clear()
    mine = await client.get(media["url"], headers={"Authorization": f"Bearer {token}"})
    assert mine.status == 200
    assert (await client.get(media["url"])).status == 404  # no token, no staff session
    history = await (await client.get("/chat/messages", headers={"Authorization": f"Bearer {token}"})).json()
    assert [frame["media"] for frame in history["messages"] if "media" in frame] == [[media]]


async def test_another_customer_and_an_agent_without_access_get_404(make_client: AppFactory) -> None:
    client = await make_client()
    _, token, conversation_id = await claimed_case(client, "li.agent")
    media = (await (await upload(client, token, photo_form(photo()))).json())["media"][0]
    other_token, _ = await new_session(client)

    client.session.cookie_jar.clear()
    for path in (media["url"], media["thumb"]):
        refused = await client.get(path, headers={"Authorization": f"Bearer {other_token}"})
        assert refused.status == 404
        assert await refused.json() == {"error": "no such photo"}
    await add_user(client, "wang.agent", Role.AGENT)
    await set_queues(client, "wang.agent", ["billing"])  # the ticket waits in "general"
    await sign_in(client, "wang.agent")
    assert (await client.get(f"/api/conversations/{conversation_id}")).status == 403
    assert (await client.get(media["url"])).status == 404
    assert (await client.get(media["thumb"])).status == 404
    # The same answer as for a photo that does not exist.
    assert (await client.get(f"/media/{uuid.uuid4().hex}")).status == 404
    assert (await client.get("/media/..%2f..%2fetc%2fpasswd")).status == 404


async def test_a_polyglot_named_png_is_refused_and_nothing_is_stored(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    html = b"<html><script>alert(document.cookie)</script></html>"
    for data in (html, b"GIF89a" + html, b"\x89PNG\r\n\x1a\n" + html):
        refused = await upload(client, token, photo_form(data, "leak.png", "image/png"))
        assert refused.status == 415
        assert "JPEG, PNG" in (await refused.json())["error"]
    assert await _count(client, select(func.count()).select_from(Media)) == 0
    assert await _count(client, select(func.count()).where(Message.kind == "image")) == 0


async def test_a_real_image_with_a_trailing_payload_is_stored_without_it(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    payload = b"<script>alert(1)</script>"
    response = await upload(client, token, photo_form(photo() + payload))
    assert response.status == 200
    media = (await response.json())["media"][0]
    served = await client.get(media["url"], headers={"Authorization": f"Bearer {token}"})
    assert served.headers["Content-Type"] == "image/png"
    assert payload not in await served.read()


async def test_a_photo_over_the_size_limit_is_refused_politely(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    limit = resources(client.app).config.channels.max_media_bytes
    noise = Image.frombytes("RGB", (2000, 2000), bytes(range(256)) * (2000 * 2000 * 3 // 256))
    out = io.BytesIO()
    noise.save(out, "PNG")
    big = out.getvalue() + b"\0" * max(0, limit + 1 - len(out.getvalue()))
    refused = await upload(client, token, photo_form(big))
    assert refused.status == 413
    assert "at most 10 MB" in (await refused.json())["error"]
    assert await _count(client, select(func.count()).select_from(Media)) == 0
    # The chat goes on: a text message is still accepted.
    accepted = await client.post(
        "/chat/messages",
        json={"id": str(uuid.uuid4()), "text": "照片太大了"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert accepted.status == 200


async def test_a_retried_upload_is_one_message(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    client_id = str(uuid.uuid4())
    first = await (await upload(client, token, photo_form(photo(), client_id=client_id))).json()
    again = await (await upload(client, token, photo_form(photo(), client_id=client_id))).json()
    assert first["id"] == again["id"] == client_id
    assert again["media"] == first["media"]
    assert await _count(client, select(func.count()).where(Message.kind == "image")) == 1


async def test_an_upload_needs_a_token(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await client.post("/chat/media", data=photo_form(photo()))).status == 401


async def test_a_phone_sized_photo_above_the_json_body_limit_is_accepted(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    noise = Image.frombytes("RGB", (1200, 900), random.Random(15).randbytes(1200 * 900 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 1024 * 1024  # larger than the app's 1 MiB limit for other bodies
    response = await upload(client, token, photo_form(out.getvalue()))
    assert response.status == 200, await response.text()
    media = (await response.json())["media"][0]
    served = await client.get(media["url"], headers={"Authorization": f"Bearer {token}"})
    assert Image.open(io.BytesIO(await served.read())).size == (1200, 900)


async def test_a_photo_whose_message_cannot_be_stored_is_refused_and_forgotten(
    make_client: AppFactory, database_url: str
) -> None:
    client = await make_client(db_lock_timeout=0.3)
    token, _ = await new_session(client)
    client_id = str(uuid.uuid4())
    async with messages_locked(database_url):
        refused = await upload(client, token, photo_form(photo(), client_id=client_id))
        assert (refused.status, await refused.json()) == (503, {"error": NOT_STORED, "id": client_id})
    assert await _count(client, select(func.count()).select_from(Media)) == 0
    assert [path for path in resources(client.app).settings.media_root.rglob("*") if path.is_file()] == []
    # Sent again with the same id, it is stored once.
    again = await upload(client, token, photo_form(photo(), client_id=client_id))
    assert again.status == 200
    assert await _count(client, select(func.count()).select_from(Media)) == 1
