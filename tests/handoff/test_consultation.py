"""A question the bot cannot answer reaches the consultation queue over web chat, as a
consultation, not a complaint (seed 001 (16); issue 12 item 4)."""

from __future__ import annotations

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, HandoffTicket, TimelineEvent
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session, settled


async def test_an_unanswerable_question_waits_in_the_consultation_queue_without_a_complaint(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("请问物业费可以用支付宝交吗?")
    await socket.until_bot_says("请您留下可以联系到您的联系方式")
    await socket.send("13800138000")
    await socket.until_bot_says("谢谢您的合作")
    await settled(client, sockets=[socket])
    async with resources(client.app).sessions() as session:
        tickets = (
            (await session.execute(select(HandoffTicket).where(HandoffTicket.conversation_id == conversation_id)))
            .scalars()
            .all()
        )
        complaints = (
            (await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id)))
            .scalars()
            .all()
        )
        kinds = (
            (await session.execute(select(TimelineEvent.kind).where(TimelineEvent.conversation_id == conversation_id)))
            .scalars()
            .all()
        )
    assert [(ticket.queue, ticket.reason) for ticket in tickets] == [("consultation", "consultation")]
    assert complaints == []
    assert "consultation_asked" in kinds
    await socket.close()
