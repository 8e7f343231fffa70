"""A case taken from the agent holding it (a supervisor claiming the customer's appeal, a
reassignment, an extended deadline): the supervisor answers where the customer is now, and the
agent is told (通知)."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.handoff.appeal_helpers import appealed_case, signed_in
from tests.helpers import settled
from tests.staff import add_user, claimed_conversation


async def _notifications(console: Any) -> list[dict[str, Any]]:
    return list((await (await console.get("/api/notifications")).json())["notifications"])


async def test_the_supervisor_claiming_an_appeal_answers_in_the_chat_the_customer_appealed_from(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    case = await appealed_case(client, make_client, "li")
    supervisor, csrf = await signed_in(make_client, "zhou")

    # Before the claim, the appealing chat offers the appeal's ticket to claim.
    view = await (await supervisor.get(f"/api/conversations/{case.appealing_conversation_id}")).json()
    assert [(w["ticket_id"], w["queue"], w["reason"]) for w in view["waiting"]] == [
        (case.appeal_id, "supervisor", "appeal")
    ]

    taken = await supervisor.post(f"/api/tickets/{case.appeal_id}/claim", headers=csrf)
    assert taken.status == 200
    assert (await taken.json())["reply_in"] == case.appealing_conversation_id

    sent = await supervisor.post(
        f"/api/conversations/{case.appealing_conversation_id}/messages",
        json={"text": "您好,我是值班主管,马上安排师傅上门"},
        headers=csrf,
    )
    assert sent.status == 201
    await case.appealing.until(lambda frames: any("值班主管" in f.get("text", "") for f in frames))

    # li, who held the case, is told who took it.
    told = [n for n in await _notifications(case.owner) if n["kind"] == "case_taken"]
    assert [(n["conversation_id"], n["detail"]["how"], n["detail"]["by"]) for n in told] == [
        (case.conversation_id, "appeal", "zhou")
    ]
    await case.appealing.close()


async def test_a_reassigned_agent_is_told_who_took_the_case_and_to_whom(make_client: AppFactory) -> None:
    client = await make_client()
    _, conversation_id, socket = await claimed_conversation(client, "wang")
    await add_user(client, "zhao", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    supervisor, csrf = await signed_in(make_client, "zhou")

    moved = await supervisor.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "zhao"}, headers=csrf
    )

    assert moved.status == 200
    [told] = [n for n in await _notifications(client) if n["kind"] == "case_taken"]
    assert told["conversation_id"] == conversation_id
    assert (told["detail"]["how"], told["detail"]["by"]) == ("transfer", "zhou")
    zhao = [c for c in (await (await client.get("/api/colleagues")).json())["colleagues"] if c["username"] == "zhao"]
    assert told["detail"]["to"] == f"agent:{zhao[0]['id']}"
    await socket.close()


async def test_an_agent_handing_a_case_on_is_not_told_of_their_own_transfer(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "wang")
    await add_user(client, "zhao", Role.AGENT)

    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "zhao"}, headers={"X-CSRF-Token": csrf}
    )

    assert moved.status == 200
    assert [n for n in await _notifications(client) if n["kind"] == "case_taken"] == []
    await socket.close()


async def test_the_agent_holding_a_case_is_told_when_a_supervisor_extends_its_deadline(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    case = await appealed_case(client, make_client, "li")
    await case.appealing.close()
    supervisor, csrf = await signed_in(make_client, "zhou")

    extended = await supervisor.post(
        f"/api/conversations/{case.conversation_id}/extend", json={"hours": 24, "reason": "等配件"}, headers=csrf
    )

    assert extended.status == 200
    extended_case = (await extended.json())["case_number"]  # the notice names the case whose deadline moved
    assert extended_case.startswith("TS")
    deadline = (await extended.json())["deadline_at"]
    await settled(client)
    [told] = [n for n in await _notifications(case.owner) if n["kind"] == "deadline_extended"]
    assert told["conversation_id"] == case.conversation_id
    assert told["detail"] == {"by": "zhou", "deadline_at": deadline, "why": "等配件", "case_number": extended_case}
