"""Web chat through the pipeline: a phone typed in pieces, fast ("138", "0013", "8000"), is put
together and taken whole; each piece is heard out in silence, none goes into the problem."""

from __future__ import annotations

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session, settled


async def test_a_phone_typed_in_pieces_is_taken_whole(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("下午好")
    await socket.send("单元门的门锁坏了 谁都能进")
    await socket.until_bot_says("电话")
    await socket.send("阳光城 丽景湾 9栋")
    await socket.until_bot_says("地址已记录")
    asked = len(socket.bot_texts())
    for piece in ("138", "0013"):
        await socket.send(piece)
    await settled(client, sockets=[socket])
    assert len(socket.bot_texts()) == asked, socket.bot_texts()[asked:]  # no "recorded", no question again
    await socket.send("8000")
    restatement = await socket.until_bot_says("我跟您确认一下")
    assert "电话：13800138000" in restatement["text"]
    problem = next(line for line in restatement["text"].splitlines() if line.startswith("问题："))
    assert problem == "问题：单元门的门锁坏了 谁都能进（工程维修）"
    await socket.send("对")
    await socket.until_bot_says("投诉编号")
    await socket.close()
    async with resources(client.app).sessions() as session:
        complaint = (await session.execute(select(Complaint))).scalar_one()
    assert complaint.contact_phone == "13800138000"
    assert "0013" not in complaint.description and "138" not in complaint.description
