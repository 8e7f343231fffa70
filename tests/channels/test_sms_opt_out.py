"""SMS opt-out (回复TD退订), through the stub gateway as a customer's phone would: "TD" is
confirmed once and opens nothing, what the service starts afterwards is not texted (and staff see
why), and writing again opts the number back in."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.channels.sms.adapter import signature
from bot.config import SmsRules
from bot.core.messages import Sender
from bot.core.timeline import TimelineKind
from bot.keys import resources
from bot.outbound.effects import Effects
from bot.outbound.outbox import add_customer_message
from bot.staff.accounts import Role
from bot.storage.models import ChannelIdentity, Complaint, Conversation, DeadLetter, Message
from tests.channels.conftest import ACCOUNT, NUMBER, PHONE, TOKEN, Stub
from tests.helpers import eventually, settled, timeline_kinds
from tests.staff import add_user, give_to, sign_in

OPTED_OUT = "您已成功退订本服务的短信通知。如需继续反映问题，直接回复短信即可恢复。"


@pytest.mark.parametrize(
    ("text", "opt_out", "locale"),
    [
        ("TD", True, "zh-CN"),
        ("  ｔｄ。", True, "zh-CN"),
        ("t", True, "zh-CN"),
        ("退订", True, "zh-CN"),
        ("取消订阅！", True, "zh-CN"),
        ("Stop", True, "en"),
        ("UNSUBSCRIBE", True, "en"),
        ("订阅", False, "zh-CN"),
        ("恢复", False, "zh-CN"),
    ],
)
def test_whole_opt_words_match_whatever_their_case_width_or_punctuation(text: str, opt_out: bool, locale: str) -> None:
    word = SmsRules().match(text)
    assert word is not None and (word.opt_out, word.locale) == (opt_out, locale)


@pytest.mark.parametrize("text", ["退订什么意思", "TD2", "暖气不热 TD", "停水了", "", "。"])
def test_a_text_holding_more_than_a_word_is_no_opt_word(text: str) -> None:
    assert SmsRules().match(text) is None


def test_a_word_in_both_lists_is_refused() -> None:
    with pytest.raises(ValueError, match="both"):
        SmsRules(opt_out={"zh-CN": ["TD"]}, opt_in={"zh-CN": ["ｔｄ"]})


async def _conversation_of(client: Any, phone: str = PHONE) -> int:
    async with resources(client.app).sessions() as session:
        return (
            await session.execute(
                select(Conversation.id)
                .join(ChannelIdentity, ChannelIdentity.id == Conversation.identity_id)
                .where(ChannelIdentity.external_id == phone)
                .order_by(Conversation.id.desc())
                .limit(1)
            )
        ).scalar_one()


async def _opted_out(client: Any, phone: str = PHONE) -> bool:
    async with resources(client.app).sessions() as session:
        at = (
            await session.execute(select(ChannelIdentity.opted_out_at).where(ChannelIdentity.external_id == phone))
        ).scalar_one()
    return at is not None


async def _count(client: Any, model: Any, *where: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def _texted(stub: Stub, count: int) -> list[str]:
    async def arrived() -> bool:
        return len(stub.texts_to(PHONE)) >= count

    try:
        await eventually(arrived, timeout=15)
    except AssertionError:
        raise AssertionError(f"sent: {stub.texts_to(PHONE)}") from None
    return stub.texts_to(PHONE)


async def _system_message(client: Any, conversation_id: int, text: str, phrase_id: str) -> int:
    """What the promise tracker and the queue notices do: a message the service starts, stored and
    handed to the gateway (the worker delivers it)."""
    shared = resources(client.app)
    now = shared.clock()
    delivery = await shared.database.write(
        lambda session: add_customer_message(
            session, conversation_id, text, Sender.SYSTEM, now, shared.gateway.status_on_commit, phrase_id
        )
    )
    assert delivery is not None
    await shared.gateway.commit(Effects(deliveries=[delivery]))
    return delivery.message_id


async def test_td_is_confirmed_once_and_opens_no_complaint(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    result = await stub.phone_sends("TD")
    assert result["webhook_status"] == 200
    assert await _texted(stub, 1) == [OPTED_OUT]
    await stub.phone_sends("退订")  # already opted out: nothing more is said
    await settled(client)
    assert stub.texts_to(PHONE) == [OPTED_OUT]
    assert await _opted_out(client)
    conversation_id = await _conversation_of(client)
    assert await _count(client, Complaint) == 0
    kinds = await timeline_kinds(client, conversation_id)
    assert kinds == [TimelineKind.SMS_OPTED_OUT]  # not restated, nothing recorded
    async with resources(client.app).sessions() as session:
        state = (
            await session.execute(select(Conversation.flow_state).where(Conversation.id == conversation_id))
        ).scalar_one()
        kinds_stored = (await session.execute(select(Message.kind).where(Message.direction == "in"))).scalars().all()
    assert state == "new"
    assert set(kinds_stored) == {"opt_out"}


async def test_what_the_service_starts_after_td_is_not_texted_and_staff_see_why(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    await stub.phone_sends("小区电梯坏了,停了一上午")
    before = len(await _texted(stub, 3))
    await settled(client)
    await stub.phone_sends("TD")
    assert (await _texted(stub, before + 1))[-1] == OPTED_OUT
    await settled(client)
    conversation_id = await _conversation_of(client)
    # A deadline apology, a progress follow-up, a queue notice: each a message the service starts.
    dropped = await _system_message(client, conversation_id, "非常抱歉让您久等了", "waiting_apology")

    async def delivery_of_dropped() -> tuple[str | None, str | None]:
        async with resources(client.app).sessions() as session:
            found = await session.execute(
                select(Message.delivery_status, Message.last_error).where(Message.id == dropped)
            )
            status, error = found.one()
            return status, error

    async def decided() -> bool:
        return (await delivery_of_dropped())[0] != "pending"

    await eventually(decided)  # the worker picks the delivery job up
    await settled(client)
    assert len(stub.texts_to(PHONE)) == before + 1  # not texted
    status, error = await delivery_of_dropped()
    assert status == "dropped" and "opted out" in (error or "")
    assert await _count(client, DeadLetter) == 0  # not a failure: never retried
    kinds = await timeline_kinds(client, conversation_id)
    assert kinds[-2:] == [TimelineKind.SMS_OPTED_OUT, TimelineKind.NOT_SENT_OPTED_OUT]


async def test_texting_again_opts_back_in_and_is_handled_as_usual(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    await stub.phone_sends("TD")
    await _texted(stub, 1)
    await settled(client)
    await stub.phone_sends("小区电梯坏了,停了一上午")
    texts = await _texted(stub, 4)  # the greeting, recorded, and the question of the area
    await settled(client)
    assert any("小区或地址" in text for text in texts[1:])
    assert not await _opted_out(client)
    kinds = await timeline_kinds(client, await _conversation_of(client))
    assert kinds[:2] == [TimelineKind.SMS_OPTED_OUT, TimelineKind.SMS_OPTED_IN]
    # Messages the service starts reach the phone again.
    await _system_message(client, await _conversation_of(client), "您的投诉正在处理中", "progress_follow_up")
    await _texted(stub, len(texts) + 1)


async def test_an_opt_in_word_opts_back_in_with_its_confirmation_only(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    await stub.phone_sends("STOP")
    (said,) = await _texted(stub, 1)
    assert said.startswith("You have unsubscribed")  # in the language of the word
    await settled(client)
    await stub.phone_sends("订阅")
    texts = await _texted(stub, 2)
    await settled(client)
    assert texts[1] == "您已恢复接收本服务的短信通知。如需反映问题，请直接回复短信告诉我们。"
    assert len(stub.texts_to(PHONE)) == 2
    assert not await _opted_out(client)
    assert await _count(client, Complaint) == 0


async def test_a_retried_td_webhook_is_processed_once(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    params = {"AccountSid": ACCOUNT, "MessageSid": "SM" + uuid.uuid4().hex, "From": PHONE, "To": NUMBER, "Body": "TD"}
    params["NumSegments"] = "1"
    url = f"{client.make_url('/channels/sms')}"
    headers = {"X-Twilio-Signature": signature(TOKEN, url, params)}
    for _ in range(3):
        response = await client.post("/channels/sms", data=params, headers=headers)
        assert response.status == 200
    await _texted(stub, 1)
    await settled(client)
    assert stub.texts_to(PHONE) == [OPTED_OUT]
    assert await _count(client, Message, Message.provider_message_id == params["MessageSid"]) == 1
    kinds = await timeline_kinds(client, await _conversation_of(client))
    assert kinds == [TimelineKind.SMS_OPTED_OUT]


async def test_an_agent_cannot_text_a_customer_who_opted_out_until_they_write(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    await stub.phone_sends("小区电梯坏了,停了一上午")
    before = len(await _texted(stub, 3))
    await settled(client)
    conversation_id = await _conversation_of(client)
    await add_user(client, "wang", Role.AGENT)
    await give_to(client, conversation_id, "wang")
    csrf = await sign_in(client, "wang")
    headers = {"X-CSRF-Token": csrf}
    await stub.phone_sends("TD")  # the confirmation goes, though an agent owns the conversation
    assert (await _texted(stub, before + 1))[-1] == OPTED_OUT
    await settled(client)

    shown = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert shown["opted_out"] is True
    refused = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "师傅下午上门"}, headers=headers
    )
    assert refused.status == 409
    body = await refused.json()
    assert body["reason"] == "opted_out" and "退订" in body["error"]
    await settled(client)
    assert len(stub.texts_to(PHONE)) == before + 1

    await stub.phone_sends("师傅什么时候来")  # they wrote: opted back in
    await settled(client)
    sent = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "师傅下午上门"}, headers=headers
    )
    assert sent.status == 201, await sent.text()
    assert (await _texted(stub, before + 2))[-1] == "师傅下午上门"
