"""A batch's replies are stored in one statement, each reply under the id the pipeline is given
for it (the id its delivery, its quick replies and its timeline entry are keyed by)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.core.messages import ChannelName
from bot.storage import store
from bot.storage.db import Database
from bot.storage.models import Message
from tests.storage.rows import bot_reply

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


def _conversations(session: Session, count: int) -> list[int]:
    ids = []
    for number in range(count):
        phone = f"+86139000{number:05d}"
        customer_id, identity_id = store.create_customer_identity(session, ChannelName.SMS, phone, NOW)
        ids.append(store.open_conversation(session, customer_id, identity_id, "sms", "zh-CN", NOW))
    return ids


def _reply(conversation_id: int, number: int) -> dict[str, Any]:
    return bot_reply(conversation_id, "sms", number, NOW)


async def test_a_batch_of_replies_is_one_insert_and_each_id_is_its_own_replys(database_url: str) -> None:
    database = Database(database_url)
    inserts: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO MESSAGES"):
            inserts.append(statement)

    try:
        conversation_ids = await database.write(lambda session: _conversations(session, 3))
        # Replies of several conversations, interleaved as a batch writes them.
        rows = [_reply(conversation_ids[number % 3], number) for number in range(60)]
        target = database.engine.sync_engine if database._writer is None else database._writer
        event.listen(target, "before_cursor_execute", count)
        try:
            ids = await database.write(lambda session: store.insert_outbound(session, rows))
        finally:
            event.remove(target, "before_cursor_execute", count)
        async with database.sessions() as session:
            stored = {
                row.id: (row.conversation_id, row.text)
                for row in await session.execute(select(Message.id, Message.conversation_id, Message.text))
            }
    finally:
        await database.dispose()
    assert len(inserts) == 1, inserts
    assert len(set(ids)) == 60
    assert [stored[message_id] for message_id in ids] == [(row["conversation_id"], row["text"]) for row in rows]
