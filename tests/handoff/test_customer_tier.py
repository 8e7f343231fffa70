"""``PUT /api/conversations/{id}/customer/tier``: supervisors and managers set a customer's tier,
which the customer's next hand-off is routed and promised by; the queue card shows it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from bot.config import Grade, Signal
from bot.flows.deadline import compute_deadline
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, HandoffTicket
from tests.audit.support import logged, one, user_id
from tests.conftest import AppFactory
from tests.handoff.customer_helpers import (
    customer_on_two_channels,
    newest_complaint,
    set_tier,
    tier_of,
)
from tests.handoff.queue_helpers import ticket_of
from tests.helpers import WANG_FILES_A_COMPLAINT, confirmed_complaint
from tests.staff import add_user, give_to, sign_in

VIP_RULE = "VIP和集团客户紧急处理，并通知客户经理"


async def _timeline(client: Any, conversation_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200, await response.text()
    return list((await response.json())["timeline"])


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.MANAGER])
async def test_a_supervisor_or_manager_sets_the_tier_audited_and_on_the_timeline(
    make_client: AppFactory, role: Role
) -> None:
    client = await make_client()
    await add_user(client, "zhou", role)
    csrf = await sign_in(client, "zhou")
    seeded = await customer_on_two_channels(client, sms_cases=1)
    current = seeded.conversations[-1]

    response = await set_tier(client, current, "vip", csrf)

    assert response.status == 200, await response.text()
    assert await response.json() == {
        "conversation_id": current,
        "customer_id": seeded.customer_id,
        "tier": "vip",
        "previous_tier": "standard",
        "changed": True,
    }
    assert await tier_of(client, seeded.customer_id) == "vip"
    panel = await (await client.get(f"/api/conversations/{current}/customer")).json()
    assert (panel["tier"], panel["tier_name"]) == ("vip", "VIP客户")
    assert panel["tiers"] == [
        {"id": "standard", "name": "标准客户"},
        {"id": "high_value", "name": "高价值客户"},
        {"id": "vip", "name": "VIP客户"},
        {"id": "group", "name": "集团客户"},
    ]
    english = await (await client.get(f"/api/conversations/{current}/customer?locale=en")).json()
    assert english["tier_name"] == "VIP"
    changes = [event for event in await _timeline(client, current) if event["kind"] == "customer_tier_changed"]
    zhou = await user_id(client, "zhou")
    assert [(event["actor"], event["detail"]) for event in changes] == [
        (f"agent:{zhou}", {"previous_tier": "standard", "tier": "vip", "username": "zhou"})
    ]
    entry = await one(client, "customer_tier_change")
    assert (entry.actor, entry.role, entry.status, entry.target) == (
        "zhou",
        role.value,
        200,
        f"customer:{seeded.customer_id}",
    )
    assert entry.detail == {"conversation_id": current, "previous_tier": "standard", "tier": "vip"}

    # The same tier again changes nothing: no second timeline entry (the call is still audited).
    again = await set_tier(client, current, "vip", csrf)
    assert (again.status, (await again.json())["changed"]) == (200, False)
    changes = [event for event in await _timeline(client, current) if event["kind"] == "customer_tier_changed"]
    assert len(changes) == 1
    assert len(await logged(client, "customer_tier_change")) == 2


async def test_an_agent_may_not_set_a_tier_even_on_their_own_conversation(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    seeded = await customer_on_two_channels(client, sms_cases=0)
    current = seeded.conversations[-1]
    await give_to(client, current, "li.agent")
    csrf = await sign_in(client, "li.agent")

    response = await set_tier(client, current, "vip", csrf)

    assert response.status == 403, await response.text()
    assert await tier_of(client, seeded.customer_id) == "standard"
    entry = await one(client, "customer_tier_change")  # a refusal is recorded too
    assert (entry.actor, entry.status, entry.target) == ("li.agent", 403, f"conversation:{current}")
    assert not [event for event in await _timeline(client, current) if event["kind"] == "customer_tier_changed"]


async def test_only_a_configured_tier_on_a_known_conversation_with_the_csrf_token(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    csrf = await sign_in(client, "zhou.sup")
    seeded = await customer_on_two_channels(client, sms_cases=0)
    current = seeded.conversations[-1]

    unknown = await set_tier(client, current, "gold", csrf)
    assert unknown.status == 400
    assert (await unknown.json())["error"] == (
        "tier: unknown tier 'gold'; known tiers: standard, high_value, vip, group"
    )
    for body in ({}, {"tier": 3}, {"tier": None}):
        refused = await client.put(
            f"/api/conversations/{current}/customer/tier", json=body, headers={"X-CSRF-Token": csrf}
        )
        assert refused.status == 400, body
        assert "tier" in (await refused.json())["error"]
    assert (await set_tier(client, 999999, "vip", csrf)).status == 404
    assert (await set_tier(client, current, "vip", None)).status == 403  # no CSRF token
    assert await tier_of(client, seeded.customer_id) == "standard"
    assert not [event for event in await _timeline(client, current) if event["kind"] == "customer_tier_changed"]


async def test_the_queue_card_shows_the_tier_and_the_open_case_keeps_its_promise(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    csrf = await sign_in(client, "zhou.sup")
    conversation_id, socket = await confirmed_complaint(client)
    await socket.close()
    promised = await newest_complaint(client, conversation_id)
    ticket_id = await ticket_of(client, conversation_id)

    async def card() -> dict[str, Any]:
        tickets = (await (await client.get("/api/queue")).json())["tickets"]
        return next(ticket for ticket in tickets if ticket["id"] == ticket_id)

    before = await card()
    assert before["customer_tier"] is None  # the default tier stands out in nothing
    assert (await set_tier(client, conversation_id, "group", csrf)).status == 200
    waiting = await card()
    assert waiting["customer_tier"] == "group"
    # Not promised again: the deadline, priority and the case's own tier are as the bot promised them.
    after = await newest_complaint(client, conversation_id)
    assert (after.deadline_at, after.customer_tier) == (promised.deadline_at, "standard")
    assert promised.deadline_at is not None and waiting["deadline_at"] == promised.deadline_at.isoformat()
    assert (waiting["priority"], waiting["queue"], waiting["position"]) == (
        before["priority"],
        before["queue"],
        before["position"],
    )


async def test_the_customers_next_complaint_is_routed_and_promised_as_vip(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    csrf = await sign_in(client, "zhou.sup")
    first, socket = await confirmed_complaint(client)
    first_case = await newest_complaint(client, first)
    assert first_case.customer_tier == "standard"
    assert (await set_tier(client, first, "vip", csrf)).status == 200

    def close_first_case(session: Any) -> None:
        # Resolved and closed: a complaint while the first is still open would join it as an appeal.
        session.execute(update(Complaint).where(Complaint.conversation_id == first).values(status="resolved"))
        session.execute(update(Conversation).where(Conversation.id == first).values(status="closed"))

    await resources(client.app).database.write(close_first_case)
    await socket.send("你好")  # the customer comes back: a new conversation
    await socket.until(lambda frames: sum("客服代表" in text for text in socket.bot_texts()) == 2)
    await socket.send(WANG_FILES_A_COMPLAINT.replace("楼道灯坏了一个星期", "门口的垃圾三天没人清理"))
    await socket.until(lambda frames: sum("请问以上内容是否正确" in text for text in socket.bot_texts()) == 2)
    await socket.send("对")
    await socket.until(lambda frames: sum("您的投诉编号是" in text for text in socket.bot_texts()) == 2)
    await socket.close()
    async with resources(client.app).sessions() as session:
        customer_id = select(Conversation.customer_id).where(Conversation.id == first).scalar_subquery()
        later = select(Conversation.id).where(Conversation.customer_id == customer_id, Conversation.id != first)
        second = (await session.execute(later)).scalar()
    assert second is not None, "\n".join(socket.bot_texts())
    case = await newest_complaint(client, second)
    assert case.customer_tier == "vip"
    shared = resources(client.app)
    signals = [Signal(signal) for signal in case.signals]

    def promise(tier: str) -> Any:
        assert case.promised_at is not None
        deadlines, calendar = shared.config.deadlines, shared.engine.calendar
        return compute_deadline(case.promised_at, Grade(case.grade), tier, case.category, deadlines, calendar, signals)

    assert case.deadline_at == promise("vip").due_at
    assert promise("vip").due_at < promise("standard").due_at
    async with resources(client.app).sessions() as session:
        ticket = await session.get(HandoffTicket, await ticket_of(client, second))
    assert ticket is not None and ticket.priority == 0
    routed = [event for event in await _timeline(client, second) if event["kind"] == "routed"]
    assert VIP_RULE in routed[0]["detail"]["rules"]
