"""A queue's changes reach only the consoles that see that queue: its agents, supervisors and
managers, on every instance. An agent of another queue is not told a case exists there, nor made
to refetch; an agent given the queue hears of it at once, without reconnecting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import User
from tests.conftest import AppFactory
from tests.handoff.queue_helpers import customer_hands_off, ticket_of
from tests.staff import (
    Frame,
    add_user,
    call_with_cookie,
    event_socket_with_cookie,
    frames_until,
    frames_up_to_now,
    set_queues,
    sign_in,
    sign_in_with_cookie,
    staff_socket,
)


def queue_frames(frames: list[Frame]) -> list[tuple[str | None, list[int]]]:
    return [(frame["queue"], frame["conversation_ids"]) for frame in frames if frame["type"] == "queue"]


def told_of_queue(queue: str, conversation_id: int) -> Any:
    return lambda frame: (
        frame["type"] == "queue" and frame["queue"] == queue and conversation_id in frame["conversation_ids"]
    )


async def _user_id(client: Any, username: str) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(User.id).where(User.username == username))).scalar_one())


async def test_a_case_in_one_queue_is_told_only_to_that_queues_agents(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)  # of the general queue
    await add_user(client, "qian.agent", Role.AGENT)
    await set_queues(client, "qian.agent", ["billing"])
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    li_token, _ = await sign_in_with_cookie(client, "li.agent")
    qian_token, qian_csrf = await sign_in_with_cookie(client, "qian.agent")
    li_browser, li = await event_socket_with_cookie(client, li_token)
    qian_browser, qian = await event_socket_with_cookie(client, qian_token)
    _, supervisor_csrf = await sign_in_with_cookie(client, "zhou.sup")  # the jar's last: a fresh one
    supervisor = await staff_socket(client, "zhou.sup")
    assert await call_with_cookie(client, li_token, "GET", "/api/queue") == 200  # the console shows it

    # A customer waits in the general queue: its agent and the supervisor are told; billing's is not.
    conversation_id, customer = await customer_hands_off(client)
    await frames_until(li, told_of_queue("general", conversation_id))
    await frames_until(supervisor, told_of_queue("general", conversation_id))
    [qian_heard] = await frames_up_to_now(client, qian)
    assert queue_frames(qian_heard) == []

    # Sent on to billing: billing's agent is told now, and general's that it left their queue.
    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer",
        json={"queue": "billing"},
        headers={"X-CSRF-Token": supervisor_csrf},
    )
    assert moved.status == 200, await moved.text()
    await frames_until(qian, told_of_queue("billing", conversation_id))
    await frames_until(li, told_of_queue("general", conversation_id))

    # Billing's agent takes it: general's console hears nothing of it any more.
    await frames_up_to_now(client, li, qian)
    ticket_id = await ticket_of(client, conversation_id)
    assert await call_with_cookie(client, qian_token, "POST", f"/api/tickets/{ticket_id}/claim", qian_csrf) == 200
    await frames_until(qian, told_of_queue("billing", conversation_id))
    [li_heard] = await frames_up_to_now(client, li)
    assert queue_frames(li_heard) == []

    for socket in (li, qian, supervisor):
        await socket.close()
    for browser in (li_browser, qian_browser):
        await browser.close()
    await customer.close()


async def test_across_instances_an_agent_given_the_queue_hears_of_it_at_once(make_client: AppFactory) -> None:
    customer_side, console_side = await make_client(), await make_client()
    await add_user(customer_side, "li.agent", Role.AGENT)  # of the general queue
    await add_user(customer_side, "qian.agent", Role.AGENT)
    await set_queues(customer_side, "qian.agent", ["billing"])
    await add_user(customer_side, "wang.mgr", Role.MANAGER)
    await sign_in(console_side, "li.agent")
    li = await staff_socket(console_side, "li.agent")
    qian_token, _ = await sign_in_with_cookie(customer_side, "qian.agent")
    qian_browser, qian = await event_socket_with_cookie(console_side, qian_token)

    # The customer's instance is not the consoles': the general queue's agent is told there.
    first, first_customer = await customer_hands_off(customer_side)
    await frames_until(li, told_of_queue("general", first))
    [qian_heard] = await frames_up_to_now(console_side, qian)
    assert queue_frames(qian_heard) == []
    assert await call_with_cookie(console_side, qian_token, "GET", "/api/queue") == 200

    # The manager, on the customer's instance, puts billing's agent in the general queue too: the
    # open console is told to refetch its queue at once, and hears of the next case there.
    _, manager_csrf = await sign_in_with_cookie(customer_side, "wang.mgr")
    qian_id = await _user_id(customer_side, "qian.agent")
    given = await customer_side.put(
        f"/api/users/{qian_id}/queues",
        json={"queues": ["billing", "general"]},
        headers={"X-CSRF-Token": manager_csrf},
    )
    assert given.status == 200, await given.text()
    await frames_until(qian, lambda frame: frame["type"] == "queue" and frame["conversation_ids"] == [])
    second, second_customer = await customer_hands_off(customer_side)
    await frames_until(qian, told_of_queue("general", second))
    await frames_until(li, told_of_queue("general", second))

    await li.close()
    await qian.close()
    await qian_browser.close()
    for customer in (first_customer, second_customer):
        await customer.close()


async def test_a_customers_new_tier_refreshes_only_the_queue_they_wait_in(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)  # of the general queue
    await add_user(client, "qian.agent", Role.AGENT)
    await set_queues(client, "qian.agent", ["billing"])
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    li_token, _ = await sign_in_with_cookie(client, "li.agent")
    qian_token, _ = await sign_in_with_cookie(client, "qian.agent")
    li_browser, li = await event_socket_with_cookie(client, li_token)
    qian_browser, qian = await event_socket_with_cookie(client, qian_token)
    _, csrf = await sign_in_with_cookie(client, "zhou.sup")
    conversation_id, customer = await customer_hands_off(client)
    await frames_until(li, told_of_queue("general", conversation_id))
    await frames_up_to_now(client, li, qian)

    # The card in the general queue shows the tier: its agent refetches; billing's is not told.
    tiered = await client.put(
        f"/api/conversations/{conversation_id}/customer/tier", json={"tier": "vip"}, headers={"X-CSRF-Token": csrf}
    )
    assert tiered.status == 200, await tiered.text()
    await frames_until(li, told_of_queue("general", conversation_id))
    [qian_heard] = await frames_up_to_now(client, qian)
    assert queue_frames(qian_heard) == []

    for socket in (li, qian):
        await socket.close()
    for browser in (li_browser, qian_browser):
        await browser.close()
    await customer.close()
