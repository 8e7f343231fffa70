"""A customer's photos of a day are bounded (``channels.photo_quota``), and a stored photo is never
much larger than what was sent: one customer cannot fill the photo store."""

from __future__ import annotations

import io
import random
from typing import Any

from aiohttp.test_utils import TestServer
from PIL import Image
from sqlalchemy import func, select

from bot.config import PhotoQuota, PhraseId, ServiceConfig
from bot.keys import resources
from bot.settings import AuthSettings, TelegramBotSettings
from bot.storage.models import Media
from tests.channels import telegram_helpers as tg
from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually, new_session, settled
from tests.media.images import photo
from tests.media.uploads import photo_form, upload


def _with_quota(service_config: ServiceConfig, **quota: Any) -> ServiceConfig:
    channels = service_config.channels.model_copy(update={"photo_quota": PhotoQuota(**quota)})
    return service_config.model_copy(update={"channels": channels})


async def _stored(client: Any) -> tuple[int, int]:
    """How many photos are stored, and their bytes."""
    async with resources(client.app).sessions() as session:
        count, size = (
            await session.execute(select(func.count(Media.id), func.coalesce(func.sum(Media.size), 0)))
        ).one()
    return int(count), int(size)


async def test_a_web_chat_customer_past_the_days_photos_is_refused_until_a_day_has_passed(
    make_client: AppFactory, service_config: ServiceConfig, clock: FixedClock
) -> None:
    client = await make_client(config=_with_quota(service_config, photos_per_day=2))
    token, _ = await new_session(client)
    for color in ("red", "green"):
        assert (await upload(client, token, photo_form(photo(color=color)))).status == 200
    refused = await upload(client, token, photo_form(photo(color="blue")))
    assert refused.status == 429
    assert (await refused.json())["reason"] == "photo_quota"
    assert "Retry-After" not in refused.headers  # the widget does not send it again by itself
    assert (await _stored(client))[0] == 2
    other, _ = await new_session(client)  # another customer still may
    assert (await upload(client, other, photo_form(photo(color="blue")))).status == 200
    clock.advance(hours=24, minutes=1)
    assert (await upload(client, token, photo_form(photo(color="blue")))).status == 200


async def test_the_photo_that_crosses_the_days_bytes_is_the_last_taken(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=_with_quota(service_config, megabytes_per_day=0.01))  # about 10 KB
    token, _ = await new_session(client)
    assert (await upload(client, token, photo_form(_noise("PNG", (80, 80))))).status == 200  # about 19 KB
    refused = await upload(client, token, photo_form(photo()))
    assert refused.status == 429 and (await refused.json())["reason"] == "photo_quota"


async def test_new_sessions_from_one_address_cannot_fill_the_store_past_the_addresss_day(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    # The test client connects from 127.0.0.1, which plays the reverse proxy.
    behind_proxy = AuthSettings(trusted_proxies=("127.0.0.1/32",))
    client = await make_client(
        config=_with_quota(service_config, megabytes_per_address_per_day=0.01), auth=behind_proxy
    )  # about 10 KB

    async def sent_from(address: str, data: bytes) -> int:
        token, _ = await new_session(client, forwarded_for=address)  # each a new customer
        headers = {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}
        response = await client.post("/chat/media", data=photo_form(data), headers=headers)
        if response.status == 429:
            assert (await response.json())["reason"] == "photo_quota"
        return response.status

    assert await sent_from("198.51.100.7", _noise("PNG", (80, 80))) == 200  # about 19 KB: the last taken
    assert await sent_from("198.51.100.7", photo()) == 429
    assert (await _stored(client))[0] == 1
    assert await sent_from("203.0.113.5", photo()) == 200  # another address still may


def _noise(fmt: str, size: tuple[int, int], **options: Any) -> bytes:
    """A photo of noise: what compresses worst, as a grainy phone photo taken at night."""
    pixels = random.Random(7).randbytes(size[0] * size[1] * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(out, fmt, **options)
    return out.getvalue()


async def test_a_photo_sent_at_a_low_quality_is_not_stored_larger(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    sent = _noise("JPEG", (800, 600), quality=50)
    response = await upload(client, token, photo_form(sent, "night.jpg", "image/jpeg"))
    assert response.status == 200
    count, size = await _stored(client)
    assert count == 1 and size <= len(sent) * 1.1, (size, len(sent))
    media = (await response.json())["media"][0]
    served = await client.get(media["url"], headers={"Authorization": f"Bearer {token}"})
    stored = Image.open(io.BytesIO(await served.read()))
    assert stored.format == "JPEG" and stored.size == (800, 600)


async def test_a_telegram_photo_past_the_days_photos_is_not_downloaded_and_the_customer_is_told(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    api = tg.FakeBotApi()
    server = TestServer(tg.fake_bot_app(api))
    await server.start_server()
    try:
        client = await make_client(
            telegram=TelegramBotSettings(tg.TOKEN, tg.SECRET, str(server.make_url("")).rstrip("/")),
            in_process_worker=True,
            config=_with_quota(service_config, photos_per_day=1),
        )
        api.files["AgACone"] = photo("JPEG", (640, 480), "green")
        api.files["AgACtwo"] = photo("JPEG", (640, 480), "red")
        await _post_telegram(client, tg.photo_update(80, "AgACone"))

        async def first_stored() -> bool:
            return (await _stored(client))[0] == 1

        await eventually(first_stored, timeout=15)
        await settled(client)
        await _post_telegram(client, tg.photo_update(81, "AgACtwo"))
        phrase = resources(client.app).tracker.phrases.render(PhraseId.PHOTO_QUOTA_REACHED, "zh-CN")

        async def told() -> bool:
            return phrase in api.texts()

        await eventually(told, timeout=15)
        await settled(client)
        assert api.file_requests == ["AgACone"]
        assert (await _stored(client))[0] == 1
    finally:
        await server.close()


async def _post_telegram(client: Any, payload: Any) -> None:
    response = await client.post(
        "/channels/telegram", json=payload, headers={"X-Telegram-Bot-Api-Secret-Token": tg.SECRET}
    )
    assert response.status == 200
