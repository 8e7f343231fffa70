"""A customer's appeal (申诉) waits for the supervisor whatever the agent holding the case does:
a transfer, a resolution or a claim of their own cannot move it out of the supervisor queue."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.handoff.appeal_helpers import appealed_case, queued, signed_in, tickets_of
from tests.helpers import eventually, timeline_kinds
from tests.staff import add_user, set_queues


async def _staff(client: Any) -> None:
    for username, role in [("li", Role.AGENT), ("wang", Role.AGENT), ("zhou", Role.SUPERVISOR)]:
        await add_user(client, username, role)


async def _supervisor_takes_the_appeal(make_client: AppFactory, conversation_id: int, appeal_id: int) -> None:
    supervisor, csrf = await signed_in(make_client, "zhou")
    assert (appeal_id, "supervisor") in await queued(supervisor, conversation_id)
    taken = await supervisor.post(f"/api/tickets/{appeal_id}/claim", headers=csrf)
    assert taken.status == 200 and (await taken.json())["owner"] == "zhou"


async def test_the_cases_agent_transferring_it_to_a_colleague_leaves_the_appeal_waiting(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await _staff(client)
    case = await appealed_case(client, make_client, "li")

    moved = await case.owner.post(
        f"/api/conversations/{case.conversation_id}/transfer", json={"username": "wang"}, headers=case.owner_csrf
    )

    assert moved.status == 200
    statuses = [(t.queue, t.reason, t.status) for t in await tickets_of(client, case.conversation_id)]
    assert statuses == [("general", "complaint", "claimed"), ("supervisor", "appeal", "waiting")]
    await _supervisor_takes_the_appeal(make_client, case.conversation_id, case.appeal_id)
    await case.appealing.close()


async def test_the_cases_agent_transferring_it_to_a_queue_leaves_the_appeal_waiting_beside_the_new_ticket(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await _staff(client)
    case = await appealed_case(client, make_client, "li")

    moved = await case.owner.post(
        f"/api/conversations/{case.conversation_id}/transfer", json={"queue": "engineering"}, headers=case.owner_csrf
    )

    assert moved.status == 200
    supervisor, _ = await signed_in(make_client, "zhou")
    assert sorted(queue for _, queue in await queued(supervisor, case.conversation_id)) == ["engineering", "supervisor"]
    await _supervisor_takes_the_appeal(make_client, case.conversation_id, case.appeal_id)
    await case.appealing.close()


async def test_the_cases_agent_cannot_claim_its_appeal_even_in_the_supervisor_queue(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    await set_queues(client, "li", ["general", "supervisor"])
    case = await appealed_case(client, make_client, "li")

    refused = await case.owner.post(f"/api/tickets/{case.appeal_id}/claim", headers=case.owner_csrf)

    assert refused.status == 403
    assert "appeal" in (await refused.json())["error"]
    assert [t.status for t in await tickets_of(client, case.conversation_id)] == ["claimed", "waiting"]
    await _supervisor_takes_the_appeal(make_client, case.conversation_id, case.appeal_id)
    await case.appealing.close()


async def test_the_agent_it_was_transferred_from_cannot_claim_the_appeal_back(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    await set_queues(client, "li", ["general", "supervisor"])
    case = await appealed_case(client, make_client, "li")
    moved = await case.owner.post(
        f"/api/conversations/{case.conversation_id}/transfer", json={"username": "wang"}, headers=case.owner_csrf
    )
    assert moved.status == 200

    refused = await case.owner.post(f"/api/tickets/{case.appeal_id}/claim", headers=case.owner_csrf)

    assert refused.status == 403
    await _supervisor_takes_the_appeal(make_client, case.conversation_id, case.appeal_id)
    await case.appealing.close()


async def test_another_agent_of_the_supervisor_queue_may_take_the_appeal(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    await set_queues(client, "wang", ["supervisor"])
    case = await appealed_case(client, make_client, "li")

    other, csrf = await signed_in(make_client, "wang")
    taken = await other.post(f"/api/tickets/{case.appeal_id}/claim", headers=csrf)

    assert taken.status == 200 and (await taken.json())["owner"] == "wang"
    await case.appealing.close()


async def test_the_cases_agent_resolving_it_leaves_the_appeal_for_the_supervisor(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    case = await appealed_case(client, make_client, "li")

    resolved = await case.owner.post(
        f"/api/conversations/{case.conversation_id}/resolve", json={"summary": "已修好路灯"}, headers=case.owner_csrf
    )

    assert resolved.status == 200
    assert [t.status for t in await tickets_of(client, case.conversation_id)] == ["resolved", "waiting"]
    await _supervisor_takes_the_appeal(make_client, case.conversation_id, case.appeal_id)
    await case.appealing.close()


async def test_a_supervisor_resolving_the_case_answers_the_appeal(make_client: AppFactory) -> None:
    client = await make_client()
    await _staff(client)
    case = await appealed_case(client, make_client, "li")
    supervisor, csrf = await signed_in(make_client, "zhou")

    resolved = await supervisor.post(
        f"/api/conversations/{case.conversation_id}/resolve", json={"summary": "主管回访,已修好路灯"}, headers=csrf
    )

    assert resolved.status == 200
    assert [t.status for t in await tickets_of(client, case.conversation_id)] == ["resolved", "resolved"]
    assert await queued(supervisor, case.conversation_id) == []
    await case.appealing.close()


async def test_a_threat_after_the_transfer_raises_the_waiting_appeal_not_the_new_queues_ticket(
    make_client: AppFactory,
) -> None:
    """The appeal and the transfer's ticket wait side by side; the appealing customer's threat
    raises the appeal (the supervisor's), and the new queue keeps its ticket."""
    client = await make_client()
    await _staff(client)
    case = await appealed_case(client, make_client, "li")
    moved = await case.owner.post(
        f"/api/conversations/{case.conversation_id}/transfer", json={"queue": "engineering"}, headers=case.owner_csrf
    )
    assert moved.status == 200

    await case.appealing.send("再不修我就找记者曝光")
    await case.appealing.until_bot_says("主管")

    async def escalated() -> bool:
        return "escalated" in await timeline_kinds(client, case.appealing_conversation_id)

    await eventually(escalated, timeout=15)
    waiting = [(t.queue, t.reason) for t in await tickets_of(client, case.conversation_id) if t.status == "waiting"]
    assert waiting == [("supervisor", "appeal"), ("engineering", "transfer")]
    await _supervisor_takes_the_appeal(make_client, case.conversation_id, case.appeal_id)
    await case.appealing.close()
