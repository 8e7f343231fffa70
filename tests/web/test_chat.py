"""Web chat end to end: real app, real Redis, real database."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update

from bot.channels.webchat.routes import HISTORY_LIMIT, REPLAY_LIMIT
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, Customer, HandoffTicket, Message, TimelineEvent
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, confirmed_complaint, eventually, new_session, settled, stored_replies
from tests.staff import add_user, sign_in


async def _scalar(client: Any, statement: Any) -> Any:
    async with resources(client.app).sessions() as session:
        return (await session.execute(statement)).scalar()


async def test_a_new_session_is_greeted(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    assert conversation_id > 0 and len(token) >= 32
    socket = await ChatSocket.open(client, token)
    greeting = await socket.until_bot_says("下午好")
    assert "8001" in greeting["text"] or client.app  # work number comes from config
    assert greeting["ts"].endswith("+00:00")
    await socket.close()


async def test_a_complaint_from_greeting_to_handoff(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("下午好")
    first = await socket.send("小区楼道的垃圾三天没人清理")
    await socket.until_acked(first)
    await socket.until_bot_says("电话")
    await socket.send("13800138000")
    await socket.until(lambda frames: len(socket.bot_texts()) >= 5)
    await socket.send("阳光花园3栋")
    restatement = await socket.until_bot_says("阳光花园3栋")
    assert "13800138000" in restatement["text"]
    await socket.send("对")
    promise = await socket.until_bot_says("给您明确的答复")
    assert "并在明天下午5点前给您明确的答复" in promise["text"]  # 12 service hours from Monday 14:00
    case_line = await socket.until_bot_says("TS20261123")
    await socket.close()

    async with resources(client.app).sessions() as session:
        complaint = (await session.execute(select(Complaint))).scalar_one()
        ticket = (await session.execute(select(HandoffTicket))).scalar_one()
        conversation = await session.get(Conversation, conversation_id)
        kinds = (
            (
                await session.execute(
                    select(TimelineEvent.kind)
                    .where(TimelineEvent.conversation_id == conversation_id)
                    .order_by(TimelineEvent.id)
                )
            )
            .scalars()
            .all()
        )
        inbound = (await session.execute(select(func.count()).where(Message.direction == "in"))).scalar_one()
    assert complaint.case_number in case_line["text"]
    assert (complaint.contact_phone, complaint.area, complaint.category) == (
        "13800138000",
        "阳光花园3栋",
        "property_service",
    )
    assert complaint.status == "open" and complaint.grade == "simple"
    assert complaint.deadline_at is not None
    assert (ticket.status, ticket.queue, ticket.complaint_id) == ("waiting", "general", complaint.id)
    assert conversation is not None and conversation.flow_state == "handed_off"
    assert kinds.index("greeted") < kinds.index("restated") < kinds.index("confirmed")
    assert kinds[-3:] == ["classified", "promised", "handed_off"]
    assert inbound == 4


async def test_every_message_is_stored_before_it_is_acknowledged(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    message_id = await socket.send("停车场收费不合理")
    await socket.until_acked(message_id)
    stored = await _scalar(client, select(Message.text).where(Message.provider_message_id.endswith(message_id)))
    assert stored == "停车场收费不合理"
    await socket.close()


async def test_a_resent_message_is_stored_and_answered_once(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("下午好")
    message_id = str(uuid.uuid4())
    await socket.send("垃圾好几天没人清理", message_id)
    await socket.send("垃圾好几天没人清理", message_id)
    await socket.until(lambda frames: sum(f == {"type": "ack", "id": message_id} for f in frames) == 2)
    await socket.until_bot_says("电话")
    await settled(client)
    await socket.close()
    count = await _scalar(client, select(func.count()).where(Message.provider_message_id.endswith(message_id)))
    asks = await _scalar(client, select(func.count()).where(Message.phrase_id == "ask_phone"))
    assert (count, asks) == (1, 1)


async def test_history_is_replayed_on_reconnect(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    message_id = await socket.send("门禁卡刷不开")
    await socket.until_bot_says("电话")
    await socket.close()

    again = await ChatSocket.open(client, token)
    await again.until_bot_says("电话")
    customer = [f for f in again.frames if f.get("from") == "customer"]
    assert [f["client_id"] for f in customer] == [message_id]
    ids = [int(f["id"]) for f in again.frames if f.get("type") == "message"]
    assert ids == sorted(ids)
    assert again.frames[0]["from"] == "bot"  # the greeting came first
    await again.close()


async def test_a_long_history_replays_only_its_newest_messages_and_says_older_ones_exist(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    stored = await stored_replies(client, conversation_id, 500)
    socket = await ChatSocket.open(client, token)
    await socket.caught_up()
    newest = stored[-REPLAY_LIMIT:]
    assert socket.frames[0] == {"type": "history", "more": True, "before": str(newest[0])}
    assert [int(frame["id"]) for frame in socket.frames[1:]] == newest
    # The ones before are still there over HTTP, from the last one the client has.
    older = await client.get(
        f"/chat/messages?after={stored[-REPLAY_LIMIT - 11]}", headers={"Authorization": f"Bearer {token}"}
    )
    assert [int(frame["id"]) for frame in (await older.json())["messages"]] == stored[-REPLAY_LIMIT - 10 :]
    # A reload reads one page, the newest, however long the chat: its cost is bounded.
    reload = await client.get("/chat/messages?after=0", headers={"Authorization": f"Bearer {token}"})
    assert [int(frame["id"]) for frame in (await reload.json())["messages"]] == stored[-HISTORY_LIMIT:]
    await socket.close()


async def test_a_new_sessions_greeting_is_stored_before_its_token_is_handed_out(make_client: AppFactory) -> None:
    # So it precedes whatever the customer sends, however fast, on any instance.
    client = await make_client()
    _, conversation_id = await new_session(client)
    async with resources(client.app).sessions() as session:
        senders = (
            await session.execute(
                select(Message.direction, Message.sender).where(Message.conversation_id == conversation_id)
            )
        ).all()
    assert senders and all(tuple(row) == ("out", "bot") for row in senders)


async def test_the_same_token_resumes_the_conversation(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    response = await client.post("/chat/session", json={"token": token})
    assert response.status == 200
    assert (await response.json()) == {"token": token, "conversation_id": conversation_id, "max_text_chars": 2000}


async def test_http_fallback_sends_and_receives(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    headers = {"Authorization": f"Bearer {token}"}
    message_id = str(uuid.uuid4())
    response = await client.post("/chat/messages", json={"id": message_id, "text": "楼道灯坏了"}, headers=headers)
    assert response.status == 200
    assert await response.json() == {"type": "ack", "id": message_id}

    async def asked_for_phone() -> bool:
        body = await (await client.get("/chat/messages?after=0", headers=headers)).json()
        return any(m["from"] == "bot" and "电话" in m["text"] for m in body["messages"])

    await eventually(asked_for_phone)
    body = await (await client.get("/chat/messages?after=0", headers=headers)).json()
    last_id = body["messages"][-1]["id"]
    later = await (await client.get(f"/chat/messages?after={last_id}", headers=headers)).json()
    assert later == {"messages": []}


async def test_a_token_never_reads_another_conversation(make_client: AppFactory) -> None:
    client = await make_client()
    token_a, _ = await new_session(client)
    token_b, _ = await new_session(client)
    headers_b = {"Authorization": f"Bearer {token_b}"}
    await client.post(
        "/chat/messages",
        json={"id": str(uuid.uuid4()), "text": "A的秘密投诉内容"},
        headers={"Authorization": f"Bearer {token_a}"},
    )
    body = await (await client.get("/chat/messages?after=0", headers=headers_b)).json()
    assert all("A的秘密投诉内容" not in m["text"] for m in body["messages"])

    socket = await ChatSocket.open(client, token_b)
    await socket.until_bot_says("下午好")
    await settled(client, sockets=[socket])
    assert all("A的秘密投诉内容" not in f.get("text", "") for f in socket.frames)
    await socket.close()


async def test_unknown_or_missing_tokens_are_refused(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await client.get("/chat/ws?token=nope")).status == 401
    assert (await client.get("/chat/ws")).status == 401
    assert (await client.get("/chat/messages")).status == 401
    response = await client.get("/chat/messages", headers={"Authorization": "Bearer nope"})
    assert response.status == 401 and "error" in await response.json()
    assert (await client.post("/chat/session", json={"token": "nope"})).status == 401


async def test_bad_frames_get_a_clear_error_and_the_socket_stays_open(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.socket.send_str("not json")
    await socket.socket.send_json({"type": "message", "id": "not-a-uuid", "text": "hi"})
    await socket.socket.send_json({"type": "message", "id": str(uuid.uuid4()), "text": "  "})
    await socket.until(lambda frames: sum(f.get("type") == "error" for f in frames) == 3)
    errors = [f["message"] for f in socket.frames if f.get("type") == "error"]
    assert any("JSON" in error for error in errors)
    assert any("UUID" in error for error in errors)
    assert any("text" in error for error in errors)
    message_id = await socket.send("还能正常发消息")
    await socket.until_acked(message_id)
    await socket.close()


async def test_http_fallback_rejects_bad_input(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.post("/chat/messages", data=b"{oops", headers=headers)
    assert response.status == 400 and "JSON" in (await response.json())["error"]
    response = await client.post("/chat/messages", json={"id": str(uuid.uuid4())}, headers=headers)
    assert response.status == 400 and "text" in (await response.json())["error"]
    response = await client.get("/chat/messages?after=abc", headers=headers)
    assert response.status == 400


async def test_health_and_readiness(make_client: AppFactory) -> None:
    client = await make_client()
    assert await (await client.get("/healthz")).json() == {"status": "ok"}
    response = await client.get("/readyz")
    assert response.status == 200
    assert await response.json() == {"status": "ready", "database": "ok", "redis": "ok"}


async def test_the_widget_page_is_served(make_client: AppFactory) -> None:
    client = await make_client()
    response = await client.get("/chat")
    assert response.status == 200
    page = await response.text()
    assert "/static/chat.js" in page
    assert (await client.get("/static/chat.js")).status == 200


async def test_the_socket_declines_the_compression_every_browser_offers(make_client: AppFactory) -> None:
    """permessage-deflate keeps ~100 KiB of zlib state per idle connection, for frames of a few
    hundred bytes: the chat answers uncompressed, and still talks."""
    client = await make_client()
    token, _ = await new_session(client)
    socket = await client.ws_connect(f"/chat/ws?token={token}", compress=15)
    assert socket.compress == 0
    frame = await socket.receive_json(timeout=10)
    while frame.get("from") != "bot":
        frame = await socket.receive_json(timeout=10)
    assert "下午好" in frame["text"]
    await socket.close()


async def test_a_customer_who_confirmed_their_name_is_greeted_by_it_next_time(make_client: AppFactory) -> None:
    """A confirmed complaint from "我是王先生": the customer record keeps 王 and male, and the
    customer's next conversation opens with "王先生"."""
    client = await make_client()
    first_id, socket = await confirmed_complaint(client)
    assert "称呼：王先生" in "".join(socket.bot_texts())
    async with resources(client.app).sessions() as session:
        conversation = await session.get(Conversation, first_id)
        assert conversation is not None
        customer = await session.get(Customer, conversation.customer_id)
        assert customer is not None and (customer.surname, customer.title) == ("王", "male")
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    panel = await (await client.get(f"/api/conversations/{first_id}/customer")).json()
    assert (panel["display_name"], panel["surname"], panel["title"]) == (None, "王", "male")

    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Conversation)
            .where(Conversation.id == first_id)
            .values(status="closed", closed_at=resources(client.app).clock(), closed_reason="resolved")
        )
    await settled(client, sockets=[socket])
    said_before = len(socket.bot_texts())
    await socket.send("你好")
    await socket.until(lambda _: len(socket.bot_texts()) > said_before)
    assert socket.bot_texts()[said_before].startswith("王先生，下午好")
    await socket.close()


async def test_the_chat_address_with_a_trailing_slash_opens_the_chat(make_client: AppFactory) -> None:
    client = await make_client()
    moved = await client.get("/chat/?lang=en", allow_redirects=False)
    assert moved.status == 302 and moved.headers["Location"] == "/chat?lang=en"
    page = await client.get("/chat/")
    assert page.status == 200 and "<html" in await page.text()
