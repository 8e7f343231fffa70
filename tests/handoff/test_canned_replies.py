"""``/api/canned-replies`` (issue 15): the team's canned replies, guarded and audited; an agent
edits their own, supervisors and managers any."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.audit.support import logged, one
from tests.conftest import AppFactory
from tests.staff import add_user, sign_in


async def call(client: Any, csrf: str, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    response = await client.request(method, path, json=body, headers={"X-CSRF-Token": csrf})
    assert response.status == status, await response.text()
    return await response.json()


async def replies(client: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/canned-replies")
    assert response.status == 200, await response.text()
    return list((await response.json())["replies"])


async def test_an_agent_adds_and_edits_their_own_and_a_supervisor_edits_any(make_client: AppFactory) -> None:
    client = await make_client()
    for name, role in [("li.agent", Role.AGENT), ("wang.agent", Role.AGENT), ("zhou.sup", Role.SUPERVISOR)]:
        await add_user(client, name, role)
    csrf = await sign_in(client, "li.agent")
    added = await call(
        client, csrf, "POST", "/api/canned-replies", {"title": "查询进度", "text": "您好,我马上为您查询处理进度。"}, 201
    )
    assert (added["title"], added["locale"], added["author"], added["editable"]) == (
        "查询进度",
        "zh-CN",
        "li.agent",
        True,
    )
    edited = await call(
        client, csrf, "PUT", f"/api/canned-replies/{added['id']}", {"title": "查询进度", "text": "请稍等,我为您查询。"}
    )
    assert edited["text"] == "请稍等,我为您查询。"

    csrf = await sign_in(client, "wang.agent")
    [seen] = await replies(client)
    assert (seen["text"], seen["editable"]) == ("请稍等,我为您查询。", False)
    await call(client, csrf, "PUT", f"/api/canned-replies/{added['id']}", {"title": "改", "text": "改掉"}, 403)
    await call(client, csrf, "DELETE", f"/api/canned-replies/{added['id']}", status=403)

    csrf = await sign_in(client, "zhou.sup")
    assert [reply["editable"] for reply in await replies(client)] == [True]
    await call(client, csrf, "PUT", f"/api/canned-replies/{added['id']}", {"title": "进度", "text": "请稍等。"})
    await call(client, csrf, "DELETE", f"/api/canned-replies/{added['id']}")
    assert await replies(client) == []
    await call(client, csrf, "DELETE", f"/api/canned-replies/{added['id']}", status=404)

    entries = [
        (entry.action, entry.actor, entry.target, entry.status)
        for entry in await logged(client)
        if entry.action.startswith("canned_reply")
    ]
    assert entries == [
        ("canned_reply_add", "li.agent", f"canned_reply:{added['id']}", 201),
        ("canned_reply_edit", "li.agent", f"canned_reply:{added['id']}", 200),
        ("canned_reply_edit", "wang.agent", f"canned_reply:{added['id']}", 403),
        ("canned_reply_remove", "wang.agent", f"canned_reply:{added['id']}", 403),
        ("canned_reply_edit", "zhou.sup", f"canned_reply:{added['id']}", 200),
        ("canned_reply_remove", "zhou.sup", f"canned_reply:{added['id']}", 200),
        ("canned_reply_remove", "zhou.sup", f"canned_reply:{added['id']}", 404),
    ]


async def test_a_forbidden_phrase_is_refused_with_the_correct_expression(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    refused = await call(
        client, csrf, "POST", "/api/canned-replies", {"title": "解释", "text": "这个嘛,可能是您弄错了。"}, 422
    )
    assert (refused["forbidden"], refused["suggestion"]) == ("可能是您弄错了", "非常抱歉，给您造成了这样的不便！")
    assert await replies(client) == []
    assert (await one(client, "canned_reply_add")).status == 422
    added = await call(client, csrf, "POST", "/api/canned-replies", {"title": "致歉", "text": "非常抱歉。"}, 201)
    await call(
        client, csrf, "PUT", f"/api/canned-replies/{added['id']}", {"title": "致歉", "text": "可能是您弄错了"}, 422
    )
    await call(client, csrf, "POST", "/api/canned-replies", {"title": " ", "text": "好的"}, 400)
    await call(client, csrf, "POST", "/api/canned-replies", {"title": "x", "text": "好的", "locale": "fr"}, 400)
    assert [reply["text"] for reply in await replies(client)] == ["非常抱歉。"]
