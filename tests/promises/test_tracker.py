"""The promise tracker with a real Redis and a real arq worker in burst mode, on a fixed clock."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import HandoffTicket, Timer
from tests.conftest import AppFactory, FixedClock
from tests.flows.chat import SHANGHAI
from tests.helpers import ChatSocket, new_session, settled, timeline_kinds
from tests.promises.support import (
    claim_and_resolve,
    claim_case,
    complaint,
    notifications,
    promised_case,
    run_due,
    run_worker,
    staff,
)

APOLOGY = "真不好意思，让您等了这么久"


def system_texts(socket: object) -> list[str]:
    frames = socket.frames  # type: ignore[attr-defined]
    return [f["text"] for f in frames if f.get("type") == "message" and f.get("from") in ("system", "bot")]


def apologies(socket: object) -> list[str]:
    return [text for text in system_texts(socket) if APOLOGY in text]


async def test_reminder_apology_and_breach_each_fire_at_their_time(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    promised = await complaint(client, conversation_id)
    # The stored deadline is the time the customer was promised: 12 service hours from Monday
    # 14:00 are Tuesday 17:00 ("明天下午5点前"), 27 hours away; the timers count from it.
    assert promised.deadline_at == clock.now + dt.timedelta(hours=27)

    clock.advance(hours=13, minutes=29)
    await run_due(client)
    assert await notifications(client, "deadline_reminder") == []

    clock.advance(minutes=1)  # half of the 27 hours: the waiting ticket's supervisors are reminded
    await run_due(client)
    [reminder] = await notifications(client, "deadline_reminder")
    assert reminder.audience == "role:supervisor" and reminder.conversation_id == conversation_id
    assert apologies(socket) == []

    clock.advance(hours=8, minutes=6)  # 80 %: the customer hears the waiting apology with the time left
    await run_due(client)
    await socket.until(lambda frames: bool(apologies(socket)))
    [apology] = apologies(socket)
    assert APOLOGY in apology and "5小时（今天下午5点前）" in apology, apology
    assert (await complaint(client, conversation_id)).breached_at is None

    clock.advance(hours=5, minutes=23)
    await run_due(client)
    assert await notifications(client, "deadline_breached") == []
    clock.advance(minutes=1)  # the deadline
    await run_due(client)
    breached = await complaint(client, conversation_id)
    assert breached.breached_at == clock.now
    [breach] = await notifications(client, "deadline_breached")
    assert breach.audience == "role:supervisor"
    async with resources(client.app).sessions() as session:
        ticket = (await session.execute(select(HandoffTicket))).scalar_one()
    assert (ticket.queue, ticket.priority, ticket.status) == ("supervisor", 0, "waiting")
    tracked = ["deadline_reminder", "waiting_apology", "deadline_breached", "escalated"]
    assert [kind for kind in await timeline_kinds(client, conversation_id) if kind in tracked] == tracked

    # Firing again (a repeated job) changes nothing.
    await run_due(client)
    assert len(await notifications(client, "deadline_breached")) == 1
    await socket.close()


async def test_a_breach_of_a_case_waiting_for_the_supervisor_already_says_it_is_still_unclaimed_there(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """A media threat put the case in the supervisor queue at P0; its deadline passing cannot
    escalate it further: no second "escalated" on its timeline, and the supervisors' breach notice
    says it still waits unclaimed in their own queue."""
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await socket.send("再不处理我就打12345 找电视台曝光你们")
    await socket.until_bot_says("值班主管")
    await settled(client, sockets=[socket])
    async with resources(client.app).sessions() as session:
        ticket = (await session.execute(select(HandoffTicket))).scalar_one()
    assert (ticket.queue, ticket.priority, ticket.status) == ("supervisor", 0, "waiting")
    assert (await timeline_kinds(client, conversation_id)).count("escalated") == 1

    due = (await complaint(client, conversation_id)).deadline_at
    assert due is not None
    clock.advance(seconds=(due - clock.now).total_seconds() + 60)
    await run_due(client)

    assert (await complaint(client, conversation_id)).breached_at is not None
    [breach] = await notifications(client, "deadline_breached")
    assert breach.audience == "role:supervisor"
    assert breach.detail["still_unclaimed_in"] == "supervisor"
    kinds = await timeline_kinds(client, conversation_id)
    assert "deadline_breached" in kinds and kinds.count("escalated") == 1
    await socket.close()


async def test_the_owner_is_reminded_and_nothing_fires_once_resolved(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    headers, agent_id = await claim_case(client, conversation_id, "wang.agent")
    clock.advance(hours=13, minutes=30)
    await run_due(client)
    [reminder] = await notifications(client, "deadline_reminder")
    assert reminder.audience == f"user:{agent_id}"

    resolved = await client.post(
        f"/api/conversations/{conversation_id}/resolve", json={"summary": "已修好"}, headers=headers
    )
    assert resolved.status == 200
    clock.advance(hours=14)  # past the apology's time and the deadline
    await run_due(client)
    await settled(client, sockets=[socket])
    assert not any(APOLOGY in text for text in system_texts(socket))
    assert (await complaint(client, conversation_id)).breached_at is None
    assert await notifications(client, "deadline_breached") == []
    async with resources(client.app).sessions() as session:
        statuses = dict((await session.execute(select(Timer.kind, Timer.status))).all())
    assert statuses["case_breach"] == "cancelled" and statuses["case_apology"] == "cancelled"
    await socket.close()


async def test_an_extension_rearms_the_timers_and_tells_the_customer_the_new_time(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    original = (await complaint(client, conversation_id)).deadline_at
    assert original is not None
    headers, _ = await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    clock.advance(hours=1)

    refused = await client.post(f"/api/conversations/{conversation_id}/extend", json={"hours": 0}, headers=headers)
    assert refused.status == 400
    extended = await client.post(
        f"/api/conversations/{conversation_id}/extend",
        json={"hours": 12, "reason": "需要厂家派工程师"},
        headers=headers,
    )
    assert extended.status == 200, await extended.text()
    # 12 service hours more from Tuesday 17:00, as the first promise counts them: half an hour on
    # Tuesday, 9 h on Wednesday, 2.5 h on Thursday
    new_deadline = dt.datetime(2026, 11, 26, 11, 0, tzinfo=SHANGHAI)
    assert dt.datetime.fromisoformat((await extended.json())["deadline_at"]) == new_deadline
    told = "还需要一些时间处理，我们会在11月26日（周四）上午11点前给您明确的答复"
    await socket.until(lambda frames: any(told in text for text in system_texts(socket)))
    assert apologies(socket) == []  # a date, not "68小时", and not "让您等了这么久" an hour after filing

    stored = await complaint(client, conversation_id)
    assert (stored.original_deadline_at, stored.deadline_at) == (original, new_deadline)
    view = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert dt.datetime.fromisoformat(view["complaints"][0]["deadline_at"]) == new_deadline
    assert "deadline_extended" in await timeline_kinds(client, conversation_id)

    clock.now = original + dt.timedelta(minutes=1)  # the old deadline passes: no breach
    await run_due(client)
    assert (await complaint(client, conversation_id)).breached_at is None
    clock.now = new_deadline
    await run_due(client)
    assert (await complaint(client, conversation_id)).breached_at == new_deadline

    agent_headers, _ = await staff(client, "sun.agent", Role.AGENT)
    forbidden = await client.post(
        f"/api/conversations/{conversation_id}/extend", json={"hours": 2, "reason": "x"}, headers=agent_headers
    )
    assert forbidden.status == 403
    await socket.close()


async def test_an_extension_is_at_least_an_hour_and_a_case_is_extended_three_times_at_most(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    headers, _ = await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    url = f"/api/conversations/{conversation_id}/extend"

    tiny = await client.post(url, json={"hours": 1e-7, "reason": "x"}, headers=headers)
    assert tiny.status == 400 and "at least 1 hours" in (await tiny.json())["error"]
    for _ in range(3):
        assert (await client.post(url, json={"hours": 2, "reason": "等配件"}, headers=headers)).status == 200
    fourth = await client.post(url, json={"hours": 2, "reason": "等配件"}, headers=headers)
    assert fourth.status == 409 and "already extended 3 times" in (await fourth.json())["error"]
    told = "还需要一些时间处理"
    await socket.until(lambda frames: sum(told in text for text in system_texts(socket)) == 3)
    await settled(client, sockets=[socket])
    assert sum(told in text for text in system_texts(socket)) == 3  # the refused ones told nobody
    await socket.close()


async def test_timers_survive_a_redis_flush(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await resources(client.app).redis.flushdb()  # the due-timer set and the arq queue are gone
    clock.advance(hours=27, minutes=1)
    assert await run_due(client) == 0  # nothing left in Redis to fire
    assert (await complaint(client, conversation_id)).breached_at is None

    await run_worker(client, reconcile_first=True)  # reconcile re-enqueues from the timers table
    assert (await complaint(client, conversation_id)).breached_at is not None
    assert len(await notifications(client, "deadline_reminder")) == 1
    await settled(client, sockets=[socket])
    assert not any(APOLOGY in text for text in system_texts(socket))  # too late for an apology
    await socket.close()


async def test_progress_follow_ups_come_at_the_category_cadence(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)  # 垃圾: property service, every 3 days
    assert (await complaint(client, conversation_id)).category == "property_service"
    clock.advance(days=2, hours=23)
    await run_due(client)
    follow_up = "我们正在抓紧处理"
    await settled(client, sockets=[socket])
    assert not any(follow_up in text for text in system_texts(socket))
    clock.advance(hours=1)
    await run_due(client)
    await socket.until(lambda frames: any(follow_up in text for text in system_texts(socket)))
    clock.advance(days=3)
    await run_due(client)
    await socket.until(lambda frames: sum(follow_up in text for text in system_texts(socket)) == 2)
    assert (await timeline_kinds(client, conversation_id)).count("progress_follow_up") == 2

    await claim_and_resolve(client, conversation_id)
    clock.advance(days=3)
    await run_due(client)
    assert (await timeline_kinds(client, conversation_id)).count("progress_follow_up") == 2
    await socket.close()


async def test_a_customer_who_writes_traditional_hears_the_apology_in_traditional(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in (
        ("社區樓道的垃圾三天沒人清理", "電話"),
        ("13800138000", "地址"),
        ("陽光花園3棟", "是否正確"),
        ("對", "投訴編號"),
    ):
        await socket.send(text)
        await socket.until_bot_says(answer)
    headers, _ = await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    extension = {"hours": 12, "reason": "需要厂家派工程师"}
    extended = await client.post(f"/api/conversations/{conversation_id}/extend", json=extension, headers=headers)
    assert extended.status == 200, await extended.text()
    await socket.until(lambda frames: any("還需要一些時間處理" in text for text in system_texts(socket)))
    assert apologies(socket) == []  # not in simplified characters
    await socket.close()


async def test_a_case_with_the_supervisor_is_tracked_from_the_hand_off_before_its_time_is_said(
    make_client: AppFactory,
) -> None:
    """Danger handed over at once: the deadline is tracked from then, while the phone and the place
    are still asked for; saying the time later arms nothing twice."""
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.send("楼道里煤气味特别大 是不是漏气了")
    await socket.until_bot_says("电话号码")
    await settled(client, sockets=[socket])

    async def breach_timers() -> list[str]:
        async with resources(client.app).sessions() as session:
            rows = await session.execute(
                select(Timer.status).where(Timer.conversation_id == conversation_id, Timer.kind == "case_breach")
            )
            return list(rows.scalars())

    assert await breach_timers() == ["pending"]
    assert "promised" not in await timeline_kinds(client, conversation_id)
    await socket.send("13800001117 朝阳区劲松八区5号楼")
    await socket.until_bot_says("您的投诉编号是")
    await settled(client, sockets=[socket])
    assert await breach_timers() == ["pending"]
    kinds = await timeline_kinds(client, conversation_id)
    assert kinds.index("deadline_set") < kinds.index("restated") < kinds.index("promised")
    await socket.close()


async def test_a_wait_under_an_hour_is_apologised_for_in_minutes(make_client: AppFactory, clock: FixedClock) -> None:
    """A media threat is answered within the hour (by 15:00): at 80 % of it the customer is asked to
    bear with us "12分钟", never "0.2小时". (Danger now hears no time to wait:
    tests/workers/test_emergency_deadlines.py.)"""
    client = await make_client()
    token, _conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.send("电梯坏了三天了 再不修我就找媒体曝光")
    await socket.until_bot_says("电话")
    await socket.send("13800001117")
    await socket.until_bot_says("地址")
    await socket.send("阳光花园3栋")
    await socket.until_bot_says("投诉编号")
    clock.advance(minutes=48)
    await run_due(client)
    await socket.until(lambda frames: bool(apologies(socket)))
    [apology] = apologies(socket)
    assert "请您再耐心地等12分钟（今天下午3点前），" in apology, apology
    await socket.close()
