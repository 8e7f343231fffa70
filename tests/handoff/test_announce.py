"""Waiting customers hear their place in the queue, and hear again when it changes."""

from __future__ import annotations

import datetime as dt

from opencc import OpenCC

from bot.config import PhraseId, ServiceConfig
from bot.handoff.announce import notice_for
from bot.handoff.live_queue import positions_in_queue
from bot.handoff.queue import WaitingTicket
from bot.staff.accounts import Role
from bot.understanding.guard import ForbiddenGuard
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx, system_texts, ticket_of
from tests.staff import add_user, sign_in
from workers.queue import announce_queue

T0 = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
URGENT_NOTICE_ZH = (
    "值班主管已收到您的紧急情况，正在尽快与您联系。请继续按照刚才的提示注意安全；"
    "如果情况变得更危险，请马上拨打119（火警）、110（报警）或120（急救）。"
)


def _ticket(ticket_id: int, queue: str) -> WaitingTicket:
    return WaitingTicket(ticket_id, ticket_id, queue, 2, "complaint", T0)


def test_positions_count_within_each_queue() -> None:
    ordered = [_ticket(1, "supervisor"), _ticket(2, "general"), _ticket(3, "general"), _ticket(4, "supervisor")]
    assert positions_in_queue(ordered) == {1: 1, 2: 1, 3: 2, 4: 2}


def test_the_next_customer_hears_they_are_next_and_the_others_an_estimate() -> None:
    assert notice_for(1, 5).phrase_id is PhraseId.QUEUE_NEXT
    assert notice_for(2, 5) == notice_for(2, 5.0)
    assert (notice_for(2, 5).phrase_id, notice_for(2, 5).minutes) == (PhraseId.QUEUE_POSITION, 5)
    assert notice_for(4, 5).minutes == 15
    # Outside service hours nobody is there to be "right with you" or to keep an estimate.
    assert (notice_for(1, 5, serving=False).phrase_id, notice_for(1, 5, serving=False).minutes) == (
        PhraseId.QUEUE_AFTER_HOURS,
        0,
    )


def test_the_queue_phrases_are_in_every_locale(service_config: ServiceConfig) -> None:
    zh, en = service_config.phrases["zh-CN"].phrases, service_config.phrases["en"].phrases
    assert "我马上就来为您服务" in zh[PhraseId.QUEUE_NEXT] and "请稍候" in zh[PhraseId.QUEUE_POSITION]
    assert "{position}" in en[PhraseId.QUEUE_POSITION] and "{minutes}" in en[PhraseId.QUEUE_POSITION]
    guard = ForbiddenGuard(service_config.forbidden, OpenCC("t2s").convert)
    for text in (zh[PhraseId.QUEUE_NEXT], zh[PhraseId.QUEUE_POSITION], en[PhraseId.QUEUE_NEXT]):
        assert guard.check(text) is None


async def test_when_the_first_customer_is_claimed_the_second_hears_they_are_next(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """A minute after "第2位" (never two places within ``place_updates.default.min_interval_minutes``)."""
    client = await make_client(in_process_worker=True)
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    first, first_socket = await customer_hands_off(client)
    await first_socket.until(lambda frames: any("我马上就来为您服务" in text for text in _system(frames)))
    second, second_socket = await customer_hands_off(client)
    await second_socket.until(lambda frames: any("第2位" in text for text in _system(frames)))
    assert "预计等待约5分钟" in system_texts(second_socket)[0]

    ticket_id = await ticket_of(client, first)
    clock.advance(minutes=1)
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    await second_socket.until(lambda frames: any("我马上就来为您服务" in text for text in _system(frames)))
    assert system_texts(second_socket) == [
        "请稍候，您现在排在第2位，预计等待约5分钟，我们会尽快为您服务。",
        "请稍候，下一位就是您，我马上就来为您服务。",
    ]
    view = await (await client.get(f"/api/conversations/{second}")).json()
    assert [m["from"] for m in view["messages"]][-2:] == ["system", "system"]  # stored like any other message
    assert len(system_texts(first_socket)) == 1  # the claimed customer is not told about the queue again
    await first_socket.close()
    await second_socket.close()


async def test_an_unchanged_position_is_not_said_twice(make_client: AppFactory) -> None:
    client = await make_client()
    _, socket = await customer_hands_off(client)
    ctx = job_ctx(client)
    assert await announce_queue(ctx) == 1
    assert await announce_queue(ctx) == 0
    await socket.until(lambda frames: bool(_system(frames)))
    assert system_texts(socket) == ["请稍候，下一位就是您，我马上就来为您服务。"]
    await socket.close()


async def test_a_customer_told_they_are_next_is_not_told_they_moved_back(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """An elder asking for a person goes first (长者优先): the customer told "下一位就是您" hears
    no "第2位" after it, nor "next" again a minute later once the elder is taken (a player heard it at
    11:24 and 11:25); only once ``repeat_place_after_minutes`` have passed since it was said."""
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    ctx = job_ctx(client)
    _, first_socket = await customer_hands_off(client)
    assert await announce_queue(ctx) == 1
    elder, elder_socket = await customer_hands_off(client, says="转人工 我都八十多岁了 宽带又断了")
    assert await announce_queue(ctx) == 1  # the elder hears they are next; the first customer nothing
    elder_ticket = await ticket_of(client, elder)
    clock.advance(minutes=1)
    assert (await client.post(f"/api/tickets/{elder_ticket}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    assert await announce_queue(ctx) == 0
    await first_socket.caught_up()
    assert system_texts(first_socket) == ["请稍候，下一位就是您，我马上就来为您服务。"]

    # Lost and won back again half an hour after it was said: said again.
    second_elder, second_socket = await customer_hands_off(client, says="转人工 我都八十多岁了 电梯又坏了")
    assert await announce_queue(ctx) == 1  # the second elder hears they are next
    clock.advance(minutes=30)
    ticket = await ticket_of(client, second_elder)
    assert (await client.post(f"/api/tickets/{ticket}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    assert await announce_queue(ctx) == 1
    await first_socket.until(lambda frames: len(_system(frames)) == 2)
    assert system_texts(first_socket) == ["请稍候，下一位就是您，我马上就来为您服务。"] * 2
    await first_socket.close()
    await elder_socket.close()
    await second_socket.close()


def _system(frames: list[dict[str, object]]) -> list[str]:
    return [str(f["text"]) for f in frames if f.get("type") == "message" and f.get("from") == "system"]


async def test_a_customer_who_writes_traditional_hears_the_queue_in_traditional(make_client: AppFactory) -> None:
    client = await make_client()
    _, socket = await customer_hands_off(client, says="請幫我轉人工客服，我家的網路一直斷線")
    assert await announce_queue(job_ctx(client)) == 1
    await socket.until(lambda frames: bool(_system(frames)))
    assert system_texts(socket) == ["請稍候，下一位就是您，我馬上就來為您服務。"]
    await socket.close()


async def test_a_customer_queued_on_a_saturday_hears_staff_take_it_when_back_not_right_away(
    make_client: AppFactory,
) -> None:
    saturday_noon = FixedClock(dt.datetime(2026, 12, 5, 4, 18, tzinfo=dt.UTC))  # 12:18 in Shanghai
    client = await make_client(clock=saturday_noon)
    _, socket = await customer_hands_off(client)
    assert await announce_queue(job_ctx(client)) == 1
    await socket.until(lambda frames: bool(_system(frames)))
    [told] = system_texts(socket)
    assert "非工作时间" in told and "第1位" in told
    assert "马上" not in told and "分钟" not in told
    await socket.close()


async def test_an_emergency_queued_on_a_saturday_is_never_told_staff_are_away(make_client: AppFactory) -> None:
    """The duty supervisor takes danger at any hour (its reply is promised within the hour)."""
    saturday_noon = FixedClock(dt.datetime(2026, 12, 5, 4, 18, tzinfo=dt.UTC))
    client = await make_client(clock=saturday_noon)
    _, socket = await customer_hands_off(client, says="电梯里困了人 快来", expect="紧急")
    assert await announce_queue(job_ctx(client)) == 1
    await socket.until(lambda frames: bool(_system(frames)))
    [told] = system_texts(socket)
    assert "非工作时间" not in told and told == URGENT_NOTICE_ZH
    await socket.close()


async def test_a_place_further_back_than_one_told_is_never_said_and_the_status_names_none(
    make_client: AppFactory,
) -> None:
    """Told "第2位", then two elders go first: no "第4位" is said, a status question names no place
    ("正在排队等待处理"), and "第2位" won back minutes later is not said again: it was said."""
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    ctx = job_ctx(client)
    await customer_hands_off(client)
    _, socket = await customer_hands_off(client)
    assert await announce_queue(ctx) == 2
    await socket.until(lambda frames: any("第2位" in text for text in _system(frames)))
    elders = [
        await customer_hands_off(client, says=f"转人工 我都八十多岁了 {problem}又坏了") for problem in ("宽带", "电梯")
    ]
    await announce_queue(ctx)
    await socket.send("还要等多久")
    await socket.until_bot_says("正在排队等待处理")
    for elder, elder_socket in elders:
        ticket = await ticket_of(client, elder)
        assert (await client.post(f"/api/tickets/{ticket}/claim", headers={"X-CSRF-Token": csrf})).status == 200
        await announce_queue(ctx)
        await elder_socket.close()
    await socket.caught_up()
    assert [text[:12] for text in system_texts(socket)] == ["请稍候，您现在排在第2位"]
    await socket.close()


async def test_after_hours_the_place_is_said_once(make_client: AppFactory) -> None:
    saturday_noon = FixedClock(dt.datetime(2026, 12, 5, 4, 18, tzinfo=dt.UTC))
    client = await make_client(clock=saturday_noon)
    ctx = job_ctx(client)
    await customer_hands_off(client)
    _, socket = await customer_hands_off(client)
    assert await announce_queue(ctx) == 2
    elder, elder_socket = await customer_hands_off(client, says="转人工 我都八十多岁了 宽带又断了")
    await announce_queue(ctx)
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    ticket = await ticket_of(client, elder)
    assert (await client.post(f"/api/tickets/{ticket}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    await announce_queue(ctx)
    await socket.until(lambda frames: bool(_system(frames)))
    [told] = system_texts(socket)
    assert "非工作时间" in told and "第2位" in told
    await socket.close()
    await elder_socket.close()


async def test_after_hours_a_customer_handed_to_the_duty_supervisor_never_hears_staff_are_away(
    make_client: AppFactory,
) -> None:
    """ "叫你们经理出来" on a Saturday: told "已立即转交值班主管处理", then never "现在是非工作时间"."""
    saturday_noon = FixedClock(dt.datetime(2026, 12, 5, 4, 18, tzinfo=dt.UTC))
    client = await make_client(clock=saturday_noon)
    ctx = job_ctx(client)
    _, general = await customer_hands_off(client)
    _, supervised = await customer_hands_off(client, says="叫你们经理出来", expect="值班主管")
    assert await announce_queue(ctx) == 2
    await general.until(lambda frames: bool(_system(frames)))
    await supervised.until(lambda frames: bool(_system(frames)))
    assert "非工作时间" in system_texts(general)[0]
    assert not any("非工作时间" in text for text in system_texts(supervised))
    await general.close()
    await supervised.close()


async def test_someone_trapped_in_a_lift_is_next_in_the_duty_supervisors_queue_not_behind_threats(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """Every ticket in the duty supervisor's queue is P0; danger now (紧急优先) goes before the
    threats, the refund demand and the supervisor asked for that came first: the trapped customer
    hears that the duty supervisor has the emergency, never a place ("第5位，预计等待约20分钟" nor
    "下一位就是您"), and the queue shows them first."""
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    await sign_in(client, "zhou")
    ctx = job_ctx(client)
    earlier = []
    threats_and_escalations = (
        "宽带老是断 我要曝光你们",
        "宽带一直断 不解决我就打12345",
        "物业费多收了 我要退款",
        "保安态度恶劣 我要找你们经理",
    )
    for says in threats_and_escalations:
        earlier.append(await customer_hands_off(client, says=says, expect="主管"))
        clock.advance(minutes=1)
    trapped, socket = await customer_hands_off(client, says="救命，我被困在电梯里了", expect="紧急")
    await announce_queue(ctx)
    await socket.until(lambda frames: bool(_system(frames)))
    assert system_texts(socket) == [URGENT_NOTICE_ZH]
    queue = (await (await client.get("/api/queue")).json())["tickets"]
    supervisor = [(t["conversation_id"], t["reason"]) for t in queue if t["queue"] == "supervisor"]
    assert supervisor[0] == (trapped, "danger")
    assert [reason for _, reason in supervisor[1:]] == ["threat", "threat", "beyond_authority", "supervisor_requested"]
    assert queue[0]["signals"] == ["danger"]
    for _, earlier_socket in earlier:
        await earlier_socket.close()
    await socket.close()


async def test_danger_told_after_asking_for_a_person_goes_first_too(make_client: AppFactory, clock: FixedClock) -> None:
    """"转人工", then "电梯里困了人": the waiting ticket moves to the duty supervisor as danger now,
    and the customer told "下一位就是您" in the general queue hears once that the duty supervisor has
    the emergency, never a place in the duty supervisor's queue."""
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    await sign_in(client, "zhou")
    ctx = job_ctx(client)
    _, threat_socket = await customer_hands_off(client, says="宽带老是断 我要曝光你们", expect="主管")
    clock.advance(minutes=1)
    trapped, socket = await customer_hands_off(client)
    await announce_queue(ctx)
    await socket.until(lambda frames: any("下一位就是您" in text for text in _system(frames)))
    await socket.send("救命 电梯里困了人 快来")
    await socket.until_bot_says("紧急")
    await announce_queue(ctx)
    await socket.until(lambda frames: len(_system(frames)) == 2)
    assert _system(socket.frames)[1] == URGENT_NOTICE_ZH
    await announce_queue(ctx)
    assert len(_system(socket.frames)) == 2
    queue = (await (await client.get("/api/queue")).json())["tickets"]
    assert (queue[0]["conversation_id"], queue[0]["reason"]) == (trapped, "danger")
    await threat_socket.close()
    await socket.close()


def test_an_estimate_past_the_promised_time_is_said_as_that_time() -> None:
    """Promised "by 10:30", the customer is never told "预计等待约140分钟": the promised time is
    said; once it has passed, the place alone."""
    soon = T0 + dt.timedelta(minutes=10)
    by_deadline = notice_for(4, 5, deadline_at=soon, now=T0)
    assert (by_deadline.phrase_id, by_deadline.deadline) == (PhraseId.QUEUE_POSITION_BY_DEADLINE, soon)
    within = notice_for(4, 5, deadline_at=T0 + dt.timedelta(minutes=30), now=T0)
    assert (within.phrase_id, within.minutes) == (PhraseId.QUEUE_POSITION, 15)
    passed = notice_for(4, 5, deadline_at=T0 - dt.timedelta(minutes=1), now=T0)
    assert (passed.phrase_id, passed.minutes) == (PhraseId.QUEUE_POSITION_NO_ESTIMATE, 0)
    assert notice_for(1, 5, deadline_at=soon, now=T0).phrase_id is PhraseId.QUEUE_NEXT


async def test_a_second_customer_in_danger_hears_the_supervisor_has_it_never_a_place(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """Two people trapped: the second is behind the first in the duty supervisor's queue, yet hears
    no "第2位，预计等待约5分钟", and nothing more when the first is taken."""
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    csrf = await sign_in(client, "zhou")
    ctx = job_ctx(client)
    first, first_socket = await customer_hands_off(client, says="救命，我被困在电梯里了", expect="紧急")
    clock.advance(minutes=1)
    _, socket = await customer_hands_off(client, says="楼道里煤气味特别大 是不是漏气了", expect="紧急")
    await announce_queue(ctx)
    await socket.until(lambda frames: bool(_system(frames)))
    assert system_texts(socket) == [URGENT_NOTICE_ZH]
    ticket = await ticket_of(client, first)
    assert (await client.post(f"/api/tickets/{ticket}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    assert await announce_queue(ctx) == 0
    assert system_texts(socket) == [URGENT_NOTICE_ZH]
    await first_socket.close()
    await socket.close()


async def test_a_customer_whose_wait_would_pass_the_promised_time_hears_that_time(
    make_client: AppFactory, service_config: ServiceConfig, clock: FixedClock
) -> None:
    """Two media threats, each promised within the hour; with 90 minutes a place the second would
    be told "预计等待约90分钟", past the hour promised: they hear the promised time instead."""
    queue = service_config.queue.model_copy(update={"estimate_minutes_per_position": 90})
    client = await make_client(config=service_config.model_copy(update={"queue": queue}))
    await add_user(client, "zhou", Role.SUPERVISOR)
    await sign_in(client, "zhou")
    ctx = job_ctx(client)
    _, first_socket = await customer_hands_off(client, says="宽带老是断 我要曝光你们", expect="主管")
    clock.advance(minutes=1)
    second, socket = await customer_hands_off(client, says="宽带一直断 不解决我就打12345", expect="主管")
    tickets = (await (await client.get("/api/queue")).json())["tickets"]
    [deadline_at] = [t["deadline_at"] for t in tickets if t["conversation_id"] == second]
    assert deadline_at is not None
    await announce_queue(ctx)
    await socket.until(lambda frames: bool(_system(frames)))
    [told] = system_texts(socket)
    assert told.startswith("请稍候，您现在排在第2位，我们会尽快为您服务，并在今天") and "预计等待" not in told, told
    await first_socket.close()
    await socket.close()
