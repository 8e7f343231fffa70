"""A gateway's delivery report and the recording of the send it is about, in two transactions at
once: whichever commits first, the other waits for it and sees it; the report is never lost and
neither transaction deadlocks the other."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import Connection, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Session

from bot.core.messages import ChannelName
from bot.storage import deliveries, store
from bot.storage.db import Database
from bot.storage.models import Message
from tests.helpers import eventually
from tests.storage.rows import bot_reply

NOW = dt.datetime(2026, 12, 6, 6, 0, tzinfo=dt.UTC)
PARTS = ["SM" + f"{number:032x}" for number in (1, 2, 3, 4, 5, 6)]


def _sending_reply(session: Session) -> int:
    customer_id, identity_id = store.create_customer_identity(session, ChannelName.SMS, "+8613900000001", NOW)
    conversation_id = store.open_conversation(session, customer_id, identity_id, "sms", "zh-CN", NOW)
    [message_id] = store.insert_outbound(session, [bot_reply(conversation_id, "sms", 1, NOW)])
    session.execute(update(Message).where(Message.id == message_id).values(delivery_status="sending", attempts=1))
    return message_id


async def _blocked(database: Database, work: asyncio.Task[None]) -> None:
    """Until ``work`` waits for the other transaction's lock."""
    if database.dialect == "postgresql":

        async def waiting() -> bool:
            async with database.engine.connect() as connection:
                ungranted = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                return bool((await connection.execute(ungranted)).scalar_one())

        await eventually(waiting, timeout=10)
    else:
        # SQLite's busy handler waits inside the driver, where nothing shows it: give it time.
        await asyncio.sleep(0.3)
    assert not work.done()


@pytest.mark.parametrize("first", ["send", "report"])
async def test_a_report_racing_its_send_is_applied_whichever_commits_first(database_url: str, first: str) -> None:
    database = Database(database_url)
    try:
        message_id = await database.write(_sending_reply)

        def record(connection: Connection) -> None:
            outcome = {"id": message_id, "delivery_status": "sent", "provider_message_id": PARTS[0]}
            deliveries.record_outcomes(Session(connection), [outcome], {message_id: PARTS})

        def report(connection: Connection) -> None:
            deliveries.set_sms_status(Session(connection), PARTS[-1], "delivered", NOW)

        order = [record, report] if first == "send" else [report, record]
        async with database.engine.connect() as one, database.engine.connect() as other:
            await one.begin()
            await other.begin()
            await one.run_sync(order[0])
            second = asyncio.create_task(_run(other, order[1]))
            await _blocked(database, second)
            await one.commit()
            await second
            await other.commit()
        async with database.sessions() as session:
            status = (await session.execute(select(Message.delivery_status))).scalar_one()
    finally:
        await database.dispose()
    assert status == "delivered"


async def _run(connection: AsyncConnection, work: object) -> None:
    await connection.run_sync(work)  # type: ignore[arg-type]
