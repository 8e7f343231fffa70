"""A customer who takes leave right after the bot's farewell is said goodbye to again in the
conversation that follows the closed one, and no complaint is opened from it."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.keys import resources
from bot.storage.models import Conversation
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session


async def test_nothing_more_after_the_farewell_is_a_goodbye_not_a_new_complaint(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("算了 不投诉了")
    await socket.until_bot_says("欢迎您随时再来咨询")

    await socket.send("没有了 谢谢")
    await socket.until_bot_says("再见！")
    await socket.caught_up()
    assert not any("已记录" in text for text in socket.bot_texts())

    async def counts() -> tuple[int, int]:
        async with resources(client.app).sessions() as session:
            every = select(func.count()).select_from(Conversation)
            conversations = (await session.execute(every)).scalar_one()
            open_ones = (await session.execute(every.where(Conversation.status == "open"))).scalar_one()
        return conversations, open_ones

    async def both_closed() -> bool:
        return await counts() == (2, 0)

    await eventually(both_closed, timeout=5)  # the farewell's conversation and the goodbye's, none opened
    await socket.close()
