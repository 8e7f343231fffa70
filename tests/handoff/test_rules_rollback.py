"""A manager reads an earlier version of the rules against the ones in force and puts it back:
the old rules come back as a new version that routes the next complaint, with a required note
in the history and the audit log; supervisors read, they do not roll back."""

from __future__ import annotations

from bot.staff.accounts import Role
from tests.audit.support import one
from tests.conftest import AppFactory
from tests.handoff.rules_helpers import BILLING_RULE, complain, ticket_of
from tests.staff import add_user, sign_in


async def test_rolling_back_brings_the_old_rules_back_as_a_new_version_that_routes(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}
    original = (await (await client.get("/api/rules")).json())["rules"]
    saved = await client.put(
        "/api/rules", json={"rules": [BILLING_RULE, *original], "note": "billing team"}, headers=headers
    )
    assert saved.status == 200
    assert (await ticket_of(client, await complain(client, "这个月话费多扣了50元"))).queue == "billing"

    first = await (await client.get("/api/rules/1")).json()
    against = first["against_current"]
    assert against["version"] == 2
    assert against["changes"] == {"added": [], "removed": [BILLING_RULE["name"]], "changed": [], "moved": []}
    assert f"-- name: {BILLING_RULE['name']}" in against["diff"]
    assert "+++ rules-v1.yaml" in against["diff"]

    body = {"version": 1, "note": "账单组人手不够,先回到原来的分派"}
    rolled = await client.post("/api/rules/rollback", json=body, headers=headers)
    assert rolled.status == 200, await rolled.text()
    now = await rolled.json()
    assert (now["version"], now["changed_by"], now["note"]) == (3, "boss", body["note"])
    assert now["rules"] == original
    assert now["changes"]["removed"] == [BILLING_RULE["name"]]
    assert [entry["version"] for entry in now["history"]] == [2, 1]
    assert (await (await client.get("/api/rules/1")).json())["against_current"]["diff"] == ""

    entry = await one(client, "rules_rollback")
    assert (entry.target, entry.status, entry.actor) == ("rules:v3", 200, "boss")
    assert entry.detail["rollback_of"] == 1 and entry.detail["note"] == body["note"]
    another = await complain(client, "这个月话费又多扣了30元", phone="13900139000")
    assert (await ticket_of(client, another)).queue == "general"


async def test_a_rollback_needs_a_note_and_a_stored_version(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}
    await client.get("/api/rules")
    no_note = await client.post("/api/rules/rollback", json={"version": 1, "note": "  "}, headers=headers)
    assert no_note.status == 400 and "note" in (await no_note.json())["error"]
    unknown = await client.post("/api/rules/rollback", json={"version": 7, "note": "试试"}, headers=headers)
    assert unknown.status == 404
    assert (await (await client.get("/api/rules")).json())["version"] == 1


async def test_supervisors_read_versions_but_only_managers_roll_back(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "super", Role.SUPERVISOR)
    await add_user(client, "agent", Role.AGENT)
    body = {"version": 1, "note": "回到配置"}
    csrf = await sign_in(client, "super")
    assert (await client.get("/api/rules")).status == 200  # version 1 is stored when first read
    assert (await client.get("/api/rules/1")).status == 200
    refused = await client.post("/api/rules/rollback", json=body, headers={"X-CSRF-Token": csrf})
    assert refused.status == 403
    csrf = await sign_in(client, "agent")
    assert (await client.get("/api/rules/1")).status == 403
    assert (await client.post("/api/rules/rollback", json=body, headers={"X-CSRF-Token": csrf})).status == 403
