"""SMS fixtures shared by the channel tests: a stub gateway and an app wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.channels.sms.stub import StatusReports, StubConfig, StubGateway, create_stub_app, stub_key
from bot.embedded_redis import free_port
from bot.settings import SmsGatewaySettings
from tests.conftest import AppFactory

ACCOUNT, TOKEN, NUMBER = "AC" + "1" * 32, "stub-token", "10690000"
PHONE = "+8613800138000"


class Stub:
    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.gateway: StubGateway = server.app[stub_key]

    @property
    def base(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    async def phone_sends(self, body: str, sender: str = PHONE) -> dict[str, Any]:
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{self.base}/phone", json={"From": sender, "Body": body}) as response,
        ):
            return await response.json()

    def texts_to(self, phone: str) -> list[str]:
        return [message.body for message in self.gateway.outbound if message.to == phone]


async def app_with_sms_stub(
    make_client: AppFactory, status_reports: StatusReports = StatusReports.AFTER_ANSWER, **overrides: Any
) -> tuple[Any, Stub]:
    """An app instance (in-process worker) and a stub gateway wired to each other; the stub
    reports deliveries as ``status_reports`` says."""
    app_port = free_port()
    webhook = f"http://127.0.0.1:{app_port}/channels/sms"
    stub_server = TestServer(create_stub_app(StubConfig(ACCOUNT, TOKEN, NUMBER, webhook, status_reports)))
    await stub_server.start_server()
    stub = Stub(stub_server)
    client = await make_client(
        port=app_port,
        public_url=f"http://127.0.0.1:{app_port}",
        sms=SmsGatewaySettings(ACCOUNT, TOKEN, NUMBER, stub.base),
        in_process_worker=True,
        **overrides,
    )
    return client, stub


@pytest.fixture
async def sms_setup(make_client: AppFactory) -> AsyncIterator[tuple[Any, Stub]]:
    client, stub = await app_with_sms_stub(make_client)
    yield client, stub
    await stub.server.close()
