"""SMS delivery reports reach the message they are about: a long text sent in many parts, each
with its own id, and a report that comes before the send's result was stored (through the stub
gateway)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.sms.adapter import signature
from bot.channels.sms.stub import StatusReports
from bot.keys import resources
from bot.resources import job_ctx
from bot.staff.accounts import Role
from bot.storage.models import Conversation, Message, SmsPart
from tests.channels.conftest import ACCOUNT, NUMBER, PHONE, TOKEN, Stub, app_with_sms_stub
from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually, settled
from tests.staff import add_user, give_to, sign_in
from workers.jobs import reconcile

# An agent's answer of ~1,700 characters: UCS-2, 67 characters a segment, 4 segments a part.
LONG_REPLY = "\n".join(
    f"第{number}项：师傅明天下午三点上门检查楼上卫生间的防水层和您家天花板的渗水位置，请您家里留人开门。"
    for number in range(1, 36)
)


@pytest.fixture
async def sms_reports_by_hand(make_client: AppFactory) -> AsyncIterator[tuple[Any, Stub]]:
    """The stub reports nothing by itself: the test posts the gateway's reports."""
    client, stub = await app_with_sms_stub(make_client, StatusReports.NONE)
    yield client, stub
    await stub.server.close()


@pytest.fixture
async def sms_reports_first(make_client: AppFactory) -> AsyncIterator[tuple[Any, Stub]]:
    """The stub reports each SMS delivered before it answers the send."""
    client, stub = await app_with_sms_stub(make_client, StatusReports.BEFORE_ANSWER)
    yield client, stub
    await stub.server.close()


async def _gateway_reports(client: Any, sid: str, status: str) -> None:
    params = {"AccountSid": ACCOUNT, "MessageSid": sid, "MessageStatus": status, "To": PHONE, "From": NUMBER}
    url = str(client.make_url("/channels/sms/status"))
    headers = {"X-Twilio-Signature": signature(TOKEN, url, params)}
    assert (await client.post("/channels/sms/status", data=params, headers=headers)).status == 204


async def _outbound(client: Any) -> list[tuple[int, str, str | None, int]]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(Message.id, Message.text, Message.delivery_status, Message.attempts)
            .where(Message.direction == "out")
            .order_by(Message.id)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def _status_shown(client: Any, conversation_id: int, message_id: int) -> str | None:
    """The delivery status the agent's console shows for the message."""
    shown = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    [message] = [message for message in shown["messages"] if message["id"] == message_id]
    return message["delivery_status"]


async def test_a_reply_sent_in_six_parts_is_delivered_by_its_last_parts_report(
    sms_reports_by_hand: tuple[Any, Stub],
) -> None:
    """The parts' ids joined were too long for the message's provider id: on PostgreSQL the
    send's outcome was refused, the reply stayed "sending" and no report could find it."""
    client, stub = sms_reports_by_hand
    await stub.phone_sends("小区电梯坏了,停了一上午")
    await eventually(lambda: _texted(stub, 3), timeout=15)
    await settled(client)
    async with resources(client.app).sessions() as session:
        conversation_id = (await session.execute(select(Conversation.id))).scalar_one()
    await add_user(client, "wang", Role.AGENT)
    await give_to(client, conversation_id, "wang")
    headers = {"X-CSRF-Token": await sign_in(client, "wang")}
    texted_before = len(stub.texts_to(PHONE))
    reply = {"text": LONG_REPLY}
    sent = await client.post(f"/api/conversations/{conversation_id}/messages", json=reply, headers=headers)
    assert sent.status == 201, await sent.text()
    reply_id = (await sent.json())["message_id"]

    async def recorded() -> bool:
        return await _status_shown(client, conversation_id, reply_id) == "sent"

    try:
        await eventually(recorded, timeout=15)
    except AssertionError:
        raise AssertionError(f"outbound: {await _outbound(client)}") from None
    parts = [message for message in stub.gateway.outbound if message.to == PHONE][texted_before:]
    assert len(parts) >= 6
    assert "".join(part.body for part in parts).replace("\n", "") == LONG_REPLY.replace("\n", "")
    await _gateway_reports(client, parts[-1].sid, "delivered")
    assert await _status_shown(client, conversation_id, reply_id) == "delivered"


async def _texted(stub: Stub, count: int) -> bool:
    return len(stub.texts_to(PHONE)) >= count


async def test_a_report_that_comes_before_the_send_is_stored_is_applied_with_it_once(
    sms_reports_first: tuple[Any, Stub],
) -> None:
    """The gateway reported "delivered" while the worker still waited for its answer to the send:
    the report found no message with that id, and was dropped; the reply stayed "sent"."""
    client, stub = sms_reports_first
    await stub.phone_sends("小区电梯坏了,停了一上午")

    async def all_delivered() -> bool:
        stored = await _outbound(client)
        return len(stored) >= 3 and all(status == "delivered" for _, _, status, _ in stored)

    try:
        await eventually(all_delivered, timeout=15)
    except AssertionError:
        raise AssertionError(f"outbound: {await _outbound(client)}; reports: {stub.gateway.reports}") from None
    await settled(client)
    sids = [message.sid for message in stub.gateway.outbound]
    # Each was reported before the send was answered, and the bot took the report.
    assert [(sid, status) for sid, status, _ in stub.gateway.reports] == [
        (sid, status) for sid in sids for status in ("sent", "delivered")
    ]
    assert {answered for *_, answered in stub.gateway.reports} == {204}
    # The gateway retries its reports (it did not hear the answer): each is applied once.
    for sid in sids:
        await _gateway_reports(client, sid, "delivered")
        await _gateway_reports(client, sid, "sent")
    await settled(client)
    stored = await _outbound(client)
    assert [status for _, _, status, _ in stored] == ["delivered"] * len(stored)
    assert [attempts for *_, attempts in stored] == [1] * len(stored)  # each sent once
    texted = stub.texts_to(PHONE)  # an SMS shows no buttons: options ride as lines under the text
    assert len(texted) == len(stored)
    assert all(sms.startswith(text) for (_, text, *_), sms in zip(stored, texted, strict=True))
    async with resources(client.app).sessions() as session:
        parts = (await session.execute(select(SmsPart.provider_message_id, SmsPart.message_id, SmsPart.status))).all()
    assert sorted(sid for sid, _, _ in parts) == sorted(sids)  # none waits for a send any more
    assert {(message_id, status) for _, message_id, status in parts} == {(id_, "delivered") for id_, *_ in stored}


async def test_a_report_no_send_ever_matches_is_forgotten_after_the_configured_hours(
    sms_reports_by_hand: tuple[Any, Stub], clock: FixedClock
) -> None:
    client, _ = sms_reports_by_hand
    stray = "SM" + "f" * 32  # an id of no message of ours (another application on the account)
    await _gateway_reports(client, stray, "delivered")
    shared = resources(client.app)
    kept = shared.config.channels.sms.unmatched_reports_kept_hours

    async def waiting() -> list[str]:
        async with shared.sessions() as session:
            return list((await session.execute(select(SmsPart.provider_message_id))).scalars())

    clock.advance(hours=kept - 1)
    await reconcile(job_ctx(shared))
    assert await waiting() == [stray]
    clock.advance(hours=2)
    await reconcile(job_ctx(shared))
    assert await waiting() == []
