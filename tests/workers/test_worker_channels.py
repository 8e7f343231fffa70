"""A worker builds the same channel adapters as the app from the same settings, and says when it is alive."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator

from aiohttp.test_utils import TestServer
from arq.worker import Worker

from bot.channels.sms.stub import StubConfig, create_stub_app, stub_key
from bot.config import ServiceConfig
from bot.embedded_redis import free_port
from bot.settings import PROJECT_ROOT, Settings, SmsGatewaySettings
from tests.channels.conftest import ACCOUNT, NUMBER, PHONE, TOKEN
from tests.conftest import AppFactory
from tests.helpers import eventually
from tests.workers.providers import enqueue, message, seed_conversation
from workers.settings import worker_settings


async def run_worker_until_empty(settings: Settings, config: ServiceConfig) -> None:
    """``python -m bot worker``'s arq settings, run in burst mode: its own resources, built on startup."""
    worker = Worker(**worker_settings(settings, config), burst=True, poll_delay=0.02, handle_signals=False)
    try:
        await worker.main()
    finally:
        await worker.close()


async def test_a_worker_from_the_apps_settings_sends_sms_through_the_configured_gateway(
    make_client: AppFactory, settings: Settings, service_config: ServiceConfig
) -> None:
    stub_app = create_stub_app(StubConfig(ACCOUNT, TOKEN, NUMBER, "http://127.0.0.1:9/channels/sms"))
    gateway = TestServer(stub_app)
    await gateway.start_server()
    sms = SmsGatewaySettings(ACCOUNT, TOKEN, NUMBER, str(gateway.make_url("")).rstrip("/"))
    try:
        client = await make_client(sms=sms, in_process_worker=False)
        _, (message_id,) = await seed_conversation(client, "sms", PHONE, ["您的投诉已登记"], phone=PHONE)
        await enqueue(client, [message_id])
        await run_worker_until_empty(settings.with_overrides(sms=sms), service_config)
    finally:
        await gateway.close()
    assert [m.body for m in stub_app[stub_key].outbound if m.to == PHONE] == ["您的投诉已登记"]
    assert (await message(client, message_id)).delivery_status == "sent"


async def test_with_the_stub_asked_for_a_separate_worker_sends_sms_through_the_apps_stub(
    make_client: AppFactory, settings: Settings, service_config: ServiceConfig
) -> None:
    port = free_port()
    stubbed = {"public_url": f"http://127.0.0.1:{port}", "sms_stub": True, "in_process_worker": False}
    client = await make_client(port=port, **stubbed)
    _, (message_id,) = await seed_conversation(client, "sms", PHONE, ["您的投诉已登记"], phone=PHONE)
    await enqueue(client, [message_id])
    await run_worker_until_empty(settings.with_overrides(**stubbed), service_config)

    async def delivered() -> bool:  # the stub reports "sent", then "delivered", to the app's status URL
        return (await message(client, message_id)).delivery_status == "delivered"

    await eventually(delivered)
    listing = await (await client.get("/sms-stub/messages")).json()
    assert [item["body"] for item in listing["outbound"] if item["to"] == PHONE] == ["您的投诉已登记"]


async def check(redis_url: str) -> int:
    """``python -m bot worker --check``, as compose's health check runs it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    env["BOT_REDIS_URL"] = redis_url
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker", "--check", cwd=PROJECT_ROOT, env=env, stdout=asyncio.subprocess.DEVNULL
    )
    return await asyncio.wait_for(process.wait(), 60)


@contextlib.asynccontextmanager
async def running_worker(settings: Settings, config: ServiceConfig) -> AsyncIterator[Worker]:
    worker = Worker(**worker_settings(settings, config), poll_delay=0.05, handle_signals=False)
    task = asyncio.create_task(worker.async_run())
    try:
        yield worker
    finally:
        with contextlib.suppress(asyncio.CancelledError):
            await worker.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_the_worker_health_check_passes_while_a_worker_runs_and_fails_without_one(
    settings: Settings, service_config: ServiceConfig, redis_url: str
) -> None:
    assert await check(redis_url) == 1
    async with running_worker(settings, service_config):
        deadline = asyncio.get_running_loop().time() + 30
        while await check(redis_url) != 0:
            assert asyncio.get_running_loop().time() < deadline, "the running worker never passed its health check"
    assert await check(redis_url) == 1  # a worker that stops takes its record with it


async def test_no_sms_stub_is_mounted_unless_asked_for(make_client: AppFactory) -> None:
    default = await make_client(sms_stub=Settings().sms_stub)
    assert (await default.get("/sms-stub/")).status == 404
    assert (await default.post("/channels/sms", data={"Body": "hi"})).status == 404  # SMS off: not offered
    assert Settings.from_env({}).sms_stub is False

    asked = await make_client(sms_stub=Settings.from_env({"BOT_SMS_STUB": "1"}).sms_stub)
    response = await asked.get("/sms-stub/")
    assert response.status == 200 and "SMS stub gateway" in await response.text()


def test_the_embedded_start_turns_the_stub_on() -> None:
    start = (PROJECT_ROOT / "scripts" / "start").read_text(encoding="utf-8")
    assert 'BOT_SMS_STUB="${BOT_SMS_STUB:-1}"' in start


async def test_the_stub_page_is_unreachable_for_a_gateway_configured_app(make_client: AppFactory) -> None:
    sms = SmsGatewaySettings(ACCOUNT, TOKEN, NUMBER, "http://127.0.0.1:9")
    client = await make_client(sms=sms, sms_stub=True)
    assert (await client.get("/sms-stub/")).status == 404
