"""Helpers for the ordering and lock tests: a customer up to the area question, a lock held by a
dead instance, and a database that makes a processing transaction wait."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import redis_keys
from bot.storage.db import create_engine
from bot.storage.models import Complaint, Conversation, TimelineEvent
from tests.helpers import ChatSocket

DESCRIPTION = "小区电梯坏了,停了一上午"
PHONE = "13800138000"
ADDRESS = "阳光花园3栋"
ASK_AREA = "哪个小区或地址"
DEAD_TOKEN = "dead-instance"


async def until_asked_for_area(socket: ChatSocket) -> None:
    """Describe the problem and give a phone number; return once the bot asks for the area."""
    await socket.until_bot_says("客服代表")
    await socket.send(DESCRIPTION)
    await socket.until_bot_says("电话")
    await socket.send(PHONE)
    await socket.until_bot_says(ASK_AREA)


async def hold_lock_as_dead_instance(redis: Redis, conversation_id: int, milliseconds: int) -> None:
    """The conversation's lock, as left by an instance killed while it held it."""
    await redis.set(redis_keys.conversation_lock(conversation_id), DEAD_TOKEN, px=milliseconds)


async def lock_holder(redis: Redis, conversation_id: int) -> str | None:
    value = await redis.get(redis_keys.conversation_lock(conversation_id))
    return value.decode() if isinstance(value, bytes) else value


async def complaint_and_kinds(
    sessions: async_sessionmaker[AsyncSession], conversation_id: int
) -> tuple[Complaint | None, str, list[str]]:
    """The conversation's complaint (if stored), its flow state and its timeline kinds, oldest first."""
    async with sessions() as session:
        complaint = (
            await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        ).scalar_one_or_none()
        conversation = await session.get(Conversation, conversation_id)
        kinds = await session.execute(
            select(TimelineEvent.kind)
            .where(TimelineEvent.conversation_id == conversation_id)
            .order_by(TimelineEvent.id)
        )
        assert conversation is not None
        return complaint, conversation.flow_state, list(kinds.scalars())


@contextlib.asynccontextmanager
async def _held_lock(database_url: str, postgres_statement: str, **parameters: object) -> AsyncIterator[None]:
    """While inside, another connection holds SQLite's write lock, or on PostgreSQL runs
    ``postgres_statement`` in an open transaction (the lock it takes is held until the end)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        holder = sqlite3.connect(url.database or "", timeout=30, isolation_level=None, check_same_thread=False)
        await asyncio.to_thread(holder.execute, "BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = create_engine(database_url)
    try:
        async with engine.connect() as locker:
            transaction = await locker.begin()
            await locker.execute(text(postgres_statement), parameters)
            try:
                yield
            finally:
                await transaction.rollback()
    finally:
        await engine.dispose()


def writes_waiting(database_url: str, conversation_id: int) -> contextlib.AbstractAsyncContextManager[None]:
    """While inside, a transaction that writes the conversation waits (as behind a slow disk or a
    long lock): SQLite's write lock is held; on PostgreSQL the conversation's row is locked the
    way an UPDATE locks it, so storing new messages (which only reference the row) still works."""
    return _held_lock(database_url, "SELECT id FROM conversations WHERE id = :id FOR NO KEY UPDATE", id=conversation_id)


def messages_locked(database_url: str) -> contextlib.AbstractAsyncContextManager[None]:
    """While inside, another connection holds a lock that stops messages being stored (as a long
    migration or a stuck transaction would): SQLite's write lock, or on PostgreSQL a lock on the
    messages table that lets reads through but makes inserts wait."""
    return _held_lock(database_url, "LOCK TABLE messages IN SHARE MODE")
