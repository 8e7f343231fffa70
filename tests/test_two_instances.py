"""Two app instances and two workers sharing one database and one Redis, as in production.

Two ``python -m bot run`` processes (no in-process worker) and two ``python -m bot worker``
processes. A web chat customer talks alternately to instance A (on the socket) and instance B
(the HTTP fallback) and files a whole complaint in order; an agent signed in on B sees the handoff
made on A; SMS customers are answered through a stub gateway while both workers compete for the
delivery jobs, and every SMS reaches the gateway exactly once.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis
from sqlalchemy import select

from bot.channels.sms.stub import StubConfig, StubGateway, create_stub_app, stub_key
from bot.core.clock import utc_now
from bot.embedded_redis import free_port
from bot.settings import PasswordCost
from bot.staff.accounts import Role, create_user
from bot.staff.passwords import PasswordHashers
from bot.storage.db import create_engine, session_factory
from bot.storage.models import Complaint, Conversation, HandoffTicket, Message
from tests.helpers import ChatSocket, eventually
from tests.order_helpers import ADDRESS, ASK_AREA, DESCRIPTION, PHONE
from tests.processes import Instance, Process, Worker, logs, product_env, start_all
from tests.staff import PASSWORD, frames_until

ACCOUNT, TOKEN, NUMBER = "AC" + "2" * 32, "stub-token", "10690000"
SMS_CUSTOMERS = 6
AGENT = "agent-on-b"


@dataclass
class Product:
    a: Instance
    b: Instance
    workers: list[Worker]
    gateway: StubGateway
    gateway_base: str
    sends: collections.Counter[str]
    """Every send request that reached the gateway, by its ``Idempotency-Key``."""

    @property
    def processes(self) -> list[Process]:
        return [self.a, self.b, *self.workers]


def counting(sends: collections.Counter[str]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Callable[..., Awaitable[web.StreamResponse]]) -> Any:
        if request.method == "POST" and request.path.endswith("/Messages.json"):
            sends[request.headers.get("Idempotency-Key", "")] += 1
        return await handler(request)

    return middleware


@pytest.fixture
async def product(database_url: str, redis_url: str, redis: Redis, tmp_path: Path) -> AsyncIterator[Product]:
    port_a = free_port()
    base_a = f"http://127.0.0.1:{port_a}"
    stub_app = create_stub_app(StubConfig(ACCOUNT, TOKEN, NUMBER, f"{base_a}/channels/sms"))
    sends: collections.Counter[str] = collections.Counter()
    stub_app.middlewares.append(counting(sends))
    stub = TestServer(stub_app)
    await stub.start_server()
    sms = {
        "BOT_SMS_ACCOUNT_SID": ACCOUNT,
        "BOT_SMS_AUTH_TOKEN": TOKEN,
        "BOT_SMS_FROM": NUMBER,
        "BOT_SMS_API_BASE": str(stub.make_url("")).rstrip("/"),
    }
    env = product_env(database_url, redis_url, tmp_path / "var", **sms)
    # Instance A receives the SMS webhooks and the gateway's status callbacks (workers give its URL).
    env_a = {**env, "BOT_PUBLIC_URL": base_a}
    started: list[Process] = []
    try:
        started = await start_all(
            Instance.start(env_a, tmp_path / "app-a.log", port_a),
            Instance.start(env, tmp_path / "app-b.log"),
            Worker.start(env_a, tmp_path / "worker-1.log"),
            Worker.start(env_a, tmp_path / "worker-2.log"),
        )
        a, b, *workers = started
        assert isinstance(a, Instance) and isinstance(b, Instance)
        yield Product(
            a, b, [w for w in workers if isinstance(w, Worker)], stub_app[stub_key], sms["BOT_SMS_API_BASE"], sends
        )
    finally:
        for process in started:
            await process.stop()
        await stub.close()


async def add_agent(database_url: str) -> None:
    hashers = PasswordHashers(PasswordCost())  # the processes' cost: they run with the defaults
    try:
        hashed = await hashers.hash_new(PASSWORD)
    finally:
        hashers.close()
    engine = create_engine(database_url)
    async with session_factory(engine)() as session:
        await session.run_sync(lambda sync: create_user(sync, AGENT, hashed, Role.AGENT, utc_now()))
        await session.commit()
    await engine.dispose()


async def stored_messages(database_url: str, channel: str) -> list[Message]:
    engine = create_engine(database_url)
    async with session_factory(engine)() as session:
        rows = await session.execute(select(Message).where(Message.channel == channel).order_by(Message.id))
        messages = list(rows.scalars())
    await engine.dispose()
    return messages


def replies_after(socket: ChatSocket, seen: int) -> list[str]:
    return socket.bot_texts()[seen:]


async def say(socket: ChatSocket, send: Callable[[], Awaitable[None]], expect: str) -> None:
    """Send one message (through either instance) and wait for the bot's reply containing ``expect``."""
    seen = len(socket.bot_texts())
    await send()
    await socket.until(lambda _: any(expect in text for text in replies_after(socket, seen)), timeout=15)


@pytest.mark.slow
async def test_two_instances_and_two_workers_serve_customers_and_agents_as_one(
    product: Product, database_url: str
) -> None:
    await add_agent(database_url)
    async with (
        aiohttp.ClientSession() as customer,
        # Cookies from an IP address are refused unless the jar is "unsafe".
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as agent,
    ):
        # The agent works on instance B.
        async with agent.post(
            f"{product.b.base}/api/login", json={"username": AGENT, "password": PASSWORD}
        ) as response:
            assert response.status == 200, await response.text()
        events = await agent.ws_connect(f"{product.b.base}/api/events")
        hello = (await frames_until(events, lambda frame: True))[0]
        assert hello["type"] == "hello"

        # The customer's page talks to A on its socket and to B over HTTP, turn by turn.
        async with customer.post(f"{product.a.base}/chat/session", json={}) as response:
            assert response.status == 201
            session = await response.json()
        token, conversation_id = session["token"], session["conversation_id"]
        socket = ChatSocket(await customer.ws_connect(f"{product.a.base}/chat/ws?token={token}"))

        def on_a(text: str) -> Callable[[], Awaitable[None]]:
            async def send() -> None:
                await socket.send(text)

            return send

        def on_b(text: str) -> Callable[[], Awaitable[None]]:
            async def send() -> None:
                async with customer.post(
                    f"{product.b.base}/chat/messages",
                    json={"id": str(uuid.uuid4()), "text": text},
                    headers={"Authorization": f"Bearer {token}"},
                ) as response:
                    assert response.status == 200, await response.text()

            return send

        try:
            await socket.until_bot_says("客服代表", timeout=15)
            turns = [(on_b, DESCRIPTION, "电话"), (on_a, PHONE, ASK_AREA), (on_b, ADDRESS, ADDRESS)]
            for via, text, expect in turns:
                await say(socket, via(text), expect)
            await say(socket, on_a("对"), "给您明确的答复")
            await socket.until_bot_says("TS", timeout=15)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{logs(product.processes)}") from None
        finally:
            await socket.close()

        # The agent on B hears of the ticket made on A, and B's queue lists it.
        await frames_until(
            events, lambda frame: frame["type"] == "queue" and conversation_id in frame["conversation_ids"], timeout=15
        )
        async with agent.get(f"{product.b.base}/api/queue") as response:
            assert response.status == 200
            tickets = (await response.json())["tickets"]
        await events.close()

    engine = create_engine(database_url)
    async with session_factory(engine)() as db:
        complaint = (await db.execute(select(Complaint))).scalar_one()
        ticket = (await db.execute(select(HandoffTicket))).scalar_one()
        conversation = await db.get(Conversation, conversation_id)
    await engine.dispose()
    assert [t["id"] for t in tickets] == [ticket.id]
    assert (complaint.contact_phone, complaint.area) == (PHONE, ADDRESS)
    assert conversation is not None and conversation.flow_state == "handed_off"

    # The stored conversation: each of the customer's messages, in the order sent, then its replies.
    stored = [m for m in await stored_messages(database_url, "webchat") if m.conversation_id == conversation_id]
    inbound = [i for i, m in enumerate(stored) if m.direction == "in"]
    assert [stored[i].text for i in inbound] == [DESCRIPTION, PHONE, ADDRESS, "对"]
    bounds = [*inbound, len(stored)]
    answers = ["\n".join(m.text for m in stored[start + 1 : end]) for start, end in itertools.pairwise(bounds)]
    assert "电话" in answers[0] and ASK_AREA in answers[1] and ADDRESS in answers[2]
    assert "给您明确的答复" in answers[3]

    await sms_customers_are_answered_once(product, database_url)


async def sms_customers_are_answered_once(product: Product, database_url: str) -> None:
    """Several SMS customers write at once; both workers take the delivery jobs."""
    phones = [f"+86139001390{n:02d}" for n in range(SMS_CUSTOMERS)]
    async with aiohttp.ClientSession() as http:

        async def phone_sends(phone: str) -> None:
            async with http.post(
                f"{product.gateway_base}/phone", json={"From": phone, "Body": DESCRIPTION}
            ) as response:
                assert (await response.json())["webhook_status"] == 200

        await asyncio.gather(*(phone_sends(phone) for phone in phones))

    async def all_delivered() -> bool:
        outbound = [m for m in await stored_messages(database_url, "sms") if m.direction == "out"]
        answered = {m.conversation_id for m in outbound}
        return len(answered) == SMS_CUSTOMERS and all(m.delivery_status in ("sent", "delivered") for m in outbound)

    try:
        await eventually(all_delivered, timeout=20, interval=0.2)
    except AssertionError:
        statuses = [(m.id, m.delivery_status) for m in await stored_messages(database_url, "sms")]
        raise AssertionError(f"not all sent: {statuses}\n{logs(product.processes)}") from None
    outbound = [m for m in await stored_messages(database_url, "sms") if m.direction == "out"]
    # Every SMS reached the gateway in exactly one send: each phone got each reply once.
    assert set(product.sends.values()) == {1}, product.sends
    assert len(product.gateway.outbound) == sum(product.sends.values()) >= len(outbound)
    asked = collections.Counter(m.to for m in product.gateway.outbound if ASK_AREA in m.body)
    assert asked == dict.fromkeys(phones, 1), asked
    ran = [job_ids(worker) for worker in product.workers]
    # A commit's conversations share a job: at least one ran, none twice.
    assert ran[0] + ran[1], logs(product.workers)
    assert not set(ran[0]) & set(ran[1]), "a job ran on both workers"
    assert all(count == 1 for count in collections.Counter(ran[0] + ran[1]).values())


JOB_STARTED = re.compile(r"→ (\S+):deliver_messages?\b")


def job_ids(worker: Worker) -> list[str]:
    return JOB_STARTED.findall(worker.text())
