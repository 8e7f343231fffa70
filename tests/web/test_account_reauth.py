"""A stolen manager session alone takes no account over: resetting a password, turning an account
off or on, changing a role and adding a manager each need the caller's own password typed again
(checked like a sign-in, held back like one, audited); the last active manager is never turned
off or demoted; every staff member changes their own password and signs out their other sessions."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.audit.support import logged
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, call_with_cookie, sign_in, sign_in_with_cookie

NEW_PASSWORD = "lantern oyster quietly"


async def ids(client: Any) -> dict[str, int]:
    return {user["username"]: user["id"] for user in (await (await client.get("/api/users")).json())["users"]}


async def as_manager(client: Any, username: str = "boss") -> dict[str, str]:
    client.session.cookie_jar.clear()
    return {"X-CSRF-Token": await sign_in(client, username)}


async def sign_in_status(client: Any, username: str, password: str) -> int:
    client.session.cookie_jar.clear()
    response = await client.post("/api/login", json={"username": username, "password": password})
    await response.read()
    return response.status


SENSITIVE = [
    ("POST", "/api/users/{other}/password", {}),
    ("PUT", "/api/users/{other}/active", {"active": False}),
    ("PUT", "/api/users/{other}/role", {"role": "agent"}),
    ("POST", "/api/users/{me}/password", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), SENSITIVE)
async def test_a_manager_session_without_its_password_changes_no_account(
    make_client: AppFactory, method: str, path: str, body: dict[str, Any]
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "evil2", Role.MANAGER)
    headers = await as_manager(client, "evil2")
    known = await ids(client)
    url = path.format(other=known["boss"], me=known["evil2"])

    without = await client.request(method, url, json=body, headers=headers)
    assert without.status == 403
    assert (await without.json())["code"] == "current_password_needed"
    wrong = await client.request(method, url, json=body | {"current_password": "not my password"}, headers=headers)
    assert wrong.status == 403
    assert (await wrong.json())["code"] == "current_password_wrong"

    # nothing changed: boss signs in with their password, still a manager
    assert await sign_in_status(client, "boss", PASSWORD) == 200
    assert (await (await client.get("/api/me")).json())["role"] == "manager"
    refusals = [entry for entry in await logged(client) if entry.status == 403]
    assert [entry.detail["reason"] for entry in refusals] == ["current_password_needed", "current_password_wrong"]

    headers = await as_manager(client, "evil2")
    right = await client.request(method, url, json=body | {"current_password": PASSWORD}, headers=headers)
    assert right.status == 200, await right.text()


async def test_wrong_passwords_typed_again_are_held_back_like_failed_sign_ins(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "wu", Role.AGENT)
    headers = await as_manager(client)
    wu = (await ids(client))["wu"]
    url = f"/api/users/{wu}/password"
    for _ in range(5):
        wrong = await client.post(url, json={"current_password": "a guess"}, headers=headers)
        assert wrong.status == 403
    held = await client.post(url, json={"current_password": PASSWORD}, headers=headers)
    assert held.status == 429 and "Retry-After" in held.headers
    assert await sign_in_status(client, "wu", PASSWORD) == 200  # wu's password is unchanged
    # the guesses count against the manager's sign-in too
    assert await sign_in_status(client, "boss", PASSWORD) == 429


async def test_the_last_active_manager_is_never_turned_off_nor_demoted(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "li", Role.MANAGER)
    headers = await as_manager(client)
    known = await ids(client)
    sure = {"current_password": PASSWORD}

    demoted = await client.put(f"/api/users/{known['li']}/role", json={"role": "supervisor"} | sure, headers=headers)
    assert demoted.status == 200 and (await demoted.json())["user"]["role"] == "supervisor"
    alone = await client.put(f"/api/users/{known['boss']}/role", json={"role": "agent"} | sure, headers=headers)
    assert alone.status == 409 and (await alone.json())["code"] == "last_manager"
    assert (await client.get("/api/users")).status == 200  # still a manager

    promoted = await client.put(f"/api/users/{known['li']}/role", json={"role": "manager"} | sure, headers=headers)
    assert promoted.status == 200
    off = await client.put(f"/api/users/{known['li']}/active", json={"active": False} | sure, headers=headers)
    assert off.status == 200
    back = await client.put(f"/api/users/{known['boss']}/role", json={"role": "supervisor"} | sure, headers=headers)
    assert back.status == 409


async def test_a_role_changed_is_in_force_at_the_next_request(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "wu", Role.AGENT)
    token, _ = await sign_in_with_cookie(client, "wu")
    assert await call_with_cookie(client, token, "GET", "/api/users") == 403
    headers = await as_manager(client)
    wu = (await ids(client))["wu"]
    made = await client.put(
        f"/api/users/{wu}/role", json={"role": "supervisor", "current_password": PASSWORD}, headers=headers
    )
    assert made.status == 200
    assert await call_with_cookie(client, token, "GET", "/api/users") == 200
    assert [entry.detail["role"] for entry in await logged(client, "role_change")] == ["supervisor"]


async def test_adding_a_manager_needs_the_password_typed_again(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    headers = await as_manager(client)
    new = {"username": "second.boss", "role": "manager", "password": NEW_PASSWORD}
    refused = await client.post("/api/users", json=new, headers=headers)
    assert refused.status == 403
    assert set(await ids(client)) == {"boss"}
    made = await client.post("/api/users", json=new | {"current_password": PASSWORD}, headers=headers)
    assert made.status == 201
    agent = await client.post("/api/users", json={"username": "zhao", "role": "agent"}, headers=headers)
    assert agent.status == 201  # an agent needs no password typed again


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.MANAGER])
async def test_staff_change_their_own_password_and_their_other_sessions_end(
    make_client: AppFactory, role: Role
) -> None:
    client = await make_client()
    await add_user(client, "wu", role)
    elsewhere, _ = await sign_in_with_cookie(client, "wu")
    here, csrf = await sign_in_with_cookie(client, "wu")
    headers = {"X-CSRF-Token": csrf}

    wrong = await client.post(
        "/api/me/password", json={"current_password": "a guess", "password": NEW_PASSWORD}, headers=headers
    )
    assert wrong.status == 403
    easy = await client.post(
        "/api/me/password", json={"current_password": PASSWORD, "password": "password123"}, headers=headers
    )
    assert easy.status == 400 and (await easy.json())["field"] == "password"
    changed = await client.post(
        "/api/me/password", json={"current_password": PASSWORD, "password": NEW_PASSWORD}, headers=headers
    )
    assert changed.status == 200 and (await changed.json())["sessions_ended"] == 1
    assert await call_with_cookie(client, here, "GET", "/api/me") == 200
    assert await call_with_cookie(client, elsewhere, "GET", "/api/me") == 401
    assert [entry.status for entry in await logged(client, "password_change")] == [403, 400, 200]
    assert await sign_in_status(client, "wu", PASSWORD) == 401
    assert await sign_in_status(client, "wu", NEW_PASSWORD) == 200


async def test_staff_sign_out_their_other_sessions(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wu", Role.AGENT)
    elsewhere, _ = await sign_in_with_cookie(client, "wu")
    here, csrf = await sign_in_with_cookie(client, "wu")
    ended = await client.post("/api/me/sessions/end-others", json={}, headers={"X-CSRF-Token": csrf})
    assert ended.status == 200 and (await ended.json())["sessions_ended"] == 1
    assert await call_with_cookie(client, here, "GET", "/api/me") == 200
    assert await call_with_cookie(client, elsewhere, "GET", "/api/me") == 401
