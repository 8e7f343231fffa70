"""An open console socket is told only what its staff member may read now: taken out of a queue
(or demoted), an agent's console hears nothing more of that queue's customers, at once and on
every instance, without reconnecting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.keys import resources
from bot.settings import AuthSettings
from bot.staff.accounts import Role
from bot.staff.events import publish
from bot.storage.models import User
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session, settled
from tests.staff import (
    add_user,
    claimed_conversation,
    frames_until,
    frames_up_to_now,
    set_queues,
    sign_in,
    sign_in_with_cookie,
    socket_roles,
    sockets_reading,
    staff_socket,
    told_of,
    watch,
)

TYPING = {"type": "typing"}
REFETCH: dict[str, Any] = {"type": "queue", "conversation_ids": [], "queue": None, "detail": {}}
"""What a console is told once its changed access is read: refetch the queue."""


def naming(frames: list[dict[str, Any]], conversation_id: int) -> list[dict[str, Any]]:
    return [frame for frame in frames if conversation_id in frame.get("conversation_ids", [])]


async def waiting_customer(client: Any) -> tuple[ChatSocket, int]:
    """A web chat customer who asked for a person: their ticket waits in the general queue."""
    token, conversation_id = await new_session(client)
    customer = await ChatSocket.open(client, token)
    await customer.until_bot_says("客服代表")
    await customer.send("转人工")
    await customer.until_bot_says("人工")
    return customer, conversation_id


async def test_an_agent_taken_out_of_a_queue_hears_nothing_more_of_its_customer_on_the_open_console(
    make_client: AppFactory,
) -> None:
    consoles, manager_side = await make_client(), await make_client()
    await add_user(consoles, "li.agent", Role.AGENT)  # of the general queue
    await add_user(consoles, "zhou.sup", Role.SUPERVISOR)
    await add_user(consoles, "wang.mgr", Role.MANAGER)
    customer, conversation_id = await waiting_customer(consoles)
    await sign_in_with_cookie(consoles, "li.agent")
    agent = await staff_socket(consoles, "li.agent")
    agent_id = (await (await consoles.get("/api/me")).json())["id"]
    await watch(agent, [conversation_id])
    await sign_in_with_cookie(consoles, "zhou.sup")
    supervisor = await staff_socket(consoles, "zhou.sup")
    await watch(supervisor, [conversation_id])
    await eventually(lambda: sockets_reading(consoles, "li.agent", conversation_id))
    await eventually(lambda: sockets_reading(consoles, "zhou.sup", conversation_id))

    # While the customer waits in their queue, the agent's console is told when they write.
    await customer.send("还要等多久")
    await frames_until(agent, told_of(conversation_id))
    await settled(consoles, sockets=[customer])
    await frames_up_to_now(consoles, agent, supervisor)

    # The manager, signed in on another instance, moves the agent to the billing queue only.
    csrf = await sign_in(manager_side, "wang.mgr")
    moved = await manager_side.put(
        f"/api/users/{agent_id}/queues", json={"queues": ["billing"]}, headers={"X-CSRF-Token": csrf}
    )
    assert moved.status == 200, await moved.text()

    # At once: the customer's next words and typing reach the supervisor's console, not the agent's.
    await customer.send("我的电话是13912345678")
    await frames_until(supervisor, told_of(conversation_id))
    await customer.socket.send_json(TYPING)
    await frames_until(supervisor, told_of(conversation_id, "typing"))
    [heard] = await frames_up_to_now(consoles, agent)
    assert naming(heard, conversation_id) == []

    # Put back in the queue, the same open console is told again.
    back = await manager_side.put(
        f"/api/users/{agent_id}/queues", json={"queues": ["general"]}, headers={"X-CSRF-Token": csrf}
    )
    assert back.status == 200, await back.text()
    await eventually(lambda: sockets_reading(consoles, "li.agent", conversation_id))
    await customer.send("喂 有人吗")
    await frames_until(agent, told_of(conversation_id))
    for socket in (agent, supervisor):
        await socket.close()
    await customer.close()


async def test_a_change_whose_notice_was_lost_is_found_by_the_recheck(make_client: AppFactory) -> None:
    """Queues and a role changed with no notice on Redis (made in the database): within the
    recheck interval the open consoles are told only what the new access allows."""
    client = await make_client(auth=AuthSettings(session_recheck_seconds=0.2))
    _, conversation_id, customer = await claimed_conversation(client, "li.agent")
    await add_user(client, "qian.agent", Role.AGENT)  # of the general queue, where the case waited
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in_with_cookie(client, "qian.agent")
    agent = await staff_socket(client, "qian.agent")
    await watch(agent, [conversation_id])
    await sign_in_with_cookie(client, "zhou.sup")
    supervisor = await staff_socket(client, "zhou.sup")  # watching nothing: told of every conversation
    await eventually(lambda: sockets_reading(client, "qian.agent", conversation_id))

    def demote(session: Any) -> None:
        session.execute(update(User).where(User.username == "zhou.sup").values(role="agent", queues=["billing"]))

    await set_queues(client, "qian.agent", ["billing"])
    await resources(client.app).database.write(demote)
    await eventually(lambda: _not_reading(client, "qian.agent", conversation_id))
    await eventually(lambda: _told_as_agent(client, "zhou.sup"))

    await publish(
        resources(client.app).redis,
        StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(conversation_id,)),
        StaffEvent(StaffEventKind.NOTIFICATION, audience="role:supervisor", detail={"kind": "appeal"}),
    )
    agent_heard, supervisor_heard = await frames_up_to_now(client, agent, supervisor)
    assert naming(agent_heard, conversation_id) == []
    # Told only to refetch its queue, as the new access shows it (the recheck may tell it twice).
    assert supervisor_heard and all(frame == REFETCH for frame in supervisor_heard)
    for socket in (agent, supervisor):
        await socket.close()
    await customer.close()


async def _not_reading(client: Any, username: str, conversation_id: int) -> bool:
    return not await sockets_reading(client, username, conversation_id)


async def _told_as_agent(client: Any, username: str) -> bool:
    return await socket_roles(client, username) == {"agent"}
