"""SMS: the gateway dialect, the signed webhooks, and a round trip through the stub gateway."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.channels.sms.adapter import SmsAdapter, SmsSettings, segments, signature, split_to_segments
from bot.core.messages import OutboundMessage
from bot.keys import resources
from bot.storage.models import Message
from tests.channels.conftest import ACCOUNT, NUMBER, PHONE, TOKEN, Stub
from tests.conftest import AppFactory
from tests.helpers import eventually, settled


def test_signature_matches_the_documented_example() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


@pytest.mark.parametrize(
    ("text", "count"),
    [("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("中" * 70, 1), ("中" * 71, 2), ("中" * 135, 3)],
)
def test_segments_follow_gsm7_and_ucs2_limits(text: str, count: int) -> None:
    assert segments(text) == count


def test_long_texts_are_split_within_the_segment_cap() -> None:
    text = "\n".join(f"第{i}行:" + "电梯坏了" * 10 for i in range(10))
    parts = split_to_segments(text, 2)
    assert all(segments(part) <= 2 for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


async def test_an_sms_complaint_is_answered_by_sms(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    result = await stub.phone_sends("小区电梯坏了,停了一上午")
    assert result["webhook_status"] == 200

    async def asked_for_area() -> bool:
        return any("小区或地址" in text for text in stub.texts_to(PHONE))

    try:
        await eventually(asked_for_area, timeout=15)
    except AssertionError:
        raise AssertionError(f"sent: {stub.texts_to(PHONE)}; all: {stub.gateway.outbound}") from None
    texts = stub.texts_to(PHONE)
    assert texts[0].startswith("下午好")
    assert not any("电话号码" in text for text in texts)  # the phone number came with the SMS

    async def delivered() -> bool:
        async with resources(client.app).sessions() as session:
            statuses = (
                (await session.execute(select(Message.delivery_status).where(Message.direction == "out")))
                .scalars()
                .all()
            )
        return bool(statuses) and all(status == "delivered" for status in statuses)

    try:
        await eventually(delivered, timeout=15)
    except AssertionError:
        async with resources(client.app).sessions() as session:
            rows = (await session.execute(select(Message.provider_message_id, Message.delivery_status))).all()
        raise AssertionError(f"statuses: {rows}; stub: {stub.gateway.outbound}") from None
    async with resources(client.app).sessions() as session:
        stored = (
            (await session.execute(select(Message.text).where(Message.direction == "out").order_by(Message.id)))
            .scalars()
            .all()
        )
    assert stub.texts_to(PHONE) == list(stored)  # delivered in the order the bot said them


async def test_a_retried_webhook_is_stored_and_answered_once(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    params = {
        "AccountSid": ACCOUNT,
        "MessageSid": "SM" + uuid.uuid4().hex,
        "From": PHONE,
        "To": NUMBER,
        "Body": "噪音扰民",
        "NumSegments": "1",
    }
    url = f"{client.make_url('/channels/sms')}"
    headers = {"X-Twilio-Signature": signature(TOKEN, url, params)}
    for _ in range(3):
        response = await client.post("/channels/sms", data=params, headers=headers)
        assert response.status == 200
        assert "<Response>" in await response.text()

    async def answered() -> bool:
        return len(stub.texts_to(PHONE)) >= 3

    await eventually(answered, timeout=15)
    await settled(client)
    async with resources(client.app).sessions() as session:
        stored = (
            await session.execute(select(func.count()).where(Message.provider_message_id == params["MessageSid"]))
        ).scalar_one()
    assert stored == 1
    assert len(stub.texts_to(PHONE)) == 3  # greeting, invitation folded in: opening, recorded, ask area


@pytest.mark.parametrize("bad_signature", [None, "AAAA", "signature-for-another-url"])
async def test_a_badly_signed_webhook_is_refused_and_stores_nothing(
    sms_setup: tuple[Any, Stub], bad_signature: str | None
) -> None:
    client, _ = sms_setup
    params = {"AccountSid": ACCOUNT, "MessageSid": "SM" + uuid.uuid4().hex, "From": PHONE, "To": NUMBER, "Body": "hi"}
    params["NumSegments"] = "1"
    headers = {}
    if bad_signature == "signature-for-another-url":
        headers["X-Twilio-Signature"] = signature(TOKEN, "http://elsewhere/channels/sms", params)
    elif bad_signature:
        headers["X-Twilio-Signature"] = bad_signature
    response = await client.post("/channels/sms", data=params, headers=headers)
    assert response.status == 403
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Message))).scalar_one() == 0


async def test_the_idempotency_key_makes_a_repeated_send_a_no_op(sms_setup: tuple[Any, Stub]) -> None:
    _, stub = sms_setup
    async with aiohttp.ClientSession() as http:
        adapter = SmsAdapter(SmsSettings(ACCOUNT, TOKEN, NUMBER, stub.base), http)
        first = await adapter.send(PHONE, OutboundMessage(text="您好"), outbound_id=41)
        again = await adapter.send(PHONE, OutboundMessage(text="您好"), outbound_id=41)
    assert first == again
    assert stub.texts_to(PHONE) == ["您好"]


async def test_the_sms_channel_is_off_without_its_settings(make_client: AppFactory) -> None:
    client = await make_client(sms=None, sms_stub=False)
    assert (await client.post("/channels/sms", data={"Body": "hi"})).status == 404


async def test_status_callbacks_are_signed_and_checked(sms_setup: tuple[Any, Stub]) -> None:
    from pathlib import Path
    from urllib.parse import parse_qsl

    client, _ = sms_setup
    fixture = Path(__file__).parent.parent / "fixtures" / "sms" / "status_delivered.txt"
    params = dict(parse_qsl(fixture.read_text(encoding="utf-8").strip()))
    url = str(client.make_url("/channels/sms/status"))
    signed = {"X-Twilio-Signature": signature(TOKEN, url, params)}
    assert (await client.post("/channels/sms/status", data=params, headers=signed)).status == 204
    assert (await client.post("/channels/sms/status", data=params)).status == 403
    unknown = {**params, "MessageStatus": "teleported"}
    resigned = {"X-Twilio-Signature": signature(TOKEN, url, unknown)}
    assert (await client.post("/channels/sms/status", data=unknown, headers=resigned)).status == 400


async def test_a_gateway_message_replayed_with_its_sid_stretched_over_a_dropped_field_is_refused(
    sms_setup: tuple[Any, Stub],
) -> None:
    """The tester's replay: the signature joins sorted names and values with nothing between them,
    so a captured message resent with "MessageSid" = "SM…NumSegments1" and NumSegments dropped keeps
    its signature; its sid is new, so it used to be stored a second time."""
    client, stub = sms_setup
    sent = await stub.phone_sends("小区电梯又坏了")
    [captured] = [params for params in stub.gateway.inbound if params["MessageSid"] == sent["message_sid"]]
    assert sent["webhook_status"] == 200
    url = f"{client.make_url('/channels/sms')}"
    headers = {"X-Twilio-Signature": signature(TOKEN, url, captured)}
    without_segments = {key: value for key, value in captured.items() if key != "NumSegments"}
    stretched = {**without_segments, "MessageSid": f"{captured['MessageSid']}NumSegments{captured['NumSegments']}"}
    assert signature(TOKEN, url, stretched) == headers["X-Twilio-Signature"]
    response = await client.post("/channels/sms", data=stretched, headers=headers)
    assert response.status == 400 and "form field" in (await response.json())["error"]
    # Resigned (as only the token's holder could), a form without a field the gateway always sends.
    resigned = {"X-Twilio-Signature": signature(TOKEN, url, without_segments)}
    response = await client.post("/channels/sms", data=without_segments, headers=resigned)
    assert response.status == 400 and "NumSegments" in (await response.json())["error"]
    await settled(client)
    async with resources(client.app).sessions() as session:
        inbound = await session.execute(select(Message.provider_message_id).where(Message.direction == "in"))
    assert list(inbound.scalars()) == [captured["MessageSid"]]


async def test_a_status_callback_for_a_sid_the_gateway_never_makes_is_refused(sms_setup: tuple[Any, Stub]) -> None:
    client, _ = sms_setup
    url = str(client.make_url("/channels/sms/status"))
    for sid, status in [
        *((bad, 400) for bad in ("SM" + "A" * 32, "SM" + "0" * 31, "SM" + "0" * 33, "sm" + "0" * 32, "SM" + "g" * 32)),
        ("MM" + "0" * 32, 204),
        ("SM" + "0" * 32, 204),
    ]:
        params = {"AccountSid": ACCOUNT, "MessageSid": sid, "MessageStatus": "delivered"}
        headers = {"X-Twilio-Signature": signature(TOKEN, url, params)}
        assert (await client.post("/channels/sms/status", data=params, headers=headers)).status == status, sid
