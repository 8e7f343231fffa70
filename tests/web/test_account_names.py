"""A manager cannot add a colleague's lookalike: a username mixing scripts ("аdmin" with a Cyrillic
а) is refused, one that differs from a taken one only by width, case or lookalike letters ("ａｄｍｉｎ",
"Admin", an all-Cyrillic "асе" beside "ace", "agentl" beside "agent1") is taken, and so is a display
name that looks like another account's name; a new name is stored as it reads ("ａｄｍｉｎ２" is
"admin2"). Invisible characters cannot make a name pass for another: a name holding a zero-width
space, a soft hyphen or a text-direction control is refused with a clear 422, and names compared
for lookalikes are compared without them. Accounts made before these rules keep signing in with
their names."""

from __future__ import annotations

from typing import Any

import pytest

from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.usernames import lookalike_key
from bot.storage import staff as staff_store
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, password_hash, set_display_name, sign_in


async def sign_in_status(client: Any, username: str, password: str = PASSWORD) -> int:
    client.session.cookie_jar.clear()
    response = await client.post("/api/login", json={"username": username, "password": password})
    await response.read()
    return response.status


async def add(client: Any, headers: dict[str, str], **account: str) -> tuple[int, dict[str, Any]]:
    response = await client.post("/api/users", json={"role": "agent", **account}, headers=headers)
    return response.status, await response.json()


async def usernames(client: Any) -> set[str]:
    return {user["username"] for user in (await (await client.get("/api/users")).json())["users"]}


async def test_a_username_mixing_scripts_or_looking_like_a_taken_one_is_refused(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    for name in ("admin", "ace", "agent1"):
        await add_user(client, name, Role.AGENT)
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}

    status, body = await add(client, headers, username="\u0430dmin")  # Cyrillic а, Latin dmin
    assert status == 400
    assert body["error"] == (
        "the username 'аdmin' mixes letters of Cyrillic and Latin, which look alike: use the letters of one script"
    )
    status, body = await add(client, headers, username="wang王ロ")  # Katakana ロ is drawn like Han 口
    assert status == 400 and "mixes letters of Han and Katakana" in body["error"]
    status, body = await add(client, headers, username="wang@corp")
    assert (status, body["error"]) == (400, "the username may hold only letters, digits 0-9 and . _ -")

    for lookalike, existing in (
        ("ａｄｍｉｎ", "admin"),
        ("Admin", "admin"),
        ("adrnin", "admin"),
        ("\u0430\u0441\u0435", "ace"),  # all Cyrillic: one script, drawn as "ace"
        ("agentl", "agent1"),
        ("AGENTI", "agent1"),
    ):
        status, body = await add(client, headers, username=lookalike)
        assert status == 409, lookalike
        assert body["error"] == f"the username {lookalike!r} looks the same as the existing {existing!r}"
    assert await usernames(client) == {"boss", "admin", "ace", "agent1"}

    status, body = await add(client, headers, username="ｗａｎｇ．ｆａｎｇ２", display_name="王芳")
    assert status == 201, body
    assert body["user"]["username"] == "wang.fang2"  # stored as it reads
    assert await sign_in_status(client, "wang.fang2", body["password"]) == 200
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}
    for chinese in ("王芳芳", "li王芳"):  # Han alone, or beside Latin (pinyin): nothing there looks alike
        status, body = await add(client, headers, username=chinese)
        assert status == 201, (chinese, body)


async def test_a_display_name_that_looks_like_a_colleagues_name_is_refused(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "wang.fang", Role.AGENT)
    await set_display_name(client, "wang.fang", "王芳")
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}

    status, body = await add(client, headers, username="impostor", display_name=" 王芳 ")
    assert (status, body["error"]) == (409, "the display name '王芳' looks the same as the account 'wang.fang''s name")
    status, body = await add(client, headers, username="impostor", display_name="Wang.Fang")
    assert status == 409 and "looks the same as the account 'wang.fang'" in body["error"]
    status, body = await add(client, headers, username="impostor", display_name="B\u043ess")  # Cyrillic о
    assert status == 400 and "the display name 'Bоss' mixes letters of Cyrillic and Latin" in body["error"]
    status, body = await add(client, headers, username="王芳")  # shown by its username: the same name
    assert (status, body["error"]) == (409, "the username '王芳' is taken")
    assert await usernames(client) == {"boss", "wang.fang"}
    status, body = await add(client, headers, username="wang.fang.2", display_name="王芳(二组)")
    assert status == 201, body


async def test_accounts_made_before_the_rules_keep_signing_in(make_client: AppFactory) -> None:
    client = await make_client()
    hashed = await password_hash(client)
    now = resources(client.app).clock()

    def made_long_ago(session: Any) -> None:  # names today's rules refuse, stored as they were
        for name in ("admin", "\u0430dmin", "ops@corp"):
            staff_store.add_user(session, name, hashed, Role.AGENT.value, ["general"], now)

    await resources(client.app).database.write(made_long_ago)
    for name in ("admin", "\u0430dmin", "ops@corp", "OPS@CORP"):
        assert await sign_in_status(client, name) == 200, name
    me = await (await client.get("/api/me")).json()
    assert me["username"] == "ops@corp"


INVISIBLE = ["manager\u200b", "man\u00adager", "\u202dmanager", "\u202eregnam", "man\u2060ager", "\ufeffmanager"]
"""Zero-width space, soft hyphen, left-to-right override, right-to-left override ("manager" on a
screen), word joiner, byte order mark: all Unicode format characters (Cf)."""


@pytest.mark.parametrize("name", INVISIBLE)
async def test_a_name_with_invisible_or_direction_characters_is_refused(make_client: AppFactory, name: str) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}

    status, body = await add(client, headers, username=name)
    assert status == 422 and body["code"] == "invisible_characters", body
    assert "must not contain invisible or text-direction characters (U+" in body["error"]
    status, body = await add(client, headers, username="new.agent", display_name=name)
    assert status == 422 and body["code"] == "invisible_characters", body
    assert body["error"].startswith("the display name must not contain invisible")
    assert await usernames(client) == {"boss"}


@pytest.mark.parametrize("name", INVISIBLE[:3])
def test_invisible_characters_are_set_aside_when_names_are_compared(name: str) -> None:
    assert lookalike_key(name) == lookalike_key("manager")
