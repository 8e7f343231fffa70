"""``PUT /api/me/locale`` (issue 15): the language the consoles speak to a staff member, stored on
their account (Chinese until they choose), validated and audited."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.audit.support import logged
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, sign_in


async def me(client: Any) -> dict[str, Any]:
    response = await client.get("/api/me")
    assert response.status == 200, await response.text()
    return dict(await response.json())


async def put_locale(client: Any, csrf: str, body: Any) -> int:
    response = await client.put("/api/me/locale", json=body, headers={"X-CSRF-Token": csrf})
    await response.read()
    return response.status


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.MANAGER])
async def test_every_role_chooses_a_language_that_follows_them_to_a_new_sign_in(
    make_client: AppFactory, role: Role
) -> None:
    client = await make_client()
    await add_user(client, "li.staff", role)
    csrf = await sign_in(client, "li.staff")
    assert (await me(client))["ui_locale"] == "zh-CN"

    assert await put_locale(client, csrf, {"locale": "en"}) == 200
    assert (await me(client))["ui_locale"] == "en"

    client.session.cookie_jar.clear()  # another browser
    response = await client.post("/api/login", json={"username": "li.staff", "password": PASSWORD})
    assert (await response.json())["ui_locale"] == "en"
    assert (await me(client))["ui_locale"] == "en"


async def test_only_chinese_or_english_and_each_change_is_audited(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "wang.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    for wrong in [{"locale": "fr"}, {"locale": "zh-TW"}, {"locale": ""}]:
        assert await put_locale(client, csrf, wrong) == 422
    assert await put_locale(client, csrf, {"locale": ["en"]}) == 400
    assert await put_locale(client, csrf, {}) == 400
    assert await put_locale(client, "wrong", {"locale": "en"}) == 403
    assert await put_locale(client, csrf, {"locale": "en"}) == 200
    assert (await me(client))["ui_locale"] == "en"

    await sign_in(client, "wang.agent")  # one member's choice is theirs alone
    assert (await me(client))["ui_locale"] == "zh-CN"

    client.session.cookie_jar.clear()
    assert await put_locale(client, csrf, {"locale": "zh-CN"}) == 401

    entries = [(e.actor, e.status, e.detail) for e in await logged(client, "ui_locale_change")]
    assert [(actor, status) for actor, status, _ in entries] == [("li.agent", 422)] * 3 + [
        ("li.agent", 400),
        ("li.agent", 400),
        ("li.agent", 200),
    ]
    assert entries[-1][2] == {"locale": "en"}
