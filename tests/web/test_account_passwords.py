"""The 人员 tab's API refuses an easy password when a manager adds an account or gives one a new
password, at the password field with the code the console says in the staff member's language:
"12345678901234", "passwordpassword", the username repeated, a common password, the service's
name; nothing is
changed and the old password still works."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, set_display_name, sign_in


async def sign_in_status(client: Any, username: str, password: str) -> int:
    client.session.cookie_jar.clear()
    response = await client.post("/api/login", json={"username": username, "password": password})
    await response.read()
    return response.status


async def test_an_easy_password_is_refused_at_creation_and_at_a_reset(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "wang.fang", Role.AGENT)
    await set_display_name(client, "wang.fang", "王芳")
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}

    for password, code in (
        ("12345678901234", "password_pattern"),
        ("passwordpassword", "password_pattern"),
        ("zhao.minzhao.min", "password_has_name"),
        ("赵敏赵敏在此12345", "password_has_name"),
        ("Password2026!", "password_common"),
        ("woaini1314", "password_common"),
        ("CustomerServiceCentre2026", "password_has_service_name"),  # service.yaml organisation
    ):
        account = {"username": "zhao.min", "display_name": "赵敏", "role": "agent", "password": password}
        response = await client.post("/api/users", json=account, headers=headers)
        assert response.status == 400, password
        body = await response.json()
        assert (body["field"], body["code"]) == ("password", code), password
        assert "choose" in body["error"]
    users = (await (await client.get("/api/users")).json())["users"]
    assert {user["username"] for user in users} == {"boss", "wang.fang"}

    wang = next(user for user in users if user["username"] == "wang.fang")
    for password, code in (
        ("wang.fang.wang.fang", "password_has_name"),
        ("王芳的新密码就是王芳", "password_has_name"),
        ("qwertyuiop123", "password_common"),
        ("abcdefghijkl", "password_pattern"),
        ("我在客户服务中心上班啊", "password_has_service_name"),
    ):
        response = await client.post(
            f"/api/users/{wang['id']}/password",
            json={"password": password, "current_password": PASSWORD},
            headers=headers,
        )
        assert response.status == 400, password
        assert ((await response.json())["field"], (await response.json())["code"]) == ("password", code), password
    assert await sign_in_status(client, "wang.fang", PASSWORD) == 200  # unchanged

    headers = {"X-CSRF-Token": await sign_in(client, "boss")}
    good = await client.post(
        f"/api/users/{wang['id']}/password",
        json={"password": "lantern oyster quietly", "current_password": PASSWORD},
        headers=headers,
    )
    assert good.status == 200, await good.text()
    assert await sign_in_status(client, "wang.fang", "lantern oyster quietly") == 200
