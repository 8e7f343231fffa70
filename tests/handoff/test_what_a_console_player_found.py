"""What a player of the staff console found: a 认领 offered to an agent outside the ticket's queue,
an urgent notice still pinned after its case was claimed and resolved, and a transfer alone
marking the case 新消息."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx, ticket_of
from tests.staff import add_user, claimed_conversation, sign_in
from workers.queue import supervise


async def _conversation(client: Any, conversation_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200, await response.text()
    return dict(await response.json())


async def _notices(client: Any, kind: str) -> list[dict[str, Any]]:
    response = await client.get("/api/notifications")
    assert response.status == 200, await response.text()
    return [n for n in (await response.json())["notifications"] if n["kind"] == kind]


async def test_a_ticket_in_a_queue_the_agent_is_not_in_is_shown_but_not_offered_to_claim(
    make_client: AppFactory,
) -> None:
    """李四 transferred the case to 值班主管: she still sees it waits there, but may not claim it
    (the claim would be refused); a supervisor may."""
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "li.agent")
    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "值班主管"}, headers={"X-CSRF-Token": csrf}
    )
    assert moved.status == 200, await moved.text()

    [waiting] = (await _conversation(client, conversation_id))["waiting"]
    assert (waiting["queue"], waiting["in_my_queues"]) == ("supervisor", False)
    refused = await client.post(f"/api/tickets/{waiting['ticket_id']}/claim", headers={"X-CSRF-Token": csrf})
    assert refused.status == 403

    await add_user(client, "wangzg", Role.SUPERVISOR)
    await sign_in(client, "wangzg")
    [offered] = (await _conversation(client, conversation_id))["waiting"]
    assert offered["in_my_queues"] is True
    await socket.close()


async def test_an_unclaimed_too_long_notice_is_handled_once_the_ticket_is_claimed(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    conversation_id, socket = await customer_hands_off(client, says="电梯里困了人 快来", expect="紧急")
    clock.advance(minutes=31)
    await supervise(job_ctx(client))
    await sign_in(client, "lead")
    [notice] = await _notices(client, "pickup_overdue")
    assert (notice["conversation_id"], notice["handled"]) == (conversation_id, False)

    csrf = await sign_in(client, "lead")
    ticket = await ticket_of(client, conversation_id)
    claimed = await client.post(f"/api/tickets/{ticket}/claim", headers={"X-CSRF-Token": csrf})
    assert claimed.status == 200, await claimed.text()

    [notice] = await _notices(client, "pickup_overdue")
    assert notice["handled"] is True
    await socket.close()


async def test_a_transfer_alone_brings_no_new_customer_message(make_client: AppFactory, clock: FixedClock) -> None:
    """What the customer wrote before the transfer is the history handed over; only what they
    write after it is new to the agent it was given to."""
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "li.agent")
    await add_user(client, "he.agent", Role.AGENT)
    clock.advance(minutes=5)
    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "he.agent"}, headers={"X-CSRF-Token": csrf}
    )
    assert moved.status == 200, await moved.text()

    await sign_in(client, "he.agent")
    [item] = (await (await client.get("/api/my-conversations")).json())["owned"]
    assert item["transferred_at"] is not None
    assert item["last_customer_at"] < item["transferred_at"]
    await socket.close()
