"""Danger told on web chat, through the engine, the real database and queue: water in the
electrics in English hears how to keep away from the electrics, goes to the duty supervisor as
danger, and "what should i do" hears the same advice again, not the phone question alone; a
Cantonese customer's status question and thanks after the hand-off are answered as such."""

from __future__ import annotations

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session

ELECTRICS = "Keep away from sparking"
"""A piece of the electrics' safety advice (``safety_electric`` in config/phrases/en.yaml)."""


async def test_water_in_the_electrics_in_english_hears_the_electrics_advice_and_again_when_asked(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client, locale="en")
    socket = await ChatSocket.open(client, token)
    await socket.caught_up()
    await socket.send("URGENT water is pouring into the electrical box in the basement carpark!!! sparks everywhere")
    await socket.until_bot_says("duty supervisor")
    assert socket.times_said(ELECTRICS) == 1
    assert not any("gas" in text or "lift" in text for text in socket.bot_texts())
    async with resources(client.app).sessions() as session:
        complaint = (
            await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    assert complaint.category == "engineering_repair" and complaint.grade == "complex"
    assert "danger" in complaint.signals

    await socket.tell([("what should i do", "phone number")])
    assert socket.times_said(ELECTRICS) == 2
    assert not any("You do not need to call us" in text for text in socket.bot_texts())
    await socket.close()


async def test_a_cantonese_status_question_and_thanks_after_the_hand_off_are_answered(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell(
        [("樓道嘅燈壞咗成個禮拜", "電話"), ("13800138000", "地址"), ("陽光花園3座", "是否正確"), ("係", "投訴編號")]
    )
    earlier = len(socket.bot_texts())
    await socket.tell([("幾時先搞掂呀", "投訴編號")])
    await socket.tell([("唔該晒", "不必客氣")])
    assert not any("轉給客服代表" in text and "留言" in text for text in socket.bot_texts()[earlier:])
    await socket.close()
