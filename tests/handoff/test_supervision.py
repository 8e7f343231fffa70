"""Supervisor notifications (pickup overdue, silent agent) and the notifications API."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx, ticket_of
from tests.helpers import settled
from tests.staff import add_user, sign_in
from workers.queue import supervise


async def _kinds(client: Any) -> list[tuple[str, bool]]:
    body = await (await client.get("/api/notifications")).json()
    return [(item["kind"], item["read"]) for item in body["notifications"]]


async def test_a_ticket_unclaimed_for_30_minutes_notifies_the_supervisors_once(
    make_client: AppFactory, clock: FixedClock
) -> None:
    supervisor_app, agent_app = await make_client(), await make_client()
    await add_user(supervisor_app, "lead", Role.SUPERVISOR)
    await add_user(supervisor_app, "li", Role.AGENT)
    csrf = await sign_in(supervisor_app, "lead")
    await sign_in(agent_app, "li")
    conversation_id, socket = await customer_hands_off(supervisor_app)
    ctx = job_ctx(supervisor_app)

    clock.advance(minutes=29)
    assert await supervise(ctx) == 0
    clock.advance(minutes=1)
    assert await supervise(ctx) == 1
    clock.advance(minutes=5)
    assert await supervise(ctx) == 0  # once per ticket

    body = await (await supervisor_app.get("/api/notifications")).json()
    [notice] = body["notifications"]
    assert notice["kind"] == "pickup_overdue" and notice["conversation_id"] == conversation_id
    assert notice["ticket_id"] == await ticket_of(supervisor_app, conversation_id)
    assert notice["detail"]["waiting_minutes"] == 30 and notice["read"] is False
    assert await _kinds(agent_app) == []  # addressed to the supervisors only
    refused = await agent_app.post(
        f"/api/notifications/{notice['id']}/read", headers={"X-CSRF-Token": await sign_in(agent_app, "li")}
    )
    assert refused.status == 404
    read = await supervisor_app.post(f"/api/notifications/{notice['id']}/read", headers={"X-CSRF-Token": csrf})
    assert (read.status, await read.json()) == (200, {"read": True})
    assert await _kinds(supervisor_app) == [("pickup_overdue", True)]
    await socket.close()


async def test_a_claimed_ticket_is_not_overdue_but_its_silent_agent_is(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await customer_hands_off(client)
    ticket_id = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    clock.advance(minutes=45)
    await supervise(job_ctx(client))
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    # No pickup alert; but the agent has not answered the customer since claiming.
    assert await _kinds(client) == [("agent_silent", False)]
    await socket.close()


async def test_an_agent_is_silent_from_claiming_a_case_that_waited_not_from_the_customers_message(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client, supervisor_app = await make_client(), await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "lead", Role.SUPERVISOR)
    csrf = await sign_in(client, "li")
    await sign_in(supervisor_app, "lead")
    conversation_id, socket = await customer_hands_off(client)
    ctx = job_ctx(client)
    clock.advance(minutes=20)  # waiting in the queue: the customer's last message is 20 minutes old
    assert await supervise(ctx) == 0
    ticket_id = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    assert await supervise(ctx) == 0  # just claimed: not silent yet
    clock.advance(minutes=9)
    assert await supervise(ctx) == 0
    clock.advance(minutes=1)
    assert await supervise(ctx) == 1  # ten minutes after the claim with no word to the customer

    body = await (await supervisor_app.get("/api/notifications")).json()
    [notice] = body["notifications"]
    assert notice["kind"] == "agent_silent" and notice["conversation_id"] == conversation_id
    assert notice["detail"]["silent_minutes"] == 10
    await socket.close()


async def test_an_agent_silent_on_an_owned_conversation_notifies_once_per_customer_message(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client, supervisor_app = await make_client(), await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "lead", Role.SUPERVISOR)
    csrf = await sign_in(client, "li")
    await sign_in(supervisor_app, "lead")
    conversation_id, socket = await customer_hands_off(client)
    ticket_id = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    ctx = job_ctx(client)
    reply = f"/api/conversations/{conversation_id}/messages"
    assert (await client.post(reply, json={"text": "您好,我是小李"}, headers={"X-CSRF-Token": csrf})).status == 201

    await socket.until_acked(await socket.send("电梯还是坏的,什么时候来修?"))
    clock.advance(minutes=9)
    assert await supervise(ctx) == 0
    clock.advance(minutes=1)
    assert await supervise(ctx) == 1
    clock.advance(minutes=10)
    assert await supervise(ctx) == 0  # the same unanswered message notifies once

    assert (await client.post(reply, json={"text": "师傅马上到"}, headers={"X-CSRF-Token": csrf})).status == 201
    clock.advance(minutes=30)
    assert await supervise(ctx) == 0  # answered
    await socket.until_acked(await socket.send("还没到"))
    clock.advance(minutes=10)
    assert await supervise(ctx) == 1

    body = await (await supervisor_app.get("/api/notifications")).json()
    assert [item["kind"] for item in body["notifications"]] == ["agent_silent", "agent_silent"]
    newest = body["notifications"][0]
    assert newest["conversation_id"] == conversation_id and newest["detail"]["owner"].startswith("agent:")
    assert newest["detail"]["silent_minutes"] == 10
    await socket.close()


async def test_someone_trapped_in_a_lift_alerts_the_supervisors_after_5_minutes_not_30(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """A P0 danger ticket is not left for the routine 30 minutes (queue.yaml pickup_alert_by_priority);
    its notice names the priority and the case's danger, which the console shows first and urgent."""
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    conversation_id, socket = await customer_hands_off(client, says="电梯里困了人 快来", expect="紧急")
    ctx = job_ctx(client)
    clock.advance(minutes=4)
    await supervise(ctx)
    assert "pickup_overdue" not in [kind for kind, _ in await _kinds(client)]
    clock.advance(minutes=1)
    await supervise(ctx)
    body = await (await client.get("/api/notifications")).json()
    [notice] = [item for item in body["notifications"] if item["kind"] == "pickup_overdue"]
    assert notice["conversation_id"] == conversation_id
    assert notice["detail"]["priority"] == 0 and notice["detail"]["waiting_minutes"] == 5
    assert "danger" in notice["case"]["signals"]
    await socket.close()


async def test_an_escalated_ticket_is_overdue_counted_from_its_escalation_not_its_opening(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """A ticket that waited 8 minutes in the general queue and then went to the duty supervisor
    as P0 gives the supervisors their 5 minutes to claim it before the alert, not none."""
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    conversation_id, socket = await customer_hands_off(client)
    ctx = job_ctx(client)
    clock.advance(minutes=8)
    await socket.until_acked(await socket.send("再不处理我就打12345 找电视台曝光你们"))
    await settled(client, sockets=[socket])  # escalated now, before the clock moves on
    assert await supervise(ctx) == 0
    clock.advance(minutes=4)
    assert await supervise(ctx) == 0
    clock.advance(minutes=1)
    assert await supervise(ctx) == 1
    body = await (await client.get("/api/notifications")).json()
    [notice] = [item for item in body["notifications"] if item["kind"] == "pickup_overdue"]
    assert notice["conversation_id"] == conversation_id
    assert notice["detail"]["queue"] == "supervisor" and notice["detail"]["priority"] == 0
    assert notice["detail"]["waiting_minutes"] == 5
    await socket.close()


async def test_a_supervisor_marks_every_notice_read_at_once(make_client: AppFactory, clock: FixedClock) -> None:
    supervisor_app, other_app = await make_client(), await make_client()
    await add_user(supervisor_app, "lead", Role.SUPERVISOR)
    await add_user(supervisor_app, "lead2", Role.SUPERVISOR)
    csrf = await sign_in(supervisor_app, "lead")
    await sign_in(other_app, "lead2")
    sockets = [(await customer_hands_off(supervisor_app))[1] for _ in range(2)]
    clock.advance(minutes=30)
    assert await supervise(job_ctx(supervisor_app)) == 2
    assert await _kinds(supervisor_app) == [("pickup_overdue", False), ("pickup_overdue", False)]

    read = await supervisor_app.post("/api/notifications/read-all", headers={"X-CSRF-Token": csrf})
    assert (read.status, await read.json()) == (200, {"read": 2})
    assert await _kinds(supervisor_app) == [("pickup_overdue", True), ("pickup_overdue", True)]
    assert await _kinds(other_app) == [("pickup_overdue", True), ("pickup_overdue", True)]  # shared by the role
    again = await supervisor_app.post("/api/notifications/read-all", headers={"X-CSRF-Token": csrf})
    assert await again.json() == {"read": 0}
    for socket in sockets:
        await socket.close()


async def test_someone_trapped_and_still_unclaimed_is_alerted_again_every_10_minutes(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """The first alert after 5 minutes is not the last (queue.yaml pickup_alert_repeat_by_priority):
    while nobody claims the P0 ticket the supervisors hear of it again every 10 minutes, each
    notice saying which alert it is and how long the customer has waited."""
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    conversation_id, socket = await customer_hands_off(client, says="电梯里困了人 快来", expect="紧急")
    ctx = job_ctx(client)
    clock.advance(minutes=5)
    assert await supervise(ctx) == 1
    clock.advance(minutes=9)
    assert await supervise(ctx) == 0
    clock.advance(minutes=1)
    assert await supervise(ctx) == 1
    assert await supervise(ctx) == 0  # once per alert, however often the cron runs
    clock.advance(minutes=10)
    assert await supervise(ctx) == 1

    body = await (await client.get("/api/notifications")).json()
    notices = [item for item in body["notifications"] if item["kind"] == "pickup_overdue"]
    assert [(n["detail"]["waiting_minutes"], n["detail"].get("alert")) for n in notices] == [
        (25, 3),
        (15, 2),
        (5, None),
    ]
    assert {n["conversation_id"] for n in notices} == {conversation_id}
    await socket.close()


async def test_a_routine_ticket_still_unclaimed_is_alerted_again_after_another_30_minutes(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    _, socket = await customer_hands_off(client)
    ctx = job_ctx(client)
    clock.advance(minutes=30)
    assert await supervise(ctx) == 1
    clock.advance(minutes=29)
    assert await supervise(ctx) == 0
    clock.advance(minutes=1)
    assert await supervise(ctx) == 1
    assert [kind for kind, _ in await _kinds(client)] == ["pickup_overdue", "pickup_overdue"]
    await socket.close()


async def test_a_claimed_ticket_is_alerted_no_more(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    csrf = await sign_in(client, "lead")
    conversation_id, socket = await customer_hands_off(client, says="电梯里困了人 快来", expect="紧急")
    ctx = job_ctx(client)
    clock.advance(minutes=5)
    assert await supervise(ctx) == 1
    ticket_id = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    clock.advance(minutes=30)
    assert [kind for kind, _ in await _kinds(client) if kind == "pickup_overdue"] == ["pickup_overdue"]
    await supervise(ctx)
    assert [kind for kind, _ in await _kinds(client) if kind == "pickup_overdue"] == ["pickup_overdue"]
    await socket.close()
