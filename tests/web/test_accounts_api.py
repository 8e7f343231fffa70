"""A manager runs the staff accounts through the API the 人员 tab uses: adds one (with a typed
password, or one made and shown once), turns one off (every session of theirs ends at once) and
on again, gives one a new password; the rules are create-user's; every step is audited;
supervisors read the list, agents are refused."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.staff.accounts import Role
from tests.audit.support import logged, one
from tests.conftest import AppFactory
from tests.staff import (
    PASSWORD,
    add_user,
    call_with_cookie,
    claimed_conversation,
    sign_in,
    sign_in_with_cookie,
    staff_socket,
)


async def sign_in_status(client: Any, username: str, password: str) -> int:
    client.session.cookie_jar.clear()
    response = await client.post("/api/login", json={"username": username, "password": password})
    await response.read()
    return response.status


async def as_boss(client: Any) -> dict[str, str]:
    client.session.cookie_jar.clear()
    return {"X-CSRF-Token": await sign_in(client, "boss")}


async def users(client: Any) -> dict[str, dict[str, Any]]:
    return {user["username"]: user for user in (await (await client.get("/api/users")).json())["users"]}


async def test_a_manager_adds_an_agent_who_signs_in_with_the_password_shown_once(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    headers = await as_boss(client)
    new = {"username": "zhao.agent", "display_name": "赵敏", "role": "agent", "queues": ["engineering"]}
    made = await client.post("/api/users", json=new, headers=headers)
    assert made.status == 201, await made.text()
    body = await made.json()
    assert body["user"]["queues"] == ["engineering"] and body["user"]["active"] is True
    assert body["user"]["last_sign_in"] is None
    password = body["password"]
    assert len(password) >= 12

    entry = await one(client, "account_create")
    assert (entry.target, entry.actor, entry.detail["role"]) == (f"user:{body['user']['id']}", "boss", "agent")
    assert password not in str(entry.detail)

    assert await sign_in_status(client, "zhao.agent", password) == 200
    headers = await as_boss(client)
    listed = await users(client)
    assert listed["zhao.agent"]["display_name"] == "赵敏"
    assert listed["zhao.agent"]["last_sign_in"] is not None

    typed = {"username": "qian", "role": "supervisor", "password": "a-typed-long-password"}
    answer = await client.post("/api/users", json=typed, headers=headers)
    assert answer.status == 201 and "password" not in await answer.json()
    assert await sign_in_status(client, "qian", "a-typed-long-password") == 200


async def test_the_rules_of_create_user_apply(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    headers = await as_boss(client)

    async def refused(body: dict[str, Any]) -> tuple[int, str]:
        response = await client.post("/api/users", json=body, headers=headers)
        return response.status, (await response.json())["error"]

    status, error = await refused({"username": "wu", "role": "agent", "password": "short"})
    assert status == 400 and "at least 8 characters" in error
    status, error = await refused({"username": "wu ming", "role": "agent"})
    assert status == 400 and "spaces" in error
    status, error = await refused({"username": "wu", "role": "agent", "queues": ["legal"]})
    assert status == 400 and "unknown queue 'legal'" in error
    status, error = await refused({"username": "boss", "role": "agent"})
    assert status == 409 and "taken" in error
    assert set(await users(client)) == {"boss"}


async def test_a_username_that_looks_like_a_taken_one_is_refused_and_sign_in_ignores_width_and_case(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "a1", Role.AGENT)
    headers = await as_boss(client)
    for lookalike in ("A1", "ａ１", "Ａ1"):
        response = await client.post("/api/users", json={"username": lookalike, "role": "agent"}, headers=headers)
        assert response.status == 409, lookalike
        assert (await response.json())["error"] == f"the username {lookalike!r} looks the same as the existing 'a1'"
    assert set(await users(client)) == {"boss", "a1"}
    for typed in ("a1", "A1", "ａ１"):
        assert await sign_in_status(client, typed, PASSWORD) == 200, typed
    assert await sign_in_status(client, "ＢＯＳＳ", PASSWORD) == 200


async def test_turning_an_account_off_signs_them_out_at_once_and_on_lets_them_back(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "wu", Role.AGENT)
    token, _ = await sign_in_with_cookie(client, "wu")
    console = await staff_socket(client, "wu")
    headers = await as_boss(client)
    wu = (await users(client))["wu"]

    off = await client.put(
        f"/api/users/{wu['id']}/active", json={"active": False, "current_password": PASSWORD}, headers=headers
    )
    assert off.status == 200, await off.text()
    assert (await off.json())["sessions_ended"] == 1 and (await off.json())["user"]["active"] is False
    await asyncio.wait_for(console.receive(), 10)
    assert console.closed
    assert await call_with_cookie(client, token, "GET", "/api/me") == 401
    assert (await one(client, "account_active")).detail["active"] is False
    assert await sign_in_status(client, "wu", PASSWORD) == 401

    headers = await as_boss(client)
    on = await client.put(
        f"/api/users/{wu['id']}/active", json={"active": True, "current_password": PASSWORD}, headers=headers
    )
    assert on.status == 200
    assert await sign_in_status(client, "wu", PASSWORD) == 200


async def test_a_manager_cannot_turn_their_own_account_off(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    headers = await as_boss(client)
    me = (await users(client))["boss"]
    response = await client.put(
        f"/api/users/{me['id']}/active", json={"active": False, "current_password": PASSWORD}, headers=headers
    )
    assert response.status == 400 and "your own account" in (await response.json())["error"]
    assert (await client.get("/api/me")).status == 200


async def test_a_new_password_ends_the_old_sessions(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "wu", Role.AGENT)
    await sign_in(client, "wu")
    headers = await as_boss(client)
    wu = (await users(client))["wu"]
    short = await client.post(
        f"/api/users/{wu['id']}/password", json={"password": "short", "current_password": PASSWORD}, headers=headers
    )
    assert short.status == 400 and "at least 8 characters" in (await short.json())["error"]

    made = await client.post(f"/api/users/{wu['id']}/password", json={"current_password": PASSWORD}, headers=headers)
    assert made.status == 200
    body = await made.json()
    assert body["sessions_ended"] == 1
    entries = await logged(client, "password_reset")
    assert [(entry.status, entry.target) for entry in entries] == [(400, f"user:{wu['id']}"), (200, f"user:{wu['id']}")]
    assert body["password"] not in str([entry.detail for entry in entries])
    assert await sign_in_status(client, "wu", PASSWORD) == 401
    assert await sign_in_status(client, "wu", body["password"]) == 200

    headers = await as_boss(client)
    typed = await client.post(
        f"/api/users/{wu['id']}/password",
        json={"password": "typed-by-boss", "current_password": PASSWORD},
        headers=headers,
    )
    assert typed.status == 200 and "password" not in await typed.json()
    assert await sign_in_status(client, "wu", "typed-by-boss") == 200


async def test_supervisors_read_the_accounts_and_agents_are_refused(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "super", Role.SUPERVISOR)
    await add_user(client, "wu", Role.AGENT)
    csrf = await sign_in(client, "super")
    assert set(await users(client)) == {"super", "wu"}
    wu = (await users(client))["wu"]
    headers = {"X-CSRF-Token": csrf}
    new = {"username": "zhao", "role": "agent"}
    assert (await client.post("/api/users", json=new, headers=headers)).status == 403
    assert (await client.put(f"/api/users/{wu['id']}/active", json={"active": False}, headers=headers)).status == 403
    assert (await client.post(f"/api/users/{wu['id']}/password", json={}, headers=headers)).status == 403

    client.session.cookie_jar.clear()
    csrf = await sign_in(client, "wu")
    headers = {"X-CSRF-Token": csrf}
    assert (await client.get("/api/users")).status == 403
    assert (await client.post("/api/users", json=new, headers=headers)).status == 403
    assert (await client.post(f"/api/users/{wu['id']}/password", json={}, headers=headers)).status == 403


async def test_switching_off_an_agent_puts_the_cases_they_hold_back_in_the_queue(make_client: AppFactory) -> None:
    """Only a case's owner may answer its customer: switched off while holding one, it waits in
    its queue again for a colleague to claim, and the history still names who had it."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "zhou", Role.AGENT)
    _, conversation_id, socket = await claimed_conversation(client, "wu")
    headers = await as_boss(client)
    wu = (await users(client))["wu"]

    off = await client.put(
        f"/api/users/{wu['id']}/active", json={"active": False, "current_password": PASSWORD}, headers=headers
    )
    assert off.status == 200, await off.text()
    assert (await off.json())["conversations_returned"] == 1
    assert (await one(client, "account_active")).detail["conversations_returned"] == 1
    held = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    moved = [event for event in held["timeline"] if event["kind"] == "transferred"]
    assert moved[-1]["detail"]["from"] == f"agent:{wu['id']}" and moved[-1]["detail"]["reason"] == "account_off"
    colleagues = (await (await client.get("/api/colleagues")).json())["colleagues"]
    assert {c["username"]: c["active"] for c in colleagues}["wu"] is False

    client.session.cookie_jar.clear()
    zhou = {"X-CSRF-Token": await sign_in(client, "zhou")}
    waiting = (await (await client.get("/api/queue")).json())["tickets"]
    ticket = next(t for t in waiting if t["conversation_id"] == conversation_id)
    assert (await client.post(f"/api/tickets/{ticket['id']}/claim", headers=zhou)).status == 200
    reply = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "您好，我来跟进您的问题"}, headers=zhou
    )
    assert reply.status == 201, await reply.text()
    await socket.until(lambda frames: any(f.get("from") == "agent" and "我来跟进" in f.get("text", "") for f in frames))
    await socket.close()
