"""SMS: a customer reads the bot's texts once each, in the order the bot said them, whatever the
gateway reports about them and in whatever order (through the stub gateway)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.sms.adapter import signature
from bot.keys import resources
from bot.storage.models import Message
from tests.channels.conftest import ACCOUNT, NUMBER, PHONE, TOKEN, Stub
from tests.helpers import eventually

RANT = "阳光花园3栋2单元楼上天天漏水，" + "物业一直不管，我打了好多次电话都没人来看，" * 12


async def _outbound(client: Any) -> list[tuple[str, str | None, str | None, int]]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(Message.text, Message.delivery_status, Message.provider_message_id, Message.attempts)
            .where(Message.direction == "out")
            .order_by(Message.id)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def _all_sent(client: Any, stub: Stub, containing: str) -> None:
    """Every stored reply (one of them ``containing``) is through the gateway, as the bot said them."""

    async def done() -> bool:
        stored = await _outbound(client)
        sent = stub.texts_to(PHONE)
        return (
            any(containing in text for text, *_ in stored)
            and all(status in ("sent", "delivered") for _, status, _, _ in stored)
            # An SMS shows no buttons: a question's options ride as numbered lines under it.
            and len(sent) == len(stored)
            and all(text.startswith(said) for (said, *_), text in zip(stored, sent, strict=True))
        )

    try:
        await eventually(done, timeout=15)
    except AssertionError:
        raise AssertionError(f"stored: {await _outbound(client)}; sent: {stub.texts_to(PHONE)}") from None


async def _gateway_reports(client: Any, sid: str, status: str) -> None:
    params = {"AccountSid": ACCOUNT, "MessageSid": sid, "MessageStatus": status, "To": PHONE, "From": NUMBER}
    url = str(client.make_url("/channels/sms/status"))
    headers = {"X-Twilio-Signature": signature(TOKEN, url, params)}
    assert (await client.post("/channels/sms/status", data=params, headers=headers)).status == 204


async def test_texts_sent_as_fast_as_a_phone_sends_are_answered_in_order(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    for text in (RANT, "对", "你们快点来人"):  # the replies to one may still be on their way
        await stub.phone_sends(text)
    await _all_sent(client, stub, "请您稍候")


@pytest.mark.parametrize("late_report", ["queued", "accepted", "sending", "sent"])
async def test_a_late_report_never_sends_the_restatement_again_after_the_hand_off(
    sms_setup: tuple[Any, Stub], late_report: str
) -> None:
    """Gateways report out of order (Twilio's "sending" after "delivered"): the restatement was
    set back to be sent, and went again after the later texts, so the customer read the
    hand-off's "已转给客服代表" before it. A report only moves a message's state forward."""
    client, stub = sms_setup
    await stub.phone_sends(RANT)
    await _all_sent(client, stub, "是否正确")
    await stub.phone_sends("对")
    await _all_sent(client, stub, "请问还有什么可以帮助您")
    restatement = next(row for row in await _outbound(client) if "我跟您确认一下" in row[0])
    assert restatement[2] is not None
    for sid in restatement[2].split(","):
        await _gateway_reports(client, sid, "delivered")
        await _gateway_reports(client, sid, late_report)
    await stub.phone_sends("你们快点来人")
    await _all_sent(client, stub, "请您稍候")
    stored = await _outbound(client)
    assert [attempts for *_, attempts in stored] == [1] * len(stored)  # each sent once
    assert next(row for row in stored if "我跟您确认一下" in row[0])[1] == "delivered"
