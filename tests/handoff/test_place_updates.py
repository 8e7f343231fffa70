"""A waiting customer hears a nearer place spaced as their channel wants (``queue.place_updates``):
never at every move of the queue; an SMS customer far more sparsely (a player's SMS customer got 5
"请稍候，您现在排在第N位…" texts in 9 minutes, two 8 seconds apart)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.config import PlaceUpdates, ServiceConfig
from bot.handoff.announce import place_due
from bot.staff.accounts import Role
from tests.channels.conftest import PHONE, app_with_sms_stub
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx, system_texts, ticket_of
from tests.helpers import eventually, settled
from tests.staff import add_user, sign_in
from workers.queue import announce_queue

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
SMS = PlaceUpdates(min_interval_minutes=10, closer_by=5, after_minutes=20)


def ago(minutes: float) -> dt.datetime:
    return NOW - dt.timedelta(minutes=minutes)


def test_a_nearer_place_waits_for_the_minimum_interval_then_for_enough_places_or_minutes() -> None:
    assert not place_due(SMS, 9, 1, ago(9), NOW)  # even "next": 9 minutes after the last text
    assert place_due(SMS, 9, 1, ago(10), NOW)  # next, once the interval passed
    assert not place_due(SMS, 9, 6, ago(12), NOW)  # three places nearer, 12 minutes on: not yet
    assert place_due(SMS, 9, 4, ago(12), NOW)  # five places nearer
    assert place_due(SMS, 9, 8, ago(20), NOW)  # one place nearer, 20 minutes on
    assert place_due(SMS, 9, 8, None, NOW)  # no place said in this conversation yet


def test_the_shipped_spacing_makes_sms_sparser_than_chat(service_config: ServiceConfig) -> None:
    updates = service_config.queue.place_updates
    sms, chat = updates.of("sms"), updates.of("webchat")
    assert updates.of("wechat") == chat == updates.of("telegram")
    assert sms.min_interval_minutes > chat.min_interval_minutes >= 1
    assert sms.closer_by > chat.closer_by and sms.after_minutes > chat.after_minutes


async def claim(client: Any, conversation_id: int, csrf: str) -> None:
    ticket = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{ticket}/claim", headers={"X-CSRF-Token": csrf})).status == 200


async def test_a_web_chat_customer_is_not_told_every_move(make_client: AppFactory, clock: FixedClock) -> None:
    """Fifth in line, the four ahead taken within a minute: one "第5位", then "下一位就是您" once a
    minute has passed, not 第4位, 第3位, 第2位 and next in a row."""
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    ctx = job_ctx(client)
    ahead = [await customer_hands_off(client) for _ in range(4)]
    _, socket = await customer_hands_off(client)
    await announce_queue(ctx)
    for conversation_id, _ in ahead:
        clock.advance(seconds=10)
        await claim(client, conversation_id, csrf)
        await announce_queue(ctx)
    await socket.caught_up()
    assert [text[:12] for text in system_texts(socket)] == ["请稍候，您现在排在第5位"]
    clock.advance(seconds=30)  # a minute after "第5位": the reconcile cron's look says it
    assert await announce_queue(ctx) == 1
    await socket.until(lambda frames: len(system_texts(socket)) == 2)
    assert system_texts(socket)[1] == "请稍候，下一位就是您，我马上就来为您服务。"
    assert await announce_queue(ctx) == 0
    for _, other in ahead:
        await other.close()
    await socket.close()


async def test_an_sms_customer_gets_two_texts_not_one_per_move(make_client: AppFactory, clock: FixedClock) -> None:
    """Seventh in line by SMS, five customers ahead taken over eight minutes: no text until ten
    minutes after "第7位"; then one, "下一位就是您", when the sixth is taken."""
    client, stub = await app_with_sms_stub(make_client)
    try:
        await add_user(client, "li", Role.AGENT)
        csrf = await sign_in(client, "li")
        ahead = [await customer_hands_off(client) for _ in range(6)]
        await stub.phone_sends("转人工")

        def place_texts() -> list[str]:
            return [text for text in stub.texts_to(PHONE) if "排在第" in text or "下一位" in text]

        async def told(count: int) -> bool:
            return len(place_texts()) >= count

        await eventually(lambda: told(1), timeout=15)
        assert "第7位" in place_texts()[0]
        for conversation_id, _ in ahead[:5]:
            clock.advance(seconds=95)
            await claim(client, conversation_id, csrf)
            await settled(client)  # the worker's look at the queue done before the clock moves on
        assert len(place_texts()) == 1, place_texts()
        clock.advance(minutes=3)  # ten minutes since "第7位"
        await claim(client, ahead[5][0], csrf)
        await eventually(lambda: told(2), timeout=15)
        assert "下一位就是您" in place_texts()[1]
        assert len(place_texts()) == 2
        for _, other in ahead:
            await other.close()
    finally:
        await stub.server.close()
