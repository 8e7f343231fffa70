"""Web chat against one socket's flood of frames: every frame counts against the socket's budget;
frames beyond it are dropped unread, and a socket that goes on sending refused frames (too fast,
malformed, dropped) is closed with 1008, while other customers on the same server are answered.
A customer typing as fast as the pace lets them, and the widget resending what was refused, stay
far below it."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import pytest
from aiohttp import ClientConnectionError, ClientWebSocketResponse, WSCloseCode, WSMsgType
from aiohttp.test_utils import TestClient
from pydantic import ValidationError

from bot.channels.webchat.limits import FrameBudget, MessagePace
from bot.channels.webchat.routes import TOO_MANY_FRAMES
from bot.config import ServiceConfig, WebchatLimits
from bot.keys import resources, webchat_hub
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session, unpaced

BAD_ID = json.dumps({"type": "message", "id": "x", "text": "a"})
TYPING = json.dumps({"type": "typing"})
BAD_ID_ANSWER = {"type": "error", "message": "'id' must be a UUID"}


def test_frames_beyond_the_budget_are_dropped_and_refusals_beyond_theirs_close_the_socket() -> None:
    now = [0.0]
    limits = WebchatLimits(
        messages_burst=1,
        messages_per_minute=60,
        socket_frames_burst=3,
        socket_frames_per_minute=60,
        socket_refusals_burst=2,
        socket_refusals_per_minute=60,
    )
    budget = FrameBudget(limits, monotonic=lambda: now[0])
    assert [budget.take_frame() for _ in range(4)] == [True, True, True, False]
    assert budget.dropped == 1
    assert [budget.take_refusal() for _ in range(3)] == [True, True, False]
    now[0] = 1.0  # one of each a second
    assert budget.take_frame() and not budget.take_frame()
    assert budget.take_refusal() and not budget.take_refusal()
    assert budget.refused == 5


def test_a_socket_budget_below_the_message_pace_is_refused() -> None:
    # It would drop or close for messages the pace lets through.
    with pytest.raises(ValidationError, match="socket_refusals_burst must be at least messages_burst"):
        WebchatLimits(messages_burst=50, socket_refusals_burst=40)
    with pytest.raises(ValidationError, match="socket_frames_per_minute must be at least messages_per_minute"):
        WebchatLimits(messages_per_minute=3000, socket_refusals_per_minute=3000)


def test_the_default_budget_outlasts_a_tab_resending_everything_refused_each_time_it_is_told() -> None:
    """The widget resends every refused message after ``retry_after`` (1 s at the default pace),
    all at once, and one more is taken each time: a tab holding P refused messages sends about
    P²/2 refused frames. The default budget takes far more pending than anyone types, and still
    runs out for a tab that never stops."""

    def closed_for(pending: int) -> bool:
        now = [0.0]
        limits = WebchatLimits()
        pace, budget = MessagePace(limits, monotonic=lambda: now[0]), FrameBudget(limits, monotonic=lambda: now[0])
        outbox = list(range(pending))  # a reconnect sends them all at once
        typed = -math.inf
        while outbox:
            if now[0] - typed >= 2.5:  # the widget's typing signal, while the input holds text
                typed = now[0]
                if not budget.take_frame():
                    return True
            waits = []
            for message in list(outbox):
                if not budget.take_frame():
                    return True
                if wait := pace.take(1):
                    waits.append(math.ceil(wait))
                    if not budget.take_refusal():
                        return True
                else:
                    outbox.remove(message)
            now[0] += min(waits, default=0)
        return False

    assert not closed_for(60)  # 20 at once, then 40 waiting a second each: 820 refused frames in 40 s
    assert closed_for(120)


async def flood(socket: ClientWebSocketResponse, frame: str, most: int = 50_000) -> tuple[int, str, int]:
    """Sends ``frame`` again and again, as fast as the client can, until the server closes the
    socket (or ``most`` are sent): the close code and reason, and how many were answered."""
    answered = 0

    async def read() -> tuple[int, str]:
        nonlocal answered
        while True:
            message = await socket.receive()
            if message.type is WSMsgType.CLOSE:
                return message.data, message.extra or ""
            if message.type is not WSMsgType.TEXT:
                return -1, repr(message)
            answered += message.json() == BAD_ID_ANSWER

    reader = asyncio.create_task(read())
    sent = 0
    try:
        while not reader.done() and sent < most:
            for _ in range(100):
                await socket.send_str(frame)
            sent += 100
            await asyncio.sleep(0)
    except (ClientConnectionError, ConnectionResetError):
        pass  # closed under the sender
    code, reason = await asyncio.wait_for(reader, 15)
    return code, reason, answered


async def answered_promptly(client: TestClient[Any, Any], customer: ChatSocket) -> None:
    """Another customer's complaint is stored, acknowledged and answered by the bot."""
    await customer.until(lambda frames: any(frame.get("from") == "bot" for frame in frames), timeout=5)
    bot_before = len(customer.bot_texts())
    sent = await customer.send("小区3栋的电梯坏了两天了")
    await customer.until_acked(sent, timeout=5)
    await customer.until(lambda frames: len(customer.bot_texts()) > bot_before, timeout=5)


async def flooder_gone(client: TestClient[Any, Any]) -> None:
    """The server is done with the flooder's socket: only the other customer's is left. Its closing
    handshake reads on until the flooder's close frame, which comes after everything it had sent
    (a few seconds of the event loop on a loaded machine): the flooder is gone only then."""
    hub = webchat_hub(client.app)

    async def one_left() -> bool:
        return len(hub) == 1

    await eventually(one_left, timeout=15)


def floods_closed(client: TestClient[Any, Any]) -> float:
    sample = resources(client.app).metrics.registry.get_sample_value
    return sample("complaint_bot_webchat_refused_total", {"reason": "frames_flood"}) or 0


async def test_a_socket_flooding_malformed_frames_is_closed_1008_while_another_customer_is_answered(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=service_config)  # the shipped limits
    flooder = await client.ws_connect(f"/chat/ws?token={(await new_session(client))[0]}")
    other = await ChatSocket.open(client, (await new_session(client))[0])

    (code, reason, answered), _ = await asyncio.gather(flood(flooder, BAD_ID), answered_promptly(client, other))
    assert (code, reason) == (WSCloseCode.POLICY_VIOLATION, TOO_MANY_FRAMES)
    limits = service_config.channels.webchat
    # Answered until its refusals ran out (and what refilled meanwhile), not for as long as it sent.
    assert limits.socket_refusals_burst <= answered < 2 * limits.socket_refusals_burst
    assert floods_closed(client) == 1
    await flooder_gone(client)
    await answered_promptly(client, other)  # still chatting after the flooder is gone
    await other.close()


async def test_a_socket_flooding_typing_frames_is_closed_1008_while_another_customer_is_answered(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=service_config)
    flooder = await client.ws_connect(f"/chat/ws?token={(await new_session(client))[0]}")
    other = await ChatSocket.open(client, (await new_session(client))[0])

    (code, reason, _), _ = await asyncio.gather(flood(flooder, TYPING), answered_promptly(client, other))
    assert (code, reason) == (WSCloseCode.POLICY_VIOLATION, TOO_MANY_FRAMES)
    assert floods_closed(client) == 1
    await flooder_gone(client)
    await answered_promptly(client, other)
    await other.close()


async def test_frames_a_socket_has_buffered_leave_the_event_loop_to_others_between_them(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    # No budget: what is measured is the frame loop itself, over frames aiohttp has already read.
    client = await make_client(config=unpaced(service_config))
    flooder = ChatSocket(await client.ws_connect(f"/chat/ws?token={(await new_session(client))[0]}"))
    await flooder.caught_up()
    frames = 1000
    ticks, done = 0, asyncio.Event()

    async def other_work() -> None:
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0)
            ticks += 1

    ticker = asyncio.create_task(other_work())
    for _ in range(frames):  # written at once: the server reads them in a few large chunks
        await flooder.socket.send_str(BAD_ID)
    await flooder.until(lambda received: received.count(BAD_ID_ANSWER) == frames)
    done.set()
    await ticker
    # Other tasks ran between the frames, not only between the chunks they came in.
    assert ticks >= frames
    await flooder.close()


@pytest.mark.parametrize("binary", [False, True])
async def test_a_frame_over_64_kib_closes_the_socket_with_1009_and_others_chat_on(
    make_client: AppFactory, binary: bool
) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    frame = json.dumps({"type": "message", "id": "x", "text": "长" * 30_000}, ensure_ascii=False)  # 90 KB
    assert len(frame.encode()) > 64 * 1024
    await (socket.socket.send_bytes(frame.encode()) if binary else socket.socket.send_str(frame))
    closed = await asyncio.wait_for(socket.socket.receive(), 10)
    while closed.type is WSMsgType.TEXT:  # the rest of the greeting, sent before
        assert "message" in closed.json()["type"]
        closed = await asyncio.wait_for(socket.socket.receive(), 10)
    assert (closed.type, closed.data) == (WSMsgType.CLOSE, WSCloseCode.MESSAGE_TOO_BIG)
    other, _ = await new_session(client)
    other_socket = await ChatSocket.open(client, other)
    await other_socket.until_bot_says("客服代表")
    await other_socket.until_acked(await other_socket.send("电梯坏了"))
