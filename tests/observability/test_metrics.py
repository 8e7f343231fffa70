"""``GET /metrics``: what an operator's Prometheus reads moves with what customers and staff do."""

from __future__ import annotations

import datetime as dt

from bot.keys import resources
from tests.channels.conftest import PHONE, app_with_sms_stub
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, eventually, new_session, settled
from tests.observability.scrape import scrape, value
from tests.promises.support import complaint, promised_case
from tests.staff import handed_off_ticket


async def test_a_web_chat_conversation_moves_the_counters(make_client: AppFactory) -> None:
    client = await make_client()
    before = await scrape(client)
    assert value(before, "complaint_bot_webchat_connections") == 0

    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("小区电梯坏了,停了一上午")
    await settled(client, sockets=[socket])
    # The greeting may come both live and in the history the socket is sent on connecting; the
    # widget shows a message id once, and each was sent once.
    bot_frames = [frame for frame in socket.frames if frame.get("type") == "message" and frame.get("from") == "bot"]
    answered = len({frame["id"] for frame in bot_frames})

    during = await scrape(client)
    assert value(during, "complaint_bot_webchat_connections") == 1
    assert value(during, "complaint_bot_messages_received_total", channel="webchat") == 1
    assert value(during, "complaint_bot_messages_sent_total", channel="webchat") == answered
    # The greeting answers no message; the replies to the customer's message are timed.
    assert value(during, "complaint_bot_reply_latency_seconds_count", channel="webchat") >= 1
    assert value(during, "complaint_bot_reply_latency_seconds_bucket", channel="webchat", le="+Inf") >= 1

    await socket.close()

    async def disconnected() -> bool:
        return value(await scrape(client), "complaint_bot_webchat_connections") == 0

    await eventually(disconnected)


async def test_a_failed_sign_in_is_counted(make_client: AppFactory) -> None:
    client = await make_client()
    response = await client.post("/api/login", json={"username": "nobody", "password": "wrong password"})
    assert response.status == 401
    samples = await scrape(client)
    assert value(samples, "complaint_bot_login_failures_total", reason="wrong_credentials") == 1


async def test_the_queue_timers_and_promises_are_read_at_scrape_time(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await handed_off_ticket(client)
    conversation_id, socket = await promised_case(client)
    await socket.close()
    await settled(client)
    now = await scrape(client)
    queues = {dict(labels)["queue"] for name, labels in now if name == "complaint_bot_queue_waiting_tickets"}
    assert sum(value(now, "complaint_bot_queue_waiting_tickets", queue=queue) for queue in queues) >= 1
    assert value(now, "complaint_bot_promises_breached") == 0
    assert value(now, "complaint_bot_timers_overdue") == 0

    case = await complaint(client, conversation_id)
    assert case.deadline_at is not None and case.status == "open"
    clock.now = case.deadline_at + dt.timedelta(hours=1)  # past the promise; nothing has fired the timers
    later = await scrape(client)
    assert value(later, "complaint_bot_promises_breached") == 1
    assert value(later, "complaint_bot_timers_overdue") >= 1
    oldest = max(value(later, "complaint_bot_queue_oldest_wait_seconds", queue=queue) for queue in queues)
    assert oldest >= 3600


async def test_a_metrics_token_is_asked_for_when_set(make_client: AppFactory) -> None:
    client = await make_client(metrics_token="scrape-secret")
    assert (await client.get("/metrics")).status == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    await scrape(client, headers={"Authorization": "Bearer scrape-secret"})


async def test_provider_deliveries_are_counted_by_outcome(make_client: AppFactory) -> None:
    client, stub = await app_with_sms_stub(make_client)
    try:
        await stub.phone_sends("小区电梯坏了,停了一上午")

        async def sent() -> bool:
            samples = await scrape(client)
            return value(samples, "complaint_bot_deliveries_total", channel="sms", outcome="sent") >= 1

        await eventually(sent, timeout=15)
        samples = await scrape(client)
        sent_count = value(samples, "complaint_bot_deliveries_total", channel="sms", outcome="sent")
        assert len(stub.texts_to(PHONE)) >= sent_count
        assert value(samples, "complaint_bot_messages_received_total", channel="sms") == 1
        assert value(samples, "complaint_bot_messages_sent_total", channel="sms") == sent_count
        assert value(samples, "complaint_bot_reply_latency_seconds_count", channel="sms") >= 1
        assert value(samples, "complaint_bot_deliveries_total", channel="sms", outcome="failed") == 0
        assert resources(client.app).settings.in_process_worker  # the worker counted into the app's registry
    finally:
        await stub.server.close()




async def test_a_complaint_no_category_fits_counts_as_an_nlu_fallback(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client, description="我要投诉你们这件事情一直没人处理")
    await socket.close()
    assert (await complaint(client, conversation_id)).category == "other"
    samples = await scrape(client)
    assert value(samples, "complaint_bot_nlu_fallbacks_total", reason="no_category") == 1
