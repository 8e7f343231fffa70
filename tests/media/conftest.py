"""The app with a photo-capable provider behind a local server speaking its API (issue 15)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.settings import TelegramBotSettings, WechatAccountSettings
from tests.channels import telegram_helpers as tg
from tests.channels import wechat_helpers as wx
from tests.conftest import AppFactory


@pytest.fixture
async def telegram_app(make_client: AppFactory) -> AsyncIterator[tuple[Any, tg.FakeBotApi]]:
    api = tg.FakeBotApi()
    server = TestServer(tg.fake_bot_app(api))
    await server.start_server()
    client = await make_client(
        telegram=TelegramBotSettings(tg.TOKEN, tg.SECRET, str(server.make_url("")).rstrip("/")), in_process_worker=True
    )
    yield client, api
    await server.close()


@pytest.fixture
async def wechat_app(make_client: AppFactory) -> AsyncIterator[tuple[Any, wx.FakeWechatApi]]:
    api = wx.FakeWechatApi()
    server = await wx.start_fake_wechat(api)
    account = WechatAccountSettings(wx.TOKEN, wx.APPID, wx.SECRET, api_base=str(server.make_url("")).rstrip("/"))
    client = await make_client(wechat=account, in_process_worker=True)
    yield client, api
    await server.close()
