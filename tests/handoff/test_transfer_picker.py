"""Transferring a case to a queue: by the name the console shows, keeping the case on the card and
the customer's waiting time, and warning when nobody is a member of that queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import User
from tests.audit.support import user_id
from tests.conftest import AppFactory
from tests.handoff.appeal_helpers import signed_in, tickets_of, web_chat_case
from tests.staff import add_user, set_queues


async def name_users(client: Any, names: dict[str, str]) -> None:
    def rename(session: Session) -> None:
        for username, name in names.items():
            session.execute(update(User).where(User.username == username).values(display_name=name))

    await resources(client.app).database.write(rename)


async def test_a_queue_is_found_by_its_displayed_name_and_the_card_keeps_the_case(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wang", Role.AGENT)
    await add_user(client, "zhao", Role.AGENT)
    await set_queues(client, "zhao", ["engineering"])
    conversation_id, case_number = await web_chat_case(client)
    [first] = await tickets_of(client, conversation_id)
    wang, csrf = await signed_in(make_client, "wang")
    assert (await wang.post(f"/api/tickets/{first.id}/claim", headers=csrf)).status == 200

    moved = await wang.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "工程维修组"}, headers=csrf
    )

    assert moved.status == 200
    assert await moved.json() == {"owner": "queue:engineering", "queue_members": 1}
    zhao, _ = await signed_in(make_client, "zhao")
    [card] = (await (await zhao.get("/api/queue")).json())["tickets"]
    assert (card["conversation_id"], card["queue"], card["case_number"]) == (
        conversation_id,
        "engineering",
        case_number,
    )
    assert card["category"] is not None and card["deadline_at"] is not None
    # Waiting since the customer first waited for this case, not since the transfer.
    assert dt.datetime.fromisoformat(card["waiting_since"]) == first.created_at
    # The view says where it waits, and offers it to claim.
    view = await (await zhao.get(f"/api/conversations/{conversation_id}")).json()
    assert [(w["queue"], w["reason"]) for w in view["waiting"]] == [("engineering", "transfer")]


async def test_a_transfer_to_a_queue_nobody_is_in_says_so(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    conversation_id, _ = await web_chat_case(client)
    supervisor, csrf = await signed_in(make_client, "zhou")

    moved = await supervisor.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "property"}, headers=csrf
    )

    assert moved.status == 200
    assert (await moved.json())["queue_members"] == 0


async def test_the_transfer_picker_names_queues_and_people_but_not_managers(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    await add_user(client, "boss", Role.MANAGER)
    await set_queues(client, "li", ["general", "engineering"])
    console, _ = await signed_in(make_client, "li")

    targets = await (await console.get("/api/transfer-targets")).json()

    queues = {q["id"]: (q["name"], q["members"]) for q in targets["queues"]}
    assert queues["engineering"] == ("工程维修组", 1)
    assert queues["property"] == ("物业服务组", 0)
    people = {p["username"]: (p["role"], p["queues"]) for p in targets["people"]}
    assert people["li"] == ("agent", ["general", "engineering"])
    assert people["zhou"][0] == "supervisor"
    assert "boss" not in people


async def test_a_person_is_found_by_the_name_the_picker_shows_unless_two_share_it(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    for username in ("agent2", "agent3", "agent4"):
        await add_user(client, username, Role.AGENT)
    await name_users(client, {"agent2": "李娜", "agent3": "王芳", "agent4": "王芳"})
    conversation_id, _ = await web_chat_case(client)
    supervisor, csrf = await signed_in(make_client, "zhou")
    url = f"/api/conversations/{conversation_id}/transfer"

    moved = await supervisor.post(url, json={"username": "李娜"}, headers=csrf)
    assert moved.status == 200
    assert (await moved.json())["owner"] == f"agent:{await user_id(client, 'agent2')}"

    shared = await supervisor.post(url, json={"username": "王芳"}, headers=csrf)
    assert shared.status == 400
    assert (await shared.json())["error"] == "no active user '王芳'"


async def test_supervisors_count_as_taking_the_duty_supervisor_queue(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    conversation_id, _ = await web_chat_case(client)
    [ticket] = await tickets_of(client, conversation_id)
    console, csrf = await signed_in(make_client, "li")
    assert (await console.post(f"/api/tickets/{ticket.id}/claim", headers=csrf)).status == 200

    targets = await (await console.get("/api/transfer-targets")).json()
    moved = await console.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "值班主管"}, headers=csrf
    )

    queues = {q["id"]: q["members"] for q in targets["queues"]}
    assert (queues["supervisor"], queues["property"]) == (1, 0)
    assert await moved.json() == {"owner": "queue:supervisor", "queue_members": 1}


async def test_saving_rules_that_send_cases_to_a_queue_nobody_takes_warns_but_saves(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    await set_queues(client, "li", ["general", "billing"])
    manager, csrf = await signed_in(make_client, "boss")
    rules = [
        {"name": "network", "when": {"categories": ["network"]}, "then": {"queue": "network"}},
        {"name": "billing", "when": {"categories": ["billing"]}, "then": {"queue": "billing"}},
    ]

    saved = await manager.put("/api/rules?locale=en", json={"rules": rules, "note": "teams"}, headers=csrf)
    rolled_back = await manager.post("/api/rules/rollback", json={"version": 2, "note": "again"}, headers=csrf)

    assert saved.status == 200
    assert (await saved.json())["queues_without_takers"] == [{"id": "network", "name": "Network team"}]
    assert (await rolled_back.json())["queues_without_takers"] == [{"id": "network", "name": "网络组"}]
