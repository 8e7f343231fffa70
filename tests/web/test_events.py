"""The staff event socket (``GET /api/events``) and the config the consoles read."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.event_socket import staff_hub_key
from bot.staff.events import publish
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import (
    add_user,
    claimed_conversation,
    frames_until,
    handed_off_ticket,
    sign_in,
    staff_socket,
    told_of,
    watch,
)


async def test_a_claim_on_one_instance_reaches_a_console_on_another(make_client: AppFactory) -> None:
    first, second = await make_client(), await make_client()
    await add_user(first, "li.agent", Role.AGENT)
    await add_user(first, "zhou.sup", Role.SUPERVISOR)
    csrf = await sign_in(first, "li.agent")
    await sign_in(second, "zhou.sup")
    ticket_id = await handed_off_ticket(first)
    watcher = await staff_socket(second, "zhou.sup")
    claimed = await first.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})
    conversation_id = (await claimed.json())["conversation_id"]
    frames = await frames_until(watcher, lambda frame: frame["type"] == "queue")
    assert frames[-1]["conversation_ids"] == [conversation_id]
    await watcher.close()


async def test_a_new_ticket_from_the_pipeline_is_pushed_as_a_queue_event(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    watcher = await staff_socket(client, "li.agent")
    await handed_off_ticket(client)
    frames = await frames_until(watcher, lambda frame: frame["type"] == "queue")
    assert frames[-1]["conversation_ids"], frames[-1]  # the conversation whose ticket was opened
    await watcher.close()


async def test_a_customer_message_in_an_owned_conversation_pushes_a_conversation_event(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    token, conversation_id = await new_session(client)
    customer = await ChatSocket.open(client, token)
    await customer.until_bot_says("客服代表")
    await customer.send("转人工")
    await customer.until_bot_says("人工")
    queue = await (await client.get("/api/queue")).json()
    ticket_id = queue["tickets"][0]["id"]
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200

    watcher = await staff_socket(client, "li.agent")
    await watcher.send_json({"type": "watch", "conversation_ids": [conversation_id]})
    await eventually(lambda: _reading(client, conversation_id))
    await customer.send("你好,有人在吗?")
    frames = await frames_until(
        watcher, lambda frame: frame["type"] == "conversation" and conversation_id in frame["conversation_ids"]
    )
    assert all(f["type"] != "conversation" or conversation_id in f["conversation_ids"] for f in frames)
    detail = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert detail["messages"][-1]["text"] == "你好,有人在吗?"
    await customer.close()
    await watcher.close()


async def test_a_watch_list_is_answered_once_applied_and_told_from_then_on(make_client: AppFactory) -> None:
    """The console refetches on the answer: what the customer writes after it reaches the socket."""
    client = await make_client()
    _, conversation_id, customer = await claimed_conversation(client, "li.agent")
    watcher = await staff_socket(client, "li.agent")
    await watch(watcher, [conversation_id + 5, conversation_id])
    answer = (await frames_until(watcher, lambda frame: frame["type"] == "watching"))[-1]
    assert answer == {"type": "watching", "watching": [conversation_id, conversation_id + 5]}
    await customer.send("你好,有人在吗?")
    await frames_until(watcher, told_of(conversation_id))
    await customer.close()
    await watcher.close()


async def _reading(client: Any, conversation_id: int) -> bool:
    return any(conversation_id in staff.readable for staff in client.app[staff_hub_key]._sockets)


async def test_a_watching_console_gets_no_events_of_other_conversations(make_client: AppFactory) -> None:
    client = await make_client()
    _, watched, customer = await claimed_conversation(client, "li.agent")
    watcher = await staff_socket(client, "li.agent")
    await watcher.send_json({"type": "watch", "conversation_ids": [watched]})
    await eventually(lambda: _reading(client, watched))
    redis = resources(client.app).redis
    await publish(
        redis,
        StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(watched + 1,)),
        StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(watched, watched + 2)),
    )
    await publish(redis, StaffEvent(StaffEventKind.RULES))
    frames = await frames_until(watcher, lambda frame: frame["type"] == "rules")
    # Of the event of two conversations, only the one it watches and may read is named.
    assert [frame["conversation_ids"] for frame in frames if frame["type"] == "conversation"] == [[watched]]
    await customer.close()
    await watcher.close()


async def test_a_console_watching_nothing_is_told_no_conversation_outside_what_it_may_read(
    make_client: AppFactory,
) -> None:
    client, other = await make_client(), await make_client()
    _, owned, customer = await claimed_conversation(client, "li.agent")
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(other, "zhou.sup")
    agent, supervisor = await staff_socket(client, "li.agent"), await staff_socket(other, "zhou.sup")
    await publish(
        resources(client.app).redis,
        StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(owned + 36, owned + 12)),
        StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(owned,)),
        StaffEvent(StaffEventKind.RULES),
    )
    agent_frames = await frames_until(agent, lambda frame: frame["type"] == "rules")
    assert [frame for frame in agent_frames if frame["type"] == "conversation"] == []
    # A supervisor reads every conversation: told of them all.
    supervisor_frames = await frames_until(supervisor, lambda frame: frame["type"] == "rules")
    assert [frame["conversation_ids"] for frame in supervisor_frames if frame["type"] == "conversation"] == [
        [owned + 36, owned + 12],
        [owned],
    ]
    await customer.close()
    await agent.close()
    await supervisor.close()


async def test_notifications_reach_only_their_audience(make_client: AppFactory) -> None:
    client = await make_client()
    other = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "li.agent")
    await sign_in(other, "zhou.sup")
    agent = await staff_socket(client, "li.agent")
    supervisor = await staff_socket(other, "zhou.sup")
    agent_id = (await (await client.get("/api/me")).json())["id"]
    await publish(
        resources(client.app).redis,
        StaffEvent(StaffEventKind.NOTIFICATION, audience="role:supervisor", detail={"kind": "pickup_overdue"}),
        StaffEvent(StaffEventKind.NOTIFICATION, audience=f"user:{agent_id}", detail={"kind": "for_li"}),
        StaffEvent(StaffEventKind.RULES),
    )
    agent_frames = await frames_until(agent, lambda frame: frame["type"] == "rules")
    supervisor_frames = await frames_until(supervisor, lambda frame: frame["type"] == "rules")
    assert [f["detail"].get("kind") for f in agent_frames] == ["for_li", None]
    assert [f["detail"].get("kind") for f in supervisor_frames] == ["pickup_overdue", None]
    await agent.close()
    await supervisor.close()


async def test_without_a_session_the_socket_is_refused(make_client: AppFactory) -> None:
    client = await make_client()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/api/events")
    assert refused.value.status == 401
    token, _ = await new_session(client)
    with pytest.raises(aiohttp.WSServerHandshakeError) as customer:
        await client.ws_connect("/api/events", headers={"Authorization": f"Bearer {token}"})
    assert customer.value.status == 401


async def test_another_sites_page_cannot_open_the_socket(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/api/events", origin="https://evil.example")
    assert refused.value.status == 403
    same_site = await client.ws_connect("/api/events", origin=str(client.make_url("/")).rstrip("/"))
    await same_site.close()


async def test_closed_consoles_are_forgotten(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    sockets = [await staff_socket(client, "li.agent") for _ in range(3)]
    assert len(client.app[staff_hub_key]) == 3
    for socket in sockets:
        await socket.close()

    async def forgotten() -> bool:
        return len(client.app[staff_hub_key]) == 0

    await eventually(forgotten)


async def test_phrases_for_the_picker_and_the_guard(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await client.get("/api/phrases")).status == 401
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    body = await (await client.get("/api/phrases")).json()
    assert body["locale"] == "zh-CN" and body["agent_guard"] == "warn"
    assert {"id": "invite_complaint", "text": "请问有什么可以帮您吗？"} in body["phrases"]
    unknowing = next(item for item in body["forbidden"] if item["text"] == "我不知道")
    assert unknowing["instead"].startswith("对不起，请您留下")
    english = await (await client.get("/api/phrases?locale=en")).json()
    assert english["locale"] == "en"


async def test_the_deadline_table_comes_from_config(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    body = await (await client.get("/api/config/deadlines")).json()
    assert body["table"]["simple"]["standard"] == 12 and body["table"]["complex"]["standard"] == 24
    assert body["default_tier"] == "standard"
    assert {"category": "real_estate", "words": [], "deadline": {"working_days": 1}} in body["overrides"]
    assert any(category["id"] == "real_estate" for category in body["categories"])


async def test_the_console_pages_are_served(make_client: AppFactory) -> None:
    client = await make_client()
    for path in ("/console/", "/manager/"):
        response = await client.get(path)
        assert response.status == 200 and "text/html" in response.headers["Content-Type"]
    redirected = await client.get("/console", allow_redirects=False)
    assert redirected.status == 302 and redirected.headers["Location"] == "/console/"


async def test_the_staff_socket_declines_compression_too(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")
    socket = await client.ws_connect("/api/events", origin=str(client.make_url("/")).rstrip("/"), compress=15)
    assert socket.compress == 0
    await socket.close()
