"""Concurrent callers' small writes share transactions, each caller returns once its own items
are committed, and a transaction that fails fails only the callers it carried."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.messages import ChannelName
from bot.storage import store
from bot.storage.db import Database
from bot.storage.deliveries import mark_sent_passively
from bot.storage.group_commit import GroupCommit
from bot.storage.models import Message
from tests.storage.rows import bot_reply

NOW = dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.UTC)


def _replies(session: Session, count: int) -> list[int]:
    customer_id, identity_id = store.create_customer_identity(session, ChannelName.WECHAT, "o-group-commit", NOW)
    conversation_id = store.open_conversation(session, customer_id, identity_id, "wechat", "zh-CN", NOW)
    rows = [bot_reply(conversation_id, "wechat", number, NOW) for number in range(count)]
    return store.insert_outbound(session, rows)


async def test_concurrent_passive_replies_are_marked_sent_in_shared_transactions(database_url: str) -> None:
    database = Database(database_url)
    transactions: list[list[int]] = []

    def mark(session: Session, ids: list[int]) -> None:
        transactions.append(list(ids))
        mark_sent_passively(session, ids)

    try:
        ids = await database.write(lambda session: _replies(session, 16))
        marks = GroupCommit(database, mark)
        await asyncio.gather(*(marks.write(ids[index : index + 2]) for index in range(0, 16, 2)))
        # The first caller's transaction runs alone; the seven arriving meanwhile share the next.
        assert len(transactions) < 8
        assert sorted(id_ for carried in transactions for id_ in carried) == ids
        async with database.sessions() as session:
            rows = (await session.execute(select(Message.delivery_status, Message.provider_message_id))).all()
        assert {status for status, _ in rows} == {"sent"}
        assert sorted(str(provider_id) for _, provider_id in rows) == sorted(f"passive:{id_}" for id_ in ids)
    finally:
        await database.dispose()


async def test_a_failed_transaction_fails_its_own_callers_only(database_url: str) -> None:
    database = Database(database_url)
    committed: list[int] = []

    def record(session: Session, items: list[int]) -> None:
        if -1 in items:
            raise RuntimeError("this transaction cannot be written")
        committed.extend(items)

    try:
        writes = GroupCommit(database, record)
        first = asyncio.ensure_future(writes.write([1]))
        await asyncio.sleep(0)  # the first transaction is under way: the next two share one
        failing = asyncio.gather(writes.write([2]), writes.write([-1]), return_exceptions=True)
        await first
        assert [type(outcome) for outcome in await failing] == [RuntimeError, RuntimeError]
        await writes.write([3])  # the next transaction is not affected
        assert committed == [1, 3]
    finally:
        await database.dispose()

