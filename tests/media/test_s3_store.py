"""Photos in an S3-compatible store (``BOT_MEDIA_STORE=s3``), against a local server that speaks
S3's REST protocol and checks every request's Signature V4 (tests/media/s3_server.py)."""

from __future__ import annotations

import io
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from PIL import Image
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.__main__ import main
from bot.channels.webchat.routes import NOT_STORED
from bot.environment import BadEnvironment
from bot.keys import resources
from bot.media.files import DirectoryFiles, MediaStoreError, new_media_id, thumb_key
from bot.media.s3_files import s3_files
from bot.settings import S3Settings, Settings, TelegramBotSettings
from bot.staff.accounts import Role
from bot.storage.models import Media
from tests.channels import telegram_helpers as tg
from tests.conftest import AppFactory
from tests.helpers import eventually, new_session, settled
from tests.media.images import photo
from tests.media.s3_server import S3Server
from tests.media.uploads import claimed_case, photo_form, upload
from tests.staff import add_user, sign_in

ACCESS_KEY = "complaint-bot"
BUCKET = "photos"
REGION = "cn-east-1"


@pytest.fixture
def secret_key() -> str:
    return secrets.token_urlsafe(30)


@pytest.fixture
async def s3_server(secret_key: str) -> AsyncIterator[S3Server]:
    server = await S3Server(ACCESS_KEY, secret_key, REGION, buckets=(BUCKET,)).start()
    yield server
    await server.close()


def _settings(server: S3Server, secret_key: str, **changes: Any) -> S3Settings:
    given: dict[str, Any] = {
        "endpoint": server.endpoint,
        "bucket": BUCKET,
        "access_key": ACCESS_KEY,
        "secret_key": secret_key,
        "region": REGION,
        "prefix": "bot/media/",
        **changes,
    }
    return Settings.from_env(
        {"BOT_MEDIA_STORE": "s3", **{f"BOT_S3_{name.upper()}": str(value) for name, value in given.items()}}
    ).media_s3 or pytest.fail("no S3 settings")


async def test_put_get_delete_in_the_media_directory_layout_under_the_prefix(
    s3_server: S3Server, secret_key: str
) -> None:
    media_id = new_media_id()
    async with s3_files(_settings(s3_server, secret_key)) as files:
        assert await files.get(media_id) is None  # missing: None, not an error
        await files.put(media_id, b"photo bytes")
        await files.put(thumb_key(media_id), b"thumb bytes")
        assert await files.get(media_id) == b"photo bytes"
        assert await files.get(thumb_key(media_id)) == b"thumb bytes"
        assert s3_server.objects(BUCKET) == {
            f"bot/media/{media_id[:2]}/{media_id}": b"photo bytes",
            f"bot/media/{media_id[:2]}/{media_id}.thumb": b"thumb bytes",
        }
        await files.delete(media_id)
        await files.delete(media_id)  # deleting what is gone is no error
        assert await files.get(media_id) is None
        assert await files.get(thumb_key(media_id)) == b"thumb bytes"
    assert s3_server.refused == ["NoSuchKey", "NoSuchKey"]
    # Path-style addressing: the bucket is the first segment of the path.
    assert all(path.startswith(f"/{BUCKET}/bot/media/") for _, path in s3_server.requests)


async def test_a_wrong_secret_or_access_key_is_an_error_never_a_missing_photo(
    s3_server: S3Server, secret_key: str
) -> None:
    media_id = new_media_id()
    async with s3_files(_settings(s3_server, secret_key)) as files:
        await files.put(media_id, b"photo bytes")
    async with s3_files(_settings(s3_server, secret_key + "x")) as files:
        with pytest.raises(MediaStoreError, match="SignatureDoesNotMatch"):
            await files.get(media_id)
        with pytest.raises(MediaStoreError, match="SignatureDoesNotMatch"):
            await files.put(new_media_id(), b"other bytes")
        with pytest.raises(MediaStoreError, match="SignatureDoesNotMatch"):
            await files.delete(media_id)
    async with s3_files(_settings(s3_server, secret_key, access_key="someone-else")) as files:
        with pytest.raises(MediaStoreError, match="InvalidAccessKeyId"):
            await files.get(media_id)
    assert list(s3_server.objects(BUCKET).values()) == [b"photo bytes"]


async def test_a_missing_bucket_or_a_wrong_region_is_an_error_too(s3_server: S3Server, secret_key: str) -> None:
    async with s3_files(_settings(s3_server, secret_key, bucket="no-such-bucket")) as files:
        with pytest.raises(MediaStoreError, match="NoSuchBucket"):
            await files.get(new_media_id())
    async with s3_files(_settings(s3_server, secret_key, region="us-west-2")) as files:
        with pytest.raises(MediaStoreError, match="AuthorizationHeaderMalformed"):
            await files.get(new_media_id())


async def test_an_unreachable_store_is_an_error(secret_key: str) -> None:
    gone = await S3Server(ACCESS_KEY, secret_key, REGION, buckets=(BUCKET,)).start()
    settings = _settings(gone, secret_key)
    await gone.close()
    async with s3_files(settings) as files:
        with pytest.raises(MediaStoreError, match="EndpointConnectionError"):
            await files.get(new_media_id())


async def test_a_store_that_stumbles_once_is_tried_again(s3_server: S3Server, secret_key: str) -> None:
    media_id = new_media_id()
    s3_server.fail_next = [503]
    async with s3_files(_settings(s3_server, secret_key)) as files:
        await files.put(media_id, b"photo bytes")
    assert s3_server.refused == ["ServiceUnavailable"]
    assert [method for method, _ in s3_server.requests] == ["PUT", "PUT"]
    assert list(s3_server.objects(BUCKET).values()) == [b"photo bytes"]


@pytest.mark.parametrize(
    ("style", "url"),
    [
        ("virtual", "https://complaints-photos.oss-cn-hangzhou.aliyuncs.com/bot/media/"),
        ("path", "https://oss-cn-hangzhou.aliyuncs.com/complaints-photos/bot/media/"),
    ],
)
async def test_the_addressing_style_reaches_the_client(secret_key: str, style: str, url: str) -> None:
    """Alibaba OSS and Tencent COS take only virtual-hosted requests; nothing is sent here (a
    presigned URL is built locally), so the endpoint can be theirs."""
    settings = S3Settings(
        endpoint="https://oss-cn-hangzhou.aliyuncs.com",
        bucket="complaints-photos",
        access_key=ACCESS_KEY,
        secret_key=SecretStr(secret_key),
        region="oss-cn-hangzhou",
        prefix="bot/media",
        addressing_style=style,  # type: ignore[arg-type]
    )
    media_id = new_media_id()
    async with s3_files(settings) as files:
        name = files.object_name(media_id)
        signed = await files._client.generate_presigned_url(
            "get_object", Params={"Bucket": settings.bucket, "Key": name}
        )
    assert signed.startswith(f"{url}{media_id[:2]}/{media_id}?")
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in signed and "oss-cn-hangzhou%2Fs3%2Faws4_request" in signed


async def test_the_directory_store_says_a_failure_the_same_way(tmp_path: Path) -> None:
    """What the worker retries and the web chat answers 503 for: a ``MediaStoreError`` from either store."""
    blocked = tmp_path / "media"
    blocked.write_bytes(b"a file where the directory should be")
    files = DirectoryFiles(blocked)
    with pytest.raises(MediaStoreError, match="cannot write"):
        await files.put(new_media_id(), b"photo bytes")
    with pytest.raises(MediaStoreError, match="cannot read"):
        await files.get(new_media_id())
    assert await DirectoryFiles(tmp_path / "empty").get(new_media_id()) is None


@pytest.mark.parametrize(
    "key",
    ["../../etc/passwd", "ab/../cd", f"{'a' * 32}/x", "A" * 32, "", f"{'a' * 32}.thumb/..", f"{'a' * 32}\n", "%2e%2e"],
)
async def test_keys_that_are_not_media_ids_never_reach_the_store(
    s3_server: S3Server, secret_key: str, key: str
) -> None:
    async with s3_files(_settings(s3_server, secret_key)) as files:
        for call in (files.get(key), files.put(key, b"x"), files.delete(key)):
            with pytest.raises(ValueError, match="not a media key"):
                await call
    assert s3_server.requests == []


async def test_the_whole_photo_path_with_the_s3_store(
    make_client: AppFactory, s3_server: S3Server, secret_key: str
) -> None:
    """A web chat customer sends a photo; the agent who claimed the case sees it and its thumbnail,
    read back from the S3 store; nothing is written to the media directory."""
    client = await make_client(media_s3=_settings(s3_server, secret_key))
    _, token, conversation_id = await claimed_case(client, "li.agent")
    response = await upload(client, token, photo_form(photo("JPEG"), "leak.jpg", "image/jpeg"))
    assert response.status == 200, await response.text()
    media = (await response.json())["media"][0]

    conversation = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert [item["id"] for message in conversation["messages"] for item in message["media"]] == [media["id"]]
    full = await client.get(media["url"])
    assert (full.status, full.headers["Content-Type"]) == (200, "image/jpeg")
    full_bytes = await full.read()
    assert Image.open(io.BytesIO(full_bytes)).size == (640, 480)
    thumb = await client.get(media["thumb"])
    assert (thumb.status, thumb.headers["Content-Type"]) == (200, "image/jpeg")
    assert max(Image.open(io.BytesIO(await thumb.read())).size) <= 320

    prefix = f"bot/media/{media['id'][:2]}/{media['id']}"
    stored = s3_server.objects(BUCKET)
    assert set(stored) == {prefix, f"{prefix}.thumb"} and stored[prefix] == full_bytes
    media_root = resources(client.app).settings.media_root
    assert not media_root.exists() or not [path for path in media_root.rglob("*") if path.is_file()]

    # The customer who sent it opens it too; a photo whose object is gone is a 404, as for no photo.
    client.session.cookie_jar.clear()
    mine = await client.get(media["url"], headers={"Authorization": f"Bearer {token}"})
    assert mine.status == 200 and await mine.read() == full_bytes
    s3_server.buckets[BUCKET].pop(prefix)
    gone = await client.get(media["url"], headers={"Authorization": f"Bearer {token}"})
    assert gone.status == 404


async def test_a_store_refusing_the_keys_tells_the_customer_to_send_again(
    make_client: AppFactory, s3_server: S3Server, secret_key: str
) -> None:
    client = await make_client(media_s3=_settings(s3_server, "not-" + secret_key))
    token, _ = await new_session(client)
    refused = await upload(client, token, photo_form(photo(), client_id="b0c5a3f2-6c1e-4d4b-9d55-0d9b2f0c7e11"))
    assert (refused.status, await refused.json()) == (
        503,
        {"error": NOT_STORED, "id": "b0c5a3f2-6c1e-4d4b-9d55-0d9b2f0c7e11"},
    )
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Media))).scalar_one() == 0
    assert s3_server.objects(BUCKET) == {}
    assert "SignatureDoesNotMatch" in s3_server.refused


async def test_a_telegram_photo_waits_for_a_store_that_is_down_and_is_kept_when_it_is_back(
    make_client: AppFactory, s3_server: S3Server, secret_key: str
) -> None:
    """The worker's download job stores the photo in the S3 store; a store answering 503 to every
    try of the client makes the job try again later, and the photo arrives then."""
    api = tg.FakeBotApi()
    telegram = TestServer(tg.fake_bot_app(api))
    await telegram.start_server()
    client = await make_client(
        telegram=TelegramBotSettings(tg.TOKEN, tg.SECRET, str(telegram.make_url("")).rstrip("/")),
        in_process_worker=True,
        retry_backoff=0.2,
        media_s3=_settings(s3_server, secret_key),
    )
    api.files["AgACleak"] = photo("JPEG", (640, 480), "teal")
    s3_server.fail_next = [503] * 3  # every try of the client's first PutObject
    response = await client.post(
        "/channels/telegram",
        json=tg.photo_update(80, "AgACleak", caption="漏水"),
        headers={"X-Telegram-Bot-Api-Secret-Token": tg.SECRET},
    )
    assert response.status == 200

    async def kept() -> bool:
        async with resources(client.app).sessions() as session:
            return bool((await session.execute(select(func.count()).select_from(Media))).scalar_one())

    await eventually(kept, timeout=30)
    await settled(client)
    assert s3_server.refused == ["ServiceUnavailable"] * 3
    # The failed try cleaned up after itself; the second downloaded the photo again and kept it.
    assert [method for method, _ in s3_server.requests] == ["PUT"] * 3 + ["DELETE"] * 2 + ["PUT"] * 2
    assert api.file_requests == ["AgACleak", "AgACleak"]
    async with resources(client.app).sessions() as session:
        media_id = (await session.execute(select(Media.id))).scalar_one()
    assert set(s3_server.objects(BUCKET)) == {
        f"bot/media/{media_id[:2]}/{media_id}",
        f"bot/media/{media_id[:2]}/{media_id}.thumb",
    }
    await add_user(client, "zhao.supervisor", Role.SUPERVISOR)
    await sign_in(client, "zhao.supervisor")
    opened = await client.get(f"/media/{media_id}")
    assert opened.status == 200 and Image.open(io.BytesIO(await opened.read())).size == (640, 480)
    await telegram.close()


def test_the_s3_store_is_configured_by_the_environment_and_keeps_its_secret() -> None:
    settings = Settings.from_env(
        {
            "BOT_MEDIA_STORE": "s3",
            "BOT_S3_ENDPOINT": "https://oss-cn-hangzhou.aliyuncs.com",
            "BOT_S3_REGION": "oss-cn-hangzhou",
            "BOT_S3_BUCKET": "complaints-photos",
            "BOT_S3_ACCESS_KEY": "LTAI5t",
            "BOT_S3_SECRET_KEY": "very-secret-value",
            "BOT_S3_PREFIX": "media/",
            "BOT_S3_ADDRESSING_STYLE": "virtual",
        }
    )
    s3 = settings.media_s3
    assert s3 is not None
    assert (s3.endpoint, s3.region, s3.bucket, s3.prefix, s3.addressing_style) == (
        "https://oss-cn-hangzhou.aliyuncs.com",
        "oss-cn-hangzhou",
        "complaints-photos",
        "media/",
        "virtual",
    )
    assert s3.secret_key.get_secret_value() == "very-secret-value"
    assert "very-secret-value" not in repr(settings) and "very-secret-value" not in str(s3)
    assert Settings.from_env({}).media_s3 is None  # the directory by default


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"BOT_S3_BUCKET": "photos"}, "BOT_MEDIA_STORE=s3 needs BOT_S3_ENDPOINT, BOT_S3_ACCESS_KEY, BOT_S3_SECRET_KEY"),
        (
            {"BOT_S3_ENDPOINT": "http://minio:9000", "BOT_S3_ACCESS_KEY": "a", "BOT_S3_SECRET_KEY": "b"},
            "BOT_MEDIA_STORE=s3 needs BOT_S3_BUCKET too",
        ),
        ({"BOT_S3_ENDPOINT": "minio:9000"}, "BOT_S3_ENDPOINT: 'minio:9000' is not an endpoint URL"),
        ({"BOT_S3_PREFIX": "../other"}, "BOT_S3_PREFIX: '../other' is not a key prefix"),
        ({"BOT_S3_PREFIX": "/media"}, "BOT_S3_PREFIX: '/media' is not a key prefix"),
        ({"BOT_S3_BUCKET": "a/b"}, "BOT_S3_BUCKET: 'a/b' is not a bucket name"),
        ({"BOT_S3_ADDRESSING_STYLE": "dns"}, "BOT_S3_ADDRESSING_STYLE: Input should be 'path' or 'virtual'"),
    ],
)
def test_an_incomplete_or_wrong_s3_store_stops_the_start(given: dict[str, str], named: str) -> None:
    with pytest.raises(BadEnvironment, match=named.replace("(", r"\(")):
        Settings.from_env({"BOT_MEDIA_STORE": "s3", **given})


def test_s3_settings_without_the_s3_store_are_a_mistake_said_at_start() -> None:
    with pytest.raises(BadEnvironment, match="BOT_S3_BUCKET set but BOT_MEDIA_STORE is not s3"):
        Settings.from_env({"BOT_S3_BUCKET": "photos"})


def test_check_config_says_where_photos_go(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BOT_MEDIA_STORE", "s3")
    monkeypatch.setenv("BOT_S3_ENDPOINT", "http://minio:9000")
    monkeypatch.setenv("BOT_S3_BUCKET", "photos")
    monkeypatch.setenv("BOT_S3_ACCESS_KEY", "complaint-bot")
    monkeypatch.setenv("BOT_S3_SECRET_KEY", "very-secret-value")
    assert main(["check-config"]) == 0
    said = capsys.readouterr().out
    assert "photos: the S3-compatible store http://minio:9000, bucket photos, keys under /" in said
    assert "very-secret-value" not in said

    monkeypatch.delenv("BOT_S3_SECRET_KEY")
    assert main(["check-config"]) == 2
    assert "BOT_MEDIA_STORE=s3 needs BOT_S3_SECRET_KEY too" in capsys.readouterr().err
