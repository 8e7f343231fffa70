"""Provider deliveries through real arq workers: retries, permanent failures, dead letters,
interrupted attempts, several workers side by side."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq import Retry
from sqlalchemy import select, update

from bot.core.messages import Sender
from bot.keys import resources
from bot.outbound.effects import Delivery
from bot.settings import TelegramBotSettings
from bot.staff.accounts import Role
from bot.storage.models import DeadLetter, Message
from tests.conftest import AppFactory, FixedClock
from tests.helpers import captured_statements, eventually, timeline_kinds
from tests.observability.scrape import scrape, value
from tests.staff import add_user, give_to, sign_in
from tests.workers.providers import (
    TOKEN,
    ScriptedBotApi,
    enqueue,
    message,
    run_burst_worker,
    seed_conversation,
    worker_ctx,
)
from workers.delivery import MAX_DELIVERY_TRIES, deliver_message, deliver_messages, reconcile_deliveries

CHAT = "777001"


@pytest.fixture
async def bot_api() -> AsyncIterator[ScriptedBotApi]:
    api = ScriptedBotApi()
    server = await api.start()
    api.base = str(server.make_url("")).rstrip("/")  # type: ignore[attr-defined]
    yield api
    api.release.set()
    await server.close()


async def telegram_client(make_client: AppFactory, api: ScriptedBotApi, **overrides: Any) -> Any:
    overrides.setdefault("retry_backoff", 0.01)
    return await make_client(
        telegram=TelegramBotSettings(TOKEN, "secret", api.base),  # type: ignore[attr-defined]
        in_process_worker=False,
        **overrides,
    )


async def agent_reply_pending(client: Any, conversation_id: int, text: str) -> Message:
    """An agent's Telegram reply stored in the conversation, waiting for its delivery."""
    async with resources(client.app).sessions() as session, session.begin():
        reply = Message(
            conversation_id=conversation_id,
            channel="telegram",
            direction="out",
            sender="agent",
            text=text,
            created_at=resources(client.app).clock(),
            delivery_status="pending",
        )
        session.add(reply)
    return reply


async def a_job_sending_its_first_reply(client: Any, bot_api: ScriptedBotApi) -> tuple[int, asyncio.Task[str]]:
    """A conversation of CHAT whose delivery job holds its lock, its provider call held until
    ``bot_api.release`` is set."""
    bot_api.hold_first = True
    conversation_id, (first_id,) = await seed_conversation(client, "telegram", CHAT, ["您好,已为您登记。"])
    sending = asyncio.create_task(deliver_message(worker_ctx(client), first_id))
    await bot_api.received.wait()
    return conversation_id, sending


async def test_transient_failures_are_retried_with_backoff_and_the_outcome_stored(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    bot_api.transient = 2
    client = await telegram_client(make_client, bot_api, retry_backoff=0.3)
    _, (message_id,) = await seed_conversation(client, "telegram", CHAT, ["您好,已为您登记。"])
    await enqueue(client, [message_id])
    await run_burst_worker(client)

    assert bot_api.texts() == ["您好,已为您登记。"]
    stored = await message(client, message_id)
    assert (stored.delivery_status, stored.attempts, stored.provider_message_id) == ("sent", 3, f"{CHAT}:1001")
    assert "Internal Server Error" in (stored.last_error or "")
    first_gap = bot_api.calls[1][0] - bot_api.calls[0][0]
    second_gap = bot_api.calls[2][0] - bot_api.calls[1][0]
    assert first_gap >= 0.28 and second_gap >= 0.55, (first_gap, second_gap)  # 0.3 s, then doubled
    assert not stored.possibly_duplicated
    samples = await scrape(client)
    assert value(samples, "complaint_bot_deliveries_total", channel="telegram", outcome="retried") == 2
    assert value(samples, "complaint_bot_deliveries_total", channel="telegram", outcome="sent") == 1


async def test_a_transient_failure_inside_a_batch_holds_back_the_replies_after_it_and_loses_none(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    bot_api.transient_at = frozenset({2})
    client = await telegram_client(make_client, bot_api)
    texts = ["您好,已为您登记。", "请问您的电话号码?", "维修师傅明天上午到"]
    _, ids = await seed_conversation(client, "telegram", CHAT, texts)
    # One job sends the three in one batch; the second fails for now.
    with pytest.raises(Retry):
        await deliver_message(worker_ctx(client), ids[0])
    assert bot_api.texts() == texts[:1]
    stored = [await message(client, message_id) for message_id in ids]
    assert [(m.delivery_status, m.attempts) for m in stored] == [("sent", 1), ("pending", 1), ("pending", 0)]
    assert "Internal Server Error" in (stored[1].last_error or "")

    await enqueue(client, ids)
    await run_burst_worker(client)
    assert [str(params["text"]) for _, params in bot_api.calls] == [texts[0], texts[1], texts[1], texts[2]]
    assert bot_api.texts() == texts  # each once, in order
    stored = [await message(client, message_id) for message_id in ids]
    assert [(m.delivery_status, m.attempts, m.possibly_duplicated) for m in stored] == [
        ("sent", 1, False),
        ("sent", 2, False),
        ("sent", 1, False),
    ]
    samples = await scrape(client)
    assert value(samples, "complaint_bot_deliveries_total", channel="telegram", outcome="retried") == 1
    assert value(samples, "complaint_bot_deliveries_total", channel="telegram", outcome="sent") == 3


async def test_a_reply_stored_while_a_job_is_sending_is_left_to_that_job_and_sent_after(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    client = await telegram_client(make_client, bot_api)
    conversation_id, sending = await a_job_sending_its_first_reply(client, bot_api)
    later = await agent_reply_pending(client, conversation_id, "维修师傅下午两点上门")
    assert await deliver_message(worker_ctx(client), later.id) == "left to the delivery in progress"
    bot_api.release.set()
    assert await sending == "sent; sent"
    assert bot_api.texts() == ["您好,已为您登记。", "维修师傅下午两点上门"]
    assert (await message(client, later.id)).delivery_status == "sent"


async def test_a_job_whose_message_another_jobs_batch_sent_ends_without_the_database_and_skips_no_other(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    client = await telegram_client(make_client, bot_api)
    conversation_id, (first_id, second_id) = await seed_conversation(client, "telegram", CHAT, ["您好", "已为您登记"])
    ctx = worker_ctx(client)
    assert await deliver_message(ctx, first_id, conversation_id) == "sent; sent"
    with captured_statements() as statements:
        assert await deliver_message(ctx, second_id, conversation_id) == "sent already"
    assert statements == []
    # The conversation's sent set is no shortcut for a message it does not hold.
    later = await agent_reply_pending(client, conversation_id, "维修师傅下午两点上门")
    assert await deliver_message(ctx, later.id, conversation_id) == "sent"
    # A retried job may owe more than its own message (those other jobs left to it): it looks.
    last = await agent_reply_pending(client, conversation_id, "请保持电话畅通")
    assert await deliver_message({**ctx, "job_try": 2}, first_id, conversation_id) == "sent"
    assert (await message(client, last.id)).delivery_status == "sent"
    assert bot_api.texts() == ["您好", "已为您登记", "维修师傅下午两点上门", "请保持电话畅通"]


async def test_a_job_enqueued_without_its_conversation_reads_it_first(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    client = await telegram_client(make_client, bot_api)
    _, (first_id, second_id) = await seed_conversation(client, "telegram", CHAT, ["您好", "已为您登记"])
    assert await deliver_message(worker_ctx(client), second_id) == "sent; sent"
    assert await deliver_message(worker_ctx(client), first_id) == "nothing pending"
    # What it read, not the sent set, decides: a message found "sending" goes again.
    await resources(client.app).database.write(
        lambda session: session.execute(update(Message).where(Message.id == first_id).values(delivery_status="sending"))
    )
    assert await deliver_message(worker_ctx(client), first_id) == "sent"
    assert bot_api.texts() == ["您好", "已为您登记", "您好"]


async def test_a_permanent_failure_is_not_retried_and_is_recorded(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    bot_api.permanent = True
    client = await telegram_client(make_client, bot_api)
    conversation_id, (message_id,) = await seed_conversation(client, "telegram", CHAT, ["您好"])
    await enqueue(client, [message_id])
    await run_burst_worker(client)

    assert len(bot_api.calls) == 1
    stored = await message(client, message_id)
    assert stored.delivery_status == "failed"
    assert "Chat not found" in (stored.last_error or "")
    assert "delivery_failed" in await timeline_kinds(client, conversation_id)
    async with resources(client.app).sessions() as session:
        letters = (await session.execute(select(DeadLetter))).scalars().all()
    assert [(letter.message_id, letter.job) for letter in letters] == [(message_id, "deliver_message")]
    samples = await scrape(client)
    assert value(samples, "complaint_bot_deliveries_total", channel="telegram", outcome="failed") == 1
    assert value(samples, "complaint_bot_dead_letters_total", job="deliver_message") == 1


async def test_exhausted_tries_land_in_dead_letters_and_a_manager_retries(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    bot_api.transient = MAX_DELIVERY_TRIES
    client = await telegram_client(make_client, bot_api)
    _, (message_id,) = await seed_conversation(client, "telegram", CHAT, ["维修师傅明天上午到"])
    await enqueue(client, [message_id])
    await run_burst_worker(client)

    assert len(bot_api.calls) == MAX_DELIVERY_TRIES and bot_api.texts() == []
    assert (await message(client, message_id)).delivery_status == "failed"

    await add_user(client, "wang.agent", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "wang.agent")
    assert (await client.get("/api/dead-letters")).status == 403
    csrf = await sign_in(client, "boss")
    listed = (await (await client.get("/api/dead-letters")).json())["dead_letters"]
    assert len(listed) == 1
    letter = listed[0]
    assert (letter["job"], letter["message_id"], letter["tries"], letter["retried_at"]) == (
        "deliver_message",
        message_id,
        MAX_DELIVERY_TRIES,
        None,
    )
    assert "Internal Server Error" in letter["error"]

    assert (await client.post(f"/api/dead-letters/{letter['id']}/retry")).status == 403  # no CSRF token
    response = await client.post(f"/api/dead-letters/{letter['id']}/retry", headers={"X-CSRF-Token": csrf})
    assert (response.status, await response.json()) == (200, {"retried": True})
    again = await client.post(f"/api/dead-letters/{letter['id']}/retry", headers={"X-CSRF-Token": csrf})
    assert again.status == 409
    await run_burst_worker(client)

    assert bot_api.texts() == ["维修师傅明天上午到"]
    assert (await message(client, message_id)).delivery_status == "sent"
    listed = (await (await client.get("/api/dead-letters")).json())["dead_letters"]
    assert listed[0]["retried_at"] is not None


async def test_two_workers_side_by_side_send_each_message_once_and_in_order(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    client = await telegram_client(make_client, bot_api)
    expected: dict[str, list[str]] = {}
    for chat in range(8):
        texts = [f"chat {chat} message {index}" for index in range(4)]
        expected[str(100 + chat)] = texts
        _, ids = await seed_conversation(client, "telegram", str(100 + chat), texts)
        await enqueue(client, ids)

    await asyncio.gather(run_burst_worker(client), run_burst_worker(client))

    sent = sorted(bot_api.texts())
    assert sent == sorted(text for texts in expected.values() for text in texts)  # each exactly once
    for chat_id, texts in expected.items():
        assert bot_api.texts(chat_id) == texts
    async with resources(client.app).sessions() as session:
        statuses = set((await session.execute(select(Message.delivery_status))).scalars())
    assert statuses == {"sent"}


async def test_reconcile_requeues_a_message_whose_job_was_lost(
    make_client: AppFactory, bot_api: ScriptedBotApi, clock: FixedClock
) -> None:
    client = await telegram_client(make_client, bot_api)
    _, (message_id,) = await seed_conversation(client, "telegram", CHAT, ["已为您转交维修部门"])
    # The process died between the commit and the enqueue: no job exists.
    ctx = worker_ctx(client)
    assert await reconcile_deliveries(ctx) == 0  # too fresh: its job may still be on the way
    clock.advance(seconds=31)
    assert await reconcile_deliveries(ctx) == 1
    await run_burst_worker(client)
    assert bot_api.texts() == ["已为您转交维修部门"]
    stored = await message(client, message_id)
    assert (stored.delivery_status, stored.possibly_duplicated) == ("sent", False)


async def test_reconcile_sends_a_conversations_lost_messages_with_one_late_job_in_order(
    make_client: AppFactory, bot_api: ScriptedBotApi, clock: FixedClock
) -> None:
    client = await telegram_client(make_client, bot_api)
    texts = ["您好，您的反映已收到", "已为您转交维修部门", "预计明天18:00前回复您"]
    _, message_ids = await seed_conversation(client, "telegram", CHAT, texts)
    _, (queued_id,) = await seed_conversation(client, "telegram", "777002", ["已为您登记"])
    await enqueue(client, [queued_id])  # this conversation's job is still waiting for a worker
    clock.advance(seconds=31)
    ctx = worker_ctx(client)
    assert await reconcile_deliveries(ctx) == 1
    assert len(await resources(client.app).redis.queued_jobs()) == 2  # one late job, and the waiting one
    await run_burst_worker(client)
    assert (bot_api.texts(CHAT), bot_api.texts("777002")) == (texts, ["已为您登记"])  # conversations run side by side
    assert [(await message(client, message_id)).delivery_status for message_id in message_ids] == ["sent"] * 3


async def test_reconcile_leaves_the_conversations_of_a_waiting_shared_job_to_it(
    make_client: AppFactory, bot_api: ScriptedBotApi, clock: FixedClock
) -> None:
    client = await telegram_client(make_client, bot_api)
    chats = [CHAT, "777002", "777003"]
    seeded = [await seed_conversation(client, "telegram", chat, [f"{chat}：已为您登记"]) for chat in chats]
    now = resources(client.app).clock()
    committed = [
        Delivery(ids[0], conversation_id, 0, "telegram", Sender.BOT, "x", now) for conversation_id, ids in seeded
    ]
    await resources(client.app).gateway.deliver(committed)  # one job for the three, still waiting
    clock.advance(seconds=31)
    assert await reconcile_deliveries(worker_ctx(client)) == 0
    assert len(await resources(client.app).redis.queued_jobs()) == 1
    await run_burst_worker(client)
    assert [bot_api.texts(chat) for chat in chats] == [[f"{chat}：已为您登记"] for chat in chats]


async def test_the_gateway_gives_a_commits_conversations_one_job_and_each_reads_its_replies_in_order(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    client = await telegram_client(make_client, bot_api)
    first_texts = ["您好，您的反映已收到", "已为您转交维修部门"]
    first, first_ids = await seed_conversation(client, "telegram", CHAT, first_texts)
    second, second_ids = await seed_conversation(client, "telegram", "777002", ["已为您登记"])
    now = resources(client.app).clock()
    committed = [
        Delivery(message_id, conversation_id, 0, "telegram", Sender.BOT, text, now)
        for conversation_id, ids, texts in ((first, first_ids, first_texts), (second, second_ids, ["已为您登记"]))
        for message_id, text in zip(ids, texts, strict=True)
    ]
    await resources(client.app).gateway.deliver(committed)
    (job,) = await resources(client.app).redis.queued_jobs()
    assert (job.function, [tuple(pair) for pair in job.args[0]]) == (
        "deliver_messages",
        [(first_ids[0], first), (second_ids[0], second)],
    )
    await run_burst_worker(client)
    assert (bot_api.texts(CHAT), bot_api.texts("777002")) == (first_texts, ["已为您登记"])
    # A commit of one conversation keeps the job of one conversation.
    third, (third_id,) = await seed_conversation(client, "telegram", "777003", ["请保持电话畅通"])
    await resources(client.app).gateway.deliver([Delivery(third_id, third, 0, "telegram", Sender.BOT, "x", now)])
    (job,) = await resources(client.app).redis.queued_jobs()
    assert (job.function, job.args) == ("deliver_message", (third_id, third))


async def test_a_conversation_failing_for_now_in_a_shared_job_holds_back_only_its_own_replies(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    bot_api.transient_for = {"777002": 1}
    client = await telegram_client(make_client, bot_api)
    texts = {chat: [f"{chat}：您好，已为您登记", f"{chat}：维修师傅明天上午到"] for chat in (CHAT, "777002", "777003")}
    seeded = {chat: await seed_conversation(client, "telegram", chat, chat_texts) for chat, chat_texts in texts.items()}
    firsts = [(ids[0], conversation_id) for conversation_id, ids in seeded.values()]
    ctx = worker_ctx(client)
    with pytest.raises(Retry):
        await deliver_messages(ctx, firsts)
    assert (bot_api.texts(CHAT), bot_api.texts("777002"), bot_api.texts("777003")) == (texts[CHAT], [], texts["777003"])
    _, failing_ids = seeded["777002"]
    held_back = [await message(client, message_id) for message_id in failing_ids]
    assert [(m.delivery_status, m.attempts) for m in held_back] == [("pending", 1), ("pending", 0)]

    answer = await deliver_messages({**ctx, "job_try": 2}, firsts)
    assert answer.count("nothing pending") == 2 and "sent; sent" in answer
    assert bot_api.texts("777002") == texts["777002"]
    assert sorted(bot_api.texts()) == sorted(text for chat_texts in texts.values() for text in chat_texts)  # each once


async def test_a_slow_provider_call_holds_no_other_conversation_of_its_job_sending(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    bot_api.hold_chat = "777002"
    client = await telegram_client(make_client, bot_api)
    fast, (fast_id,) = await seed_conversation(client, "telegram", CHAT, ["您好,已为您登记。"])
    slow, (slow_id,) = await seed_conversation(client, "telegram", "777002", ["维修师傅下午两点上门"])
    job = asyncio.create_task(deliver_messages(worker_ctx(client), [(fast_id, fast), (slow_id, slow)]))

    async def fast_one_recorded() -> bool:
        return (await message(client, fast_id)).delivery_status == "sent"

    await eventually(fast_one_recorded, timeout=5)
    assert not job.done()
    assert (await message(client, slow_id)).delivery_status == "sending"
    bot_api.release.set()
    assert await job == f"{fast}: sent | {slow}: sent"
    assert (await message(client, slow_id)).delivery_status == "sent"


async def test_a_shared_job_leaves_a_conversation_held_by_another_job_to_it_and_sends_the_others(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    client = await telegram_client(make_client, bot_api)
    busy, sending = await a_job_sending_its_first_reply(client, bot_api)
    later = await agent_reply_pending(client, busy, "维修师傅下午两点上门")
    other, (other_id,) = await seed_conversation(client, "telegram", "777002", ["已为您登记"])
    answer = await deliver_messages(worker_ctx(client), [(later.id, busy), (other_id, other)])
    assert answer == f"{busy}: left to the delivery in progress | {other}: sent"
    bot_api.release.set()
    assert await sending == "sent; sent"
    assert bot_api.texts(CHAT) == ["您好,已为您登记。", "维修师傅下午两点上门"]


async def test_an_interrupted_attempt_is_resent_and_flagged_when_the_provider_cannot_dedupe(
    make_client: AppFactory, bot_api: ScriptedBotApi, clock: FixedClock
) -> None:
    client = await telegram_client(make_client, bot_api, job_timeout=60)
    conversation_id, (message_id,) = await seed_conversation(client, "telegram", CHAT, ["您的投诉已受理"])
    # A worker committed its attempt marker and died before recording the outcome.
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(delivery_status="sending", attempts=1, attempt_started_at=clock())
        )
    ctx = worker_ctx(client)
    assert await reconcile_deliveries(ctx) == 0  # it may still be running
    clock.advance(seconds=61)
    assert await reconcile_deliveries(ctx) == 1
    await run_burst_worker(client)

    assert bot_api.texts() == ["您的投诉已受理"]
    stored = await message(client, message_id)
    assert (stored.delivery_status, stored.attempts, stored.possibly_duplicated) == ("sent", 2, True)
    assert "possibly_duplicated" in await timeline_kinds(client, conversation_id)

    await add_user(client, "li.agent", Role.AGENT)
    await give_to(client, conversation_id, "li.agent")
    await sign_in(client, "li.agent")
    body = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert [m["possibly_duplicated"] for m in body["messages"]] == [True]
    assert body["window"] is None  # Telegram has no window


async def test_a_message_interrupted_too_often_is_failed_into_the_dead_letters(
    make_client: AppFactory, bot_api: ScriptedBotApi, clock: FixedClock
) -> None:
    client = await telegram_client(make_client, bot_api, job_timeout=60)
    _, (message_id,) = await seed_conversation(client, "telegram", CHAT, ["您好"])
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(delivery_status="sending", attempts=MAX_DELIVERY_TRIES, attempt_started_at=clock())
        )
    clock.advance(seconds=61)
    assert await reconcile_deliveries(worker_ctx(client)) == 0
    assert (await message(client, message_id)).delivery_status == "failed"
    async with resources(client.app).sessions() as session:
        letter = (await session.execute(select(DeadLetter))).scalar_one()
    assert letter.message_id == message_id and "interrupted" in letter.error


async def dead_letters(client: Any) -> list[DeadLetter]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(DeadLetter).order_by(DeadLetter.id))).scalars())


async def test_an_answer_the_adapter_cannot_read_fails_that_message_and_the_next_reply_still_goes(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    bot_api.unexpected = 1
    client = await telegram_client(make_client, bot_api)
    conversation_id, (broken_id,) = await seed_conversation(client, "telegram", CHAT, ["您的投诉已受理"])
    await enqueue(client, [broken_id])
    await run_burst_worker(client)

    broken = await message(client, broken_id)
    assert broken.delivery_status == "failed" and "unexpected error" in (broken.last_error or "")
    assert "delivery_failed" in await timeline_kinds(client, conversation_id)
    assert [(letter.message_id, letter.job) for letter in await dead_letters(client)] == [
        (broken_id, "deliver_message")
    ]

    # An agent's later reply in the same conversation is not held behind the broken one.
    later = await agent_reply_pending(client, conversation_id, "维修师傅下午两点上门")
    await enqueue(client, [later.id])
    await run_burst_worker(client)
    assert bot_api.texts() == ["维修师傅下午两点上门"]
    assert (await message(client, later.id)).delivery_status == "sent"

    # A manager retries the dead letter: the broken message goes out now that the API answers.
    await add_user(client, "boss", Role.MANAGER)
    csrf = await sign_in(client, "boss")
    letter_id = (await dead_letters(client))[0].id
    response = await client.post(f"/api/dead-letters/{letter_id}/retry", headers={"X-CSRF-Token": csrf})
    assert response.status == 200
    await run_burst_worker(client)
    assert bot_api.texts() == ["维修师傅下午两点上门", "您的投诉已受理"]
    assert (await message(client, broken_id)).delivery_status == "sent"


async def test_a_chat_id_the_adapter_cannot_use_fails_each_message_once_and_leaves_none_sending(
    make_client: AppFactory, bot_api: ScriptedBotApi
) -> None:
    client = await telegram_client(make_client, bot_api)
    _, ids = await seed_conversation(client, "telegram", "abc", ["您好", "请问您的电话号码?"])
    _, (good_id,) = await seed_conversation(client, "telegram", CHAT, ["已为您登记"])
    await enqueue(client, [*ids, good_id])
    await run_burst_worker(client)

    for message_id in ids:
        stored = await message(client, message_id)
        assert (stored.delivery_status, stored.attempts) == ("failed", 1)
        assert "ValueError" in (stored.last_error or "")
    assert sorted(letter.message_id or 0 for letter in await dead_letters(client)) == sorted(ids)
    assert bot_api.texts() == ["已为您登记"]
    assert (await message(client, good_id)).delivery_status == "sent"
