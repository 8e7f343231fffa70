"""Photos from WeChat and Telegram: downloaded by a worker job from local servers speaking each
provider's file API, stored, linked to the message, and opened by staff."""

from __future__ import annotations

import io
from typing import Any

from aiohttp.test_utils import TestServer
from PIL import Image
from sqlalchemy import func, select

from bot.config import ChannelsConfig, ServiceConfig
from bot.keys import resources
from bot.settings import TelegramBotSettings
from bot.staff.accounts import Role
from bot.storage.models import Media, Message
from tests.channels import telegram_helpers as tg
from tests.channels import wechat_helpers as wx
from tests.conftest import AppFactory
from tests.helpers import eventually, settled
from tests.media.images import photo
from tests.media.uploads import decoders_busy
from tests.staff import add_user, sign_in


async def _photos_of_images(client: Any) -> list[tuple[str, str | None]]:
    """(message text, media id) of each stored image message."""
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(Message.text, Media.id)
            .outerjoin(Media, Media.message_id == Message.id)
            .where(Message.kind == "image")
            .order_by(Message.id)
        )
        return [(text, media_id) for text, media_id in rows]


async def _media_count(client: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Media))).scalar_one())


async def _supervisor_opens(client: Any) -> tuple[bytes, dict[str, str]]:
    """A supervisor finds the photo in the conversation API and opens it."""
    await add_user(client, "zhao.supervisor", Role.SUPERVISOR)
    await sign_in(client, "zhao.supervisor")
    async with resources(client.app).sessions() as session:
        conversation_id = (
            await session.execute(select(Message.conversation_id).where(Message.kind == "image"))
        ).scalar_one()
    conversation = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    media = [item for message in conversation["messages"] for item in message["media"]]
    assert len(media) == 1
    response = await client.get(media[0]["url"])
    assert response.status == 200
    return await response.read(), dict(response.headers)




async def _post_telegram(client: Any, payload: Any) -> None:
    response = await client.post(
        "/channels/telegram", json=payload, headers={"X-Telegram-Bot-Api-Secret-Token": tg.SECRET}
    )
    assert response.status == 200


async def test_a_telegram_photo_is_downloaded_once_and_staff_open_it(
    telegram_app: tuple[Any, tg.FakeBotApi],
) -> None:
    client, api = telegram_app
    api.files["AgACbig"] = photo("JPEG", (640, 480), "green")
    for _ in range(3):  # Telegram retries an update it thinks was lost
        await _post_telegram(client, tg.photo_update(50, "AgACbig", caption="路灯坏了"))

    async def linked() -> bool:
        return [media for _, media in await _photos_of_images(client)] != [None]

    await eventually(linked, timeout=15)
    await settled(client)
    assert [text for text, _ in await _photos_of_images(client)] == ["路灯坏了"]
    assert api.file_requests == ["AgACbig"]  # the largest size, fetched once
    data, headers = await _supervisor_opens(client)
    assert headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(data)).size == (640, 480)


async def test_a_telegram_photo_that_cannot_be_fetched_leaves_the_message(
    telegram_app: tuple[Any, tg.FakeBotApi],
) -> None:
    client, api = telegram_app
    await _post_telegram(client, tg.photo_update(60, "AgACgone"))

    async def answered() -> bool:
        return bool(api.texts())

    await eventually(answered, timeout=15)
    await settled(client)
    assert await _photos_of_images(client) == [("[image]", None)]
    assert await _media_count(client) == 0


async def test_a_telegram_photo_over_the_limit_is_not_downloaded(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    api = tg.FakeBotApi()
    server = TestServer(tg.fake_bot_app(api))
    await server.start_server()
    config = service_config.model_copy(update={"channels": ChannelsConfig(max_media_bytes=10_000)})
    client = await make_client(
        telegram=TelegramBotSettings(tg.TOKEN, tg.SECRET, str(server.make_url("")).rstrip("/")),
        in_process_worker=True,
        config=config,
    )
    api.files["AgACbig"] = photo("PNG", (640, 480)) + b"\0" * 20_000
    await _post_telegram(client, tg.photo_update(70, "AgACbig"))

    async def answered() -> bool:
        return bool(api.texts())

    await eventually(answered, timeout=15)
    await settled(client)
    assert api.file_requests == []  # refused on getFile's file_size, before downloading
    assert await _media_count(client) == 0
    await server.close()




async def _push_wechat(client: Any, xml: str) -> None:
    response = await client.post("/channels/wechat", params=wx.signed_query(client), data=xml)
    assert response.status == 200


async def test_a_telegram_photo_waits_out_busy_decoders_and_is_kept(make_client: AppFactory) -> None:
    """The download job does not queue behind customers' uploads for long: with every decoder
    taken it gives up its place after the bounded wait, and its next try keeps the photo."""
    api = tg.FakeBotApi()
    server = TestServer(tg.fake_bot_app(api))
    await server.start_server()
    client = await make_client(
        telegram=TelegramBotSettings(tg.TOKEN, tg.SECRET, str(server.make_url("")).rstrip("/")),
        in_process_worker=True,
        retry_backoff=0.2,
        image_decode_wait_seconds=0.5,
    )
    api.files["AgACbusy"] = photo("JPEG", (640, 480), "teal")
    decoding = resources(client.app).image_decoding

    async def queued() -> bool:
        return decoding.waiting == 1

    async def gave_up() -> bool:
        return decoding.waiting == 0

    async with decoders_busy(decoding):
        await _post_telegram(client, tg.photo_update(75, "AgACbusy"))
        await eventually(queued, timeout=15)
        await eventually(gave_up)
        assert await _media_count(client) == 0

    async def linked() -> bool:
        return [media for _, media in await _photos_of_images(client)] != [None]

    await eventually(linked, timeout=15)
    await settled(client)
    assert api.file_requests == ["AgACbusy", "AgACbusy"]
    assert await _media_count(client) == 1
    await server.close()


async def test_a_wechat_photo_is_downloaded_through_the_media_api(wechat_app: tuple[Any, wx.FakeWechatApi]) -> None:
    client, api = wechat_app
    api.media["MEDIA_1"] = photo("JPEG", (800, 600), "navy")
    for _ in range(3):  # WeChat retries a push three times
        await _push_wechat(client, wx.image_xml("MEDIA_1", 9001))

    async def linked() -> bool:
        return [media for _, media in await _photos_of_images(client)] != [None]

    await eventually(linked, timeout=15)
    await settled(client)
    assert api.media_requests == ["MEDIA_1"]
    data, headers = await _supervisor_opens(client)
    assert headers["Content-Type"] == "image/jpeg" and headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(data)).size == (800, 600)


async def test_a_wechat_file_that_is_not_an_image_is_not_kept(wechat_app: tuple[Any, wx.FakeWechatApi]) -> None:
    client, api = wechat_app
    api.media["MEDIA_2"] = b"\xff\xd8\xff<html><script>alert(1)</script></html>"
    await _push_wechat(client, wx.image_xml("MEDIA_2", 9002))

    async def asked() -> bool:
        return api.media_requests == ["MEDIA_2"]

    await eventually(asked, timeout=15)
    await settled(client)
    assert await _photos_of_images(client) == [("[image]", None)]
    assert await _media_count(client) == 0
