"""Web chat against floods: one customer sending faster than anyone types is slowed down without
anything being lost or anyone else slowed; one address opening session after session is refused;
one session or address holding socket after socket, or reconnecting again and again, is refused
while other customers connect and chat."""

from __future__ import annotations

import asyncio
import uuid
from functools import partial
from typing import Any

import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.channels.webchat.limits import MessagePace, OpenSockets, SocketsFull
from bot.channels.webchat.routes import REPLAY_LIMIT
from bot.config import ServiceConfig, WebchatLimits
from bot.core.messages import PHOTO_TEXT
from bot.keys import resources, webchat_hub
from bot.settings import AuthSettings
from bot.storage.models import Message
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_in_chat, expect, playwright_api
from tests.conftest import AppFactory
from tests.helpers import OLD_REPLY, ChatSocket, new_session, stored_replies
from tests.media.images import photo
from tests.media.uploads import photo_form, upload


def limited(config: ServiceConfig, **limits: Any) -> ServiceConfig:
    channels = config.channels.model_copy(update={"webchat": WebchatLimits(**limits)})
    return config.model_copy(update={"channels": channels})


BEHIND_PROXY = AuthSettings(trusted_proxies=("127.0.0.1/32",))
"""The test client connects from 127.0.0.1, which then plays the reverse proxy."""


async def started(client: TestClient[Any, Any], forwarded_for: str) -> int:
    """The status a new session from the client at ``forwarded_for`` (behind the proxy) gets."""
    response = await client.post("/chat/session", json={}, headers={"X-Forwarded-For": forwarded_for})
    await response.read()
    return response.status


def greeted(frames: list[dict[str, Any]]) -> bool:
    return any(frame.get("from") == "bot" for frame in frames)


async def refusal(client: TestClient[Any, Any], token: str, **headers: str) -> int:
    """The status a browser's websocket to the chat is refused with."""
    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect(f"/chat/ws?token={token}", headers=headers)
    return refused.value.status


async def opened(client: TestClient[Any, Any], token: str, timeout: float = 10) -> ChatSocket:
    """A socket for the session, as a widget retrying gets it: once the server has seen an earlier
    one end and given its slot back."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return await ChatSocket.open(client, token)
        except WSServerHandshakeError as error:
            if error.status != 429 or loop.time() > deadline:
                raise
            await asyncio.sleep(0.05)


async def stored_texts(client: TestClient[Any, Any]) -> list[str]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(Message.text).where(Message.direction == "in").order_by(Message.id))
        return list(rows.scalars())


def test_a_burst_is_taken_then_one_message_per_refill() -> None:
    now = [0.0]
    pace = MessagePace(WebchatLimits(messages_burst=3, messages_per_minute=60), monotonic=lambda: now[0])
    assert [pace.take(1) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pace.take(1) == pytest.approx(1.0)  # one a second
    assert pace.take(2) == 0.0  # another customer has their own
    now[0] = 0.5
    assert pace.take(1) == pytest.approx(0.5)
    now[0] = 1.0
    assert pace.take(1) == 0.0
    now[0] = 100.0
    assert [pace.take(1) for _ in range(4)][-1] > 0  # refilled to the burst, no further


async def test_a_flood_from_one_customer_is_refused_unstored_and_the_next_customer_is_served(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    # One message back every 3 s: the eight sends take far less, however loaded the machine.
    client = await make_client(config=limited(service_config, messages_burst=3, messages_per_minute=20))
    flooder = await ChatSocket.open(client, (await new_session(client))[0])
    other = await ChatSocket.open(client, (await new_session(client))[0])
    sent = [await flooder.send(f"第{number}条") for number in range(8)]
    await flooder.until(lambda frames: sum(frame.get("id") in sent for frame in frames) == len(sent))
    answers = {frame["id"]: frame for frame in flooder.frames if frame.get("id") in sent}
    acked = [message_id for message_id in sent if answers[message_id]["type"] == "ack"]
    refused = [answers[message_id] for message_id in sent if answers[message_id]["type"] == "error"]
    assert acked == sent[:3] and len(refused) == 5
    assert all(frame["retry_after"] >= 1 and "not stored" in frame["message"] for frame in refused)

    calm = await other.send("小区楼道的灯坏了")
    await other.until_acked(calm)
    assert await stored_texts(client) == ["第0条", "第1条", "第2条", "小区楼道的灯坏了"]

    # Sent again once the wait is over, under the same id: stored, once.
    await asyncio.sleep(refused[0]["retry_after"])
    await flooder.send("第3条", message_id=refused[0]["id"])
    await flooder.until_acked(refused[0]["id"])
    assert (await stored_texts(client))[-1] == "第3条"
    await flooder.close()
    await other.close()


async def test_the_http_fallback_answers_429_with_retry_after(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=limited(service_config, messages_burst=1, messages_per_minute=60))
    token, _ = await new_session(client)
    headers = {"Authorization": f"Bearer {token}"}
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    first = await client.post("/chat/messages", json={"id": ids[0], "text": "停水了"}, headers=headers)
    second = await client.post("/chat/messages", json={"id": ids[1], "text": "三天了"}, headers=headers)
    assert first.status == 200 and second.status == 429
    assert int(second.headers["Retry-After"]) >= 1 and (await second.json())["id"] == ids[1]
    assert await stored_texts(client) == ["停水了"]


async def test_one_address_sending_long_messages_from_many_sessions_is_slowed_and_another_is_served(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(
        config=limited(service_config, characters_per_minute_per_address=5000), auth=BEHIND_PROXY
    )
    crowd = {"X-Forwarded-For": "203.0.113.5"}
    sockets = []
    for _ in range(3):
        token, _ = await new_session(client, forwarded_for=crowd["X-Forwarded-For"])
        sockets.append(ChatSocket(await client.ws_connect(f"/chat/ws?token={token}", headers=crowd)))
    long_text = "楼上卫生间漏水到我家天花板" * 150  # 1,950 characters, within max_text_chars
    sent: list[str] = []
    for socket in sockets:  # one after another: each answered before the next
        sent.append(await socket.send(long_text))
        await socket.until(lambda frames: any(frame.get("id") == sent[-1] for frame in frames))
    answers = [
        next(frame for frame in socket.frames if frame.get("id") == sent_id)
        for socket, sent_id in zip(sockets, sent, strict=True)
    ]
    assert [answer["type"] for answer in answers] == ["ack", "ack", "error"]
    assert "not stored" in answers[2]["message"] and 1 <= answers[2]["retry_after"] <= 60

    # The HTTP fallback from the same address is refused as well; another address is served.
    token, _ = await new_session(client, forwarded_for="203.0.113.5")
    refused = await client.post(
        "/chat/messages",
        json={"id": str(uuid.uuid4()), "text": long_text},
        headers={"Authorization": f"Bearer {token}", **crowd},
    )
    assert refused.status == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "not stored" in (await refused.json())["error"]
    token, _ = await new_session(client, forwarded_for="198.51.100.7")
    served = await client.post(
        "/chat/messages",
        json={"id": str(uuid.uuid4()), "text": long_text},
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "198.51.100.7"},
    )
    assert served.status == 200
    assert await stored_texts(client) == [long_text] * 3
    for socket in sockets:
        await socket.close()


async def test_long_messages_sent_at_the_same_moment_are_counted_each_against_its_own_address(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    """The messages of one moment are counted together: three from one address and one from
    another, all at once, take the crowded address to its budget (two stored, one refused) and
    leave the other's untouched."""
    client = await make_client(
        config=limited(service_config, characters_per_minute_per_address=5000), auth=BEHIND_PROXY
    )
    long_text = "楼上卫生间漏水到我家天花板" * 150  # 1,950 characters: two fit in 5,000, not three
    addresses = ["203.0.113.5"] * 3 + ["198.51.100.7"]
    sockets = []
    for address in addresses:
        token, _ = await new_session(client, forwarded_for=address)
        sockets.append(
            ChatSocket(await client.ws_connect(f"/chat/ws?token={token}", headers={"X-Forwarded-For": address}))
        )
    sent = await asyncio.gather(*(socket.send(long_text) for socket in sockets))
    for socket, message_id in zip(sockets, sent, strict=True):
        await socket.until(partial(_answered, message_id))
    kinds = [
        next(frame["type"] for frame in socket.frames if frame.get("id") == message_id)
        for socket, message_id in zip(sockets, sent, strict=True)
    ]
    assert sorted(kinds[:3]) == ["ack", "ack", "error"] and kinds[3] == "ack"
    assert await stored_texts(client) == [long_text] * 3
    for socket in sockets:
        await socket.close()


def _answered(message_id: str, frames: list[dict[str, Any]]) -> bool:
    return any(frame.get("id") == message_id for frame in frames)


async def test_one_address_sending_short_messages_from_many_sessions_is_slowed_and_another_is_served(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    """Each session has a pace of its own: many sessions of one address, each within its pace, are
    slowed together (``messages_burst_per_address``), nothing lost, another address served."""
    config = limited(service_config, messages_burst=5, messages_burst_per_address=4, messages_per_minute_per_address=1)
    client = await make_client(config=config, auth=BEHIND_PROXY)
    crowd = {"X-Forwarded-For": "203.0.113.5"}
    sockets = []
    for _ in range(3):
        token, _ = await new_session(client, forwarded_for=crowd["X-Forwarded-For"])
        sockets.append(ChatSocket(await client.ws_connect(f"/chat/ws?token={token}", headers=crowd)))
    answers = []
    for socket in sockets:  # two each, each within its own session's pace of 5
        for text in ("楼道灯坏了", "一个星期了"):
            sent = await socket.send(text)
            await socket.until(partial(_answered, sent))
            answers.append(next(frame for frame in socket.frames if frame.get("id") == sent))
    assert [answer["type"] for answer in answers] == ["ack"] * 4 + ["error"] * 2
    assert all("not stored" in answer["message"] and answer["retry_after"] >= 1 for answer in answers[4:])
    token, _ = await new_session(client, forwarded_for="198.51.100.7")
    served = await client.post(
        "/chat/messages",
        json={"id": str(uuid.uuid4()), "text": "楼道灯坏了"},
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "198.51.100.7"},
    )
    assert served.status == 200
    token, _ = await new_session(client, forwarded_for="203.0.113.5")
    refused = await client.post(
        "/chat/messages",
        json={"id": str(uuid.uuid4()), "text": "楼道灯坏了"},
        headers={"Authorization": f"Bearer {token}", **crowd},
    )
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    assert await stored_texts(client) == ["楼道灯坏了", "一个星期了"] * 2 + ["楼道灯坏了"]
    for socket in sockets:
        await socket.close()


async def test_photos_count_against_the_same_pace_before_the_upload_is_read(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=limited(service_config, messages_burst=1, messages_per_minute=60))
    token, _ = await new_session(client)
    assert (await upload(client, token, photo_form(photo()))).status == 200
    refused = await upload(client, token, photo_form(photo()))
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    assert await stored_texts(client) == [PHOTO_TEXT]


async def test_one_address_opening_session_after_session_is_refused_but_a_known_session_resumes(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=limited(service_config, sessions_per_address=3, sessions_window_minutes=10))
    tokens = [(await new_session(client))[0] for _ in range(3)]
    refused = await client.post("/chat/session", json={})
    assert refused.status == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert "try again later" in (await refused.json())["error"]
    resumed = await client.post("/chat/session", json={"token": tokens[0]})
    assert resumed.status == 200


async def test_sessions_from_many_addresses_of_one_ipv6_slash_64_count_as_one_address(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(
        config=limited(service_config, sessions_per_address=3, sessions_window_minutes=10), auth=BEHIND_PROXY
    )
    # One subscriber's /64 holds 2^64 addresses: a fresh one per session is still the same client.
    attacker = [f"2001:db8:1:2:{n:x}::{n:x}" for n in range(1, 7)]
    assert [await started(client, address) for address in attacker] == [201] * 3 + [429] * 3
    # What the client writes left of the proxy's entry changes nothing.
    assert await started(client, "198.51.100.1, 2001:db8:1:2:ffff::1") == 429
    # The next /64 (another subscriber) is not held back, nor are IPv4 clients, each its own address.
    assert [await started(client, "2001:db8:1:3::1") for _ in range(4)] == [201] * 3 + [429]
    assert [await started(client, f"198.51.100.{n}") for n in range(1, 5)] == [201] * 4
    # An IPv4-mapped IPv6 address is the IPv4 address.
    mapped = [await started(client, "::ffff:203.0.113.9") for _ in range(3)]
    assert [*mapped, await started(client, "203.0.113.9")] == [201] * 3 + [429]


async def test_the_ipv6_network_a_client_is_limited_as_is_a_setting(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(
        config=limited(service_config, sessions_per_address=2, sessions_window_minutes=10),
        auth=AuthSettings(trusted_proxies=("127.0.0.1/32",), ipv6_limit_prefix=56),
    )
    assert [await started(client, f"2001:db8:1:{n:x}::1") for n in (0x10, 0x20, 0xFF)] == [201, 201, 429]
    assert await started(client, "2001:db8:1:100::1") == 201  # the next /56


@pytest.mark.browser
async def test_the_widget_sends_a_message_the_server_was_too_busy_for_again_by_itself(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    # A refill every 3 s: the second send comes sooner on a loaded machine too (at one a second,
    # a slow click let the bucket refill and nothing was refused).
    client = await make_client(config=limited(service_config, messages_burst=1, messages_per_minute=20))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_in_chat(browser, str(client.make_url("/chat")))
        for text in ("楼道的灯坏了", "三天了"):
            await customer.fill("#chat-input", text)
            await customer.click("#chat-send")
        await expect(customer.locator("#chat-notice")).to_contain_text("太快", timeout=10_000)
        mine = customer.locator(".msg-customer")
        await expect(mine).to_have_count(2)
        await expect(mine.locator(".failed")).to_have_count(0)
        await expect(customer.locator(".msg-customer.pending")).to_have_count(0, timeout=15_000)
        assert await stored_texts(client) == ["楼道的灯坏了", "三天了"]
        await browser.close()


def test_customers_who_have_rested_are_forgotten_and_the_rest_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.channels.webchat.limits._PRUNE_ABOVE", 10)
    now = [0.0]
    pace = MessagePace(WebchatLimits(messages_burst=2, messages_per_minute=60), monotonic=lambda: now[0])
    for customer in range(8):
        pace.take(customer)
    now[0] = 5.0  # the first eight have refilled
    for customer in range(8, 11):
        pace.take(customer)
        pace.take(customer)
    assert len(pace) == 3  # the eleventh went over ten: the eight who rested are forgotten
    assert pace.take(8) > 0  # still counted after the prune: at its limit
    assert pace.take(0) == 0.0 and pace.take(0) == 0.0 and pace.take(0) > 0  # forgotten: a full burst again


def test_sockets_are_counted_per_session_and_per_address_and_given_back() -> None:
    sockets = OpenSockets(WebchatLimits(sockets_per_session=2, sockets_per_address=3))
    assert [sockets.take(1, "198.51.100.1") for _ in range(3)] == [None, None, SocketsFull.SESSION]
    assert sockets.take(2, "198.51.100.1") is None
    assert sockets.take(3, "198.51.100.1") is SocketsFull.ADDRESS
    assert sockets.take(3, "203.0.113.9") is None  # another address has its own
    sockets.release(1, "198.51.100.1")
    assert sockets.take(3, "198.51.100.1") is None
    for identity, address in ((1, "198.51.100.1"), (2, "198.51.100.1"), (3, "198.51.100.1"), (3, "203.0.113.9")):
        sockets.release(identity, address)
    assert len(sockets) == 0 and sockets.take(1, "198.51.100.1") is None


async def test_a_sessions_sockets_beyond_its_limit_are_refused_while_another_customer_connects_and_chats(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=limited(service_config, sockets_per_session=3))
    token, _ = await new_session(client)
    tabs = [await ChatSocket.open(client, token) for _ in range(3)]
    for tab in tabs:
        await tab.until(greeted)

    assert await refusal(client, token) == 429
    refused = await client.get(f"/chat/ws?token={token}")
    assert refused.status == 429
    assert (await refused.json())["error"] == "too many open chat windows for this session; close one and try again"

    other = await ChatSocket.open(client, (await new_session(client))[0])
    await other.until(greeted)
    sent = await other.send("小区楼道的灯坏了")
    await other.until_acked(sent)
    for socket in (*tabs, other):
        await socket.close()


async def test_a_closed_or_dropped_socket_gives_its_slot_back(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=limited(service_config, sockets_per_session=2))
    token, _ = await new_session(client)
    first, second = [await ChatSocket.open(client, token) for _ in range(2)]
    assert await refusal(client, token) == 429

    await first.close()
    third = await opened(client, token)
    second.drop()  # no close frame: the server notices the connection is gone
    fourth = await opened(client, token)
    await fourth.until(greeted)
    sent = await fourth.send("电梯又坏了")
    await fourth.until_acked(sent)
    assert await refusal(client, token) == 429  # the two open ones hold both slots
    await third.close()
    await fourth.close()


async def test_one_address_holding_its_limit_of_sockets_is_refused_whatever_x_forwarded_for_says(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=limited(service_config, sockets_per_address=3))
    tokens = [(await new_session(client))[0] for _ in range(4)]
    sockets = [await ChatSocket.open(client, token) for token in tokens[:3]]
    # Without trusted proxies the header is the client's say: the address is the TCP peer's.
    assert await refusal(client, tokens[3], **{"X-Forwarded-For": "203.0.113.9"}) == 429
    refused = await client.get(f"/chat/ws?token={tokens[3]}")
    assert refused.status == 429
    assert (await refused.json())["error"] == "too many open chat connections from this address; try again later"
    await sockets[0].close()
    last = await opened(client, tokens[3])
    await last.until(greeted)
    for socket in (*sockets[1:], last):
        await socket.close()


async def test_behind_a_trusted_proxy_sockets_are_counted_per_client_address(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(
        config=limited(service_config, sockets_per_address=1), auth=AuthSettings(trusted_proxies=("127.0.0.1/32",))
    )
    first, second = [(await new_session(client))[0] for _ in range(2)]
    held = await client.ws_connect(f"/chat/ws?token={first}", headers={"X-Forwarded-For": "203.0.113.5"})
    assert await refusal(client, second, **{"X-Forwarded-For": "203.0.113.5"}) == 429
    # The proxy appends the real address: another customer behind the same proxy connects.
    other = ChatSocket(await client.ws_connect(f"/chat/ws?token={second}", headers={"X-Forwarded-For": "198.51.100.7"}))
    await other.until(greeted)
    await held.close()
    await other.close()


async def test_behind_a_trusted_proxy_sockets_from_one_ipv6_slash_64_count_together(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=limited(service_config, sockets_per_address=1), auth=BEHIND_PROXY)
    first, second = [(await new_session(client))[0] for _ in range(2)]
    held = await client.ws_connect(f"/chat/ws?token={first}", headers={"X-Forwarded-For": "2001:db8:5:6::1"})
    assert await refusal(client, second, **{"X-Forwarded-For": "2001:db8:5:6:a:b:c:d"}) == 429
    other = ChatSocket(
        await client.ws_connect(f"/chat/ws?token={second}", headers={"X-Forwarded-For": "2001:db8:5:7::1"})
    )
    await other.until(greeted)
    await held.close()
    await other.close()


async def test_a_session_reconnecting_faster_than_its_pace_is_refused_with_retry_after(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(
        config=limited(service_config, sockets_per_session=4, connects_burst=3, connects_per_minute=60)
    )
    token, _ = await new_session(client)
    tabs = [await ChatSocket.open(client, token) for _ in range(3)]

    refused = await client.get(f"/chat/ws?token={token}")
    assert refused.status == 429 and refused.headers["Retry-After"] == "1"
    assert (await refused.json())["error"] == "this chat reconnected too often; try again in a moment"
    assert await refusal(client, token) == 429

    other = await ChatSocket.open(client, (await new_session(client))[0])  # a pace of its own
    await other.until(greeted)

    await asyncio.sleep(1)
    # The refused connects held no slot: the fourth of four opens, and is replayed its history.
    tabs.append(await ChatSocket.open(client, token))
    await tabs[-1].until(greeted)
    for socket in (*tabs, other):
        await socket.close()


@pytest.mark.browser
async def test_the_widget_shows_every_message_it_missed_though_the_socket_replays_only_the_newest(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_in_chat(browser, str(client.make_url("/chat")))
        token = await customer.evaluate("localStorage.getItem('complaintbot.token')")
        resumed = await client.post("/chat/session", json={"token": token})
        missed = REPLAY_LIMIT + 20
        await stored_replies(client, (await resumed.json())["conversation_id"], missed)
        await webchat_hub(client.app).close_all()  # the widget reconnects, the socket replays the newest
        replies = customer.locator(".msg-bot", has_text=OLD_REPLY)
        await expect(replies).to_have_count(missed, timeout=10_000)
        texts = [text.strip() for text in await replies.locator(".msg-text").all_inner_texts()]
        assert texts == [f"{OLD_REPLY}{number}" for number in range(missed)]
        await browser.close()
