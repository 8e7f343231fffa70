"""WeChat official account: as WeChat's servers post, plain and encrypted, with retries."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import xmltodict
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select
from wechatpy.crypto import WeChatCrypto

from bot.config import ChannelsConfig, ServiceConfig, WechatWindow
from bot.keys import redis_key, sessions_key
from bot.models import Message
from bot.settings import WechatAccountSettings
from tests.conftest import AppFactory
from tests.helpers import eventually

TOKEN, APPID, SECRET, OPENID = "wx-token", "wx1234567890abcdef", "wx-secret", "oCustomer123"


def aes_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()[:-1]


class FakeWechatApi:
    """The access-token and customer-service endpoints, recording sends and token fetches."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.templates: list[dict[str, Any]] = []
        self.token_fetches = 0

    async def token(self, request: web.Request) -> web.Response:
        self.token_fetches += 1
        return web.json_response({"access_token": f"TOKEN{self.token_fetches}", "expires_in": 7200})

    async def template(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != f"TOKEN{self.token_fetches}":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        self.templates.append(await request.json())
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": 200228332})

    async def send(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != f"TOKEN{self.token_fetches}":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        self.sent.append(await request.json())
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def texts(self) -> list[str]:
        return [item["text"]["content"] for item in self.sent if item.get("touser") == OPENID]


async def start_fake_wechat(api: FakeWechatApi) -> TestServer:
    """The fake WeChat API as a local server."""
    fake = web.Application()
    fake.router.add_get("/cgi-bin/token", api.token)
    fake.router.add_post("/cgi-bin/message/custom/send", api.send)
    fake.router.add_post("/cgi-bin/message/template/send", api.template)
    server = TestServer(fake)
    await server.start_server()
    return server


async def queue_late_message(client: Any, when: Any, text: str) -> int:
    """A bot message for the (only) WeChat conversation, due at ``when``, handed to the worker."""
    async with client.app[sessions_key]() as session, session.begin():
        conversation_id = (await session.execute(select(Message.conversation_id))).scalars().first()
        late = Message(
            conversation_id=conversation_id,
            channel="wechat",
            direction="out",
            sender="bot",
            kind="text",
            text=text,
            created_at=when,
            delivery_status="pending",
        )
        session.add(late)
    await client.app[redis_key].enqueue_job("deliver_message", late.id, _job_id=f"deliver:{late.id}")
    return late.id


def signed_query(**extra: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), "nonce123"
    signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce, **extra}


def text_xml(content: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def subscribe_xml(created: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    )


def encrypted(xml: str, key: str, appid: str = APPID) -> tuple[dict[str, str], str]:
    """The query and body WeChat sends in safe mode."""
    query = signed_query(encrypt_type="aes")
    envelope = xmltodict.parse(WeChatCrypto(TOKEN, key, appid).encrypt_message(xml, query["nonce"], query["timestamp"]))
    query["msg_signature"] = envelope["xml"]["MsgSignature"]
    cipher = envelope["xml"]["Encrypt"]
    body = f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[{cipher}]]></Encrypt></xml>"
    return query, body


KEY, PREVIOUS_KEY = aes_key(), aes_key()


@pytest.fixture
async def wechat_setup(
    request: pytest.FixtureRequest, make_client: AppFactory, service_config: ServiceConfig
) -> AsyncIterator[tuple[Any, FakeWechatApi]]:
    """An app with WeChat on, against a fake API; passive replies off unless parametrised."""
    api = FakeWechatApi()
    server = await start_fake_wechat(api)
    account = WechatAccountSettings(
        TOKEN, APPID, SECRET, KEY, PREVIOUS_KEY, api_base=str(server.make_url("")).rstrip("/")
    )
    config = service_config.model_copy(
        update={
            "channels": ChannelsConfig(
                wechat=WechatWindow(
                    template_id="TEMPLATE-1",
                    template_field="content",
                    passive_reply_within_ms=getattr(request, "param", 0),
                )
            )
        }
    )
    client = await make_client(wechat=account, in_process_worker=True, config=config)
    yield client, api
    await server.close()


async def stored_count(client: Any) -> int:
    async with client.app[sessions_key]() as session:
        return (await session.execute(select(func.count()).where(Message.direction == "in"))).scalar_one()


async def test_url_verification_echoes_only_with_a_good_signature(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, _ = wechat_setup
    response = await client.get("/channels/wechat", params=signed_query(echostr="hello-wechat"))
    assert (response.status, await response.text()) == (200, "hello-wechat")
    bad = {**signed_query(echostr="x"), "signature": "0" * 40}
    assert (await client.get("/channels/wechat", params=bad)).status == 403


async def test_a_plain_text_message_is_answered_through_the_customer_service_api(
    wechat_setup: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat_setup
    response = await client.post("/channels/wechat", params=signed_query(), data=text_xml("电梯坏了", 1001))
    assert (response.status, await response.text()) == (200, "success")

    async def asked_phone() -> bool:
        return any("电话" in text for text in api.texts())

    await eventually(asked_phone, timeout=15)
    assert api.texts()[0].startswith("下午好")
    assert api.token_fetches == 1  # one shared token for every send


async def test_retries_of_the_same_msgid_are_processed_once(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat_setup
    for _ in range(4):  # the first delivery and WeChat's three retries
        response = await client.post("/channels/wechat", params=signed_query(), data=text_xml("垃圾没人清理", 2002))
        assert response.status == 200

    async def answered() -> bool:
        return len(api.texts()) >= 3

    await eventually(answered, timeout=15)
    assert await stored_count(client) == 1
    assert len(api.texts()) == 3


async def test_subscribe_is_greeted_once_even_when_retried(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat_setup
    created = int(time.time())
    for _ in range(2):
        await client.post("/channels/wechat", params=signed_query(), data=subscribe_xml(created))

    async def greeted() -> bool:
        return len(api.texts()) >= 2

    await eventually(greeted, timeout=15)
    assert any("客服代表" in text for text in api.texts())
    assert await stored_count(client) == 1


@pytest.mark.parametrize("key", [KEY, PREVIOUS_KEY], ids=["current key", "previous key"])
async def test_safe_mode_messages_are_decrypted(wechat_setup: tuple[Any, FakeWechatApi], key: str) -> None:
    client, _ = wechat_setup
    query, body = encrypted(text_xml("楼道灯坏了", 3003), key)
    response = await client.post("/channels/wechat", params=query, data=body)
    assert response.status == 200
    async with client.app[sessions_key]() as session:
        texts = (await session.execute(select(Message.text).where(Message.direction == "in"))).scalars().all()
    assert texts == ["楼道灯坏了"]


@pytest.mark.parametrize("case", ["bad signature", "bad msg_signature", "another appid", "unknown key", "not xml"])
async def test_bad_requests_are_refused_and_store_nothing(wechat_setup: tuple[Any, FakeWechatApi], case: str) -> None:
    client, _ = wechat_setup
    xml = text_xml("hi", 4004)
    if case == "bad signature":
        query, body = {**signed_query(), "signature": "0" * 40}, xml
    elif case == "bad msg_signature":
        query, body = encrypted(xml, KEY)
        query["msg_signature"] = "0" * 40
    elif case == "another appid":
        query, body = encrypted(xml, KEY, appid="wxanotherappid0000")
    elif case == "unknown key":
        query, body = encrypted(xml, aes_key())
    else:
        query, body = signed_query(), "{not xml"
    response = await client.post("/channels/wechat", params=query, data=body)
    assert 400 <= response.status < 500
    assert "error" in await response.json()
    assert await stored_count(client) == 0


async def test_unknown_message_types_are_answered_success_and_ignored(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, _ = wechat_setup
    xml = text_xml("x", 5005).replace("<![CDATA[text]]>", "<![CDATA[shortvideo]]>")
    response = await client.post("/channels/wechat", params=signed_query(), data=xml)
    assert (response.status, await response.text()) == (200, "success")
    assert await stored_count(client) == 0


async def test_wechat_is_off_without_its_settings(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await client.get("/channels/wechat", params=signed_query(echostr="x"))).status == 404


async def test_outside_the_48_hour_window_a_template_message_is_sent(
    wechat_setup: tuple[Any, FakeWechatApi], clock: Any
) -> None:
    client, api = wechat_setup
    await client.post("/channels/wechat", params=signed_query(), data=text_xml("电梯坏了", 6006))

    async def answered() -> bool:
        return len(api.texts()) >= 3

    await eventually(answered, timeout=15)
    # Two days later a message for the customer is due (as a follow-up would be).
    clock.advance(hours=49)
    late_id = await queue_late_message(client, clock(), "您好,您反映的电梯问题已安排维修。")

    async def templated() -> bool:
        return bool(api.templates)

    await eventually(templated, timeout=15)
    assert api.templates[0]["template_id"] == "TEMPLATE-1"
    assert api.templates[0]["touser"] == OPENID
    assert api.templates[0]["data"]["content"]["value"] == "您好,您反映的电梯问题已安排维修。"
    assert len(api.texts()) == 3  # nothing more went as a customer-service message

    async def recorded() -> bool:
        async with client.app[sessions_key]() as session:
            status = (await session.execute(select(Message.delivery_status).where(Message.id == late_id))).scalar()
        return status == "sent"

    await eventually(recorded, timeout=10)


@pytest.mark.parametrize("wechat_setup", [3000], indirect=True)
@pytest.mark.parametrize("safe_mode", [False, True], ids=["plain", "safe mode"])
async def test_fast_replies_go_back_on_the_push_itself(
    wechat_setup: tuple[Any, FakeWechatApi], safe_mode: bool
) -> None:
    client, api = wechat_setup
    xml = text_xml("电梯坏了", 7007)
    query, body = encrypted(xml, KEY) if safe_mode else (signed_query(), xml)
    response = await client.post("/channels/wechat", params=query, data=body)
    assert response.status == 200
    payload = await response.text()
    if safe_mode:
        envelope = xmltodict.parse(payload)["xml"]
        payload = WeChatCrypto(TOKEN, KEY, APPID).decrypt_message(
            payload, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
        )
    reply = xmltodict.parse(payload)["xml"]
    assert reply["ToUserName"] == OPENID and reply["MsgType"] == "text"
    assert reply["Content"].startswith("下午好") and "电话" in reply["Content"]
    await asyncio.sleep(0.5)
    assert api.texts() == []  # nothing went twice through the customer-service API
    async with client.app[sessions_key]() as session:
        statuses = (await session.execute(select(Message.delivery_status).where(Message.direction == "out"))).all()
    assert statuses and all(status == ("sent",) for status in statuses)


async def test_two_processes_share_one_access_token(redis: Any) -> None:
    """Adapters in two workers asking at once: one fetch, both use the same token."""
    from bot.channels.wechat import WechatAdapter, WechatSettings

    api = FakeWechatApi()
    fake = web.Application()
    fake.router.add_get("/cgi-bin/token", api.token)
    server = TestServer(fake)
    await server.start_server()
    try:
        settings = WechatSettings(TOKEN, APPID, SECRET, api_base=str(server.make_url("")).rstrip("/"))
        first, second = WechatAdapter(settings, redis), WechatAdapter(settings, redis)
        tokens = await asyncio.gather(*(adapter._access_token() for adapter in (first, second, first, second)))
    finally:
        await server.close()
    assert set(tokens) == {"TOKEN1"}
    assert api.token_fetches == 1


async def test_compatible_mode_bodies_carry_plain_fields_and_are_decrypted(
    wechat_setup: tuple[Any, FakeWechatApi],
) -> None:
    client, _ = wechat_setup
    xml = text_xml("兼容模式的消息", 8008)
    query, body = encrypted(xml, KEY)
    compatible = body.replace("<Encrypt>", xml[len("<xml>") : -len("</xml>")] + "<Encrypt>")
    response = await client.post("/channels/wechat", params=query, data=compatible)
    assert response.status == 200
    async with client.app[sessions_key]() as session:
        texts = (await session.execute(select(Message.text).where(Message.direction == "in"))).scalars().all()
    assert texts == ["兼容模式的消息"]
