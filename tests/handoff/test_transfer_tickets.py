"""A transfer closes the conversation's other waiting tickets, and a claim never takes a
conversation from the agent who owns it (a stale ticket left by a transfer stole it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage import supervision
from bot.storage.models import Conversation, HandoffTicket, User
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx, system_texts, ticket_of
from tests.staff import add_user, set_queues, sign_in
from workers.queue import announce_queue


async def _signed_in(make_client: AppFactory, username: str) -> tuple[Any, dict[str, str]]:
    """Another console (its own cookie jar) signed in as ``username``, and its CSRF header."""
    console = await make_client()
    return console, {"X-CSRF-Token": await sign_in(console, username)}


async def _queued(console: Any, conversation_id: int) -> list[tuple[int, str]]:
    body = await (await console.get("/api/queue")).json()
    return [(t["id"], t["queue"]) for t in body["tickets"] if t["conversation_id"] == conversation_id]


async def _owner(client: Any, conversation_id: int) -> str:
    async with resources(client.app).sessions() as session:
        found = await session.get(Conversation, conversation_id)
        assert found is not None
        return found.owner


async def _user_id(client: Any, username: str) -> int:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(User.id).where(User.username == username))).scalar_one()


async def _statuses(client: Any, conversation_id: int) -> list[tuple[str, str]]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(HandoffTicket.queue, HandoffTicket.status)
            .where(HandoffTicket.conversation_id == conversation_id)
            .order_by(HandoffTicket.id)
        )
        return [(queue, status) for queue, status in rows]


async def _unclaimed_alerts(client: Any) -> list[int]:
    """The tickets the supervision cron would report as waiting too long (opened before now)."""
    later = resources(client.app).clock() + dt.timedelta(days=1)
    found = await resources(client.app).database.write(lambda session: supervision.waiting_since(session, later))
    return [ticket.conversation_id for ticket, _ in found]


async def test_a_transfer_to_a_named_agent_leaves_no_ticket_another_agent_can_claim(make_client: AppFactory) -> None:
    client = await make_client()
    for username, role in [("lead", Role.SUPERVISOR), ("agent1", Role.AGENT), ("agent3", Role.AGENT)]:
        await add_user(client, username, role)
    conversation_id, socket = await customer_hands_off(client)
    stale = await ticket_of(client, conversation_id)
    supervisor, lead = await _signed_in(make_client, "lead")
    assert await _queued(supervisor, conversation_id) == [(stale, "general")]

    moved = await supervisor.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "agent1"}, headers=lead
    )
    assert moved.status == 200
    agent1_id = await _user_id(client, "agent1")
    assert (await moved.json())["owner"] == f"agent:{agent1_id}"

    # The ticket left the queue (Redis), the unclaimed-ticket alerts and the database's waiting tickets.
    assert await _queued(supervisor, conversation_id) == []
    assert conversation_id not in await _unclaimed_alerts(client)
    assert await _statuses(client, conversation_id) == [("general", "transferred")]

    # Another agent of the queue cannot take the case from agent1 with the old ticket.
    other, agent3 = await _signed_in(make_client, "agent3")
    assert await _queued(other, conversation_id) == []
    refused = await other.post(f"/api/tickets/{stale}/claim", headers=agent3)
    assert refused.status == 409
    assert await _owner(client, conversation_id) == f"agent:{agent1_id}"

    named, agent1 = await _signed_in(make_client, "agent1")
    replied = await named.post(f"/api/conversations/{conversation_id}/messages", json={"text": "您好"}, headers=agent1)
    assert replied.status == 201
    await socket.close()


async def test_a_transfer_to_a_queue_leaves_one_ticket_and_the_stale_one_cannot_be_claimed(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    for username, role in [("lead", Role.SUPERVISOR), ("agent2", Role.AGENT), ("agent3", Role.AGENT)]:
        await add_user(client, username, role)
    await set_queues(client, "agent2", ["general", "engineering"])
    conversation_id, socket = await customer_hands_off(client)
    stale = await ticket_of(client, conversation_id)
    supervisor, lead = await _signed_in(make_client, "lead")

    moved = await supervisor.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "engineering"}, headers=lead
    )
    assert (await moved.json())["owner"] == "queue:engineering"
    [(fresh, queue)] = await _queued(supervisor, conversation_id)
    assert (queue, fresh != stale) == ("engineering", True)
    assert (await _unclaimed_alerts(client)).count(conversation_id) == 1
    assert await _statuses(client, conversation_id) == [("general", "transferred"), ("engineering", "waiting")]

    second, agent2 = await _signed_in(make_client, "agent2")
    assert (await second.post(f"/api/tickets/{fresh}/claim", headers=agent2)).status == 200
    first_reply = await second.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "您好"}, headers=agent2
    )
    assert first_reply.status == 201

    third, agent3 = await _signed_in(make_client, "agent3")
    refused = await third.post(f"/api/tickets/{stale}/claim", headers=agent3)
    assert refused.status == 409
    agent2_id = await _user_id(client, "agent2")
    assert await _owner(client, conversation_id) == f"agent:{agent2_id}"
    next_reply = await second.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "我们正在处理"}, headers=agent2
    )
    assert next_reply.status == 201
    assert await _queued(supervisor, conversation_id) == []
    await socket.close()


async def test_a_waiting_ticket_of_a_conversation_an_agent_owns_is_not_claimable(make_client: AppFactory) -> None:
    """A stale ticket left by a transfer before this fix (or any other way): the owner keeps the case."""
    client = await make_client()
    await add_user(client, "owner", Role.AGENT)
    await add_user(client, "thief", Role.AGENT)
    conversation_id, socket = await customer_hands_off(client)
    ticket_id = await ticket_of(client, conversation_id)
    owner_id = await _user_id(client, "owner")

    def give_to_owner(session: Any) -> None:
        found = session.get(Conversation, conversation_id)
        found.owner, found.ownership_version = f"agent:{owner_id}", found.ownership_version + 1

    await resources(client.app).database.write(give_to_owner)
    thief, headers = await _signed_in(make_client, "thief")
    refused = await thief.post(f"/api/tickets/{ticket_id}/claim", headers=headers)
    assert refused.status == 409
    assert "owner" in (await refused.json())["error"]
    assert await _owner(client, conversation_id) == f"agent:{owner_id}"
    assert await _statuses(client, conversation_id) == [("general", "waiting")]
    await socket.close()


async def test_a_ticket_no_longer_waiting_is_refused_with_409(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    conversation_id, socket = await customer_hands_off(client)
    stale = await ticket_of(client, conversation_id)
    supervisor, lead = await _signed_in(make_client, "lead")
    moved = await supervisor.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "engineering"}, headers=lead
    )
    assert moved.status == 200
    refused = await supervisor.post(f"/api/tickets/{stale}/claim", headers=lead)
    assert refused.status == 409
    assert "no longer waits" in (await refused.json())["error"]
    assert await _owner(client, conversation_id) == "queue:engineering"
    await socket.close()


async def _transfer(console: Any, headers: dict[str, str], conversation_id: int, queue: str) -> None:
    moved = await console.post(f"/api/conversations/{conversation_id}/transfer", json={"queue": queue}, headers=headers)
    assert moved.status == 200, await moved.text()


async def test_a_transfer_keeps_the_customers_place_in_line_from_when_they_first_waited(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """先进大厅优先: told "第3位", claimed, then transferred to the engineering team, where four
    customers who came after them already wait: they are third there (not seventh), and hear no
    place further back than one they were told; 已转人工 and first-come count from their first wait, the pickup alert
    from the transfer."""
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    supervisor, lead = await _signed_in(make_client, "lead")
    ctx = job_ctx(client)
    before = []
    for _ in range(2):
        before.append(await customer_hands_off(client))
        clock.advance(minutes=1)
    first_waited = clock()
    customer, socket = await customer_hands_off(client)
    await announce_queue(ctx)
    await socket.until(lambda frames: any("第3位" in text for text in system_texts(socket)))
    for conversation_id, _ in before:
        await _transfer(supervisor, lead, conversation_id, "engineering")
    after = []
    for _ in range(4):
        clock.advance(minutes=1)
        after.append(await customer_hands_off(client))
        await _transfer(supervisor, lead, after[-1][0], "engineering")
    await announce_queue(ctx)
    ticket = await ticket_of(client, customer)
    assert (await supervisor.post(f"/api/tickets/{ticket}/claim", headers=lead)).status == 200
    await socket.caught_up()
    told = system_texts(socket)  # "第3位", then "下一位就是您" once the two before them moved on
    clock.advance(minutes=2)
    await _transfer(supervisor, lead, customer, "engineering")
    await announce_queue(ctx)

    queue = (await (await supervisor.get("/api/queue")).json())["tickets"]
    engineering = [t for t in queue if t["queue"] == "engineering"]
    assert [t["conversation_id"] for t in engineering] == [before[0][0], before[1][0], customer] + [c for c, _ in after]
    mine = engineering[2]
    assert dt.datetime.fromisoformat(mine["created_at"]) == first_waited
    assert dt.datetime.fromisoformat(mine["waiting_since"]) == first_waited
    await socket.caught_up()
    assert system_texts(socket) == told
    # the engineering team has had no time to claim it: no pickup alert counted from the first wait
    found = await resources(client.app).database.write(
        lambda session: supervision.waiting_since(session, clock() - dt.timedelta(minutes=1))
    )
    assert customer not in [ticket.conversation_id for ticket, _ in found]
    for _, other in before + after:
        await other.close()
    await socket.close()


async def test_a_customer_transferred_behind_urgent_cases_is_not_told_a_place_further_back(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """Told they are next, then transferred to the duty supervisor, where two threats (P0) wait:
    their place there ("第3位") is kept silently, as when more urgent cases go first."""
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    supervisor, lead = await _signed_in(make_client, "lead")
    ctx = job_ctx(client)
    customer, socket = await customer_hands_off(client)
    await announce_queue(ctx)
    await socket.until(lambda frames: any("下一位就是您" in text for text in system_texts(socket)))
    threats = [await customer_hands_off(client, says=s, expect="主管") for s in ("我要曝光你们", "我要打12345投诉你们")]
    ticket = await ticket_of(client, customer)
    assert (await supervisor.post(f"/api/tickets/{ticket}/claim", headers=lead)).status == 200
    await _transfer(supervisor, lead, customer, "supervisor")
    await announce_queue(ctx)
    queue = (await (await supervisor.get("/api/queue")).json())["tickets"]
    assert [t["conversation_id"] for t in queue if t["queue"] == "supervisor"][-1] == customer
    await socket.caught_up()
    assert system_texts(socket) == ["请稍候，下一位就是您，我马上就来为您服务。"]
    for _, other in threats:
        await other.close()
    await socket.close()
