"""On PostgreSQL, a customer's message is stored and acknowledged while another batch of
conversations is being processed: storing does not wait for processing to finish."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.core.messages import ChannelName, InboundMessage
from bot.keys import resources
from bot.storage.models import Message
from tests.conftest import AppFactory
from tests.helpers import eventually


def sms(sid: str, sender: str, text_: str) -> InboundMessage:
    return InboundMessage(
        channel=ChannelName.SMS,
        sender_id=sender,
        provider_message_id=sid,
        text=text_,
        sent_at=dt.datetime(2026, 12, 4, 6, tzinfo=dt.UTC),
        sender_phone=sender,
    )


async def _replies(client: Any, conversation_id: int) -> int:
    async with resources(client.app).sessions() as session:
        statement = select(func.count()).select_from(Message).where(
            Message.conversation_id == conversation_id, Message.direction == "out"
        )
        return int((await session.execute(statement)).scalar_one())


async def test_a_message_is_stored_while_another_conversation_is_being_processed(make_client: AppFactory) -> None:
    client = await make_client()
    shared = resources(client.app)
    if shared.database.dialect == "sqlite":
        pytest.skip("SQLite has one writer: there a batch is stored between two processing batches, not during one")
    pipeline = shared.pipeline
    slow = await pipeline.submit(sms("SM-slow-1", "+8613800138011", "你好"))

    async def greeted() -> bool:
        return await _replies(client, slow.conversation_id) > 0

    await eventually(greeted)
    replies_before = await _replies(client, slow.conversation_id)
    # Another transaction holds the conversation's row: processing its next message waits on it
    # (messages can still be added to it: that takes a weaker lock).
    async with shared.database.engine.connect() as holder:
        await holder.execute(
            text("SELECT id FROM conversations WHERE id = :id FOR NO KEY UPDATE"), {"id": slow.conversation_id}
        )
        await pipeline.submit(sms("SM-slow-2", "+8613800138011", "小区电梯坏了三天了"))

        async def processing_waits_on_the_row() -> bool:
            async with shared.database.engine.connect() as watcher:
                waiting = await watcher.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
                return int(waiting.scalar_one()) > 0

        await eventually(processing_waits_on_the_row)
        assert await _replies(client, slow.conversation_id) == replies_before
        other = await asyncio.wait_for(pipeline.submit(sms("SM-other-1", "+8613800138012", "你好")), timeout=5)
        assert not other.duplicate
        await holder.rollback()

    async def both_answered() -> bool:
        return (
            await _replies(client, slow.conversation_id) > replies_before
            and await _replies(client, other.conversation_id) > 0
        )

    await eventually(both_answered)
