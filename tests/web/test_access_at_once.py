"""A manager's change to an agent's access holds from the agent's very next HTTP request, on any
app instance: turned off, taken out of the queue, or given a lesser role, the agent is refused at
once (not when a copy of their session lapses)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import HandoffTicket, User
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, call_with_cookie, handed_off_ticket, set_queues, sign_in_with_cookie


async def _user_id(client: Any, username: str) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(User.id).where(User.username == username))).scalar_one())


async def _waiting(client: Any) -> tuple[int, str]:
    """A customer handed off to a person: their conversation and its ticket's queue."""
    ticket_id = await handed_off_ticket(client)
    async with resources(client.app).sessions() as session:
        ticket = await session.get(HandoffTicket, ticket_id)
        assert ticket is not None
        return ticket.conversation_id, ticket.queue


async def _manager_puts(client: Any, token: str, csrf: str, path: str, body: dict[str, Any]) -> None:
    response = await client.put(path, json=body, headers={"Cookie": f"bot_session={token}", "X-CSRF-Token": csrf})
    assert response.status == 200, await response.text()


async def test_an_agent_taken_out_of_the_queue_or_turned_off_is_refused_at_the_next_request(
    make_client: AppFactory,
) -> None:
    manager_side, agent_side = await make_client(), await make_client()
    conversation_id, queue = await _waiting(manager_side)
    await add_user(manager_side, "boss", Role.MANAGER)
    await add_user(manager_side, "wu", Role.AGENT)
    await set_queues(manager_side, "wu", [queue])
    agent_id = await _user_id(manager_side, "wu")
    agent, _ = await sign_in_with_cookie(agent_side, "wu")
    manager, csrf = await sign_in_with_cookie(manager_side, "boss")
    conversation = f"/api/conversations/{conversation_id}"
    assert await call_with_cookie(agent_side, agent, "GET", conversation) == 200

    other = next(q for q in resources(manager_side.app).config.handoff.queue_ids() if q != queue)
    await _manager_puts(manager_side, manager, csrf, f"/api/users/{agent_id}/queues", {"queues": [other]})
    assert await call_with_cookie(agent_side, agent, "GET", conversation) == 403

    await _manager_puts(manager_side, manager, csrf, f"/api/users/{agent_id}/queues", {"queues": [queue]})
    assert await call_with_cookie(agent_side, agent, "GET", conversation) == 200
    await _manager_puts(
        manager_side, manager, csrf, f"/api/users/{agent_id}/active", {"active": False, "current_password": PASSWORD}
    )
    assert await call_with_cookie(agent_side, agent, "GET", conversation) == 401
    assert await call_with_cookie(agent_side, agent, "GET", "/api/queue") == 401


async def test_a_role_or_standing_changed_in_the_database_applies_at_the_next_request(
    make_client: AppFactory,
) -> None:
    first, second = await make_client(), await make_client()
    conversation_id, _ = await _waiting(first)
    await add_user(first, "qian", Role.SUPERVISOR)  # a supervisor reads every queue's conversations
    token, _ = await sign_in_with_cookie(first, "qian")
    conversation = f"/api/conversations/{conversation_id}"
    assert await call_with_cookie(second, token, "GET", conversation) == 200
    assert await call_with_cookie(second, token, "GET", "/api/audit") == 403

    async def change(**values: Any) -> None:
        await resources(first.app).database.write(
            lambda session: session.execute(update(User).where(User.username == "qian").values(**values))
        )

    await change(role=Role.MANAGER.value)  # promoted: the manager's routes open at once
    assert await call_with_cookie(second, token, "GET", "/api/audit") == 200
    await change(role=Role.AGENT.value, queues=[])  # demoted to an agent of no queue
    assert await call_with_cookie(second, token, "GET", "/api/audit") == 403
    assert await call_with_cookie(second, token, "GET", conversation) == 403
    await change(active=False)
    assert await call_with_cookie(second, token, "GET", "/api/me") == 401
