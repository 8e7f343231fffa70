"""Test doubles for provider APIs and helpers to seed deliveries and run real arq workers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from arq import create_pool
from arq.worker import Worker
from sqlalchemy import select

from bot.keys import resources
from bot.resources import job_ctx, redis_settings
from bot.storage.models import ChannelIdentity, Conversation, Customer, Message
from workers.settings import worker_functions

TOKEN = "123456:TEST-TOKEN"


class ScriptedBotApi:
    """A Telegram-like Bot API: answers ``sendMessage`` after scripted failures, records every
    call, and can hold the first successful response until released (for crash tests).
    ``unexpected`` calls get an answer no Bot API client can read (``ok`` with a string result);
    the ``transient_at`` calls (counted from 1) fail as the first ``transient`` ones do, and so
    do the next calls to the chats of ``transient_for``; calls to ``hold_chat`` are held too."""

    def __init__(
        self,
        transient: int = 0,
        permanent: bool = False,
        hold_first: bool = False,
        unexpected: int = 0,
        transient_at: frozenset[int] = frozenset(),
        transient_for: dict[str, int] | None = None,
        hold_chat: str | None = None,
    ) -> None:
        self.transient = transient
        self.transient_for = dict(transient_for or {})
        """Chats whose next calls fail for now, and how many of them."""
        self.transient_at = transient_at
        self.permanent = permanent
        self.unexpected = unexpected
        self.hold_first = hold_first
        self.hold_chat = hold_chat
        self.calls: list[tuple[float, dict[str, Any]]] = []
        self.sent: list[dict[str, Any]] = []
        self.received = asyncio.Event()
        self.release = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = (
            await request.json() if request.content_type == "application/json" else dict(await request.post())
        )
        if method == "getMe":
            return web.json_response(
                {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "B", "username": "b"}}
            )
        if method != "sendMessage":
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        self.calls.append((time.monotonic(), params))
        if self.permanent:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, status=400
            )
        if self.unexpected > 0:
            self.unexpected -= 1
            return web.json_response({"ok": True, "result": "surprise"})
        chat = str(params.get("chat_id"))
        if self.transient > 0 or len(self.calls) in self.transient_at or self.transient_for.get(chat, 0) > 0:
            self.transient = max(0, self.transient - 1)
            self.transient_for[chat] = max(0, self.transient_for.get(chat, 0) - 1)
            return web.json_response(
                {"ok": False, "error_code": 500, "description": "Internal Server Error"}, status=500
            )
        self.sent.append(params)
        number = len(self.texts(chat))  # Telegram numbers a private chat's messages on their own
        self.received.set()
        if (len(self.sent) == 1 and self.hold_first) or chat == self.hold_chat:
            await self.release.wait()
        return web.json_response(
            {
                "ok": True,
                "result": {
                    "message_id": 1000 + number,
                    "date": int(time.time()),
                    "chat": {"id": int(params["chat_id"]), "type": "private"},
                    "text": params["text"],
                },
            }
        )

    def texts(self, chat_id: str | None = None) -> list[str]:
        """The sent texts in order, of every chat or of ``chat_id`` only."""
        return [str(item["text"]) for item in self.sent if chat_id is None or str(item["chat_id"]) == chat_id]

    async def start(self) -> TestServer:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        server = TestServer(app)
        await server.start_server()
        return server


async def seed_conversation(
    client: Any,
    channel: str,
    external_id: str,
    texts: Iterable[str],
    phone: str | None = None,
    customer_wrote_at: Any = None,
    phone_verified: bool = False,
) -> tuple[int, list[int]]:
    """A conversation with pending outbound messages (as the engine or an agent would leave them),
    and optionally the customer's last inbound message at ``customer_wrote_at``; the customer's
    ``phone`` was typed in a chat unless ``phone_verified`` (an SMS sender's number)."""
    now = resources(client.app).clock()
    async with resources(client.app).sessions() as session, session.begin():
        customer = Customer(phone=phone, phone_verified=phone_verified, created_at=now)
        session.add(customer)
        await session.flush()
        identity = ChannelIdentity(customer_id=customer.id, channel=channel, external_id=external_id, created_at=now)
        session.add(identity)
        await session.flush()
        conversation = Conversation(
            customer_id=customer.id,
            identity_id=identity.id,
            channel=channel,
            locale="zh-CN",
            flow_state="collecting",
            flow_data={},
            created_at=now,
        )
        session.add(conversation)
        await session.flush()
        if customer_wrote_at is not None:
            session.add(
                Message(
                    conversation_id=conversation.id,
                    channel=channel,
                    direction="in",
                    sender="customer",
                    text="电梯坏了",
                    created_at=customer_wrote_at,
                    processed_at=customer_wrote_at,
                )
            )
        messages = [
            Message(
                conversation_id=conversation.id,
                channel=channel,
                direction="out",
                sender="bot",
                text=text,
                created_at=now,
                delivery_status="pending",
            )
            for text in texts
        ]
        session.add_all(messages)
        await session.flush()
        return conversation.id, [message.id for message in messages]


async def enqueue(client: Any, message_ids: Iterable[int]) -> None:
    for message_id in message_ids:
        await resources(client.app).redis.enqueue_job("deliver_message", message_id, _job_id=f"deliver:{message_id}")


def worker_ctx(client: Any) -> dict[str, Any]:
    """What a worker's ``on_startup`` provides, taken from a running app instance."""
    return {**job_ctx(resources(client.app)), "redis": resources(client.app).redis}


async def run_burst_worker(client: Any) -> Worker:
    """A real arq worker in burst mode with the app's resources: runs until the queue is empty."""
    app = client.app
    ctx = worker_ctx(client)
    ctx.pop("redis")
    worker = Worker(
        functions=worker_functions(resources(app).settings),
        redis_pool=await create_pool(redis_settings(resources(app).redis_url)),
        ctx=ctx,
        burst=True,
        poll_delay=0.02,
        handle_signals=False,
        job_timeout=resources(app).settings.job_timeout,
    )
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker


async def message(client: Any, message_id: int) -> Message:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(Message).where(Message.id == message_id))).scalar_one()
