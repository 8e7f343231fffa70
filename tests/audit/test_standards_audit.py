"""Who changed a service standard, and who rolled it back, is in the audit log with the version."""

from __future__ import annotations

from bot.staff.accounts import Role
from tests.audit.support import one
from tests.conftest import AppFactory
from tests.standards.support import section, signed_in


async def test_a_phrase_change_and_its_rollback_are_each_one_entry(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    phrases = await section(client, "phrases")
    phrases["body"]["zh-CN"]["phrases"]["goodbye"] = "感谢您的来信，再见！"
    saved = await client.put(
        "/api/standards/phrases", json={"body": phrases["body"], "note": "更亲切"}, headers=headers
    )
    assert saved.status == 200, await saved.text()
    rolled = await client.post("/api/standards/phrases/rollback", json={"version": 1}, headers=headers)
    assert rolled.status == 200, await rolled.text()

    change = await one(client, "standards_change")
    assert (change.actor, change.target, change.status) == ("boss", "standards:phrases:v2", 200)
    assert change.detail["note"] == "更亲切"
    rollback = await one(client, "standards_rollback")
    assert (rollback.actor, rollback.target) == ("boss", "standards:phrases:v3")
    assert rollback.detail["rollback_of"] == 1


async def test_an_agents_refused_change_is_recorded_as_refused(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "li", Role.AGENT)
    refused = await client.put("/api/standards/phrases", json={"body": {}, "note": "x"}, headers=headers)
    assert refused.status == 403
    entry = await one(client, "standards_change")
    assert (entry.actor, entry.target, entry.status) == ("li", "standards:phrases", 403)
