"""WeChat official account: as WeChat's servers post, plain and encrypted, with retries."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
import xmltodict
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select, update
from wechatpy.crypto import WeChatCrypto

from bot.channels.base import DeliveryError
from bot.config import ChannelsConfig, ServiceConfig, WechatWindow
from bot.core.messages import OutboundMessage
from bot.keys import resources
from bot.settings import Settings, WechatAccountSettings
from bot.storage.models import ChannelIdentity, Complaint, Conversation, Message
from tests.channels.wechat_helpers import (
    APPID,
    OPENID,
    SECRET,
    TOKEN,
    FakeWechatApi,
    aes_key,
    encrypted,
    event_xml,
    location_xml,
    now_of,
    push,
    queue_late_message,
    signed_query,
    start_fake_wechat,
    stored_count,
    subscribe_xml,
    text_xml,
    voice_xml,
)
from tests.conftest import AppFactory
from tests.helpers import eventually, settled

KEY, PREVIOUS_KEY = aes_key(), aes_key()


PLAIN, SAFE = (False, 0), (True, 0)
"""``wechat_setup`` parameters: (EncodingAESKey configured, passive reply budget in ms)."""


@pytest.fixture
async def wechat_setup(
    request: pytest.FixtureRequest, make_client: AppFactory, service_config: ServiceConfig
) -> AsyncIterator[tuple[Any, FakeWechatApi]]:
    """An app with WeChat on, against a fake API: plain mode (no EncodingAESKey) and passive
    replies off unless parametrised with ``(safe mode, passive reply ms)``."""
    safe, passive_ms = getattr(request, "param", PLAIN)
    api = FakeWechatApi()
    server = await start_fake_wechat(api)
    aes_key, aes_key_previous = (KEY, PREVIOUS_KEY) if safe else (None, None)
    account = WechatAccountSettings(
        TOKEN, APPID, SECRET, aes_key, aes_key_previous, api_base=str(server.make_url("")).rstrip("/")
    )
    config = service_config.model_copy(
        update={
            "channels": ChannelsConfig(
                wechat=WechatWindow(
                    template_id="TEMPLATE-1",
                    template_field="content",
                    passive_reply_within_ms=passive_ms,
                )
            )
        }
    )
    client = await make_client(wechat=account, in_process_worker=True, config=config)
    yield client, api
    await server.close()


async def test_url_verification_echoes_only_with_a_good_signature(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, _ = wechat_setup
    response = await client.get("/channels/wechat", params=signed_query(client, echostr="hello-wechat"))
    assert (response.status, await response.text()) == (200, "hello-wechat")
    bad = {**signed_query(client, echostr="x"), "signature": "0" * 40}
    assert (await client.get("/channels/wechat", params=bad)).status == 403


async def test_a_plain_text_message_is_answered_through_the_customer_service_api(
    wechat_setup: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat_setup
    response = await client.post("/channels/wechat", params=signed_query(client), data=text_xml("电梯坏了", 1001))
    assert (response.status, await response.text()) == (200, "success")

    async def asked_phone() -> bool:
        return any("电话" in text for text in api.texts())

    await eventually(asked_phone, timeout=15)
    assert api.texts()[0].startswith("下午好")
    assert api.token_fetches == 1  # one shared token for every send


async def test_a_voice_message_is_understood_from_wechats_transcript(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    """Voice input is how many customers complain on WeChat: the transcript is read like typed
    text, a phone said digit by digit included."""
    client, api = wechat_setup
    said = "小区电梯坏了三天了，我电话幺三九一二三四五六七八"
    response = await client.post("/channels/wechat", params=signed_query(client), data=voice_xml(said, 1101))
    assert (response.status, await response.text()) == (200, "success")

    async def asked_area() -> bool:
        return any("小区或地址" in text for text in api.texts())

    await eventually(asked_area, timeout=15)
    assert not any("电话号码" in text for text in api.texts())  # the phone was heard
    response = await client.post("/channels/wechat", params=signed_query(client), data=voice_xml("阳光花园三栋", 1102))

    async def restated() -> bool:
        return any("电话：13912345678" in text for text in api.texts())

    await eventually(restated, timeout=15)
    assert any("问题：小区电梯坏了三天了" in text for text in api.texts())


async def test_retries_of_the_same_msgid_are_processed_once(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat_setup
    xml = text_xml("垃圾没人清理", 2002)
    for _ in range(4):  # the first delivery and WeChat's three retries
        response = await client.post("/channels/wechat", params=signed_query(client), data=xml)
        assert response.status == 200

    async def answered() -> bool:
        return len(api.texts()) >= 3

    await eventually(answered, timeout=15)
    assert await stored_count(client) == 1
    assert len(api.texts()) == 3


async def test_subscribe_is_greeted_once_even_when_retried(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat_setup
    created = now_of(client)
    for _ in range(2):
        await client.post("/channels/wechat", params=signed_query(client), data=subscribe_xml(created))

    async def greeted() -> bool:
        return len(api.texts()) >= 2

    await eventually(greeted, timeout=15)
    assert any("客服代表" in text for text in api.texts())
    assert await stored_count(client) == 1


@pytest.mark.parametrize("wechat_setup", [SAFE], indirect=True)
@pytest.mark.parametrize("key", [KEY, PREVIOUS_KEY], ids=["current key", "previous key"])
async def test_safe_mode_messages_are_decrypted(wechat_setup: tuple[Any, FakeWechatApi], key: str) -> None:
    client, _ = wechat_setup
    query, body = encrypted(client, text_xml("楼道灯坏了", 3003), key)
    response = await client.post("/channels/wechat", params=query, data=body)
    assert response.status == 200
    async with resources(client.app).sessions() as session:
        texts = (await session.execute(select(Message.text).where(Message.direction == "in"))).scalars().all()
    assert texts == ["楼道灯坏了"]


@pytest.mark.parametrize("wechat_setup", [SAFE], indirect=True)
@pytest.mark.parametrize("case", ["bad signature", "bad msg_signature", "another appid", "unknown key", "not xml"])
async def test_bad_requests_are_refused_and_store_nothing(wechat_setup: tuple[Any, FakeWechatApi], case: str) -> None:
    client, _ = wechat_setup
    xml = text_xml("hi", 4004)
    if case == "bad signature":
        query, body = {**signed_query(client), "signature": "0" * 40}, xml
    elif case == "bad msg_signature":
        query, body = encrypted(client, xml, KEY)
        query["msg_signature"] = "0" * 40
    elif case == "another appid":
        query, body = encrypted(client, xml, KEY, appid="wxanotherappid0000")
    elif case == "unknown key":
        query, body = encrypted(client, xml, aes_key())
    else:
        query, body = encrypted(client, "{not xml", KEY)
    response = await client.post("/channels/wechat", params=query, data=body)
    assert 400 <= response.status < 500
    assert "error" in await response.json()
    assert await stored_count(client) == 0


async def test_unknown_message_types_are_answered_success_and_ignored(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, _ = wechat_setup
    xml = text_xml("x", 5005).replace("<![CDATA[text]]>", "<![CDATA[shortvideo]]>")
    response = await client.post("/channels/wechat", params=signed_query(client), data=xml)
    assert (response.status, await response.text()) == (200, "success")
    assert await stored_count(client) == 0


async def test_wechat_is_off_without_its_settings(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await client.get("/channels/wechat", params=signed_query(client, echostr="x"))).status == 404


async def test_outside_the_48_hour_window_a_template_message_is_sent(
    wechat_setup: tuple[Any, FakeWechatApi], clock: Any
) -> None:
    client, api = wechat_setup
    await client.post("/channels/wechat", params=signed_query(client), data=text_xml("电梯坏了", 6006))

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
    await settled(client)
    assert len(api.texts()) == 3  # nothing more went as a customer-service message

    async def recorded() -> bool:
        async with resources(client.app).sessions() as session:
            status = (await session.execute(select(Message.delivery_status).where(Message.id == late_id))).scalar()
        return status == "sent"

    await eventually(recorded, timeout=10)


@pytest.mark.parametrize("wechat_setup", [(False, 3000), (True, 3000)], indirect=True, ids=["plain", "safe mode"])
async def test_fast_replies_go_back_on_the_push_itself(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat_setup
    wechat = resources(client.app).settings.wechat
    safe_mode = wechat is not None and wechat.aes_key is not None
    xml = text_xml("电梯坏了", 7007)
    query, body = encrypted(client, xml, KEY) if safe_mode else (signed_query(client), xml)
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
    await settled(client)
    assert api.texts() == []  # nothing went twice through the customer-service API
    async with resources(client.app).sessions() as session:
        statuses = (await session.execute(select(Message.delivery_status).where(Message.direction == "out"))).all()
    assert statuses and all(status == ("sent",) for status in statuses)


async def test_two_processes_share_one_access_token(redis: Any) -> None:
    """Adapters in two workers asking at once: one fetch, both use the same token."""
    from bot.channels.wechat.adapter import WechatAdapter, WechatSettings

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


async def test_wechat_unreachable_is_told_without_the_app_secret(redis: Any) -> None:
    """The failure is stored on the message, shown on the timeline to agents and logged: the
    URL it quotes must not carry the AppSecret."""
    from bot.channels.wechat.adapter import WechatAdapter, WechatSettings

    adapter = WechatAdapter(WechatSettings(TOKEN, APPID, "wx-app-secret-42", api_base="http://127.0.0.1:9"), redis)
    with pytest.raises(DeliveryError) as failure:
        await adapter.send(OPENID, OutboundMessage("您好"), 1)
    assert "WeChat unreachable" in str(failure.value) and not failure.value.permanent
    assert "wx-app-secret-42" not in str(failure.value)


async def test_customer_service_messages_reuse_their_connections_to_wechat(redis: Any) -> None:
    """A send no longer opens a connection (a TLS handshake with WeChat) of its own: the blocking
    client runs in worker threads, each keeping its connection open between messages."""
    from bot.channels.wechat.adapter import WechatAdapter, WechatSettings

    api = FakeWechatApi()
    server = await start_fake_wechat(api)
    try:
        api_base = str(server.make_url("")).rstrip("/")
        adapter = WechatAdapter(WechatSettings(TOKEN, APPID, SECRET, api_base=api_base), redis)
        threads = min(32, (os.cpu_count() or 1) + 4)  # asyncio.to_thread's default executor
        sends = 2 * threads + 1
        for number in range(sends):
            await adapter.send(OPENID, OutboundMessage(f"第{number}条"), number)
    finally:
        await server.close()
    assert len(api.sent) == sends
    assert len(api.send_connections) <= threads, api.send_connections


@pytest.mark.parametrize("wechat_setup", [SAFE], indirect=True)
async def test_compatible_mode_bodies_carry_plain_fields_and_are_decrypted(
    wechat_setup: tuple[Any, FakeWechatApi],
) -> None:
    client, _ = wechat_setup
    xml = text_xml("兼容模式的消息", 8008)
    query, body = encrypted(client, xml, KEY)
    compatible = body.replace("<Encrypt>", xml[len("<xml>") : -len("</xml>")] + "<Encrypt>")
    response = await client.post("/channels/wechat", params=query, data=compatible)
    assert response.status == 200
    async with resources(client.app).sessions() as session:
        texts = (await session.execute(select(Message.text).where(Message.direction == "in"))).scalars().all()
    assert texts == ["兼容模式的消息"]


async def complaint_descriptions(client: Any) -> list[str]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Complaint.description))).scalars())


async def inbound_texts(client: Any) -> list[str]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(Message.text).where(Message.direction == "in").order_by(Message.id))
        return list(rows.scalars())


@pytest.mark.parametrize("wechat_setup", [SAFE], indirect=True)
async def test_with_an_aes_key_a_plain_push_is_refused(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    """Plain mode signs only token, timestamp and nonce: anyone holding one signed query could
    attach any body. With an EncodingAESKey only ``msg_signature``-checked bodies count."""
    client, _ = wechat_setup
    response = await client.post("/channels/wechat", params=signed_query(client), data=text_xml("伪造的投诉", 4101))
    assert response.status == 403
    assert "EncodingAESKey" in (await response.json())["error"]
    assert await stored_count(client) == 0


async def test_a_plain_signed_query_carries_only_its_first_body(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    """Plain mode signs no body: whoever captures a signed query could send another body with it
    inside the time window. The query is bound to the first body; WeChat's retry with the same
    body is deduplicated as always, another body is refused and stores nothing."""
    client, api = wechat_setup
    query, genuine = signed_query(client), text_xml("垃圾没人清理", 4201)
    first = await client.post("/channels/wechat", params=query, data=genuine)
    assert (first.status, await first.text()) == (200, "success")

    swapped = await client.post("/channels/wechat", params=query, data=text_xml("伪造的投诉", 4202))
    assert swapped.status == 403
    assert "another body" in (await swapped.json())["error"]
    retried = await client.post("/channels/wechat", params=query, data=genuine)
    assert (retried.status, await retried.text()) == (200, "success")

    async def answered() -> bool:
        return len(api.texts()) >= 3

    await eventually(answered, timeout=15)
    assert await stored_count(client) == 1
    async with resources(client.app).sessions() as session:
        texts = (await session.execute(select(Message.text).where(Message.direction == "in"))).scalars().all()
    assert texts == ["垃圾没人清理"]


async def test_a_signed_query_is_bound_for_twice_the_signature_window(
    wechat_setup: tuple[Any, FakeWechatApi],
) -> None:
    client, _ = wechat_setup
    query = signed_query(client)
    assert (await client.post("/channels/wechat", params=query, data=text_xml("路灯坏了", 4203))).status == 200
    keys = [key async for key in resources(client.app).redis.scan_iter(match="bot:wechat:*:signed-query:*")]
    assert len(keys) == 1
    ttl = await resources(client.app).redis.pttl(keys[0])
    assert 590_000 < ttl <= 600_000  # BOT_SIGNATURE_MAX_AGE_SECONDS is 300


async def test_a_body_refused_for_its_signed_query_is_not_counted_against_its_sender(
    wechat_setup: tuple[Any, FakeWechatApi],
) -> None:
    """The binding and the sender's characters are checked in one round trip: a text refused for
    another body's signed query leaves its sender's count as it was and stores nothing."""
    client, _ = wechat_setup
    redis = resources(client.app).redis
    query = signed_query(client)
    assert (await client.post("/channels/wechat", params=query, data=text_xml("路灯坏了", 4301))).status == 200
    forged = text_xml("伪造" * 500, 4302, sender="o-forged-sender")
    swapped = await client.post("/channels/wechat", params=query, data=forged)
    assert swapped.status == 403
    assert [key async for key in redis.scan_iter(match="*o-forged-sender*")] == []
    assert await stored_count(client) == 1


async def test_a_push_the_bot_ignores_binds_its_signed_query_too(wechat_setup: tuple[Any, FakeWechatApi]) -> None:
    client, _ = wechat_setup
    query = signed_query(client)
    ignored = await client.post("/channels/wechat", params=query, data=event_xml("unsubscribe", now_of(client)))
    assert (ignored.status, await ignored.text()) == (200, "success")
    swapped = await client.post("/channels/wechat", params=query, data=text_xml("伪造的投诉", 4303))
    assert swapped.status == 403
    assert await stored_count(client) == 0


@pytest.mark.parametrize("wechat_setup", [PLAIN, SAFE], indirect=True, ids=["plain", "safe mode"])
@pytest.mark.parametrize(
    ("age", "accepted"),
    [(0, True), (299, True), (-299, True), (301, False), (-301, False), (None, False)],
    ids=["now", "299 s old", "299 s ahead", "301 s old", "301 s ahead", "in 2001"],
)
async def test_signed_requests_outside_the_time_window_are_refused(
    wechat_setup: tuple[Any, FakeWechatApi], age: int | None, accepted: bool
) -> None:
    client, _ = wechat_setup
    wechat = resources(client.app).settings.wechat
    safe = wechat is not None and wechat.aes_key is not None
    timestamp = 1000000000 if age is None else now_of(client) - age  # 1000000000: 2001-09-09
    xml = text_xml("路灯坏了", 4102)
    query, body = encrypted(client, xml, KEY, timestamp=timestamp) if safe else (signed_query(client, timestamp), xml)
    response = await client.post("/channels/wechat", params=query, data=body)
    verification = await client.get("/channels/wechat", params=signed_query(client, timestamp, echostr="e"))
    if accepted:
        assert (response.status, verification.status) == (200, 200)
        assert await stored_count(client) == 1
    else:
        assert (response.status, verification.status) == (403, 403)
        assert "timestamp" in (await response.json())["error"]
        assert await stored_count(client) == 0


def test_the_signature_window_is_a_setting() -> None:
    env = {"BOT_WECHAT_TOKEN": "t", "BOT_WECHAT_APPID": "a", "BOT_WECHAT_SECRET": "s"}
    default = Settings.from_env(env).wechat
    assert default is not None and default.signature_max_age_seconds == 300
    narrowed = Settings.from_env({**env, "BOT_SIGNATURE_MAX_AGE_SECONDS": "60"}).wechat
    assert narrowed is not None and narrowed.signature_max_age_seconds == 60


def _without(xml: str, element: str) -> str:
    start, end = xml.index(f"<{element}>"), xml.index(f"</{element}>") + len(element) + 3
    return xml[:start] + xml[end:]


MALFORMED = {
    "empty body": "",
    "blank body": "  \n ",
    "no CreateTime": _without(text_xml("电梯坏了", 4201), "CreateTime"),
    "empty CreateTime": text_xml("电梯坏了", 4202).replace("<CreateTime>1795400000<", "<CreateTime><"),
    "huge CreateTime": text_xml("电梯坏了", 4203).replace("1795400000", "9" * 30),
    "non-numeric CreateTime": text_xml("电梯坏了", 4204).replace("1795400000", "yesterday"),
    "superscript CreateTime": text_xml("电梯坏了", 4205).replace("1795400000", "²"),
    "non-numeric MsgId": text_xml("电梯坏了", 4206).replace("<MsgId>4206", "<MsgId>abc"),
    "no FromUserName": _without(text_xml("电梯坏了", 4207), "FromUserName"),
    "no MsgType": _without(text_xml("电梯坏了", 4208), "MsgType"),
    "two Contents": text_xml("电梯坏了", 4209).replace("<MsgId>", "<Content>再来一个</Content><MsgId>"),
    "Content with children": text_xml("x", 4210).replace("<![CDATA[x]]>", "<b>电梯</b>"),
    "location without coordinates": (
        "<xml><ToUserName>gh</ToUserName><FromUserName>oCustomer123</FromUserName><CreateTime>1795400000"
        "</CreateTime><MsgType>location</MsgType><Location_X>north</Location_X><MsgId>4211</MsgId></xml>"
    ),
    "not one xml element": "<html><body>电梯坏了</body></html>",
    "ToUserName that is not an account id": text_xml("电梯坏了", 4212).replace(
        "<![CDATA[gh_account]]>", "<![CDATA[gh]]]]><![CDATA[><b>]]>"
    ),
}


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
async def test_a_signed_push_that_is_not_a_wechat_message_gets_400_and_stores_nothing(
    wechat_setup: tuple[Any, FakeWechatApi], body: str
) -> None:
    client, _ = wechat_setup
    for _ in range(2):  # WeChat's retry gets the same answer
        response = await client.post("/channels/wechat", params=signed_query(client), data=body.encode())
        assert response.status == 400, await response.text()
        assert (await response.json())["error"]
    assert await stored_count(client) == 0


@pytest.mark.parametrize("content", ["", "   ", "\n"], ids=["empty", "spaces", "newline"])
async def test_a_text_message_with_no_text_is_answered_success_and_not_stored(
    wechat_setup: tuple[Any, FakeWechatApi], content: str
) -> None:
    client, api = wechat_setup
    empty = text_xml(content, 4301)
    for _ in range(2):
        response = await client.post("/channels/wechat", params=signed_query(client), data=empty)
        assert (response.status, await response.text()) == (200, "success")
    self_closing = text_xml("x", 4302).replace("<Content><![CDATA[x]]></Content>", "<Content/>")
    response = await client.post("/channels/wechat", params=signed_query(client), data=self_closing)
    assert (response.status, await response.text()) == (200, "success")
    assert await stored_count(client) == 0
    # The next real message starts the conversation as the first one would.
    await client.post("/channels/wechat", params=signed_query(client), data=text_xml("小区停水了", 4303))

    async def asked_phone() -> bool:
        return any("电话" in text for text in api.texts())

    await eventually(asked_phone, timeout=15)
    assert await inbound_texts(client) == ["小区停水了"]
    assert "None" not in "".join(api.texts())


async def test_messages_without_msgid_are_kept_apart_per_customer_and_retries_stored_once(
    wechat_setup: tuple[Any, FakeWechatApi],
) -> None:
    client, _ = wechat_setup
    created = now_of(client)
    first = text_xml("三号楼电梯坏了", None, sender="oCustomerA", created=created)
    second = text_xml("五号楼停电了", None, sender="oCustomerB", created=created)
    later = text_xml("还有楼道灯", None, sender="oCustomerA", created=created)
    for body in (first, second, first, later, second, first):  # WeChat retries some of them
        response = await client.post("/channels/wechat", params=signed_query(client), data=body)
        assert response.status == 200
    assert sorted(await inbound_texts(client)) == sorted(["三号楼电梯坏了", "五号楼停电了", "还有楼道灯"])
    async with resources(client.app).sessions() as session:
        ids = (await session.execute(select(Message.provider_message_id).where(Message.direction == "in"))).scalars()
        assert all(provider_id and provider_id != "msg:0" for provider_id in ids)
    assert not any(description == "None" for description in await complaint_descriptions(client))


async def test_text_is_stored_cleaned_and_cut_to_the_limit_like_every_providers(
    wechat_setup: tuple[Any, FakeWechatApi],
) -> None:
    client, _ = wechat_setup
    limit = resources(client.app).config.channels.max_provider_text_chars
    for msg_id, content in [(4401, "漏水\u200b" + "严重" * limit), (4402, "\u200b\u200d")]:
        response = await client.post("/channels/wechat", params=signed_query(client), data=text_xml(content, msg_id))
        assert response.status == 200
    [stored] = await inbound_texts(client)
    assert len(stored) == limit and stored.startswith("漏水\u200b严重") and stored.endswith("…")


@pytest.mark.parametrize("said", ["路灯坏了]]></Content><ToUserName><![CDATA[oSomeoneElse]]></ToUserName>", "a]]>b]]>"])
def test_a_passive_reply_holding_a_cdata_end_is_well_formed_and_says_it_whole(said: str) -> None:
    """The restatement quotes the customer: "]]>" in it must not end the reply's CDATA section."""
    from wechatpy import parse_message

    from bot.channels.wechat.adapter import WechatAdapter

    text = f"我跟您确认一下：\n问题：{said}"
    reply = WechatAdapter.passive_reply(text_xml("电梯坏了", 1001), text, {}, None)
    parsed = parse_message(reply)
    assert parsed.content == text and parsed.target == OPENID


@pytest.mark.parametrize(
    ("x", "y", "label", "stored"),
    [
        ("23.134521", "113.358803", "阳光花园", "[location] 阳光花园 (23.134521,113.358803)"),
        ("999", "999", "阳光花园", "[location] 阳光花园"),
        ("-91", "181", "阳光花园", "[location] 阳光花园"),
        ("90.5", "0", "", "[location]"),
        ("1e1", "1_0", "阳光花园", "[location] 阳光花园"),
    ],
)
async def test_a_location_out_of_range_keeps_its_place_name_without_coordinates(
    wechat_setup: tuple[Any, FakeWechatApi], x: str, y: str, label: str, stored: str
) -> None:
    client, _ = wechat_setup
    response = await client.post(
        "/channels/wechat", params=signed_query(client), data=location_xml(x, y, label, 4401).encode()
    )
    assert response.status == 200, await response.text()
    async with resources(client.app).sessions() as session:
        stored_as = Message.provider_message_id == f"msg:oLocation{4401:019d}:4401"
        texts = (await session.execute(select(Message.text).where(stored_as))).scalars()
        assert list(texts) == [stored]


async def _conversations_of(client: Any) -> list[tuple[str, list[str]]]:
    """Each conversation's sender and inbound texts, oldest first."""
    async with resources(client.app).sessions() as session:
        rows = (
            await session.execute(
                select(Conversation.id, ChannelIdentity.external_id)
                .join(ChannelIdentity, ChannelIdentity.id == Conversation.identity_id)
                .order_by(Conversation.id)
            )
        ).all()
        found = []
        for conversation_id, sender in rows:
            texts = await session.execute(
                select(Message.text)
                .where(Message.conversation_id == conversation_id, Message.direction == "in")
                .order_by(Message.id)
            )
            found.append((sender, list(texts.scalars())))
    return found


async def test_a_msgid_another_customer_used_is_still_this_customers_message(
    wechat_setup: tuple[Any, FakeWechatApi],
) -> None:
    """MsgIds are numbered per sender: two customers' messages of one MsgId are both answered;
    a retry of either is stored once, in its own conversation, and opens no other one."""
    client, api = wechat_setup
    created = now_of(client)
    await push(client, text_xml("三号楼电梯坏了", 1001, sender="oUser1", created=created))
    await push(client, text_xml("五号楼停水了", 1001, sender="oUser2", created=created + 1))

    async def both_answered() -> bool:
        return {item.get("touser") for item in api.sent} >= {"oUser1", "oUser2"}

    await eventually(both_answered, timeout=15)
    assert await _conversations_of(client) == [("oUser1", ["三号楼电梯坏了"]), ("oUser2", ["五号楼停水了"])]

    # WeChat retries oUser2's push; then again after that conversation was closed
    await push(client, text_xml("五号楼停水了", 1001, sender="oUser2", created=created + 1))
    async with resources(client.app).sessions() as session:
        await session.execute(update(Conversation).values(status="closed", closed_at=resources(client.app).clock()))
        await session.commit()
    await push(client, text_xml("五号楼停水了", 1001, sender="oUser2", created=created + 1))
    await settled(client)
    assert await _conversations_of(client) == [("oUser1", ["三号楼电梯坏了"]), ("oUser2", ["五号楼停水了"])]
