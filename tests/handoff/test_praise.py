"""Praise is recorded for the staff it is for (seed 001 (15)): the agent who handled the
customer's case sees it among their notifications, and the timeline names them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.keys import resources
from bot.storage.models import Conversation, TimelineEvent
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session, settled
from tests.promises.support import claim_and_resolve, promised_case
from tests.staff import sign_in

PRAISE = "上次小王修路灯又快又好，态度也特别好，必须表扬一下!"
PRAISE_ANSWER = "这是我们的工作职责"


async def _praise_rows(client: Any) -> list[dict[str, Any]]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(TimelineEvent.detail).where(TimelineEvent.kind == "side_praise"))
        return [dict(detail) for detail in rows.scalars()]


async def case_resolved_by_xiaowang_and_closed(client: Any) -> ChatSocket:
    """A customer whose case the agent xiaowang resolved and whose conversation has closed; their
    socket, still open."""
    conversation_id, socket = await promised_case(client)
    await claim_and_resolve(client, conversation_id, username="xiaowang")
    await settled(client, sockets=[socket])
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(status="closed", closed_at=resources(client.app).clock(), closed_reason="satisfaction_recorded")
        )
    return socket


async def test_praise_after_a_resolved_case_is_credited_to_the_agent_who_resolved_it(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    socket = await case_resolved_by_xiaowang_and_closed(client)

    # Days later the customer writes again, in a new conversation, to praise the repair.
    await socket.send(PRAISE)
    await socket.until_bot_says(PRAISE_ANSWER)
    await settled(client, sockets=[socket])

    assert await _praise_rows(client) == [{"text": PRAISE, "staff": "xiaowang"}]
    await sign_in(client, "xiaowang")
    listed = await (await client.get("/api/notifications")).json()
    [praise] = [item for item in listed["notifications"] if item["kind"] == "praise"]
    assert praise["detail"] == {"username": "xiaowang", "text": PRAISE}
    await socket.close()


async def test_praise_before_any_person_handled_a_case_is_kept_without_a_name(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send(PRAISE)
    await socket.until_bot_says(PRAISE_ANSWER)
    await settled(client, sockets=[socket])

    assert await _praise_rows(client) == [{"text": PRAISE}]
    await socket.close()


async def test_the_praised_agent_reads_the_customers_phone_masked_once_the_case_is_no_longer_theirs(
    make_client: AppFactory,
) -> None:
    """A notification shows the customer's words as the conversation does: after the resolution
    the agent no longer owns it, so a phone in the praise is masked for them."""
    client = await make_client()
    socket = await case_resolved_by_xiaowang_and_closed(client)

    await socket.send(f"{PRAISE}我电话13912345678")
    await socket.until_bot_says(PRAISE_ANSWER)
    await settled(client, sockets=[socket])

    await sign_in(client, "xiaowang")
    listed = await (await client.get("/api/notifications")).json()
    [praise] = [item for item in listed["notifications"] if item["kind"] == "praise"]
    assert praise["detail"] == {"username": "xiaowang", "text": f"{PRAISE}我电话139****5678"}
    await socket.close()
