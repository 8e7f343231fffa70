"""A customer message the database cannot store right now is refused with "send again": the
socket stays open, the HTTP fallback answers 503, and the resent message is stored once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.channels.webchat.routes import NOT_STORED
from bot.keys import resources
from bot.storage.models import Message
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.order_helpers import DESCRIPTION, messages_locked


async def test_a_message_that_cannot_be_stored_gets_an_error_frame_and_the_socket_stays_open(
    make_client: AppFactory, database_url: str
) -> None:
    # Storing waits at most this long for another connection's lock, then fails.
    client = await make_client(db_lock_timeout=0.3)
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")

    async with messages_locked(database_url):
        message_id = await socket.send(DESCRIPTION)
        refused = {"type": "error", "id": message_id, "message": NOT_STORED}
        await socket.until(lambda frames: refused in frames)
        response = await client.post(
            "/chat/messages",
            json={"id": message_id, "text": DESCRIPTION},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert (response.status, await response.json()) == (503, {"error": NOT_STORED, "id": message_id})
    assert not any(frame.get("type") == "ack" for frame in socket.frames)

    # Same socket, same id: stored, acknowledged and answered once.
    await socket.send(DESCRIPTION, message_id)
    await socket.until_acked(message_id)
    await socket.until_bot_says("电话")
    async with resources(client.app).sessions() as session:
        stored = await session.execute(
            select(func.count()).where(Message.provider_message_id.endswith(message_id))
        )
        asks = await session.execute(select(func.count()).where(Message.phrase_id == "ask_phone"))
        assert (stored.scalar_one(), asks.scalar_one()) == (1, 1)
    await socket.close()
