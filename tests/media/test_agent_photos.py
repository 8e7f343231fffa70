"""An agent sends the customer a photo (issue 15): checked and re-encoded as a customer's is,
stored, shown live in every open web chat tab, sent to Telegram (sendPhoto) and WeChat
(temporary media, then an image message) by the delivery job, refused for SMS."""

from __future__ import annotations

import io
from typing import Any

from aiohttp import FormData
from PIL import Image
from sqlalchemy import func, select, update

from bot.config import ChannelsConfig, ServiceConfig
from bot.keys import resources
from bot.outbound.gateway import DELIVER_JOB
from bot.staff.accounts import Role
from bot.staff.photo_api import WINDOW_CLOSED
from bot.storage.models import AuditEntry, Conversation, Media, Message
from tests.channels import telegram_helpers as tg
from tests.channels import wechat_helpers as wx
from tests.channels.conftest import PHONE, app_with_sms_stub
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session, settled
from tests.media.images import photo
from tests.media.uploads import claimed_case, decoders_busy
from tests.staff import add_user, give_to, set_queues, sign_in

FORBIDDEN = "可能是您弄错了"  # config/forbidden.yaml


def _form(data: bytes, caption: str | None = None, override: bool = False, forbidden: str | None = None) -> FormData:
    form = FormData()
    if caption is not None:
        form.add_field("caption", caption)
    if override:
        form.add_field("override", "true")
    if forbidden is not None:
        form.add_field("forbidden", forbidden)
    form.add_field("file", data, filename="reply.jpg", content_type="image/jpeg")
    return form


async def _send(client: Any, csrf: str, conversation_id: int, form: FormData) -> Any:
    return await client.post(
        f"/api/conversations/{conversation_id}/photos", data=form, headers={"X-CSRF-Token": csrf}
    )


def _photo_with_gps(size: tuple[int, int] = (800, 600)) -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {2: (39.0, 54.0, 27.0)}  # GPSInfo: a latitude
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "JPEG", exif=exif)
    return out.getvalue()


async def _count(client: Any, statement: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(statement)).scalar_one())


def _agent_photos(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f.get("type") == "message" and f.get("from") == "agent" and f.get("media")]



async def test_the_agents_photo_reaches_every_open_chat_tab_and_only_its_customer(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, token, conversation_id = await claimed_case(client, "li.agent")
    conversation = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert conversation["sends_photos"] is True
    tabs = [await ChatSocket.open(client, token), await ChatSocket.open(client, token)]
    for tab in tabs:
        await tab.caught_up()

    response = await _send(client, csrf, conversation_id, _form(_photo_with_gps(), caption="这是维修后的照片"))
    assert response.status == 201, await response.text()
    media = (await response.json())["media"][0]

    for tab in tabs:
        await tab.until(lambda frames: bool(_agent_photos(frames)))
        frame = _agent_photos(tab.frames)[0]
        assert frame["media"] == [media] and frame["text"] == "这是维修后的照片"
        await tab.close()

    client.session.cookie_jar.clear()
    served = await client.get(media["url"], headers={"Authorization": f"Bearer {token}"})
    assert served.status == 200 and served.headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(await served.read()))
    assert image.size == (800, 600) and not image.getexif()  # re-encoded: the GPS position is gone
    # In the history a reconnecting tab replays.
    history = await (await client.get("/chat/messages", headers={"Authorization": f"Bearer {token}"})).json()
    assert [frame["media"] for frame in history["messages"] if frame["from"] == "agent" and "media" in frame] == [
        [media]
    ]
    # Another customer gets the same 404 as for no photo.
    other_token, _ = await new_session(client)
    assert (await client.get(media["url"], headers={"Authorization": f"Bearer {other_token}"})).status == 404

    # Staff see it in the conversation; the action is in the audit log.
    await sign_in(client, "li.agent")
    conversation = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    photos = [message for message in conversation["messages"] if message["media"]]
    assert [(m["from"], m["kind"], m["direction"], m["media"]) for m in photos] == [("agent", "image", "out", [media])]
    async with resources(client.app).sessions() as session:
        entry = (await session.execute(select(AuditEntry).where(AuditEntry.action == "send_photo"))).scalar_one()
    assert entry.actor == "li.agent" and entry.status == 201 and entry.target == f"conversation:{conversation_id}"
    assert entry.detail["media_id"] == media["id"]


async def test_a_customers_photo_shows_live_in_their_other_tab(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    other_tab = await ChatSocket.open(client, token)
    await other_tab.caught_up()
    form = FormData()
    form.add_field("file", photo("PNG"), filename="leak.png", content_type="image/png")
    response = await client.post("/chat/media", data=form, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    media = (await response.json())["media"]

    def has_photo(frames: list[dict[str, Any]]) -> bool:
        return any(f.get("type") == "message" and f.get("from") == "customer" and f.get("media") for f in frames)

    await other_tab.until(has_photo)
    assert next(f for f in other_tab.frames if f.get("media"))["media"] == media
    await other_tab.close()


async def test_who_may_send_and_what_is_refused(make_client: AppFactory, service_config: ServiceConfig) -> None:
    config = service_config.model_copy(update={"channels": ChannelsConfig(max_media_bytes=200_000)})
    client = await make_client(config=config)
    csrf, _, conversation_id = await claimed_case(client, "li.agent")
    media_rows = select(func.count()).select_from(Media)

    too_big = await _send(client, csrf, conversation_id, _form(photo("PNG") + b"\0" * 300_000))
    assert too_big.status == 413 and "MB" in (await too_big.json())["error"]
    html = b"<html><script>alert(1)</script></html>"
    for data in (html, b"\xff\xd8\xff" + html):
        not_image = await _send(client, csrf, conversation_id, _form(data))
        assert not_image.status == 415
    flagged = await _send(client, csrf, conversation_id, _form(photo("JPEG"), caption=f"{FORBIDDEN},请再试一次"))
    assert flagged.status == 422
    body = await flagged.json()
    assert body["forbidden"] == FORBIDDEN and body["suggestion"]
    # An override names the phrases it overrides (one a line): naming nothing, or another one, is refused again.
    for named in (None, "我不知道"):
        caption = f"{FORBIDDEN},请再试一次"
        again = await _send(client, csrf, conversation_id, _form(photo("JPEG"), caption, True, named))
        assert again.status == 422 and (await again.json())["forbidden"] == FORBIDDEN
    reversed_ = await _send(client, csrf, conversation_id, _form(photo("JPEG"), "\u202e道知不我\u202c", True, ""))
    assert reversed_.status == 422 and (await reversed_.json())["direction_controls"] == ["U+202E", "U+202C"]
    assert await _count(client, media_rows) == 0  # nothing refused was kept

    # Only the conversation's owner sends; an agent outside its queue may not even read it.
    await add_user(client, "zhou.agent", Role.AGENT)
    zhou = await sign_in(client, "zhou.agent")
    assert (await _send(client, zhou, conversation_id, _form(photo("JPEG")))).status == 409
    await add_user(client, "wang.agent", Role.AGENT)
    await set_queues(client, "wang.agent", ["billing"])
    wang = await sign_in(client, "wang.agent")
    assert (await _send(client, wang, conversation_id, _form(photo("JPEG")))).status == 403
    assert (await _send(client, wang, 999_999, _form(photo("JPEG")))).status == 404
    client.session.cookie_jar.clear()
    assert (await _send(client, "", conversation_id, _form(photo("JPEG")))).status == 401
    assert await _count(client, media_rows) == 0
    async with resources(client.app).sessions() as session:
        statuses = select(AuditEntry.status).where(AuditEntry.action == "send_photo").order_by(AuditEntry.id)
        refused = (await session.execute(statuses)).scalars().all()
    assert list(refused) == [413, 415, 415, 422, 422, 422, 422, 409, 403, 404]


async def test_an_agents_photo_while_the_decoders_are_busy_is_refused_with_when_to_retry(
    make_client: AppFactory,
) -> None:
    client = await make_client(image_decode_wait_seconds=0.5)
    csrf, _, conversation_id = await claimed_case(client, "li.agent")
    decoding = resources(client.app).image_decoding
    async with decoders_busy(decoding):
        busy = await _send(client, csrf, conversation_id, _form(photo("JPEG")))
        assert busy.status == 503 and busy.headers["Retry-After"] == "1"
        assert "again" in (await busy.json())["error"]
        # What is not an image is still told so: the header check needs no decoder.
        assert (await _send(client, csrf, conversation_id, _form(b"\xff\xd8\xff" + b"\0" * 5000))).status == 415
    assert await _count(client, select(func.count()).select_from(Media)) == 0
    assert (await _send(client, csrf, conversation_id, _form(photo("JPEG")))).status == 201


async def test_an_sms_conversation_offers_no_photo_and_the_api_says_why(make_client: AppFactory) -> None:
    client, stub = await app_with_sms_stub(make_client)
    try:
        await stub.phone_sends("小区电梯坏了")

        async def stored() -> bool:
            return await _count(client, select(func.count()).select_from(Conversation)) == 1

        await eventually(stored, timeout=15)
        await settled(client)
        async with resources(client.app).sessions() as session:
            conversation_id = (await session.execute(select(Conversation.id))).scalar_one()
        await add_user(client, "li.agent", Role.AGENT)
        await give_to(client, conversation_id, "li.agent")
        csrf = await sign_in(client, "li.agent")
        conversation = await (await client.get(f"/api/conversations/{conversation_id}")).json()
        assert conversation["channel"] == "sms" and conversation["sends_photos"] is False
        refused = await _send(client, csrf, conversation_id, _form(photo("JPEG")))
        assert refused.status == 422
        assert "sms conversation cannot carry photos" in (await refused.json())["error"]
        assert await _count(client, select(func.count()).select_from(Media)) == 0
        assert not any("[image]" in text for text in stub.texts_to(PHONE))
    finally:
        await stub.server.close()


# ---- providers ---------------------------------------------------------------------------------


async def _provider_conversation(client: Any, username: str) -> tuple[str, int]:
    """The provider customer's conversation, given to the new agent ``username`` (signed in)."""

    async def stored() -> bool:
        return await _count(client, select(func.count()).select_from(Conversation)) == 1

    await eventually(stored, timeout=15)
    await settled(client)
    async with resources(client.app).sessions() as session:
        conversation_id = (await session.execute(select(Conversation.id))).scalar_one()
    await add_user(client, username, Role.AGENT)
    await give_to(client, conversation_id, username)
    return await sign_in(client, username), conversation_id


async def _status(client: Any, message_id: int) -> str:
    async with resources(client.app).sessions() as session:
        found = await session.execute(select(Message.delivery_status).where(Message.id == message_id))
        return str(found.scalar_one())




async def test_telegram_gets_the_photo_by_send_photo_once(telegram_app: tuple[Any, tg.FakeBotApi]) -> None:
    client, api = telegram_app
    posted = await client.post(
        "/channels/telegram", json=tg.update(1, "路灯坏了"), headers={"X-Telegram-Bot-Api-Secret-Token": tg.SECRET}
    )
    assert posted.status == 200
    csrf, conversation_id = await _provider_conversation(client, "li.agent")
    response = await _send(client, csrf, conversation_id, _form(_photo_with_gps((640, 480)), caption="已修好"))
    assert response.status == 201, await response.text()
    message_id = (await response.json())["message_id"]

    async def delivered() -> bool:
        return await _status(client, message_id) == "sent"

    await eventually(delivered, timeout=15)
    assert len(api.photos) == 1
    sent = api.photos[0]
    assert sent["chat_id"] == str(tg.CHAT) and sent["caption"] == "已修好"
    image = Image.open(io.BytesIO(sent["data"]))
    assert image.size == (640, 480) and not image.getexif()

    # A retried job finds the message sent and sends nothing more.
    await resources(client.app).redis.enqueue_job(DELIVER_JOB, message_id, _job_id=f"deliver:{message_id}:again")
    await settled(client)
    assert len(api.photos) == 1

    # A worker that died mid-send left "sending": the job runs again and the photo goes again.
    def interrupted(session: Any) -> None:
        session.execute(update(Message).where(Message.id == message_id).values(delivery_status="sending"))

    await resources(client.app).database.write(interrupted)
    await resources(client.app).redis.enqueue_job(DELIVER_JOB, message_id, _job_id=f"deliver:{message_id}:rerun")
    await eventually(delivered, timeout=15)
    await settled(client)
    assert len(api.photos) == 2 and api.photos[1]["data"] == sent["data"]
    async with resources(client.app).sessions() as session:
        flagged = (
            await session.execute(select(Message.possibly_duplicated).where(Message.id == message_id))
        ).scalar_one()
    assert flagged  # Telegram cannot dedupe: the console says the customer may see it twice




async def test_wechat_gets_the_photo_as_temporary_media_then_an_image_message(
    wechat_app: tuple[Any, wx.FakeWechatApi],
) -> None:
    client, api = wechat_app
    pushed = await client.post("/channels/wechat", params=wx.signed_query(client), data=wx.text_xml("井盖丢了", 7001))
    assert pushed.status == 200
    csrf, conversation_id = await _provider_conversation(client, "li.agent")
    response = await _send(client, csrf, conversation_id, _form(photo("JPEG", (800, 600), "navy")))
    assert response.status == 201, await response.text()
    message_id = (await response.json())["message_id"]

    async def delivered() -> bool:
        return await _status(client, message_id) == "sent"

    await eventually(delivered, timeout=15)
    images = [item for item in api.sent if item.get("msgtype") == "image"]
    assert images == [{"touser": wx.OPENID, "msgtype": "image", "image": {"media_id": "UPLOADED_1"}}]
    assert Image.open(io.BytesIO(api.uploads["UPLOADED_1"])).size == (800, 600)
    assert "[image]" not in api.texts()  # no caption: no text after the photo


async def test_outside_the_wechat_window_a_photo_is_refused_with_the_reason(
    wechat_app: tuple[Any, wx.FakeWechatApi], clock: Any
) -> None:
    client, api = wechat_app
    pushed = await client.post("/channels/wechat", params=wx.signed_query(client), data=wx.text_xml("井盖丢了", 7002))
    assert pushed.status == 200
    csrf, conversation_id = await _provider_conversation(client, "li.agent")
    clock.advance(hours=49)  # the customer-service window closed: only a template (text) could go
    refused = await _send(client, csrf, conversation_id, _form(photo("JPEG")))
    assert refused.status == 422
    assert (await refused.json())["error"] == WINDOW_CLOSED
    assert await _count(client, select(func.count()).select_from(Media)) == 0
    assert api.uploads == {}
