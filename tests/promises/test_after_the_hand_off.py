"""What the customer says after the hand-off reaches the case itself: a withdrawal stops its
timers, a corrected place replaces its place."""

from __future__ import annotations

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Timer
from tests.conftest import AppFactory, FixedClock
from tests.helpers import settled
from tests.promises.support import complaint, notifications, promised_case, run_due

APOLOGY = "真不好意思，让您等了这么久"


async def test_a_withdrawn_case_hears_no_waiting_apology_and_is_not_escalated_at_its_deadline(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await socket.send("水已经来了，我之前的投诉不用处理了")
    await socket.until_bot_says("不需要我们处理了")
    clock.advance(hours=14)  # past the apology's time and the deadline
    await run_due(client)
    await settled(client, sockets=[socket])
    assert not any(APOLOGY in str(frame.get("text", "")) for frame in socket.frames)
    assert (await complaint(client, conversation_id)).breached_at is None
    assert await notifications(client, "deadline_breached") == []
    async with resources(client.app).sessions() as session:
        statuses = dict((await session.execute(select(Timer.kind, Timer.status))).all())
    assert statuses["case_breach"] == "cancelled" and statuses["case_apology"] == "cancelled"
    await socket.close()


async def test_a_place_corrected_after_the_hand_off_replaces_the_cases_place(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await socket.send("地址也写错了，是阳光花园5栋不是3栋")
    await socket.until_bot_says("地址已更正为：阳光花园5栋")
    await settled(client, sockets=[socket])
    assert (await complaint(client, conversation_id)).area == "阳光花园5栋"
    await socket.close()
