"""``/api/canned-replies`` (issue 15): the team's canned replies, guarded and audited; an agent
edits their own, supervisors and managers any."""

from __future__ import annotations

from typing import Any

from bot.config import CannedReplyLimits, ServiceConfig
from bot.staff.accounts import Role
from tests.audit.support import logged, one
from tests.conftest import AppFactory
from tests.staff import add_user, handed_off_ticket, sign_in


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


async def test_a_canned_reply_with_two_forbidden_phrases_is_refused_naming_both(make_client: AppFactory) -> None:
    """The refusal names every phrase the text holds, as the reply guard does, not the first alone."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    text = "这不是我们的责任，可能是您弄错了。"
    refused = await call(client, csrf, "POST", "/api/canned-replies", {"title": "x", "text": text}, 422)
    assert refused["forbidden_all"] == ["可能是您弄错了", "这不是我们的责任"]
    expressions = [each["suggestion"] for each in refused["suggestions"]]
    assert expressions == ["非常抱歉，给您造成了这样的不便！", "这是我们的责任"]
    assert refused["error"] == "the text contains forbidden phrases: 「可能是您弄错了」、「这不是我们的责任」"
    # the reply guard names the same two
    conversation_id = await handed_off_ticket(client)
    await call(client, csrf, "POST", f"/api/tickets/{conversation_id}/claim", {}, 200)
    guarded = await call(client, csrf, "POST", f"/api/conversations/{conversation_id}/messages", {"text": text}, 422)
    assert guarded["forbidden_all"] == refused["forbidden_all"]
    assert await replies(client) == []


async def test_a_canned_reply_hiding_a_forbidden_phrase_is_refused(make_client: AppFactory) -> None:
    """Lookalike letters, or characters a browser shows in another order, hide nothing from the guard."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    url = "/api/canned-replies"
    lookalike = await call(client, csrf, "POST", url, {"title": "x", "text": "c\u0251lm down"}, 422)
    assert lookalike["forbidden"] == "calm down"
    reversed_ = await call(client, csrf, "POST", url, {"title": "x", "text": "\u202e道知不我\u202c"}, 422)
    assert reversed_["direction_controls"] == ["U+202E", "U+202C"]
    assert await replies(client) == []
    errors = [entry.detail["error"] for entry in await logged(client, "canned_reply_add")]
    assert errors == [
        "the text contains a forbidden phrase: 「calm down」",
        "the text holds direction controls (U+202E, U+202C) that change the order the reader sees: remove them",
    ]


def _limited(config: ServiceConfig, per_author: int, total: int) -> ServiceConfig:
    limits = CannedReplyLimits(per_author=per_author, total=total)
    return config.model_copy(update={"handoff": config.handoff.model_copy(update={"canned_replies": limits})})


async def test_the_shipped_limits_are_100_replies_a_person_and_500_for_the_team(service_config: ServiceConfig) -> None:
    limits = service_config.handoff.canned_replies
    assert (limits.per_author, limits.total) == (100, 500)


async def test_an_agent_at_their_limit_and_a_team_at_its_own_are_refused_until_one_is_removed(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    """One person cannot fill every console's picker: adds beyond a person's limit, or the team's,
    are refused 409 with the limit named, and nothing is stored."""
    client = await make_client(config=_limited(service_config, per_author=3, total=5))
    for name, role in [("li.agent", Role.AGENT), ("wang.agent", Role.AGENT), ("zhou.sup", Role.SUPERVISOR)]:
        await add_user(client, name, role)
    csrf = await sign_in(client, "li.agent")
    mine = [
        await call(client, csrf, "POST", "/api/canned-replies", {"title": f"常用{n}", "text": "您好。"}, 201)
        for n in range(3)
    ]
    refused = await call(client, csrf, "POST", "/api/canned-replies", {"title": "再一条", "text": "好的"}, 409)
    assert (refused["limit"], refused["most"]) == ("author", 3)
    assert "3 canned replies" in refused["error"]
    [audited] = [entry for entry in await logged(client, "canned_reply_add") if entry.status == 409]
    assert audited.actor == "li.agent"
    assert len(await replies(client)) == 3
    await call(client, csrf, "DELETE", f"/api/canned-replies/{mine[0]['id']}")
    await call(client, csrf, "POST", "/api/canned-replies", {"title": "再一条", "text": "好的"}, 201)

    csrf = await sign_in(client, "wang.agent")
    for n in range(2):
        await call(client, csrf, "POST", "/api/canned-replies", {"title": f"王{n}", "text": "稍等。"}, 201)
    refused = await call(client, csrf, "POST", "/api/canned-replies", {"title": "王2", "text": "稍等。"}, 409)
    assert (refused["limit"], refused["most"]) == ("total", 5)
    csrf = await sign_in(client, "zhou.sup")  # the team's limit holds for supervisors too
    await call(client, csrf, "POST", "/api/canned-replies", {"title": "主管", "text": "稍等。"}, 409)
    assert len(await replies(client)) == 5
    # Editing is not adding: a full team still edits its replies.
    await call(client, csrf, "PUT", f"/api/canned-replies/{mine[1]['id']}", {"title": "改", "text": "改好了"})


async def test_a_replys_title_and_text_are_held_to_their_lengths(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    longest = {"title": "题" * 60, "text": "好" * 2000}
    added = await call(client, csrf, "POST", "/api/canned-replies", longest, 201)
    for too_long in ({"title": "题" * 61, "text": "好"}, {"title": "题", "text": "好" * 2001}):
        await call(client, csrf, "POST", "/api/canned-replies", too_long, 400)
        await call(client, csrf, "PUT", f"/api/canned-replies/{added['id']}", too_long, 400)
    await call(client, csrf, "POST", "/api/canned-replies", {"title": "题", "text": " \n "}, 400)
    # Sent as UTF-8, not \uXXXX escapes: 2,000 Chinese characters are 6,000 bytes, not 12,000.
    response = await client.get("/api/canned-replies")
    assert "好" * 2000 in await response.text()
    assert len(await response.read()) < 7000
    assert [reply["text"] for reply in await replies(client)] == ["好" * 2000]
