"""A customer who writes again soon after their conversation was closed for their silence, before
anything was handed off, goes on where they left off: the new conversation keeps what they told
(``timers.resume_after_idle_close``); later, or after a hand-off, they start afresh."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.config import PhraseId, ServiceConfig, Timers
from bot.core.clock import utc_now
from bot.keys import resources
from bot.storage.models import Conversation, HandoffTicket, Message
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session

_QUICK = Timers(idle_prompt_after=1, idle_close_after=1, harassment_close_after=1)


async def _left_silent(make_client: AppFactory, service_config: ServiceConfig) -> tuple[Any, ChatSocket, int]:
    """A web chat customer who told the problem, was asked for the phone and went silent until the
    conversation closed; their socket stays open."""
    quick = service_config.model_copy(update={"timers": _QUICK})
    client = await make_client(config=quick, clock=utc_now, in_process_worker=True)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("小区门口的路灯坏了三天了")
    await socket.until_bot_says("电话")
    close = quick.phrases["zh-CN"].phrases[PhraseId.IDLE_CLOSE][:6]
    await socket.until_bot_says(close, timeout=15)
    return client, socket, conversation_id


async def _conversations(client: Any) -> list[Conversation]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Conversation).order_by(Conversation.id))).scalars())


async def _said(client: Any, conversation_id: int) -> list[str | None]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(
            select(Message.phrase_id)
            .where(Message.conversation_id == conversation_id, Message.direction == "out")
            .order_by(Message.id)
        )
        return list(found.scalars())


async def test_back_within_the_window_the_problem_is_kept_and_only_the_missing_items_are_asked(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client, socket, closed_id = await _left_silent(make_client, service_config)
    await socket.send("在吗")
    kept = await socket.until_bot_says("我们还记着")
    assert "小区门口的路灯坏了三天了" in kept["text"]
    await socket.until_bot_says("电话")
    await socket.send("13912345678")
    await socket.until_bot_says("地址")

    earlier, new = (await _conversations(client))[-2:]
    assert (earlier.id, earlier.closed_reason) == (closed_id, "idle")
    assert new.status == "open" and new.id != closed_id
    assert new.flow_data["description"] == ["小区门口的路灯坏了三天了"]
    assert new.flow_data["phone"] == "13912345678"
    said = await _said(client, new.id)
    assert said[:3] == ["greeting_opening", "form_resumed", "ask_phone"]
    await socket.close()


async def test_back_after_the_window_they_start_afresh(make_client: AppFactory, service_config: ServiceConfig) -> None:
    client, socket, closed_id = await _left_silent(make_client, service_config)
    two_days_ago = utc_now() - dt.timedelta(days=2)

    def closed_long_ago(session: Session) -> None:
        session.execute(update(Conversation).where(Conversation.id == closed_id).values(closed_at=two_days_ago))

    await resources(client.app).database.write(closed_long_ago)
    await socket.send("在吗")
    await socket.until(lambda frames: sum("客服代表" in text for text in socket.bot_texts()) >= 2, timeout=10)

    new = (await _conversations(client))[-1]
    assert new.id != closed_id and "description" not in new.flow_data
    await eventually(lambda: _opened_with(client, new.id, "invite_complaint"))
    assert "form_resumed" not in await _said(client, new.id)
    await socket.close()


async def test_a_conversation_handed_off_before_it_closed_is_not_resumed(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client, socket, closed_id = await _left_silent(make_client, service_config)
    now = utc_now()

    def with_a_ticket(session: Session) -> None:
        session.add(
            HandoffTicket(
                conversation_id=closed_id, queue="general", priority=2, reason="customer_request", created_at=now
            )
        )

    await resources(client.app).database.write(with_a_ticket)
    await socket.send("在吗")
    await socket.until(lambda frames: sum("客服代表" in text for text in socket.bot_texts()) >= 2, timeout=10)
    new = (await _conversations(client))[-1]
    assert new.id != closed_id and "description" not in new.flow_data
    assert "form_resumed" not in await _said(client, new.id)
    await socket.close()


async def _opened_with(client: Any, conversation_id: int, phrase_id: str) -> bool:
    return phrase_id in await _said(client, conversation_id)
