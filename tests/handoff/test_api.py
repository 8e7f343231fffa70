"""Staff accounts and the queue API: sign-in, CSRF, roles, rate limits, atomic claims."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Conversation, HandoffTicket
from tests.audit.support import logged, stored_text
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session, settled
from tests.staff import PASSWORD, add_user, claimed_conversation, handed_off_ticket, set_queues, sign_in


async def test_sign_in_sets_an_httponly_strict_cookie_and_me_answers(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    response = await client.post("/api/login", json={"username": "li.agent", "password": PASSWORD})
    assert response.status == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    me = await (await client.get("/api/me")).json()
    assert (me["username"], me["role"]) == ("li.agent", "agent")


async def test_wrong_passwords_are_refused_then_rate_limited(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wang", Role.AGENT)
    for _ in range(5):
        response = await client.post("/api/login", json={"username": "wang", "password": "guess"})
        assert response.status == 401
    response = await client.post("/api/login", json={"username": "wang", "password": PASSWORD})
    assert response.status == 429
    assert "15 minutes" in (await response.json())["error"]


async def test_unknown_users_and_signed_out_requests_are_refused(make_client: AppFactory) -> None:
    client = await make_client()
    response = await client.post("/api/login", json={"username": "nobody", "password": PASSWORD})
    assert response.status == 401
    assert (await client.get("/api/queue")).status == 401
    assert (await client.get("/api/me")).status == 401


async def test_a_customer_token_never_reaches_staff_endpoints(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    response = await client.get("/api/queue", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 401


async def test_state_changes_need_the_csrf_token(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhao", Role.AGENT)
    csrf = await sign_in(client, "zhao")
    ticket_id = await handed_off_ticket(client)
    refused = await client.post(f"/api/tickets/{ticket_id}/claim")
    assert refused.status == 403 and "X-CSRF-Token" in (await refused.json())["error"]
    wrong = await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": "forged"})
    assert wrong.status == 403
    accepted = await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})
    assert accepted.status == 200


async def test_logout_ends_the_session(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "qian", Role.SUPERVISOR)
    csrf = await sign_in(client, "qian")
    assert (await client.post("/api/logout", headers={"X-CSRF-Token": csrf})).status == 200
    assert (await client.get("/api/me")).status == 401


@pytest.mark.parametrize("role", list(Role))
async def test_every_staff_role_reads_the_queue_in_order(make_client: AppFactory, role: Role) -> None:
    client = await make_client()
    await add_user(client, f"user-{role.value}", role)
    await sign_in(client, f"user-{role.value}")
    await handed_off_ticket(client)
    body = await (await client.get("/api/queue")).json()
    assert [item["position"] for item in body["tickets"]] == [1]
    assert body["tickets"][0]["reason"] == "customer_request"


async def test_simultaneous_claims_have_exactly_one_winner(make_client: AppFactory) -> None:
    first_app = await make_client()
    second_app = await make_client()
    await add_user(first_app, "agent-a", Role.AGENT)
    await add_user(first_app, "agent-b", Role.AGENT)
    csrf_a = await sign_in(first_app, "agent-a")
    csrf_b = await sign_in(second_app, "agent-b")
    ticket_id = await handed_off_ticket(first_app)
    responses = await asyncio.gather(
        first_app.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf_a}),
        second_app.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf_b}),
    )
    statuses = sorted(response.status for response in responses)
    assert statuses == [200, 409]
    loser = next(response for response in responses if response.status == 409)
    assert "already claimed" in (await loser.json())["error"]
    async with resources(first_app.app).sessions() as session:
        conversation = (await session.execute(select(Conversation))).scalar_one()
    assert conversation.owner.startswith("agent:") and conversation.ownership_version == 1
    assert (await first_app.post("/api/tickets/99999/claim", headers={"X-CSRF-Token": csrf_a})).status == 404


async def test_the_bot_stays_silent_once_an_agent_owns_the_conversation(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "sun", Role.AGENT)
    csrf = await sign_in(client, "sun")
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("转人工")
    await socket.until_bot_says("人工")
    async with resources(client.app).sessions() as session:
        ticket_id = (await session.execute(select(HandoffTicket.id))).scalar_one()
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    bot_messages = len(socket.bot_texts())
    message_id = await socket.send("你好,有人吗?")
    await socket.until_acked(message_id)
    await settled(client, sockets=[socket])
    assert len(socket.bot_texts()) == bot_messages
    await socket.close()


async def test_create_user_command_makes_an_account_that_can_sign_in(
    make_client: AppFactory, database_url: str
) -> None:
    import os
    import sys

    from bot.settings import PROJECT_ROOT

    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    env["BOT_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "bot", "create-user", "--role", "manager", "--username", "zhou"]
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(f"{PASSWORD}\n".encode()), 60)
    assert process.returncode == 0, output.decode()
    again = await asyncio.create_subprocess_exec(
        *command,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(again.communicate(f"{PASSWORD}\n".encode()), 60)
    assert again.returncode == 2 and "taken" in output.decode()
    client = await make_client()
    await sign_in(client, "zhou")
    assert (await (await client.get("/api/me")).json())["role"] == "manager"


async def test_the_agent_sees_the_history_and_the_customer_sees_the_reply(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "li")
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert view["owner"].startswith("agent:")
    assert any(m["from"] == "customer" and "<img src=x" in m["text"] for m in view["messages"])
    assert [event["kind"] for event in view["timeline"]][-1] == "claimed"
    response = await client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"text": "您好,我是客服小李,马上为您处理。"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status == 201
    await socket.until(lambda frames: any(f.get("from") == "agent" for f in frames))
    agent_frame = next(f for f in socket.frames if f.get("from") == "agent")
    assert agent_frame["text"] == "您好,我是客服小李,马上为您处理。"
    await socket.close()


async def test_a_forbidden_phrase_is_flagged_with_the_correct_expression(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "zhang")
    url, headers = f"/api/conversations/{conversation_id}/messages", {"X-CSRF-Token": csrf}
    response = await client.post(url, json={"text": "这不是我们的责任,您应该去找开发商"}, headers=headers)
    assert response.status == 422
    body = await response.json()
    assert body["suggestion"] == "这是我们的责任" and body["can_override"] is True
    assert body["by"] == "rules"
    assert body["forbidden_all"] == ["这不是我们的责任", "您应该去找"]
    assert body["span"] == [0, 8]  # where 这不是我们的责任 stands in the text, for 插入建议 to replace it
    spaced = await client.post(url, json={"text": "🙂师傅说 我 不 知 道 什么时候修好"}, headers=headers)
    # in UTF-16 units as the browser counts them (the emoji before the words is two)
    assert (await spaced.json())["span"] == [6, 13]
    overridden = await client.post(
        url, json={"text": "这不是我们的责任", "override": True, "forbidden": ["这不是我们的责任"]}, headers=headers
    )
    assert overridden.status == 201  # warn mode: the agent decided to send it anyway
    await socket.close()


async def test_an_override_covers_only_the_phrases_it_names(make_client: AppFactory) -> None:
    """The tester's bypass: warned about one sentence, the agent types another forbidden one and
    clicks 仍然发送. The override names what the warning showed; the new text is checked again."""
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "zhou")
    url, headers = f"/api/conversations/{conversation_id}/messages", {"X-CSRF-Token": csrf}
    first = await client.post(url, json={"text": "有这样的事儿？不可能！"}, headers=headers)
    assert first.status == 422
    warned = (await first.json())["forbidden_all"]
    assert warned == ["有这样的事儿?不可能"]
    swapped = "您激动什么呀，我们的规定就是这样的"
    for body in (
        {"text": swapped, "override": True, "forbidden": warned},  # a stale warning
        {"text": swapped, "override": True},  # an override that names nothing
        {"text": swapped, "override": True, "forbidden": ["您激动什么呀"]},  # one of two
    ):
        refused = await client.post(url, json=body, headers=headers)
        assert refused.status == 422, body
        again = await refused.json()
        assert again["can_override"] is True and again["by"] == "rules"
        assert again["forbidden"] in ("您激动什么呀", "我们的规定就是这样的")
        assert sorted(again["forbidden_all"]) == sorted(["您激动什么呀", "我们的规定就是这样的"])
    sent = await client.post(
        url, json={"text": swapped, "override": True, "forbidden": again["forbidden_all"]}, headers=headers
    )
    assert sent.status == 201
    await settled(client, sockets=[socket])
    assert [f["text"] for f in socket.frames if f.get("from") == "agent"] == [swapped]
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    replied = [event for event in view["timeline"] if event["kind"] == "agent_replied"]
    assert [event["detail"]["overrode_guard"] for event in replied] == [True]
    await socket.close()


@pytest.mark.parametrize(
    ("text", "flagged", "suggestion"),
    [
        ("喂，说话呀！", "喂,说话呀", "您好！请问有什么能够帮助您？"),  # a Chinese keyboard's full-width comma
        ("不是我受理的，我不清楚，您拨12345吧", "不是我受理的,我不清楚", None),
        ("我們的規定就是這樣的", "我们的规定就是这样的", "您看这个解决方案如何？"),  # traditional script
        ("这不归我们管，你去找街道办吧", "不归我们管", "这是我们的责任"),  # a paraphrase pattern
        ("你自己看说明书", "你自己看", "请您对我讲吧！"),
        ("THAT'S NOT OUR PROBLEM.", "notourproblem", "This is our responsibility."),
        # the tester's variants: 你/啥 read as 您/什么, clauses reversed, the same wording changed
        ("你激动啥呀", "您激动什么呀", "不要着急，让我来帮您。"),
        ("您冲我发啥火", "您冲我发什么火呀", "不要着急，让我来帮您。"),
        ("我也不清楚，不是我受理的", "不清楚不是我受理的", None),
        ("有这种事？不可能的", "有这种事不可能", "请您对我讲吧！"),
    ],
)
async def test_forbidden_phrases_are_caught_whatever_the_width_script_punctuation_or_wording(
    make_client: AppFactory, text: str, flagged: str, suggestion: str | None
) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "wang")
    response = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 422
    body = await response.json()
    assert body["forbidden"] == flagged
    if suggestion is not None:
        assert body["suggestion"] == suggestion
    await socket.close()


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("I d\u0585n't know", "I don't know"),  # an Armenian օ
        ("c\u0251lm down", "calm down"),  # a Latin alpha
        ("that's \u0131mpossible", "that's impossible"),  # a dotless ı
        ("calm d\u1d0fwn", "calm down"),  # a small capital ᴏ
    ],
)
async def test_letters_drawn_like_others_do_not_hide_a_forbidden_phrase(
    make_client: AppFactory, text: str, flagged: str
) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "wang")
    response = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 422
    assert (await response.json())["forbidden"] == flagged
    await socket.close()


async def test_text_whose_characters_a_browser_shows_in_another_order_is_refused(make_client: AppFactory) -> None:
    """The tester's bypass: "道知不我" typed backwards inside a right-to-left override is shown
    to the customer as 我不知道. Embedding, override and isolate controls are refused outright,
    in warn mode too and whatever the override names; the audit says which controls."""
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "wang")
    url, headers = f"/api/conversations/{conversation_id}/messages", {"X-CSRF-Token": csrf}
    for text, controls in (
        ("\u202e道知不我\u202c", ["U+202E", "U+202C"]),
        ("您好\u2067,我们马上处理\u2069", ["U+2067", "U+2069"]),
        ("\u202aok\u202b", ["U+202A", "U+202B"]),
        ("\u202dhello\u2066\u2068", ["U+202D", "U+2066", "U+2068"]),
    ):
        response = await client.post(url, json={"text": text, "override": True, "forbidden": []}, headers=headers)
        assert response.status == 422, text
        body = await response.json()
        assert body["direction_controls"] == controls and body["can_override"] is False
        assert "direction controls" in body["error"]
    sent = await client.post(url, json={"text": "好的\u200f,马上为您处理"}, headers=headers)  # a mark reorders nothing
    assert sent.status == 201
    await settled(client, sockets=[socket])
    assert [f["text"] for f in socket.frames if f.get("from") == "agent"] == ["好的\u200f,马上为您处理"]
    replies = await logged(client, "reply")
    assert [entry.status for entry in replies] == [422, 422, 422, 422, 201]
    assert replies[0].detail["error"].startswith("the text holds direction controls (U+202E, U+202C)")
    await socket.close()


async def test_a_refused_reply_is_audited_with_what_flagged_it_but_not_the_agents_words(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "wang")
    url, headers = f"/api/conversations/{conversation_id}/messages", {"X-CSRF-Token": csrf}
    for text in ("I d\u0585n't know, sorry", "这不归我们管，你去找街道办吧"):
        assert (await client.post(url, json={"text": text}, headers=headers)).status == 422
    first, second = await logged(client, "reply")
    assert (first.status, first.target) == (422, f"conversation:{conversation_id}")
    assert first.detail["error"] == "the text contains a forbidden phrase: 「I don't know」"
    assert second.status == 422 and second.detail["error"].startswith("the text holds a forbidden paraphrase (pattern ")
    assert "不归我们管" not in stored_text([first, second]) and "sorry" not in stored_text([first, second])
    await socket.close()


async def test_near_misses_of_forbidden_phrases_are_flagged_and_ordinary_replies_sent(make_client: AppFactory) -> None:
    """The tester's near misses, once answered 201: each is flagged now with its correct expression;
    ordinary replies sharing their words are still sent."""
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "wang")
    url, headers = f"/api/conversations/{conversation_id}/messages", {"X-CSRF-Token": csrf}
    for text in (
        "I do not know", "idk", "I dunno", "wo bu zhi dao", "我不造", "俺不知道", "我不知到", "我不知噵",
        "这是您手机的问题", "不是我们的锅", "关我们什么事", "发什么火啊你",
    ):  # fmt: skip
        response = await client.post(url, json={"text": text}, headers=headers)
        assert response.status == 422, text
        body = await response.json()
        assert body["suggestion"] and body["can_override"] is True, text
    for text in ("我知道了，马上为您处理", "I did keep your number; an engineer will come today."):
        response = await client.post(url, json={"text": text}, headers=headers)
        assert response.status == 201, (text, await response.json())
    await socket.close()


async def test_a_polite_reply_that_merely_resembles_a_forbidden_phrase_is_sent(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "zhao")
    for text in ("好的，我这就去帮您查询", "这是我们的责任，我们一定会尽快解决您的问题"):
        response = await client.post(
            f"/api/conversations/{conversation_id}/messages", json={"text": text}, headers={"X-CSRF-Token": csrf}
        )
        assert response.status == 201, (text, await response.json())
    await socket.close()


async def test_in_block_mode_a_forbidden_phrase_cannot_be_sent(make_client: AppFactory, service_config: Any) -> None:
    strict = service_config.model_copy(
        update={"forbidden": service_config.forbidden.model_copy(update={"agent_guard": "block"})}
    )
    client = await make_client(config=strict)
    csrf, conversation_id, socket = await claimed_conversation(client, "chen")
    response = await client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"text": "您激动什么呀", "override": True, "forbidden": ["您激动什么呀"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status == 422 and (await response.json())["can_override"] is False
    await socket.close()


INVISIBLY_SPLIT = [
    "我\u180b不知道",  # a Mongolian free variation selector
    "我\u17b4不知道",  # a Khmer inherent vowel
    "我不\u3164知道",  # a Hangul filler
    "您激\u180b动什么呀",
    "我\u0301不知道",  # a combining accent on a character that has no accented form
    "我\u115f不知道",
    "我\uffa0不知道",
]
"""Forbidden phrases a browser shows exactly as configured: the characters between are invisible."""


async def test_in_block_mode_invisible_characters_do_not_smuggle_a_forbidden_phrase(
    make_client: AppFactory, service_config: Any
) -> None:
    strict = service_config.model_copy(
        update={"forbidden": service_config.forbidden.model_copy(update={"agent_guard": "block"})}
    )
    client = await make_client(config=strict)
    csrf, conversation_id, socket = await claimed_conversation(client, "chen")
    url, headers = f"/api/conversations/{conversation_id}/messages", {"X-CSRF-Token": csrf}
    for text in INVISIBLY_SPLIT:
        response = await client.post(
            url, json={"text": text, "override": True, "forbidden": ["我不知道", "您激动什么呀"]}, headers=headers
        )
        assert response.status == 422, text
        body = await response.json()
        assert body["can_override"] is False and body["by"] == "rules"
        assert body["forbidden"] in ("我不知道", "您激动什么呀")
    sent = await client.post(url, json={"text": "我知道了，马上为您处理"}, headers=headers)
    assert sent.status == 201
    await settled(client, sockets=[socket])
    assert [f["text"] for f in socket.frames if f.get("from") == "agent"] == ["我知道了，马上为您处理"]
    await socket.close()


DISGUISED = ["我不1知道", "我不abcd知道", "我bu知道", "I d0n't kn0w"]
"""Forbidden phrases with digits or letters inside, pinyin for a character, digits for letters."""


async def test_in_block_mode_digits_letters_or_pinyin_inside_a_phrase_do_not_smuggle_it(
    make_client: AppFactory, service_config: Any
) -> None:
    strict = service_config.model_copy(
        update={"forbidden": service_config.forbidden.model_copy(update={"agent_guard": "block"})}
    )
    client = await make_client(config=strict)
    csrf, conversation_id, socket = await claimed_conversation(client, "chen")
    url, headers = f"/api/conversations/{conversation_id}/messages", {"X-CSRF-Token": csrf}
    for text in DISGUISED:
        response = await client.post(url, json={"text": text, "override": True, "forbidden": [text]}, headers=headers)
        assert response.status == 422, text
        body = await response.json()
        assert body["can_override"] is False and body["forbidden"] in ("我不知道", "I don't know")
        assert body["span"] == [0, len(text)]  # the console puts the suggestion in their place
    ordinary = "您好，工单TS20261205ABC234已记录，我们3天内回复，详情见 https://example.com/help 或在App里查看"
    sent = await client.post(url, json={"text": ordinary}, headers=headers)
    assert sent.status == 201, await sent.json()
    await settled(client, sockets=[socket])
    assert [f["text"] for f in socket.frames if f.get("from") == "agent"] == [ordinary]
    await socket.close()


async def test_only_the_owner_replies(make_client: AppFactory) -> None:
    client = await make_client()
    _, conversation_id, socket = await claimed_conversation(client, "owner")
    await add_user(client, "other", Role.AGENT)
    other = await make_client()
    csrf = await sign_in(other, "other")
    response = await other.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "您好"}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status == 409 and "claim" in (await response.json())["error"]
    await socket.close()


async def test_notes_stay_internal_and_transfer_keeps_the_history(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "liu")
    await add_user(client, "ma", Role.AGENT)
    headers = {"X-CSRF-Token": csrf}
    note = await client.post(
        f"/api/conversations/{conversation_id}/notes", json={"text": "客户情绪激动,先安抚"}, headers=headers
    )
    assert note.status == 201
    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "ma"}, headers=headers
    )
    assert moved.status == 200
    await settled(client, sockets=[socket])
    assert not any("先安抚" in frame.get("text", "") for frame in socket.frames)  # notes are never sent
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    kinds = [event["kind"] for event in view["timeline"]]
    assert kinds[-2:] == ["note", "transferred"]
    liu = (await (await client.get("/api/me")).json())["id"]
    assert view["timeline"][-1]["detail"]["from"] == f"agent:{liu}"  # the previous owner, for "liu → ma"
    assert any(m["from"] == "customer" for m in view["messages"])  # the history came along
    # The previous owner no longer replies; the new one does.
    refused = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "您好"}, headers=headers
    )
    assert refused.status == 409
    other = await make_client()
    csrf_ma = await sign_in(other, "ma")
    accepted = await other.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"text": "您好,我是小马"},
        headers={"X-CSRF-Token": csrf_ma},
    )
    assert accepted.status == 201
    # The colleague was told (通知 转给您处理), and an agent reads whom to pick by name.
    told = (await (await other.get("/api/notifications")).json())["notifications"]
    assert [(n["kind"], n["conversation_id"], n["detail"]) for n in told] == [
        ("routed_to_you", conversation_id, {"reason": "transfer", "username": "liu"})
    ]
    colleagues = (await (await other.get("/api/colleagues")).json())["colleagues"]
    assert {"liu", "ma"} <= {c["username"] for c in colleagues}
    assert set(colleagues[0]) == {"id", "username", "display_name", "role", "active"}
    await socket.close()


async def test_transfer_to_a_queue_waits_for_a_claim_and_resolve_closes_the_case(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "he")
    await set_queues(client, "he", ["general", "engineering"])
    headers = {"X-CSRF-Token": csrf}
    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "engineering"}, headers=headers
    )
    assert (await moved.json())["owner"] == "queue:engineering"
    queue = await (await client.get("/api/queue")).json()
    waiting = [ticket for ticket in queue["tickets"] if ticket["queue"] == "engineering"]
    assert len(waiting) == 1
    assert (await client.post(f"/api/tickets/{waiting[0]['id']}/claim", headers=headers)).status == 200
    resolved = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已更换电梯控制板"}, headers=headers
    )
    assert resolved.status == 200
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert all(complaint["status"] == "resolved" for complaint in view["complaints"])
    # The bot appends its callback scheduling after the resolution; look for the resolution itself.
    resolution = next(event for event in view["timeline"] if event["kind"] == "resolved")
    assert resolution["detail"]["summary"] == "已更换电梯控制板"
    assert (await (await client.get("/api/queue")).json())["tickets"] == []
    await socket.close()
