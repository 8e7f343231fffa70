"""A customer who writes to a conversation closed before their messages ran gets one new
conversation holding all of them, each run once, in order."""

from __future__ import annotations

import uuid
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import select, update

from bot.core import redis_keys
from bot.keys import resources
from bot.storage.models import Conversation, Message
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.order_helpers import ADDRESS, DESCRIPTION, PHONE, complaint_and_kinds, hold_lock_as_dead_instance


async def _post(client: Any, token: str, text: str) -> None:
    response = await client.post(
        "/chat/messages", json={"id": str(uuid.uuid4()), "text": text}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 200, await response.text()


async def _inbound(client: Any) -> list[tuple[str, int, bool]]:
    """Every customer message: (text, conversation, processed), in stored order."""
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(Message.text, Message.conversation_id, Message.processed_at.is_not(None))
            .where(Message.direction == "in")
            .order_by(Message.id)
        )
        return [(row[0], row[1], row[2]) for row in rows]


async def test_messages_to_a_conversation_closed_before_they_ran_all_move_to_the_new_one(
    make_client: AppFactory, redis: Redis
) -> None:
    client = await make_client()
    token, closed_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")

    # Two messages are stored while another holder has the conversation; then it is closed
    # (as the idle close would) before they run, so they run in one batch after the close.
    await hold_lock_as_dead_instance(redis, closed_id, 60_000)
    await _post(client, token, DESCRIPTION)
    await _post(client, token, PHONE)
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Conversation)
            .where(Conversation.id == closed_id)
            .values(status="closed", closed_at=resources(client.app).clock(), closed_reason="idle")
        )
    await redis.delete(redis_keys.conversation_lock(closed_id))
    pipeline = resources(client.app).pipeline
    pipeline.wake(closed_id)
    await pipeline.drained()

    stored = await _inbound(client)
    new_id = stored[0][1]
    assert new_id != closed_id
    assert stored == [(DESCRIPTION, new_id, True), (PHONE, new_id, True)]
    # Run in order on the new conversation: the description, then the phone; it now asks for the area.
    await socket.until_bot_says("哪个小区或地址")

    # The customer goes on in the new conversation; nothing that was moved runs again.
    await _post(client, token, ADDRESS)
    await pipeline.drained()
    assert [conversation for _, conversation, _ in await _inbound(client)] == [new_id] * 3
    complaint, state, kinds = await complaint_and_kinds(resources(client.app).sessions, new_id)
    assert (complaint, state) == (None, "confirming")
    assert kinds == ["greeted", "description_received", "contact_received", "area_received", "restated"]
    async with resources(client.app).sessions() as session:
        open_ids = await session.execute(select(Conversation.id).where(Conversation.status == "open"))
        assert open_ids.scalars().all() == [new_id]
    await socket.close()
