"""``settled()``: "nothing more will happen" is a condition the tests wait on, not a pause."""

from __future__ import annotations

import uuid

import pytest
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy import func, select

from bot.config import ChannelsConfig, ServiceConfig, WechatWindow
from bot.core import redis_keys
from bot.keys import resources
from bot.settings import WechatAccountSettings
from bot.storage.models import Message
from tests.channels.wechat_helpers import APPID, SECRET, TOKEN, FakeWechatApi, signed_query, start_fake_wechat, text_xml
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session, settled
from tests.order_helpers import DESCRIPTION, hold_lock_as_dead_instance


async def test_once_settled_every_reply_is_on_the_socket_without_waiting_for_it(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.send(DESCRIPTION)  # neither its ack nor the replies are waited for
    await settled(client, sockets=[socket])
    assert any("客服代表" in text for text in socket.bot_texts())  # the greeting
    assert any("电话" in text for text in socket.bot_texts())  # the reply to the description
    assert {"type": "error", "message": "unknown frame type 'sync'"} not in socket.frames
    await socket.close()


async def test_once_settled_a_posted_message_is_answered_in_the_database(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    response = await client.post(
        "/chat/messages",
        json={"id": str(uuid.uuid4()), "text": DESCRIPTION},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 200
    await settled(client)
    async with resources(client.app).sessions() as session:
        asks = (await session.execute(select(func.count()).where(Message.phrase_id == "ask_phone"))).scalar_one()
    assert asks == 1


async def test_events_waiting_behind_a_held_lock_are_not_settled(make_client: AppFactory, redis: Redis) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    await settled(client)
    await hold_lock_as_dead_instance(redis, conversation_id, 60_000)
    await client.post(
        "/chat/messages",
        json={"id": str(uuid.uuid4()), "text": DESCRIPTION},
        headers={"Authorization": f"Bearer {token}"},
    )
    with pytest.raises(AssertionError, match="not settled") as raised:
        await settled(client, timeout=0.5)
    assert redis_keys.conversation_inbox(conversation_id) in str(raised.value)
    assert redis_keys.conversation_lock(conversation_id) in str(raised.value)


class BusyOnceWechatApi(FakeWechatApi):
    """WeChat answering the first customer-service send with "system busy" (-1, tried again later)."""

    def __init__(self) -> None:
        super().__init__()
        self.busy_answers = 0

    async def send(self, request: web.Request) -> web.Response:
        if not self.busy_answers:
            self.busy_answers += 1
            return web.json_response({"errcode": -1, "errmsg": "system busy"})
        return await super().send(request)


async def test_a_delivery_waiting_out_its_retry_backoff_is_not_settled(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    api = BusyOnceWechatApi()
    server = await start_fake_wechat(api)
    account = WechatAccountSettings(TOKEN, APPID, SECRET, None, None, api_base=str(server.make_url("")).rstrip("/"))
    passive_off = ChannelsConfig(wechat=WechatWindow(passive_reply_within_ms=0))  # replies go by the worker
    config = service_config.model_copy(update={"channels": passive_off})
    client = await make_client(wechat=account, in_process_worker=True, retry_backoff=1.0, config=config)
    response = await client.post("/channels/wechat", params=signed_query(client), data=text_xml("小区电梯坏了", 3901))
    assert response.status == 200
    await settled(client)
    assert api.busy_answers == 1  # the reply's first send was refused, and sent again after the backoff
    assert any("电话" in text for text in api.texts())
    await server.close()
