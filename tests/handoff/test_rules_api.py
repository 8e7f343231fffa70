"""Manager rules and queue membership through the staff API and real web chat complaints."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import select, update

from bot.core import redis_keys
from bot.keys import resources
from bot.settings import PROJECT_ROOT
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, Customer, Notification, TimelineEvent, User
from tests.conftest import AppFactory, FixedClock
from tests.handoff.rules_helpers import BILLING_RULE, complain, ticket_of
from tests.helpers import ChatSocket, eventually, new_session, settled
from tests.staff import PASSWORD, add_user, sign_in


async def timeline(client: Any, conversation_id: int) -> list[TimelineEvent]:
    async with resources(client.app).sessions() as session:
        query = select(TimelineEvent).where(TimelineEvent.conversation_id == conversation_id)
        return list((await session.execute(query.order_by(TimelineEvent.id))).scalars())


async def user_id(client: Any, username: str) -> int:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(User.id).where(User.username == username))).scalar_one()


# ---------------------------------------------------------------------------- rules CRUD


async def test_only_managers_change_rules_and_agents_cannot_read_them(make_client: AppFactory) -> None:
    client = await make_client()
    for name, role in (("agent", Role.AGENT), ("super", Role.SUPERVISOR), ("boss", Role.MANAGER)):
        await add_user(client, name, role)
    body = {"rules": [BILLING_RULE], "note": "billing team"}

    csrf = await sign_in(client, "agent")
    assert (await client.get("/api/rules")).status == 403
    assert (await client.put("/api/rules", json=body, headers={"X-CSRF-Token": csrf})).status == 403

    csrf = await sign_in(client, "super")
    seeded = await (await client.get("/api/rules")).json()
    assert (seeded["version"], seeded["changed_by"], seeded["history"]) == (1, "config", [])
    configured = resources(client.app).config.rules.rules
    assert [rule["name"] for rule in seeded["rules"]] == [rule.name for rule in configured]
    refused = await client.put("/api/rules", json=body, headers={"X-CSRF-Token": csrf})
    assert refused.status == 403 and "manager" in (await refused.json())["error"]

    csrf = await sign_in(client, "boss")
    assert (await client.put("/api/rules", json=body)).status == 403  # no CSRF token
    saved = await client.put("/api/rules", json=body, headers={"X-CSRF-Token": csrf})
    assert saved.status == 200
    stored = await saved.json()
    assert (stored["version"], stored["changed_by"], stored["note"]) == (2, "boss", "billing team")
    assert stored["rules"][0]["then"]["queue"] == "billing"


async def test_invalid_rules_are_refused_naming_the_path_and_nothing_is_stored(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}
    bad = [
        {"name": "a", "then": {"priority": 1}},
        {"name": "b", "then": {"priority": 2}},
        {"name": "c", "when": {"categories": ["xyz"]}, "then": {"queue": "general"}},
    ]
    response = await client.put("/api/rules", json={"rules": bad, "note": "oops"}, headers=headers)
    assert response.status == 400
    assert await response.json() == {"error": "rules[2].when.categories: unknown category 'xyz'"}
    response = await client.put("/api/rules", json={"rules": [{"name": "a", "then": {"priority": 9}}]}, headers=headers)
    assert (await response.json())["error"].startswith("rules[0].then.priority:")
    response = await client.put("/api/rules", json={"note": "no rules"}, headers=headers)
    assert response.status == 400 and "rules" in (await response.json())["error"]
    # a name two rules share: coded, so the console says it in the manager's language
    twice = [{"name": "vip", "then": {"priority": 1}}, {"name": "vip", "then": {"priority": 2}}]
    response = await client.put("/api/rules", json={"rules": twice, "note": "oops"}, headers=headers)
    assert (response.status, await response.json()) == (
        400,
        {
            "error": "rules[1].name: another rule is already called 'vip'",
            "code": "rule_name_taken",
            "path": "rules[1].name",
            "rule": 2,
            "rule_name": "vip",
        },
    )
    assert (await (await client.get("/api/rules")).json())["version"] == 1


async def test_the_rules_answer_lists_every_id_a_rule_may_name_with_its_name(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "super", Role.SUPERVISOR)
    await sign_in(client, "super")
    vocabulary = (await (await client.get("/api/rules")).json())["vocabulary"]
    config = resources(client.app).config
    known = config.rule_vocabulary()
    for kind in ("categories", "signals", "tiers", "queues", "channels"):
        assert {item["id"] for item in vocabulary[kind]} == set(getattr(known, kind)), kind
    named = {kind: {item["id"]: item["name"] for item in items} for kind, items in vocabulary.items()}
    assert named["signals"]["media_legal"] == "媒体/法律"
    assert named["queues"]["supervisor"] == "值班主管"
    assert named["categories"]["billing"] == "收费类"
    assert (named["tiers"]["vip"], named["channels"]["wechat"]) == ("VIP客户", "微信")
    assert vocabulary["grades"] == [{"id": "simple", "name": "简单投诉"}, {"id": "complex", "name": "复杂投诉"}]
    english = (await (await client.get("/api/rules?locale=en")).json())["vocabulary"]
    assert {item["id"]: item["name"] for item in english["signals"]}["media_legal"] == "Media or legal action"


async def test_every_version_is_kept_with_who_changed_what(make_client: AppFactory, redis: Redis) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "deputy", Role.MANAGER)
    pubsub = redis.pubsub()
    await pubsub.subscribe(redis_keys.STAFF_EVENTS_CHANNEL)
    headers = {"X-CSRF-Token": await sign_in(client, "boss")}
    original = (await (await client.get("/api/rules")).json())["rules"]
    await client.put("/api/rules", json={"rules": [BILLING_RULE, *original], "note": "billing team"}, headers=headers)
    headers = {"X-CSRF-Token": await sign_in(client, "deputy")}
    trimmed = [BILLING_RULE, *original[:-1]]
    assert (await client.put("/api/rules", json={"rules": trimmed, "note": "no night alerts"}, headers=headers)).ok

    body = await (await client.get("/api/rules")).json()
    assert (body["version"], body["changed_by"], body["note"]) == (3, "deputy", "no night alerts")
    assert body["changes"] == {"added": [], "removed": [original[-1]["name"]], "changed": []}
    assert [(entry["version"], entry["changed_by"]) for entry in body["history"]] == [(2, "boss"), (1, "config")]
    assert body["history"][0]["changes"]["added"] == [BILLING_RULE["name"]]
    assert body["history"][0]["note"] == "billing team"
    first = await (await client.get("/api/rules/1")).json()
    assert first["rules"] == original and first["changed_by"] == "config"
    assert (await client.get("/api/rules/99")).status == 404

    kinds: list[dict[str, Any]] = []

    async def got_rules_events() -> bool:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
        if message is not None:
            kinds.append(json.loads(message["data"]))
        return sum(1 for event in kinds if event["kind"] == "rules") == 2

    await eventually(got_rules_events)
    assert [event["detail"]["version"] for event in kinds if event["kind"] == "rules"] == [2, 3]
    await pubsub.aclose()


# ---------------------------------------------------------------------------- rules at handoff


async def test_a_rule_saved_on_one_instance_routes_the_next_complaint_on_another(make_client: AppFactory) -> None:
    first, second = await make_client(), await make_client()
    await add_user(first, "boss", Role.MANAGER)
    headers = {"X-CSRF-Token": await sign_in(first, "boss")}
    before = await complain(second, "这个月话费多扣了50元")  # the second instance caches version 1
    assert (await ticket_of(second, before)).queue == "general"

    original = (await (await first.get("/api/rules")).json())["rules"]
    saved = await first.put(
        "/api/rules", json={"rules": [BILLING_RULE, *original], "note": "billing team"}, headers=headers
    )
    assert saved.status == 200

    # Another customer: the same phone would make it an appeal of the first case (issue 12 item 3).
    after = await complain(second, "这个月话费又多扣了30元", phone="13900139000")
    ticket = await ticket_of(second, after)
    assert (ticket.queue, ticket.status) == ("billing", "waiting")
    routed = [event for event in await timeline(second, after) if event.kind == "routed"]
    assert routed[-1].detail["version"] == 2
    assert routed[-1].detail["rules"][0] == BILLING_RULE["name"]
    assert routed[-1].detail["queue"] == "billing"
    assert routed[-1].detail["requested"] == {"queue": "general", "priority": 2}
    # the hand-off row says where the case went (转人工 → 话费/收费组), not where it was asked for
    [handed_off] = [event for event in await timeline(second, after) if event.kind == "handed_off"]
    assert (handed_off.detail["queue"], handed_off.detail["priority"]) == ("billing", 2)


async def test_a_vip_complaint_is_urgent_and_the_account_manager_is_told(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)

    def make_vip(session: Any) -> None:
        customer_id = session.get(Conversation, conversation_id).customer_id
        session.execute(update(Customer).where(Customer.id == customer_id).values(tier="vip"))

    await resources(client.app).database.write(make_vip)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await complain(client, "小区电梯坏了,停了一上午", socket)
    await socket.close()
    ticket = await ticket_of(client, conversation_id)
    assert (ticket.queue, ticket.priority) == ("general", 0)
    async with resources(client.app).sessions() as session:
        notes = (await session.execute(select(Notification).where(Notification.ticket_id == ticket.id))).scalars().all()
    assert [(note.kind, note.audience, note.detail["for"]) for note in notes] == [
        ("rule_account_manager", "role:supervisor", "account_manager")
    ]
    assert notes[0].detail["tier"] == "vip" and notes[0].detail["case_number"].startswith("TS")


async def test_a_threat_goes_to_the_supervisor_queue_and_the_supervisor_is_told(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("电梯坏了一个月没人修,我要找记者曝光你们")
    await socket.until_bot_says("电话号码")  # with the supervisor at once; the phone asked before the promise
    await socket.close()
    ticket = await ticket_of(client, conversation_id)
    assert (ticket.queue, ticket.priority) == ("supervisor", 0)
    async with resources(client.app).sessions() as session:
        kinds = (await session.execute(select(Notification.kind).where(Notification.ticket_id == ticket.id))).all()
    assert [kind for (kind,) in kinds] == ["rule_supervisor"]
    routed = [event for event in await timeline(client, conversation_id) if event.kind == "routed"]
    assert routed[0].detail["rules"][0] == "扬言曝光、起诉或投诉到主管部门的，转值班主管"



async def test_a_manager_asked_for_then_a_complaint_after_hours_is_one_notice_for_the_supervisors(
    make_client: AppFactory,
) -> None:
    # "叫你们经理出来" on a Saturday, then the complaint: the case is handed off twice the same
    # minute, and the supervisors read one 需主管关注 of it, naming its case and every rule.
    client = await make_client(clock=FixedClock(dt.datetime(2026, 12, 5, 11, 58, tzinfo=dt.UTC)))
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text in ("叫你们经理出来", "我要投诉你们物业经理 态度差 骂人 我要找你们领导", "13912345678", "阳光花园3栋"):
        before = len(socket.frames)
        await socket.send(text)
        await socket.until(lambda frames, before=before: len(frames) > before)  # type: ignore[misc]
        await settled(client, sockets=[socket])
    await socket.close()
    await settled(client)
    async with resources(client.app).sessions() as session:
        query = select(Notification).where(
            Notification.conversation_id == conversation_id, Notification.kind == "rule_supervisor"
        )
        [notice] = (await session.execute(query)).scalars().all()
    assert notice.complaint_id is not None and notice.detail["case_number"].startswith("TS")
    assert {"工作人员差错如实上报主管", "非工作时间通知值班主管"} <= set(notice.detail["rules"])


@pytest.mark.parametrize("owner_active", [True, False])
async def test_a_repeat_complaint_goes_back_to_the_agent_who_owned_the_previous_case(
    make_client: AppFactory, owner_active: bool
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    token, first_conversation = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await complain(client, "这个月话费多扣了50元", socket)
    first_ticket = await ticket_of(client, first_conversation)
    assert (await client.post(f"/api/tickets/{first_ticket.id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    li = await user_id(client, "li")

    def close_first_case(session: Any) -> None:
        # Resolved: a repeat of a case still open would be an appeal, joining it (issue 12 item 3).
        first_case = update(Complaint).where(Complaint.conversation_id == first_conversation)
        session.execute(first_case.values(status="resolved"))
        session.execute(update(Conversation).where(Conversation.id == first_conversation).values(status="closed"))
        if not owner_active:
            session.execute(update(User).where(User.id == li).values(active=False))

    await resources(client.app).database.write(close_first_case)
    await socket.send("你好")  # the customer comes back: a new conversation
    await socket.until(  # the new conversation's greeting
        lambda frames: sum("客服代表" in f.get("text", "") for f in frames if f.get("from") == "bot") == 2
    )
    second_conversation = await complain(client, "话费又多扣了,还是没人解决", socket)
    assert second_conversation != first_conversation, "\n".join(socket.bot_texts())
    ticket = await ticket_of(client, second_conversation)
    async with resources(client.app).sessions() as session:
        conversation = await session.get(Conversation, second_conversation)
        notes = (await session.execute(select(Notification).where(Notification.ticket_id == ticket.id))).scalars().all()
    assert conversation is not None
    kinds = [event.kind for event in await timeline(client, second_conversation)]
    routed = next(event for event in await timeline(client, second_conversation) if event.kind == "routed")
    assert "重复投诉回到上次负责的客服（首问负责）" in routed.detail["rules"]
    assert routed.detail["repeat_complaint"] is True
    if owner_active:
        assert (conversation.owner, ticket.status, ticket.claimed_by) == (f"agent:{li}", "claimed", str(li))
        assert "routed_to_previous_owner" in kinds
        assert [(note.kind, note.audience) for note in notes] == [("routed_to_you", f"user:{li}")]
        # The bot is silent from now on; the agent answers.
        await socket.until(
            lambda frames: sum("保持电话畅通" in text for text in socket.bot_texts()) == 2
        )  # both handoffs
        bot_said = len(socket.bot_texts())
        await socket.send("请尽快处理")
        await settled(client, sockets=[socket])
        assert len(socket.bot_texts()) == bot_said
        reply = await client.post(
            f"/api/conversations/{second_conversation}/messages",
            json={"text": "您好,我是上次处理您投诉的客服,马上为您核实。"},
            headers={"X-CSRF-Token": csrf},
        )
        assert reply.status == 201
    else:
        assert (conversation.owner, ticket.status) == ("bot", "waiting")
        assert "routed_to_previous_owner" not in kinds
    await socket.close()


# ---------------------------------------------------------------------------- queue membership


async def test_agents_see_and_claim_only_their_queues(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "super", Role.SUPERVISOR)
    conversation_id = await complain(client, "开发商延期交房半年了,一直没人给说法")
    ticket = await ticket_of(client, conversation_id)
    assert ticket.queue == "real_estate"  # the default rule: the developer's customer team

    agent = await make_client()
    agent_csrf = await sign_in(agent, "li")
    assert (await (await agent.get("/api/queue")).json())["tickets"] == []
    refused = await agent.post(f"/api/tickets/{ticket.id}/claim", headers={"X-CSRF-Token": agent_csrf})
    assert refused.status == 403 and "queue" in (await refused.json())["error"]
    assert (await agent.get("/api/users")).status == 403
    queues = await (await agent.get("/api/queues")).json()
    assert {"id": "general", "name": "综合投诉"} in queues["queues"]
    assert {"id": "real_estate", "name": "Developer's customer team"} in (
        await (await agent.get("/api/queues?locale=en")).json()
    )["queues"]

    supervisor = await make_client()
    supervisor_csrf = await sign_in(supervisor, "super")
    assert [t["id"] for t in (await (await supervisor.get("/api/queue")).json())["tickets"]] == [ticket.id]
    users = {user["username"]: user for user in (await (await supervisor.get("/api/users")).json())["users"]}
    assert users["li"]["queues"] == ["general"] and users["li"]["active"] is True
    assert "real_estate" in users["super"]["queues"] and "supervisor" in users["boss"]["queues"]
    li = users["li"]["id"]
    body = {"queues": ["general", "real_estate"]}
    assert (
        await supervisor.put(f"/api/users/{li}/queues", json=body, headers={"X-CSRF-Token": supervisor_csrf})
    ).status == 403

    headers = {"X-CSRF-Token": await sign_in(client, "boss")}
    wrong = await client.put(f"/api/users/{li}/queues", json={"queues": ["legal"]}, headers=headers)
    assert wrong.status == 400 and "unknown queue 'legal'" in (await wrong.json())["error"]
    assert (await client.put("/api/users/999/queues", json=body, headers=headers)).status == 404
    changed = await client.put(f"/api/users/{li}/queues", json=body, headers=headers)
    assert (await changed.json())["queues"] == ["general", "real_estate"]

    transfer = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"queue": "legal"}, headers=headers
    )
    assert transfer.status == 400 and "unknown queue 'legal'" in (await transfer.json())["error"]

    # At once, without signing in again.
    assert [t["id"] for t in (await (await agent.get("/api/queue")).json())["tickets"]] == [ticket.id]
    claimed = await agent.post(f"/api/tickets/{ticket.id}/claim", headers={"X-CSRF-Token": agent_csrf})
    assert claimed.status == 200


async def test_create_user_takes_queues(make_client: AppFactory, database_url: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    env["BOT_DATABASE_URL"] = database_url

    async def run(*arguments: str) -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "create-user",
            *arguments,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(f"{PASSWORD}\n".encode()), 60)
        return process.returncode or 0, output.decode()

    code, output = await run("--role", "agent", "--username", "wu", "--queues", "general,legal")
    assert code == 2 and "unknown queue 'legal'" in output
    code, output = await run("--role", "agent", "--username", "wu", "--queues", "general,engineering")
    assert code == 0, output
    client = await make_client()
    async with resources(client.app).sessions() as session:
        queues = (await session.execute(select(User.queues).where(User.username == "wu"))).scalar_one()
    assert queues == ["general", "engineering"]
