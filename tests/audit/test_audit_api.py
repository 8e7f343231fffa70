"""``GET /api/audit``: managers only, newest first, filtered by actor, action and dates, paged by id;
a wrong parameter gets 400 naming it."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.audit.support import attempt
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, sign_in


async def page(client: Any, **params: str) -> dict[str, Any]:
    response = await client.get("/api/audit", params=params)
    assert response.status == 200, await response.text()
    return dict(await response.json())


async def test_only_managers_read_the_audit_log(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await client.get("/api/audit")).status == 401
    for username, role in (("li.agent", Role.AGENT), ("zhang.supervisor", Role.SUPERVISOR)):
        await add_user(client, username, role)
        await sign_in(client, username)
        refused = await client.get("/api/audit")
        assert refused.status == 403
        assert (await refused.json())["error"] == "this needs the role manager"
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    entries = (await page(client))["entries"]
    assert [(entry["actor"], entry["action"]) for entry in entries] == [
        ("boss", "sign_in"),
        ("zhang.supervisor", "sign_in"),
        ("li.agent", "sign_in"),
    ]
    newest = entries[0]
    assert newest["role"] == "manager" and newest["status"] == 200 and newest["client_address"] == "127.0.0.1"
    assert newest["request_id"] and newest["at"].endswith("+00:00")


async def test_pages_go_back_by_id_and_filters_narrow_them(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wang", Role.AGENT)
    for n in range(7):
        assert await attempt(client, f"nobody-{n}", "typo") == 401
    assert await attempt(client, "wang", PASSWORD) == 200
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")

    seen: list[int] = []
    before: dict[str, str] = {}
    sizes = []
    while True:
        got = await page(client, limit="3", **before)
        sizes.append(len(got["entries"]))
        seen.extend(entry["id"] for entry in got["entries"])
        if got["next_before"] is None:
            break
        before = {"before": str(got["next_before"])}
    assert sizes == [3, 3, 3]  # 9 entries; the last page says there is nothing older
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 9

    failed = (await page(client, action="sign_in_failed"))["entries"]
    assert [(entry["actor"], entry["detail"]["username_chars"]) for entry in failed] == [(None, 8)] * 7
    assert all(entry["detail"]["reason"] == "unknown_user" for entry in failed)
    assert [entry["action"] for entry in (await page(client, actor="wang"))["entries"]] == ["sign_in"]
    assert (await page(client, actor="wang", action="sign_in_failed"))["entries"] == []
    # the start of a name finds it (the 人员 box: "wa" for wang); % and _ are no wildcards
    assert [entry["actor"] for entry in (await page(client, actor="wa"))["entries"]] == ["wang"]
    assert (await page(client, actor="w_ng"))["entries"] == []
    assert (await page(client, actor="%"))["entries"] == []
    assert (await page(client, actor="nobody-"))["entries"] == []  # a name no account has is not kept

    # The test clock says 2026-11-23 14:00 in Shanghai; dates are whole days there.
    assert len((await page(client, **{"from": "2026-11-23", "to": "2026-11-23"}))["entries"]) == 9
    assert (await page(client, **{"from": "2026-11-24"}))["entries"] == []
    assert (await page(client, to="2026-11-22"))["entries"] == []
    assert len((await page(client, **{"from": "2026-11-23T13:59+08:00", "to": "2026-11-23T14:01"}))["entries"]) == 9
    assert (await page(client, **{"from": "2026-11-23T14:01"}))["entries"] == []


async def test_a_wrong_parameter_is_named(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    for params, named in (
        ({"limit": "0"}, "'limit'"),
        ({"limit": "lots"}, "'limit'"),
        ({"limit": "201"}, "'limit'"),
        ({"before": "x"}, "'before'"),
        ({"from": "yesterday"}, "'from'"),
        ({"to": "2026-13-01"}, "'to'"),
        ({"from": "2026-11-23", "to": "2026-11-22"}, "'to'"),
        ({"action": "delete_everything"}, "'action'"),
    ):
        response = await client.get("/api/audit", params=params)
        assert response.status == 400, params
        assert (await response.json())["error"].startswith(named), params
    listed = (await (await client.get("/api/audit", params={"action": "x"})).json())["error"]
    assert "rules_change" in listed and "sign_in_failed" in listed and "dead_letter_retry" in listed


async def test_a_password_typed_as_the_username_is_not_shown_to_managers(make_client: AppFactory) -> None:
    """A name no account has may be a password typed in the wrong field: the log keeps only its
    length; a name an account has (a wrong password, a locked-out account) is named as before."""
    client = await make_client()
    await add_user(client, "wang", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    assert await attempt(client, "nobody_xyz", "typo") == 401
    assert await attempt(client, "Wang-S3cret!pass", "wang") == 401  # the password in the username field
    assert await attempt(client, " wang ", "typo") == 401
    await sign_in(client, "boss")

    response = await client.get("/api/audit", params={"action": "sign_in_failed"})
    assert response.status == 200
    raw = await response.text()
    assert "nobody_xyz" not in raw and "S3cret" not in raw
    entries = (await response.json())["entries"]
    shown = [(entry["actor"], entry["detail"]["reason"], entry["detail"].get("username_chars")) for entry in entries]
    assert shown == [
        ("wang", "wrong_password", None),
        (None, "unknown_user", len("Wang-S3cret!pass")),
        (None, "unknown_user", len("nobody_xyz")),
    ]
    assert (await page(client, actor="nobody_xyz"))["entries"] == []
