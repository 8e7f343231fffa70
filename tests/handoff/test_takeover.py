"""The takeover race: a bot reply computed before an agent's claim is dropped, never delivered."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, update

from bot.app import create_app
from bot.config import ServiceConfig
from bot.core.engine import ConversationEngine, ConversationSnapshot
from bot.flows.complaint import CustomerSaid, Event, Step
from bot.keys import resources
from bot.settings import Settings
from bot.staff.accounts import Role
from bot.storage.db import Database
from bot.storage.models import Conversation, HandoffTicket, Message, User
from tests.conftest import FixedClock
from tests.helpers import ChatSocket, eventually, new_session, settled, timeline_kinds
from tests.staff import add_user

RACING_TEXT = "还要等多久?"


def claim_from_another_instance(database_url: str, conversation_id: int, agent_id: int) -> None:
    """What ``POST /api/tickets/{id}/claim`` commits, from another connection, while the bot's
    batch is between loading the conversation and saving it."""

    async def claim() -> None:
        database = Database(database_url)
        now = dt.datetime.now(dt.UTC)

        def take(session: Any) -> None:
            session.execute(
                update(HandoffTicket)
                .where(HandoffTicket.conversation_id == conversation_id, HandoffTicket.status == "waiting")
                .values(status="claimed", claimed_by=str(agent_id), claimed_at=now)
            )
            session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(owner=f"agent:{agent_id}", ownership_version=Conversation.ownership_version + 1)
            )

        try:
            await database.write(take)
        finally:
            await database.dispose()

    # The bot's batch holds this thread (the SQLite writer thread, or the event loop on
    # PostgreSQL) until the claim has committed elsewhere.
    thread = threading.Thread(target=lambda: asyncio.run(claim()))
    thread.start()
    thread.join()


class RacingEngine(ConversationEngine):
    """The real engine; an agent claims the conversation while it computes one reply."""

    def __init__(self, config: ServiceConfig, database_url: str) -> None:
        super().__init__(config)
        self.database_url = database_url
        self.agent_id = 0
        self.raced = False

    def handle(self, conversation: ConversationSnapshot, event: Event, now: dt.datetime) -> Step:
        step = super().handle(conversation, event, now)
        if isinstance(event, CustomerSaid) and event.text == RACING_TEXT and not self.raced:
            assert step.replies, "the bot answers this message while it owns the conversation"
            self.raced = True
            claim_from_another_instance(self.database_url, conversation.conversation_id, self.agent_id)
        return step


async def test_a_bot_reply_computed_before_the_claim_is_dropped(
    settings: Settings, service_config: ServiceConfig, clock: FixedClock
) -> None:
    engine = RacingEngine(service_config, settings.database_url)
    app = create_app(settings.with_overrides(instance_id="racing"), service_config, clock, engine=engine)
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    try:
        await add_user(client, "zhou", Role.AGENT)
        async with resources(client.app).sessions() as session:
            engine.agent_id = (await session.execute(select(User.id))).scalar_one()
        token, conversation_id = await new_session(client)
        socket = await ChatSocket.open(client, token)
        await socket.until_bot_says("客服代表")
        await socket.send("转人工")
        await socket.until_bot_says("人工")
        replies_before = len(socket.bot_texts())

        message_id = await socket.send(RACING_TEXT)
        await socket.until_acked(message_id)

        async def processed() -> bool:
            async with resources(client.app).sessions() as session:
                row = await session.execute(
                    select(Message.processed_at).where(Message.text == RACING_TEXT, Message.direction == "in")
                )
                return row.scalar_one() is not None

        await eventually(processed)
        await settled(client, sockets=[socket])
        assert engine.raced
        assert len(socket.bot_texts()) == replies_before  # "您反映的情况,我已记录下来…" never arrives
        async with resources(client.app).sessions() as session:
            bot_rows = (
                await session.execute(
                    select(Message.text).where(
                        Message.conversation_id == conversation_id, Message.sender == "bot", Message.id > 0
                    )
                )
            ).scalars()
            assert not any("我们会通知相关工作人员与您联系" in text for text in bot_rows)
            owner = (await session.execute(select(Conversation.owner))).scalar_one()
        assert owner == f"agent:{engine.agent_id}"
        assert "bot_reply_dropped" in await timeline_kinds(client, conversation_id)
        await socket.close()
    finally:
        await client.close()
