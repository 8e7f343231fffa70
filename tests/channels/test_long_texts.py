"""A long text on WeChat or Telegram (past web chat's 2,000 characters) loses nothing: the phone
and the threat at its end are heard, the staff read it whole, and a retried push counts once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.config import ChannelsConfig, ServiceConfig, WechatWindow
from bot.keys import resources
from bot.settings import TelegramBotSettings, WechatAccountSettings
from bot.staff.accounts import Role
from bot.storage.models import Conversation, Message
from tests.channels.telegram_helpers import SECRET as TELEGRAM_SECRET
from tests.channels.telegram_helpers import TOKEN as TELEGRAM_TOKEN
from tests.channels.telegram_helpers import FakeBotApi, update
from tests.channels.wechat_helpers import APPID, SECRET, TOKEN, FakeWechatApi, signed_query, start_fake_wechat, text_xml
from tests.conftest import AppFactory
from tests.helpers import SentTexts, eventually, settled
from tests.staff import add_user, sign_in

PHONE = "13566667777"
_RANT = (
    "天花板一直往下滴水，墙皮一块一块往下掉，家里的地板都泡坏了，孩子晚上都睡不好觉。"
    "我找了物业前台好几次，每次都说马上派人来看，结果一个人影都没见到，打电话也没人接。"
    "楼上那户人家说不是他们的问题，让我们自己想办法，可是漏水明明就是从他们家卫生间下来的。"
)
_END = f"我电话{PHONE} 最后说一遍 再不处理我就去12345投诉 找电视台曝光你们"


def _long_rant(length: int = 3000) -> str:
    text = "你们物业到底管不管事？锦绣家园12栋楼上漏水已经一个多月了。"
    while len(text) + len(_END) < length:
        text += _RANT
    return text[: length - len(_END)] + _END


LONG = _long_rant()


@pytest.fixture
async def wechat(make_client: AppFactory, service_config: ServiceConfig) -> AsyncIterator[tuple[Any, FakeWechatApi]]:
    api = FakeWechatApi()
    server = await start_fake_wechat(api)
    account = WechatAccountSettings(TOKEN, APPID, SECRET, None, None, api_base=str(server.make_url("")).rstrip("/"))
    window = WechatWindow(template_id="TEMPLATE-1", template_field="content", passive_reply_within_ms=0)
    config = service_config.model_copy(update={"channels": ChannelsConfig(wechat=window)})
    client = await make_client(wechat=account, in_process_worker=True, config=config)
    yield client, api
    await server.close()


@pytest.fixture
async def telegram(make_client: AppFactory) -> AsyncIterator[tuple[Any, FakeBotApi]]:
    api = FakeBotApi()
    fake = web.Application()
    fake.router.add_post("/bot{token}/{method}", api.handle)
    server = TestServer(fake)
    await server.start_server()
    settings = TelegramBotSettings(TELEGRAM_TOKEN, TELEGRAM_SECRET, str(server.make_url("")).rstrip("/"))
    client = await make_client(telegram=settings, in_process_worker=True)
    yield client, api
    await server.close()


async def _heard_whole(client: Any, api: SentTexts) -> None:
    """The customer is read back the phone from the end of the text and never asked for it; the
    case waits for the duty supervisor; a supervisor reads the text whole, stored once."""

    async def restated() -> bool:
        return any(f"电话：{PHONE}" in text for text in api.texts())

    await eventually(restated, timeout=20)
    await settled(client)
    texts = api.texts()
    assert sum(f"电话：{PHONE}" in text for text in texts) == 1  # the retries answered nothing more
    assert not any("电话号码" in text for text in texts)
    assert any("地点：锦绣家园12栋" in text for text in texts)
    async with resources(client.app).sessions() as session:
        conversation_id = (await session.execute(select(Conversation.id))).scalar_one()
        stored = (await session.execute(select(Message.text).where(Message.direction == "in"))).scalars().all()
    assert stored == [LONG]

    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    shown = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert [message["text"] for message in shown["messages"] if message["direction"] == "in"] == [LONG]
    assert [ticket["queue"] for ticket in shown["waiting"]] == ["supervisor"]
    assert "media_legal" in shown["complaints"][0]["signals"]


async def test_a_3000_character_wechat_text_is_heard_whole_and_a_retry_once(
    wechat: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat
    assert len(LONG) == 3000 and len(LONG.encode()) > 2048
    push = text_xml(LONG, 7001)
    for _ in range(3):  # WeChat retries a push it got no answer to in 5 seconds
        response = await client.post("/channels/wechat", params=signed_query(client), data=push.encode())
        assert (response.status, await response.text()) == (200, "success")
    await _heard_whole(client, api)


async def test_a_3000_character_telegram_text_is_heard_whole_and_a_retry_once(
    telegram: tuple[Any, FakeBotApi],
) -> None:
    client, api = telegram
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    for _ in range(3):
        response = await client.post("/channels/telegram", json=update(7001, LONG), headers=headers)
        assert response.status == 200
    await _heard_whole(client, api)
