"""Staff helpers: accounts, sign-in, queue membership, conversation ownership, a handed-off ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.handoff.accounts import Role, create_user
from bot.keys import clock_key, database_key, sessions_key
from bot.models import Conversation, HandoffTicket, User
from tests.helpers import ChatSocket, new_session

PASSWORD = "correct horse battery"


async def add_user(client: Any, username: str, role: Role) -> None:
    now = client.app[clock_key]()
    await client.app[database_key].write(lambda session: create_user(session, username, PASSWORD, role, now))


async def set_queues(client: Any, username: str, queues: list[str]) -> None:
    """Put an agent in these queues (agents see and claim only their queues' tickets)."""

    def assign(session: Any) -> None:
        session.execute(update(User).where(User.username == username).values(queues=queues))

    await client.app[database_key].write(assign)


async def give_to(client: Any, conversation_id: int, username: str) -> None:
    """Make the agent the conversation's owner (agents read only conversations that are theirs)."""

    def assign(session: Any) -> None:
        user_id = session.execute(select(User.id).where(User.username == username)).scalar_one()
        session.execute(update(Conversation).where(Conversation.id == conversation_id).values(owner=f"agent:{user_id}"))

    await client.app[database_key].write(assign)


async def sign_in(client: Any, username: str) -> str:
    response = await client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["username"] == username
    return str(body["csrf_token"])


async def handed_off_ticket(client: Any) -> int:
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("转人工")
    await socket.until_bot_says("人工")
    await socket.close()
    async with client.app[sessions_key]() as session:
        return (await session.execute(select(HandoffTicket.id))).scalar_one()
