"""What the customer says after the hand-off reaches the case itself: a withdrawal stops its
timers, a corrected place replaces its place, a threat brings its reply time forward."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import HandoffTicket, Timer
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


async def test_a_withdrawal_taken_back_arms_the_case_s_timers_again_for_its_time(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    promised = await complaint(client, conversation_id)
    await socket.send("水已经来了，我之前的投诉不用处理了")
    await socket.until_bot_says("不需要我们处理了")
    await settled(client, sockets=[socket])
    clock.advance(minutes=10)
    await socket.send("诶 还是来吧 又开始漏了")
    await socket.until_bot_says("我们继续为您处理")
    assert promised.case_number in socket.bot_texts()[-1] and "明天下午5点前" in socket.bot_texts()[-1]
    await settled(client, sockets=[socket])
    assert (await complaint(client, conversation_id)).deadline_at == promised.deadline_at
    clock.advance(hours=27)  # past the time kept: breached, as if never given up
    await run_due(client)
    assert (await complaint(client, conversation_id)).breached_at is not None
    await socket.close()


async def test_a_place_corrected_after_the_hand_off_replaces_the_cases_place(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await socket.send("地址也写错了，是阳光花园5栋不是3栋")
    await socket.until_bot_says("地址已更正为：阳光花园5栋")
    await settled(client, sockets=[socket])
    assert (await complaint(client, conversation_id)).area == "阳光花园5栋"
    await socket.close()


async def test_a_threat_on_a_handed_off_case_brings_its_reply_time_to_the_escalation_s_and_says_it(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """Promised 明天下午5点前, the case is threatened with 12345 while it waits: as the same threat on a
    new case, the duty supervisor answers within the hour, and the customer is told so; the case's
    time, its timers and its status answers follow."""
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    promised = await complaint(client, conversation_id)
    await socket.send("垃圾还是没人清理 再不处理我就打12345投诉你们")
    await socket.until_bot_says("1小时内（今天下午3点前）")
    escalated = await complaint(client, conversation_id)
    assert promised.deadline_at == clock.now + dt.timedelta(hours=27)
    assert escalated.deadline_at == clock.now + dt.timedelta(hours=1)
    assert "media_legal" in escalated.signals
    said = next(text for text in socket.bot_texts() if "1小时内" in text)
    assert promised.case_number in said
    async with resources(client.app).sessions() as session:
        ticket = (await session.execute(select(HandoffTicket))).scalar_one()
    assert (ticket.queue, ticket.priority) == ("supervisor", 0)

    await socket.send("处理到哪了")
    await socket.until_bot_says("我们会在今天下午3点前给您明确的答复")
    status = socket.bot_texts()[-1]
    assert promised.case_number in status and "值班主管" in status and "客服代表" not in status

    clock.advance(hours=1)  # the new time: breached, not tomorrow at 5
    await run_due(client)
    assert (await complaint(client, conversation_id)).breached_at == clock.now
    [breach] = await notifications(client, "deadline_breached")
    assert breach.conversation_id == conversation_id
    await socket.close()
