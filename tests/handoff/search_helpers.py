"""Helpers for the staff search's bound tests: a small bound, and another team's customer who
writes the searched words over and over."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.config import ServiceConfig
from bot.keys import resources
from bot.storage.models import HandoffTicket, Message
from tests.handoff.queue_helpers import customer_hands_off
from tests.helpers import eventually


def bounded_config(service_config: ServiceConfig, bound: int) -> ServiceConfig:
    """``service_config`` with an agent's search reading at most ``bound`` messages holding its words."""
    search = service_config.handoff.search.model_copy(update={"agent_candidates": bound})
    return service_config.model_copy(update={"handoff": service_config.handoff.model_copy(update={"search": search})})


async def another_teams_customer_writes(client: Any, texts: list[str], queue: str = "billing") -> int:
    """A web chat customer hands off, then writes ``texts`` (all stored); their ticket is then
    ``queue``'s. Returns their conversation."""
    conversation_id, socket = await customer_hands_off(client)
    for text in texts:
        await socket.send(text)

    async def stored() -> bool:
        async with resources(client.app).sessions() as session:
            rows = await session.execute(select(Message.text).where(Message.conversation_id == conversation_id))
            return set(texts) <= set(rows.scalars())

    await eventually(stored)
    await socket.close()
    await resources(client.app).database.write(
        lambda session: session.execute(
            update(HandoffTicket).where(HandoffTicket.conversation_id == conversation_id).values(queue=queue)
        )
    )
    return conversation_id


async def queue_of(client: Any, conversation_id: int) -> str:
    """The queue of the conversation's (one) ticket."""
    async with resources(client.app).sessions() as session:
        statement = select(HandoffTicket.queue).where(HandoffTicket.conversation_id == conversation_id)
        return str((await session.execute(statement)).scalar_one())
