"""Persisting inbound messages: one that cannot be stored fails alone, and a new customer's
first messages arriving at once (one batch, or two instances) are all stored, once."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select, update

from bot.core.messages import ChannelName, InboundMessage
from bot.core.pipeline import StoredInbound
from bot.keys import resources
from bot.storage.models import ChannelIdentity, Conversation, Customer, Message
from tests.conftest import AppFactory
from tests.helpers import eventually, new_session


def sms(sid: str, sender: str, text: str = "小区电梯坏了") -> InboundMessage:
    return InboundMessage(
        channel=ChannelName.SMS,
        sender_id=sender,
        provider_message_id=sid,
        text=text,
        sent_at=dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC),
        sender_phone=sender,
    )


async def _count(client: Any, statement: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(statement)).scalar_one())


async def test_a_message_that_cannot_be_stored_fails_alone_and_the_rest_of_its_batch_is_stored(
    make_client: AppFactory,
) -> None:
    # The routes refuse such text; this submits past them, as any unforeseen storage failure
    # of one message would arrive.
    client = await make_client()
    pipeline = resources(client.app).pipeline
    good = [sms(f"SM-good-{n}", f"+86138001380{n:02d}") for n in range(6)]
    unstorable = sms("SM-bad", "+8613900139000", text="坏了\ud800")
    submitted = [*good[:3], unstorable, *good[3:]]
    # Submitted together, they are taken as one batch.
    results = await asyncio.gather(*(pipeline.submit(message) for message in submitted), return_exceptions=True)
    assert isinstance(results[3], Exception)
    stored = [result for index, result in enumerate(results) if index != 3]
    assert all(isinstance(result, StoredInbound) and not result.duplicate for result in stored), results
    inbound = select(func.count()).select_from(Message).where(Message.direction == "in")
    assert await _count(client, inbound) == 6
    assert await _count(client, inbound.where(Message.provider_message_id == "SM-bad")) == 0
    assert await _count(client, select(func.count()).select_from(Customer)) == 6  # nothing half-stored

    async def all_answered() -> bool:
        replied = select(func.count(func.distinct(Message.conversation_id))).where(Message.direction == "out")
        return await _count(client, replied) == 6

    await eventually(all_answered)
    # The pipeline goes on: the next message is stored at once.
    again = await pipeline.submit(sms("SM-after", "+8613900139000", text="坏了"))
    assert not again.duplicate


async def test_copies_of_a_new_customers_first_message_in_one_batch_are_stored_once(make_client: AppFactory) -> None:
    client = await make_client()
    pipeline = resources(client.app).pipeline
    copies = [sms("SM-first", "+8613700137000"), sms("SM-first", "+8613700137000"), sms("SM-second", "+8613700137000")]
    results = await asyncio.gather(*(pipeline.submit(message) for message in copies))
    assert [result.duplicate for result in results] == [False, True, False]
    assert results[0].message_id == results[1].message_id
    assert len({result.conversation_id for result in results}) == 1
    assert await _count(client, select(func.count()).select_from(ChannelIdentity)) == 1
    assert await _count(client, select(func.count()).select_from(Customer)) == 1


async def test_a_new_customers_first_messages_on_two_instances_at_once_are_all_stored(
    make_client: AppFactory,
) -> None:
    instances = [await make_client(), await make_client()]
    for round_ in range(6):
        sender = f"+86136001360{round_:02d}"
        # Each message twice (a provider retry) plus a second message, spread over both instances.
        messages = [sms(f"SM-{round_}-a", sender), sms(f"SM-{round_}-a", sender), sms(f"SM-{round_}-b", sender)] * 2
        results = await asyncio.gather(
            *(resources(instances[index % 2].app).pipeline.submit(message) for index, message in enumerate(messages)),
            return_exceptions=True,
        )
        assert all(isinstance(result, StoredInbound) for result in results), results
        assert sum(not result.duplicate for result in results if isinstance(result, StoredInbound)) == 2
        identities = select(func.count()).select_from(ChannelIdentity).where(ChannelIdentity.external_id == sender)
        assert await _count(client=instances[0], statement=identities) == 1
    client = instances[0]
    assert await _count(client, select(func.count()).select_from(Customer)) == 6  # no orphan customer left
    open_conversations = select(func.count()).select_from(Conversation).where(Conversation.status == "open")
    assert await _count(client, open_conversations) == 6
    assert await _count(client, select(func.count()).select_from(Message).where(Message.direction == "in")) == 12


async def _close_all(client: Any) -> None:
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Conversation).where(Conversation.status == "open").values(status="closed", closed_reason="idle")
        )


async def _conversations_of(client: Any, identity_id: int) -> tuple[list[int], set[int]]:
    """The identity's open conversations, and the conversations its customer messages are in."""
    async with resources(client.app).sessions() as session:
        open_ids = await session.execute(
            select(Conversation.id).where(Conversation.identity_id == identity_id, Conversation.status == "open")
        )
        holding = await session.execute(
            select(Message.conversation_id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.identity_id == identity_id, Message.direction == "in")
        )
        return list(open_ids.scalars()), set(holding.scalars())


async def test_a_web_chat_customer_writing_to_two_instances_after_a_close_gets_one_new_conversation(
    make_client: AppFactory,
) -> None:
    instances = [await make_client(), await make_client()]
    for _ in range(5):
        token, _ = await new_session(instances[0])
        for instance in instances:
            await resources(instance.app).pipeline.drained()
        await _close_all(instances[0])
        headers = {"Authorization": f"Bearer {token}"}

        async def post(client: Any, text: str, headers: dict[str, str] = headers) -> int:
            response = await client.post(
                "/chat/messages", json={"id": str(uuid.uuid4()), "text": text}, headers=headers
            )
            return response.status

        texts = [f"关闭后又来的第{index}条" for index in range(6)]
        statuses = await asyncio.gather(*(post(instances[i % 2], text) for i, text in enumerate(texts)))
        assert statuses == [200] * 6
        async with resources(instances[0].app).sessions() as session:
            identity_id = (await session.execute(select(func.max(ChannelIdentity.id)))).scalar_one()
        open_ids, holding = await _conversations_of(instances[0], identity_id)
        assert len(open_ids) == 1 and holding == set(open_ids), (open_ids, holding)
    for instance in instances:
        await resources(instance.app).pipeline.drained()


async def test_an_sms_customer_writing_to_two_instances_after_a_close_gets_one_new_conversation(
    make_client: AppFactory,
) -> None:
    instances = [await make_client(), await make_client()]
    sender = "+8613500135000"
    await resources(instances[0].app).pipeline.submit(sms("SM-start", sender))
    for round_ in range(5):
        await resources(instances[0].app).pipeline.drained()
        await _close_all(instances[0])
        messages = [sms(f"SM-{round_}-{index}", sender) for index in range(6)]
        results = await asyncio.gather(
            *(resources(instances[index % 2].app).pipeline.submit(message) for index, message in enumerate(messages))
        )
        assert len({result.conversation_id for result in results}) == 1, results
        async with resources(instances[0].app).sessions() as session:
            identity_id = (await session.execute(select(ChannelIdentity.id))).scalar_one()
        open_ids, _ = await _conversations_of(instances[0], identity_id)
        assert open_ids == [results[0].conversation_id]
    for instance in instances:
        await resources(instance.app).pipeline.drained()
