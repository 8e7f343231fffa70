"""Telegram: webhook updates as Telegram posts them, replies through a local Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.channels.base import DeliveryError, MediaUnavailable
from bot.channels.splitting import split_text, utf16_units
from bot.channels.telegram.adapter import TelegramAdapter
from bot.core.messages import OutboundMessage
from bot.keys import resources
from bot.settings import TelegramBotSettings
from bot.storage.models import Message
from tests.channels.telegram_helpers import CHAT, SECRET, TOKEN, FakeBotApi, update
from tests.conftest import AppFactory
from tests.helpers import eventually


@pytest.fixture
async def telegram_setup(make_client: AppFactory) -> AsyncIterator[tuple[Any, FakeBotApi]]:
    api = FakeBotApi(rate_limit_first=1)
    fake = web.Application()
    fake.router.add_post("/bot{token}/{method}", api.handle)
    server = TestServer(fake)
    await server.start_server()
    client = await make_client(
        telegram=TelegramBotSettings(TOKEN, SECRET, str(server.make_url("")).rstrip("/")), in_process_worker=True
    )
    yield client, api
    await server.close()


async def post(client: Any, payload: Any, secret: str | None = SECRET) -> Any:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    return await client.post("/channels/telegram", json=payload, headers=headers)


async def test_start_greets_and_a_complaint_is_collected(telegram_setup: tuple[Any, FakeBotApi]) -> None:
    client, api = telegram_setup
    assert (await post(client, update(1, "/start"))).status == 200

    async def greeted() -> bool:
        return any("客服代表" in text for text in api.texts())

    await eventually(greeted, timeout=15)  # through one 429 with retry_after honoured
    assert (await post(client, update(2, "电梯坏了"))).status == 200

    async def asked_phone() -> bool:
        return any("电话" in text for text in api.texts())

    await eventually(asked_phone, timeout=15)
    assert all(int(item["chat_id"]) == CHAT for item in api.sent)


async def test_a_retried_update_is_processed_once(telegram_setup: tuple[Any, FakeBotApi]) -> None:
    client, api = telegram_setup
    for _ in range(3):
        assert (await post(client, update(10, "电梯坏了"))).status == 200

    async def answered() -> bool:
        return len(api.texts()) >= 3

    await eventually(answered, timeout=15)
    async with resources(client.app).sessions() as session:
        stored = (
            await session.execute(select(func.count()).where(Message.provider_message_id == "update:10"))
        ).scalar_one()
    assert stored == 1


@pytest.mark.parametrize("secret", [None, "wrong"])
async def test_a_missing_or_wrong_secret_is_refused(telegram_setup: tuple[Any, FakeBotApi], secret: str | None) -> None:
    client, _ = telegram_setup
    response = await post(client, update(20, "hi"), secret=secret)
    assert response.status == 403
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Message))).scalar_one() == 0


async def test_non_updates_are_refused_and_other_updates_ignored(telegram_setup: tuple[Any, FakeBotApi]) -> None:
    client, _ = telegram_setup
    assert (await post(client, {"hello": 1})).status == 400
    post_in_channel = {"update_id": 30, "channel_post": update(30, "x")["message"]}
    assert (await post(client, post_in_channel)).status == 200
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Message))).scalar_one() == 0


def test_long_texts_are_split_under_telegrams_limit() -> None:
    text = "\n".join("投诉内容" * 50 for _ in range(30))
    pieces = split_text(text, 4096, utf16_units)
    assert len(pieces) > 1 and all(len(piece) <= 4096 for piece in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


async def test_telegram_is_off_without_its_settings(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await post(client, update(1, "/start"))).status == 404


async def test_the_webhook_is_registered_with_the_secret(tmp_path: Any) -> None:
    import asyncio
    import os
    import sys

    from bot.settings import PROJECT_ROOT

    calls: list[dict[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        params = await request.json() if request.content_type == "application/json" else dict(await request.post())
        calls.append({"method": request.match_info["method"], **params})
        if request.match_info["method"] == "getMe":
            return web.json_response(
                {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "B", "username": "b"}}
            )
        return web.json_response({"ok": True, "result": True})

    fake = web.Application()
    fake.router.add_post("/bot{token}/{method}", handle)
    server = TestServer(fake)
    await server.start_server()
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    env.update(
        BOT_TELEGRAM_TOKEN=TOKEN, BOT_TELEGRAM_SECRET=SECRET, BOT_TELEGRAM_API_BASE=str(server.make_url("")).rstrip("/")
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "telegram-webhook",
        "--url",
        "https://bot.example/channels/telegram",
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    await server.close()
    assert process.returncode == 0, output.decode()
    webhook = next(call for call in calls if call["method"] == "setWebhook")
    assert webhook["url"] == "https://bot.example/channels/telegram"
    assert webhook["secret_token"] == SECRET


async def test_telegram_unreachable_at_the_first_send_is_a_temporary_failure() -> None:
    """The adapter's first call (getMe) meets the outage: the delivery is retried later, not
    dead-lettered at its first try."""
    adapter = TelegramAdapter(TelegramBotSettings("1:token", "secret", "http://127.0.0.1:9"))
    try:
        with pytest.raises(DeliveryError) as failure:
            await adapter.send("42", OutboundMessage(text="您好"), outbound_id=1)
        assert not failure.value.permanent
        with pytest.raises(MediaUnavailable) as unavailable:
            await adapter.download_media("file-1", 1_000_000)
        assert not unavailable.value.permanent
    finally:
        await adapter.close()
