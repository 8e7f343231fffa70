"""Every staff action leaves exactly one audit entry saying who, what, on what, from where and how
it ended; refused attempts by signed-in staff too; no password and no message text is kept."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from structlog.testing import capture_logs

from bot.keys import resources
from bot.settings import AuthSettings
from bot.staff.accounts import Role
from bot.storage.models import Complaint, DeadLetter, HandoffTicket
from bot.storage.notifications import notifications_for, notify
from tests.audit.support import BROWSER, attempt, logged, one, stored_text, user_id
from tests.audit.triggers import allow_inserts, refuse_inserts
from tests.conftest import AppFactory
from tests.helpers import confirmed_complaint
from tests.observability.scrape import scrape, value
from tests.promises.support import promised_case, staff
from tests.staff import PASSWORD, add_user, claimed_conversation, sign_in

RULES = [
    {
        "name": "billing complaints go to the billing team",
        "when": {"categories": ["billing"]},
        "then": {"queue": "billing"},
    }
]


async def test_sign_ins_and_their_failures_name_the_account_or_the_name_tried(make_client: AppFactory) -> None:
    client = await make_client(auth=AuthSettings(trusted_proxies=("127.0.0.1/32",)))  # whose X-Request-ID counts
    await add_user(client, "wang", Role.AGENT)

    assert await attempt(client, "wang", PASSWORD, {"X-Request-ID": "req-sign-in-1"}) == 200
    signed = await one(client, "sign_in")
    assert (signed.actor_id, signed.actor, signed.role, signed.status) == (
        await user_id(client, "wang"),
        "wang",
        "agent",
        200,
    )
    assert (signed.client_address, signed.user_agent, signed.request_id) == ("127.0.0.1", BROWSER, "req-sign-in-1")

    assert await attempt(client, "wang", "typo-1") == 401
    assert await attempt(client, "zhang.nobody", "typo-2") == 401
    failed = await logged(client, "sign_in_failed")
    assert [(entry.actor, entry.actor_id, entry.role, entry.detail["reason"], entry.status) for entry in failed] == [
        ("wang", None, None, "wrong_password", 401),
        (None, None, None, "unknown_user", 401),  # a name no account has: maybe a password
    ]
    assert failed[1].detail["username_chars"] == len("zhang.nobody")
    assert all(entry.request_id for entry in failed) and failed[0].request_id != failed[1].request_id

    for n in range(4):
        assert await attempt(client, "wang", f"guess-{n}") == 401
    assert await attempt(client, "wang", PASSWORD) == 429  # locked: the right password is not even checked
    limited = (await logged(client, "sign_in_failed"))[-1]
    assert (limited.actor, limited.detail["reason"], limited.status) == ("wang", "rate_limited", 429)
    assert limited.detail["limit"] == "user_address"
    assert "too many failed sign-ins" in limited.detail["error"]

    everything = stored_text(await logged(client))
    assert PASSWORD not in everything and "typo" not in everything and "guess" not in everything


async def refused_entries(client: Any) -> list[tuple[str | None, str, str, str | None]]:
    return [
        (entry.actor, entry.detail["reason"], entry.detail["limit"], entry.client_address)
        for entry in await logged(client, "sign_in_failed")
        if entry.status == 429
    ]


async def test_a_burst_of_refused_sign_ins_leaves_one_entry_not_one_per_request(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "wang", Role.AGENT)
    for n in range(5):
        assert await attempt(client, "wang", f"guess-{n}") == 401
    statuses = await asyncio.gather(*(attempt(client, "wang", f"guess-{n}") for n in range(300)))
    assert statuses == [429] * 300
    assert await refused_entries(client) == [("wang", "rate_limited", "user_address", "127.0.0.1")]
    assert len(await logged(client, "sign_in_failed")) == 6  # the five wrong passwords, and the refusal
    # Operators still see every refusal in the metric.
    assert value(await scrape(client), "complaint_bot_login_failures_total", reason="rate_limited") == 300


async def test_one_address_spraying_many_names_after_its_limit_leaves_one_entry(make_client: AppFactory) -> None:
    client = await make_client()
    for n in range(20):
        assert await attempt(client, f"user{n}", "123456789") == 401
    statuses = await asyncio.gather(*(attempt(client, f"name-{n}", "123456789") for n in range(200)))
    assert statuses == [429] * 200
    # Whichever name came first: the entry is the address's (and no account has that name).
    [(actor, reason, limit, address)] = await refused_entries(client)
    assert actor is None and (reason, limit, address) == ("rate_limited", "address", "127.0.0.1")
    assert len(await logged(client, "sign_in_failed")) == 21


async def test_many_addresses_held_back_by_an_accounts_limit_leave_one_entry(make_client: AppFactory) -> None:
    client = await make_client(auth=AuthSettings(trusted_proxies=("127.0.0.1/32",), login_limit_per_user=10))
    await add_user(client, "manager", Role.MANAGER)
    for n in range(10):
        assert await attempt(client, "manager", "guess", {"X-Forwarded-For": f"203.0.113.{n // 5 + 1}"}) == 401
    statuses = await asyncio.gather(
        *(attempt(client, "manager", "guess", {"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(1, 101))
    )
    assert statuses == [429] * 100
    assert [(actor, limit) for actor, _, limit, _ in await refused_entries(client)] == [("manager", "user")]
    assert len(await logged(client, "sign_in_failed")) == 11


async def test_each_action_on_a_case_leaves_one_entry_with_who_and_what(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "li.agent")
    agent_id = await user_id(client, "li.agent")
    headers = {"X-CSRF-Token": csrf, "User-Agent": BROWSER}
    conversation = f"conversation:{conversation_id}"

    claim = await one(client, "claim")
    assert (claim.actor, claim.actor_id, claim.role, claim.status) == ("li.agent", agent_id, "agent", 200)
    assert (claim.target or "").startswith("ticket:") and claim.detail["conversation_id"] == conversation_id
    assert set(claim.detail) == {"conversation_id", "case_number"}  # the case the console showed, as numbered

    words = "您好，维修师傅今天下午三点上门处理电梯。"
    replied = await client.post(f"/api/conversations/{conversation_id}/messages", json={"text": words}, headers=headers)
    assert replied.status == 201
    reply = await one(client, "reply")
    assert (reply.actor, reply.target, reply.status, reply.user_agent) == ("li.agent", conversation, 201, BROWSER)
    assert reply.detail == {"message_id": (await replied.json())["message_id"], "overrode_guard": False}

    secret_note = "客户情绪激动,已联系物业经理"
    noted = await client.post(
        f"/api/conversations/{conversation_id}/notes", json={"text": secret_note}, headers=headers
    )
    assert noted.status == 201
    assert ((await one(client, "note")).target, (await one(client, "note")).status) == (conversation, 201)

    await add_user(client, "zhao.agent", Role.AGENT)
    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "zhao.agent"}, headers=headers
    )
    assert moved.status == 200
    transfer = await one(client, "transfer")
    assert transfer.target == conversation
    assert transfer.detail == {
        "username": "zhao.agent",
        "queue": None,
        "to": f"agent:{await user_id(client, 'zhao.agent')}",
    }

    await add_user(client, "boss", Role.MANAGER)
    boss = {"X-CSRF-Token": await sign_in(client, "boss")}
    summary = "已更换电梯控制板"
    resolved = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": summary}, headers=boss
    )
    assert resolved.status == 200
    resolve = await one(client, "resolve")
    assert (resolve.actor, resolve.role, resolve.target, resolve.status) == ("boss", "manager", conversation, 200)

    assert (await client.post("/api/logout", headers=boss)).status == 200
    sign_out = await one(client, "sign_out")
    assert (sign_out.actor, sign_out.status) == ("boss", 200)

    actions = [entry.action for entry in await logged(client)]
    assert actions == ["sign_in", "claim", "reply", "note", "transfer", "sign_in", "resolve", "sign_out"]
    everything = stored_text(await logged(client))
    assert words not in everything and secret_note not in everything and summary not in everything
    await socket.close()


async def test_a_rules_change_names_the_version_and_a_refused_one_names_who_tried(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    agent = {"X-CSRF-Token": await sign_in(client, "li.agent")}
    refused = await client.put("/api/rules", json={"rules": RULES, "note": "try"}, headers=agent)
    assert refused.status == 403
    tried = await one(client, "rules_change")
    assert (tried.actor, tried.role, tried.target, tried.status) == ("li.agent", "agent", "rules", 403)
    assert tried.detail == {"error": "this needs the role manager"}

    await add_user(client, "boss", Role.MANAGER)
    boss = {"X-CSRF-Token": await sign_in(client, "boss")}
    saved = await client.put("/api/rules", json={"rules": RULES, "note": "VIP 先处理"}, headers=boss)
    assert saved.status == 200
    version = (await saved.json())["version"]
    changed = (await logged(client, "rules_change"))[-1]
    assert (changed.actor, changed.role, changed.target, changed.status) == (
        "boss",
        "manager",
        f"rules:v{version}",
        200,
    )
    assert changed.detail["note"] == "VIP 先处理" and changed.detail["rules"] == len(RULES)
    assert changed.detail["changes"]["added"]

    bad = await client.put(
        "/api/rules", json={"rules": [{"name": "x", "when": {"categories": ["nope"]}}]}, headers=boss
    )
    assert bad.status == 400
    assert [(entry.status, entry.target) for entry in await logged(client, "rules_change")][-1] == (400, "rules")

    agent_id = await user_id(client, "li.agent")
    queues = resources(client.app).config.handoff.queue_ids()[:1]
    moved = await client.put(f"/api/users/{agent_id}/queues", json={"queues": queues}, headers=boss)
    assert moved.status == 200
    membership = await one(client, "queue_membership")
    assert (membership.actor, membership.target, membership.detail) == ("boss", f"user:{agent_id}", {"queues": queues})


async def test_calls_with_nobody_signed_in_or_a_forged_csrf_token_leave_nothing(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await client.put("/api/rules", json={"rules": RULES, "note": "x"})).status == 401
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    forged = await client.put("/api/rules", json={"rules": RULES, "note": "x"}, headers={"X-CSRF-Token": "forged"})
    assert forged.status == 403
    assert [entry.action for entry in await logged(client)] == ["sign_in"]


async def test_a_dead_letter_retry_is_recorded_and_so_is_the_second_refused_one(make_client: AppFactory) -> None:
    client = await make_client()
    now = resources(client.app).clock()

    def letter(session: Any) -> int:
        row = DeadLetter(job="deliver_message", args=[], error="gone", tries=5, created_at=now)
        session.add(row)
        session.flush()
        return row.id

    letter_id = await resources(client.app).database.write(letter)
    await add_user(client, "boss", Role.MANAGER)
    boss = {"X-CSRF-Token": await sign_in(client, "boss")}
    assert (await client.post(f"/api/dead-letters/{letter_id}/retry", headers=boss)).status == 200
    assert (await client.post(f"/api/dead-letters/{letter_id}/retry", headers=boss)).status == 409
    retries = await logged(client, "dead_letter_retry")
    assert [(entry.actor, entry.target, entry.status) for entry in retries] == [
        ("boss", f"dead_letter:{letter_id}", 200),
        ("boss", f"dead_letter:{letter_id}", 409),
    ]
    assert retries[1].detail == {"error": "this dead letter was retried already"}


async def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(
    make_client: AppFactory,
) -> None:
    direct = await make_client()
    await add_user(direct, "wang", Role.AGENT)
    # Anyone can write the header: straight from a client it is not believed.
    assert await attempt(direct, "wang", PASSWORD, {"X-Forwarded-For": "198.51.100.7"}) == 200
    assert (await one(direct, "sign_in")).client_address == "127.0.0.1"

    proxied = await make_client(auth=AuthSettings(trusted_proxies=("127.0.0.1/32",)))
    assert await attempt(proxied, "wang", "typo", {"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}) == 401
    # The proxy (127.0.0.1) appended the real client; what the client wrote left of it is its own say.
    assert (await one(proxied, "sign_in_failed")).client_address == "198.51.100.7"


async def test_an_ipv6_client_is_recorded_by_its_full_address_though_limited_by_its_network(
    make_client: AppFactory,
) -> None:
    client = await make_client(auth=AuthSettings(trusted_proxies=("127.0.0.1/32",)))
    await add_user(client, "wang", Role.AGENT)
    assert await attempt(client, "wang", "typo", {"X-Forwarded-For": "2001:db8:1:2:3:4:5:6"}) == 401
    # Staff see the address itself, not the /64 the sign-in limits count it by.
    assert (await one(client, "sign_in_failed")).client_address == "2001:db8:1:2:3:4:5:6"


async def test_an_entry_that_cannot_be_written_does_not_undo_or_refuse_the_action(
    make_client: AppFactory, database_url: str
) -> None:
    client = await make_client()
    await add_user(client, "wang", Role.AGENT)
    database = resources(client.app).database
    await database.write(lambda session: refuse_inserts(session, database.dialect))
    try:
        with capture_logs() as logs:
            assert await attempt(client, "wang", PASSWORD) == 200
    finally:
        await database.write(lambda session: allow_inserts(session, database.dialect))
    assert await logged(client) == []
    failures = [entry for entry in logs if entry["event"] == "audit.write_failed"]
    assert [(entry["action"], entry["actor"], entry["log_level"]) for entry in failures] == [
        ("sign_in", "wang", "error")
    ]
    assert resources(client.app).metrics.audit_write_failures._value.get() == 1
    # The audit log works again once the database takes entries.
    assert await attempt(client, "wang", PASSWORD) == 200
    assert len(await logged(client, "sign_in")) == 1


async def test_a_deadline_extension_a_confirmation_and_a_notification_read_are_recorded(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await socket.close()
    headers, supervisor_id = await staff(client, "zhang.supervisor", Role.SUPERVISOR)
    conversation = f"conversation:{conversation_id}"

    path = f"/api/conversations/{conversation_id}"
    extended = await client.post(f"{path}/extend", json={"hours": 4, "reason": "等待配件"}, headers=headers)
    assert extended.status == 200
    extend = await one(client, "extend_deadline")
    assert (extend.actor, extend.role, extend.target) == ("zhang.supervisor", "supervisor", conversation)
    # the reason the supervisor typed and the deadline it moved from and to
    previous = extend.detail["previous_deadline_at"]
    assert extend.detail == {
        "hours": 4,
        "why": "等待配件",
        "previous_deadline_at": previous,
        "deadline_at": (await extended.json())["deadline_at"],
    }
    assert previous < extend.detail["deadline_at"]
    assert (await client.post(f"{path}/confirm-resolved", json={}, headers=headers)).status == 409
    assert (await client.post(f"{path}/resolve", json={"summary": "已处理"}, headers=headers)).status == 200
    assert (await client.post(f"{path}/confirm-resolved", json={}, headers=headers)).status == 200
    confirmations = await logged(client, "confirm_resolved")
    assert [(entry.target, entry.status) for entry in confirmations] == [(conversation, 409), (conversation, 200)]

    now = resources(client.app).clock()
    audience = f"user:{supervisor_id}"

    def notified(session: Any) -> int:
        notify(session, "pickup_overdue", audience, now, conversation_id=conversation_id)
        return notifications_for(session, [audience], 10)[0].id

    notification_id = await resources(client.app).database.write(notified)
    assert (await client.post(f"/api/notifications/{notification_id}/read", headers=headers)).status == 200
    read = await one(client, "notification_read")
    assert (read.actor, read.target, read.status) == ("zhang.supervisor", f"notification:{notification_id}", 200)


async def test_a_refused_claim_names_the_conversation_and_case_the_console_showed(make_client: AppFactory) -> None:
    """A refused claim used to read "认领 工单 8 拒绝 409": the entry names 会话 N and the case number."""
    client = await make_client()
    conversation_id, socket = await confirmed_complaint(client)
    await socket.close()
    async with resources(client.app).sessions() as session:
        ticket_id = (await session.execute(select(HandoffTicket.id))).scalar_one()
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()
    for username in ("li.agent", "zhao.agent"):
        await add_user(client, username, Role.AGENT)
        csrf = await sign_in(client, username)
        await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})
    won, refused = await logged(client, "claim")
    assert (won.actor, won.status, refused.actor, refused.status) == ("li.agent", 200, "zhao.agent", 409)
    assert refused.detail["conversation_id"] == conversation_id and refused.detail["case_number"] == case_number
    assert won.detail == {"conversation_id": conversation_id, "case_number": case_number}
