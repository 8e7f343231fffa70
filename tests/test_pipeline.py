"""Ordering, exactly-once processing and recovery, across app instances."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select, update

from bot.config import PhraseId, ServiceConfig, Timers
from bot.core import redis_keys
from bot.core.clock import utc_now
from bot.keys import resources
from bot.storage.models import Complaint, Conversation, Message
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, eventually, greeted_customer, new_session, settled


async def _conversation(client: Any, conversation_id: int) -> Conversation:
    async with resources(client.app).sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        return conversation


async def test_two_instances_process_one_conversation_strictly_in_order(make_client: AppFactory) -> None:
    first = await make_client()
    second = await make_client()
    token, conversation_id = await new_session(first)
    headers = {"Authorization": f"Bearer {token}"}
    await eventually(lambda: _greeted(first, conversation_id))

    sent = [f"第{index}条补充:楼道里的灯又坏了" for index in range(40)]

    async def post(client: Any, text: str) -> None:
        response = await client.post("/chat/messages", json={"id": str(uuid.uuid4()), "text": text}, headers=headers)
        assert response.status == 200

    # Each message is sent as soon as the previous one is acknowledged, alternating instances,
    # so each instance receives messages while the other is still processing earlier ones.
    for index, text in enumerate(sent):
        await post(first if index % 2 == 0 else second, text)

    async def all_processed() -> bool:
        async with resources(first.app).sessions() as session:
            pending = (
                await session.execute(
                    select(func.count()).where(Message.direction == "in", Message.processed_at.is_(None))
                )
            ).scalar_one()
        return pending == 0

    await eventually(all_processed)
    conversation = await _conversation(first, conversation_id)
    assert conversation.flow_data["description"] == sent
    assert conversation.activity_seq == len(sent)


async def test_messages_arriving_at_the_same_moment_on_two_instances_are_each_processed_once(
    make_client: AppFactory,
) -> None:
    first = await make_client()
    second = await make_client()
    token, conversation_id = await new_session(first)
    headers = {"Authorization": f"Bearer {token}"}
    await eventually(lambda: _greeted(first, conversation_id))
    texts = [f"同时到达的第{index}条:噪音扰民" for index in range(20)]

    async def post(client: Any, text: str) -> None:
        response = await client.post("/chat/messages", json={"id": str(uuid.uuid4()), "text": text}, headers=headers)
        assert response.status == 200

    await asyncio.gather(*(post(first if i % 2 else second, text) for i, text in enumerate(texts)))

    async def done() -> bool:
        return len((await _conversation(first, conversation_id)).flow_data.get("description", [])) == len(texts)

    await eventually(done)
    conversation = await _conversation(first, conversation_id)
    assert sorted(conversation.flow_data["description"]) == sorted(texts)
    assert conversation.activity_seq == len(texts)


async def _greeted(client: Any, conversation_id: int) -> bool:
    async with resources(client.app).sessions() as session:
        count = (
            await session.execute(
                select(func.count()).where(Message.conversation_id == conversation_id, Message.direction == "out")
            )
        ).scalar_one()
    return count >= 2


async def test_a_reply_reaches_a_socket_on_another_instance(make_client: AppFactory) -> None:
    first = await make_client()
    second = await make_client()
    token, _ = await new_session(first)
    listener = await ChatSocket.open(second, token)
    await listener.until_bot_says("下午好")
    response = await first.post(
        "/chat/messages",
        json={"id": str(uuid.uuid4()), "text": "电梯按钮失灵"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 200
    await listener.until_bot_says("电话")
    assert any(f.get("from") == "customer" and f["text"] == "电梯按钮失灵" for f in listener.frames)
    await listener.close()


async def test_a_message_stored_but_never_queued_is_recovered(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    await eventually(lambda: _greeted(client, conversation_id))
    socket = await ChatSocket.open(client, token)
    message_id = await socket.send("水压太低")
    await socket.until_bot_says("电话")
    await socket.close()
    # Simulate a crash after the commit and before the Redis push: a stored message nobody queued.
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Message).where(Message.provider_message_id.endswith(message_id)).values(processed_at=None)
        )
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(flow_state="await_description", flow_data={})
        )
    await resources(client.app).redis.delete(redis_keys.conversation_inbox(conversation_id))
    pipeline = resources(client.app).pipeline
    assert await pipeline.reconcile(grace=dt.timedelta(0)) == 1
    await pipeline.drained()
    conversation = await _conversation(client, conversation_id)
    assert conversation.flow_data["description"] == ["水压太低"]
    assert await pipeline.reconcile(grace=dt.timedelta(0)) == 0


async def test_idle_customer_is_prompted_then_closed_by_the_in_process_worker(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    quick = service_config.model_copy(
        update={
            "timers": Timers(idle_prompt_after=1, idle_close_after=1, harassment_close_after=1, handoff_ack_after=300)
        }
    )
    client = await make_client(config=quick, clock=utc_now, in_process_worker=True)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    prompt = quick.phrases["zh-CN"].phrases[PhraseId.IDLE_PROMPT][:6]
    close = quick.phrases["zh-CN"].phrases[PhraseId.IDLE_CLOSE][:6]
    await socket.until_bot_says(prompt, timeout=15)
    await socket.until_bot_says(close, timeout=15)
    conversation = await _conversation(client, conversation_id)
    assert (conversation.status, conversation.closed_reason) == ("closed", "idle")

    # Writing again after the close starts a new conversation with a fresh greeting.
    await socket.send("你好,我又来了")
    await socket.until(lambda frames: sum("客服代表" in text for text in socket.bot_texts()) >= 2, timeout=10)
    await socket.close()


async def test_a_customer_who_gives_the_complaint_up_is_let_go_with_no_case_and_may_start_again(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    socket, conversation_id = await greeted_customer(client)
    await socket.send("小区电梯坏了三天了，没人管")
    await socket.until_bot_says("电话号码")
    await socket.send("算了 不投诉了 没用")
    await socket.until_bot_says("确定不需要")
    await socket.send("对")
    await socket.until_bot_says("不为您登记投诉")
    conversation = await _conversation(client, conversation_id)
    assert (conversation.status, conversation.closed_reason) == ("closed", "withdrawn")
    async with resources(client.app).sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Complaint)) == 0
        told = await session.scalars(select(Message.text).where(Message.conversation_id == conversation_id))
        assert "小区电梯坏了三天了，没人管" in list(told), "what they told is kept"

    await socket.send("还是投诉吧，电梯真的不能用")
    await socket.until(lambda frames: sum("客服代表" in text for text in socket.bot_texts()) >= 2, timeout=10)
    await socket.until_bot_says("电话号码")
    await socket.close()


async def test_an_answer_in_time_cancels_the_idle_prompt(
    make_client: AppFactory, service_config: ServiceConfig, clock: FixedClock
) -> None:
    quick = service_config.model_copy(
        update={
            "timers": Timers(idle_prompt_after=2, idle_close_after=1, harassment_close_after=1, handoff_ack_after=300)
        }
    )
    # The app's clock, moved by the test: the worker's timer pump fires what is due by it.
    client = await make_client(config=quick, in_process_worker=True)
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    clock.advance(seconds=1)
    await socket.send("小区门口的路灯坏了")
    await socket.until_bot_says("电话")
    clock.advance(seconds=1.3)  # past the first prompt's time, before the re-armed one
    await settled(client, sockets=[socket])
    prompt = quick.phrases["zh-CN"].phrases[PhraseId.IDLE_PROMPT][:6]
    assert not any(prompt in text for text in socket.bot_texts())
    clock.advance(seconds=1)
    await socket.until_bot_says(prompt, timeout=10)
    await socket.close()


async def test_a_phone_stopped_half_way_is_asked_for_by_the_worker_and_finished(
    make_client: AppFactory, service_config: ServiceConfig, clock: FixedClock
) -> None:
    quick = service_config.model_copy(
        update={"timers": service_config.timers.model_copy(update={"phone_pieces_prompt_after": 1})}
    )
    client = await make_client(config=quick, in_process_worker=True)
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("楼道灯坏了好久了 晚上黑乎乎的 朝阳区望京西园三区4号楼")
    await socket.until_bot_says("电话号码")
    await socket.send("电话是")
    await socket.send("一三九")
    await settled(client, sockets=[socket])
    clock.advance(seconds=1)  # the app's clock: the worker's timer pump fires the prompt due by it
    await socket.until_bot_says("请继续告诉我您的完整手机号码", timeout=10)
    await socket.send("一二三四")
    await socket.send("五六七八")
    await socket.until_bot_says("电话：13912345678")
    asked = quick.phrases["zh-CN"].phrases[PhraseId.PHONE_PIECES_MORE]
    assert [text for text in socket.bot_texts() if text == asked] == [asked]
    await socket.close()


async def test_copies_of_a_message_sent_at_once_are_stored_and_answered_once(make_client: AppFactory) -> None:
    # Sent concurrently, the copies land in the same group commit: one row, one reply.
    client = await make_client()
    token, conversation_id = await new_session(client)
    headers = {"Authorization": f"Bearer {token}"}
    await eventually(lambda: _greeted(client, conversation_id))
    message_id = str(uuid.uuid4())

    async def post() -> Any:
        response = await client.post(
            "/chat/messages", json={"id": message_id, "text": "垃圾好几天没人清理"}, headers=headers
        )
        return response.status, await response.json()

    answers = await asyncio.gather(*(post() for _ in range(5)))
    assert answers == [(200, {"type": "ack", "id": message_id})] * 5

    async def answered() -> bool:
        async with resources(client.app).sessions() as session:
            asks = await session.execute(select(func.count()).where(Message.phrase_id == "ask_phone"))
            return asks.scalar_one() >= 1

    await eventually(answered)
    await settled(client)
    async with resources(client.app).sessions() as session:
        stored = (
            await session.execute(select(func.count()).where(Message.provider_message_id.endswith(message_id)))
        ).scalar_one()
        asks = (await session.execute(select(func.count()).where(Message.phrase_id == "ask_phone"))).scalar_one()
    assert (stored, asks) == (1, 1)
