"""Agents read and annotate only their conversations: of their queues, owned, or handled before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import HandoffTicket, User
from tests.conftest import AppFactory
from tests.helpers import new_session
from tests.staff import add_user, handed_off_ticket, set_queues, sign_in

REFUSED = {"error": "this conversation is in a queue you are not in"}
NOTE = {"text": "客户上周也来电反映过"}
REPLY = {"text": "您好，我来跟进您的问题。"}


async def _staff(client: Any) -> None:
    """Agents of one queue each, a supervisor and a manager."""
    for username, queue in (("gen", "general"), ("eng", "engineering"), ("bil", "billing")):
        await add_user(client, username, Role.AGENT)
        await set_queues(client, username, [queue])
    await add_user(client, "sup", Role.SUPERVISOR)
    await add_user(client, "boss", Role.MANAGER)


async def _conversation_of(client: Any, ticket_id: int) -> int:
    async with resources(client.app).sessions() as session:
        ticket = await session.get(HandoffTicket, ticket_id)
        assert ticket is not None
        return ticket.conversation_id


async def _reads(client: Any, username: str, conversation_id: int) -> tuple[int, int, int]:
    """Sign in as ``username``: the statuses of reading, noting and replying to the conversation."""
    csrf = {"X-CSRF-Token": await sign_in(client, username)}
    read = await client.get(f"/api/conversations/{conversation_id}")
    noted = await client.post(f"/api/conversations/{conversation_id}/notes", json=NOTE, headers=csrf)
    replied = await client.post(f"/api/conversations/{conversation_id}/messages", json=REPLY, headers=csrf)
    for response in (read, noted, replied):
        if response.status == 403:
            assert await response.json() == REFUSED
    return read.status, noted.status, replied.status


async def _notes(client: Any, conversation_id: int) -> list[str]:
    await sign_in(client, "sup")
    body = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    return [event["detail"]["username"] for event in body["timeline"] if event["kind"] == "note"]


async def test_an_agent_reads_the_waiting_conversations_of_their_queues_only(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    ticket_id = await handed_off_ticket(client)
    conversation_id = await _conversation_of(client, ticket_id)
    async with resources(client.app).sessions() as session:
        ticket = await session.get(HandoffTicket, ticket_id)
        assert ticket is not None and ticket.queue == "general"

    # In the ticket's queue: reads and notes; replies only once they own it (claim first).
    assert await _reads(client, "gen", conversation_id) == (200, 201, 409)
    # Another queue's agent: nothing, not even the note or the timeline.
    assert await _reads(client, "eng", conversation_id) == (403, 403, 403)
    # Supervisors and managers see every conversation (they are not its owner either).
    assert await _reads(client, "sup", conversation_id) == (200, 201, 409)
    assert await _reads(client, "boss", conversation_id) == (200, 201, 409)
    assert await _notes(client, conversation_id) == ["gen", "sup", "boss"]

    await sign_in(client, "eng")
    assert (await client.get("/api/conversations/999999")).status == 404


async def test_a_bot_conversation_without_a_ticket_is_hidden_from_agents(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    _, conversation_id = await new_session(client)
    for agent in ("gen", "eng", "bil"):
        assert await _reads(client, agent, conversation_id) == (403, 403, 403)
    assert (await client.get(f"/api/conversations/{conversation_id}")).status == 403
    await sign_in(client, "sup")
    assert (await client.get(f"/api/conversations/{conversation_id}")).status == 200


async def test_an_agent_keeps_what_they_claimed_and_the_new_queue_gets_it(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    ticket_id = await handed_off_ticket(client)
    conversation_id = await _conversation_of(client, ticket_id)
    csrf = {"X-CSRF-Token": await sign_in(client, "gen")}
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers=csrf)).status == 200
    assert await _reads(client, "gen", conversation_id) == (200, 201, 201)
    csrf = {"X-CSRF-Token": await sign_in(client, "gen")}
    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "engineering"}, headers=csrf
    )
    assert moved.status == 200

    # The engineering agent now sees it (a ticket waits in their queue); the billing agent not.
    assert await _reads(client, "eng", conversation_id) == (200, 201, 409)
    assert await _reads(client, "bil", conversation_id) == (403, 403, 403)
    # The agent who claimed it before still reads it, even out of the general queue now; no longer
    # its owner, they cannot reply.
    await set_queues(client, "gen", ["billing"])
    assert await _reads(client, "gen", conversation_id) == (200, 201, 409)


async def test_an_agent_given_a_conversation_directly_reads_and_answers_it(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    _, conversation_id = await new_session(client)
    csrf = {"X-CSRF-Token": await sign_in(client, "sup")}
    given = await client.post(f"/api/conversations/{conversation_id}/transfer", json={"username": "bil"}, headers=csrf)
    assert given.status == 200
    assert await _reads(client, "bil", conversation_id) == (200, 201, 201)
    assert await _reads(client, "eng", conversation_id) == (403, 403, 403)
    async with resources(client.app).sessions() as session:
        bil = (await session.execute(select(User.id).where(User.username == "bil"))).scalar_one()
    await sign_in(client, "bil")
    mine = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert mine["owner"] == f"agent:{bil}"


async def test_a_case_that_only_passed_through_a_queue_is_hidden_from_it_once_it_moved_on(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await _staff(client)
    ticket_id = await handed_off_ticket(client)
    conversation_id = await _conversation_of(client, ticket_id)
    assert (await _reads(client, "bil", conversation_id))[0] == 403
    csrf = {"X-CSRF-Token": await sign_in(client, "gen")}
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers=csrf)).status == 200
    moved = await client.post(f"/api/conversations/{conversation_id}/transfer", json={"queue": "billing"}, headers=csrf)
    assert moved.status == 200
    async with resources(client.app).sessions() as session:
        billing_ticket = (
            await session.execute(
                select(HandoffTicket.id).where(
                    HandoffTicket.conversation_id == conversation_id, HandoffTicket.queue == "billing"
                )
            )
        ).scalar_one()
    # The general agent takes it up again from the billing queue and sends it back to general.
    await set_queues(client, "gen", ["general", "billing"])
    csrf = {"X-CSRF-Token": await sign_in(client, "gen")}
    assert (await client.post(f"/api/tickets/{billing_ticket}/claim", headers=csrf)).status == 200
    moved = await client.post(f"/api/conversations/{conversation_id}/transfer", json={"queue": "general"}, headers=csrf)
    assert moved.status == 200

    # The billing agent never claimed nor handled it: nothing of it now, nor its customer.
    assert await _reads(client, "bil", conversation_id) == (403, 403, 403)
    await sign_in(client, "bil")
    assert (await client.get(f"/api/conversations/{conversation_id}/customer")).status == 403
    # The one who handled it keeps reading it; the general queue, where it waits, reads it.
    assert (await _reads(client, "gen", conversation_id))[:2] == (200, 201)
    await set_queues(client, "gen", ["engineering"])
    assert (await _reads(client, "gen", conversation_id))[:2] == (200, 201)
