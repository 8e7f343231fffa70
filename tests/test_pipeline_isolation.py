"""A conversation that cannot be processed fails alone: its batch-mates are answered, it is tried
again with a growing back-off (not in a tight loop), and its messages wait, so once it can be read
again they are answered."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import MutableMapping
from typing import Any

from sqlalchemy import func, select, update
from structlog.testing import capture_logs

from bot.core.messages import ChannelName, InboundMessage
from bot.flows.data import AREA_MAX_CHARS
from bot.keys import resources
from bot.storage.models import Complaint, Conversation, Message
from tests.conftest import AppFactory
from tests.helpers import eventually, greeted_customer


def sms(sid: str, sender: str, text: str) -> InboundMessage:
    return InboundMessage(
        channel=ChannelName.SMS,
        sender_id=sender,
        provider_message_id=sid,
        text=text,
        sent_at=dt.datetime(2026, 12, 4, 6, tzinfo=dt.UTC),
        sender_phone=sender,
    )


async def _replies(client: Any, conversation_id: int) -> int:
    async with resources(client.app).sessions() as session:
        statement = select(func.count()).select_from(Message).where(
            Message.conversation_id == conversation_id, Message.direction == "out"
        )
        return int((await session.execute(statement)).scalar_one())


async def _flow_data(client: Any, conversation_id: int) -> dict[str, Any]:
    async with resources(client.app).sessions() as session:
        statement = select(Conversation.flow_data).where(Conversation.id == conversation_id)
        return dict((await session.execute(statement)).scalar_one())


async def _set_flow_data(client: Any, conversation_id: int, flow_data: dict[str, Any]) -> None:
    async with resources(client.app).sessions() as session:
        statement = update(Conversation).where(Conversation.id == conversation_id).values(flow_data=flow_data)
        await session.execute(statement)
        await session.commit()


async def test_a_conversation_that_cannot_be_processed_holds_up_nobody_and_loses_nothing(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    pipeline = resources(client.app).pipeline
    broken_first = await pipeline.submit(sms("SM-a1", "+8613800138001", "你好"))
    healthy_first = await pipeline.submit(sms("SM-b1", "+8613800138002", "你好"))
    broken, healthy = broken_first.conversation_id, healthy_first.conversation_id

    async def greeted() -> bool:
        return await _replies(client, broken) > 0 and await _replies(client, healthy) > 0

    await eventually(greeted)
    # State written by a newer release during a rolling deploy: a signal this release does not know.
    readable = await _flow_data(client, broken)
    await _set_flow_data(client, broken, {**readable, "signals": ["signal-from-a-newer-release"]})
    replies_before = {broken: await _replies(client, broken), healthy: await _replies(client, healthy)}

    with capture_logs() as logs:
        # Submitted together, the two are taken as one batch.
        await asyncio.gather(
            pipeline.submit(sms("SM-a2", "+8613800138001", "你们小区电梯天天坏，到底管不管！")),
            pipeline.submit(sms("SM-b2", "+8613800138002", "你们小区电梯天天坏，到底管不管！")),
        )

        async def healthy_answered() -> bool:
            return await _replies(client, healthy) > replies_before[healthy]

        await eventually(healthy_answered, timeout=5)

        def failures() -> list[MutableMapping[str, Any]]:
            return [entry for entry in logs if entry["event"] == "pipeline.conversation_failed"]

        async def failed_twice() -> bool:
            return len(failures()) >= 2

        await eventually(failed_twice, timeout=5)
        # Retried with a doubling wait, only the broken conversation, not the whole loop.
        assert [entry["retry_in"] for entry in failures()[:2]] == [0.5, 1.0]
        assert {entry["conversation_id"] for entry in failures()} == {broken}
        # Meanwhile another customer is answered at once.
        third = await pipeline.submit(sms("SM-c1", "+8613800138003", "你好"))

        async def third_answered() -> bool:
            return await _replies(client, third.conversation_id) > 0

        await eventually(third_answered, timeout=2)
        assert len(failures()) <= 3
        assert await _replies(client, broken) == replies_before[broken]

    # Once the conversation can be read again (the newer release rolled out, or repaired), its
    # waiting message is answered: nothing was lost.
    await _set_flow_data(client, broken, readable)

    async def broken_answered() -> bool:
        return await _replies(client, broken) > replies_before[broken]

    await eventually(broken_answered, timeout=5)
    metrics = resources(client.app).metrics
    assert (metrics.registry.get_sample_value("complaint_bot_conversations_failed_total") or 0) >= 2


async def test_a_place_longer_than_a_case_stores_is_filed_on_every_database(make_client: AppFactory) -> None:
    """On PostgreSQL a place beyond ``complaints.area`` once failed the conversation's every
    retry: no case, and no answer to anything the customer wrote after."""
    client = await make_client()
    customer, _ = await greeted_customer(client)
    await customer.send("我要投诉，电梯坏了")
    await customer.until_bot_says("电话号码")
    await customer.send("13800138079")
    await customer.until_bot_says("小区或地址")
    place = "我家楼下" + "很长的地址" * 100
    await customer.send(place)
    await customer.until_bot_says("是否正确")
    await customer.send("对")
    await customer.until_bot_says("投诉编号")
    await customer.close()
    async with resources(client.app).sessions() as session:
        assert await session.scalar(select(Complaint.area)) == place[:AREA_MAX_CHARS]
