"""Web chat against floods: one customer sending faster than anyone types is slowed down without
anything being lost or anyone else slowed; one address opening session after session is refused."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.channels.webchat.limits import MessagePace
from bot.config import ServiceConfig, WebchatLimits
from bot.core.messages import PHOTO_TEXT
from bot.keys import resources
from bot.storage.models import Message
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_in_chat, expect, playwright_api
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.media.images import photo
from tests.media.uploads import photo_form, upload


def limited(config: ServiceConfig, **limits: Any) -> ServiceConfig:
    channels = config.channels.model_copy(update={"webchat": WebchatLimits(**limits)})
    return config.model_copy(update={"channels": channels})


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
    client = await make_client(config=limited(service_config, messages_burst=3, messages_per_minute=120))
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


@pytest.mark.browser
async def test_the_widget_sends_a_message_the_server_was_too_busy_for_again_by_itself(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=limited(service_config, messages_burst=1, messages_per_minute=60))
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
        await expect(customer.locator(".msg-customer.pending")).to_have_count(0, timeout=10_000)
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
