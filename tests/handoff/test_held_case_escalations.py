"""What breaks through while an agent holds a case, end to end (standards §5): a leader asked for or
a threat reaches the duty supervisors at once (an urgent notice) while the agent keeps the case; the
phone asked for the supervisor's call is stored on the case; a threat of violence no supervisor has
read is alerted again until one does; and danger told with a case number not
proven the writer's is an emergency at once whose notice and timeline name the earlier case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, Notification, TimelineEvent, User
from tests.conftest import SHANGHAI, AppFactory, FixedClock
from tests.handoff.appeal_helpers import tickets_of, web_chat_case
from tests.handoff.queue_helpers import job_ctx
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import add_user, claim_conversation, sign_in
from workers.queue import supervise


async def _claimed_case(client: Any, csrf: str, phone: str | None = "13800138000") -> tuple[int, ChatSocket]:
    """A web chat case recorded, handed off and claimed by the signed-in agent."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    phone_answers = (
        [(phone, "小区或地址")] if phone else [("不想留电话", "方便留一个电话吗"), ("还是不想留", "小区或地址")]
    )
    await socket.tell(
        [("楼道灯坏了两周没人修", "电话"), *phone_answers, ("阳光花园3栋", "阳光花园3栋"), ("对", "投诉编号")]
    )
    await claim_conversation(client, csrf, conversation_id)
    return conversation_id, socket


async def _notices(client: Any, conversation_id: int, kind: str) -> list[Notification]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(
            select(Notification)
            .where(Notification.conversation_id == conversation_id, Notification.kind == kind)
            .order_by(Notification.id)
        )
        return list(found.scalars())


async def _user_id(client: Any, username: str) -> int:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(User.id).where(User.username == username))).scalar_one()


async def _case(client: Any, conversation_id: int) -> Complaint:
    async with resources(client.app).sessions() as session:
        found = await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        return found.scalar_one()


async def _owner(client: Any, conversation_id: int) -> str:
    async with resources(client.app).sessions() as session:
        found = await session.get(Conversation, conversation_id)
        assert found is not None
        return found.owner


async def test_a_leader_asked_for_while_an_agent_holds_the_case_tells_the_supervisors_and_the_agent_keeps_it(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_case(client, csrf)

    await socket.send("叫你们经理来")

    await socket.until_bot_says("已立即报告值班主管")
    assert "客服代表也会继续跟进" in "\n".join(socket.bot_texts())

    async def told() -> bool:
        return len(await _notices(client, conversation_id, "supervisor_told")) == 2

    await eventually(told, timeout=15)
    li = await _user_id(client, "li")
    notices = await _notices(client, conversation_id, "supervisor_told")
    assert {notice.audience for notice in notices} == {"role:supervisor", f"user:{li}"}
    detail = notices[0].detail or {}
    assert detail["reason"] == "supervisor_requested" and detail["text"] == "叫你们经理来"
    assert detail["priority"] == 0 and detail["owner"] == f"agent:{li}"
    case = await _case(client, conversation_id)
    assert detail["case_number"] == case.case_number and notices[0].complaint_id == case.id
    # The agent keeps the case (首问负责): no ticket waits to take it from them.
    assert await _owner(client, conversation_id) == f"agent:{li}"
    assert [(t.reason, t.status) for t in await tickets_of(client, conversation_id)] == [("complaint", "claimed")]
    await socket.close()


async def test_a_threat_of_violence_while_an_agent_holds_the_case_is_an_urgent_notice_with_the_escalations_time(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_case(client, csrf)
    promised = (await _case(client, conversation_id)).deadline_at

    await socket.send("再不修我砍死你们")

    await socket.until_bot_says("1小时内")

    async def told() -> bool:
        return len(await _notices(client, conversation_id, "supervisor_told")) == 2

    await eventually(told, timeout=15)
    [notice, _] = await _notices(client, conversation_id, "supervisor_told")
    assert notice.audience == "role:supervisor" and notice.read_at is None
    assert (notice.detail or {})["signals"] == ["violence"] and (notice.detail or {})["priority"] == 0
    case = await _case(client, conversation_id)
    assert case.deadline_at is not None and promised is not None
    assert case.deadline_at < promised  # within the hour now
    assert "violence" in (case.signals or [])
    async with resources(client.app).sessions() as session:
        escalated = (
            await session.execute(
                select(TimelineEvent.detail).where(
                    TimelineEvent.conversation_id == conversation_id, TimelineEvent.kind == "escalated"
                )
            )
        ).scalar_one()
    assert escalated == {"reason": "threat", "agent_keeps": True}
    await socket.close()


async def test_the_phone_given_after_an_appeal_of_a_held_case_without_one_is_stored_on_the_case(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_case(client, csrf, phone=None)
    assert (await _case(client, conversation_id)).contact_phone is None

    await socket.send("还是没人来修 你们根本不管 都第三次了")
    await socket.until_bot_says("请您留下可以联系到您的电话号码")
    await socket.send("13912345678")

    await socket.until_bot_says("值班主管会尽快拨打13912345678与您联系")
    await socket.until_bot_says("已升级为优先处理")  # the appeal's time, held back for the phone

    async def stored() -> bool:
        return (await _case(client, conversation_id)).contact_phone == "13912345678"

    await eventually(stored, timeout=15)
    await socket.close()


async def test_danger_told_with_another_chats_case_number_is_an_emergency_at_once_naming_that_case(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    earlier_id, case_number = await web_chat_case(client)

    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send(f"{case_number} 煤气味很重")

    await socket.until_bot_says("燃气")
    await socket.until_bot_says("紧急情况")
    assert not any("完整联系电话" in text for text in socket.bot_texts())  # never held on the check

    async def handed() -> bool:
        return [(t.queue, t.reason) for t in await tickets_of(client, conversation_id)] == [("supervisor", "danger")]

    await eventually(handed, timeout=15)
    async with resources(client.app).sessions() as session:
        handed_off = (
            await session.execute(
                select(TimelineEvent.detail).where(
                    TimelineEvent.conversation_id == conversation_id, TimelineEvent.kind == "handed_off"
                )
            )
        ).scalar_one()
        mentioned = (
            await session.execute(
                select(TimelineEvent.kind).where(
                    TimelineEvent.conversation_id == earlier_id, TimelineEvent.kind == "unverified_case_mention"
                )
            )
        ).scalars()
        assert list(mentioned) == ["unverified_case_mention"]
    assert handed_off["named_case"] == case_number and handed_off["reason"] == "danger"
    notices = await _notices(client, conversation_id, "rule_supervisor")
    assert notices and all((notice.detail or {}).get("named_case") == case_number for notice in notices)
    new_case = await _case(client, conversation_id)
    assert new_case.case_number != case_number and "danger" in (new_case.signals or [])
    await socket.close()


async def test_a_threat_of_violence_no_supervisor_has_read_is_alerted_again_until_one_reads_it(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client, supervisor_app = await make_client(), await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "lead", Role.SUPERVISOR)
    csrf = await sign_in(client, "li")
    lead_csrf = await sign_in(supervisor_app, "lead")
    conversation_id, socket = await _claimed_case(client, csrf)
    await socket.send("再不修我砍死你们")
    await socket.until_bot_says("1小时内")

    async def to_supervisors() -> list[Notification]:
        notices = await _notices(client, conversation_id, "supervisor_told")
        return [notice for notice in notices if notice.audience == "role:supervisor"]

    async def told() -> bool:
        return len(await to_supervisors()) == 1

    await eventually(told, timeout=15)
    ctx = job_ctx(client)
    clock.advance(minutes=4)
    await supervise(ctx)
    assert len(await to_supervisors()) == 1  # the P0 pickup alert's 5 minutes not yet passed
    clock.advance(minutes=1)
    await supervise(ctx)
    await supervise(ctx)  # once per alert
    clock.advance(minutes=10)
    await supervise(ctx)
    notices = await to_supervisors()
    assert [(notice.detail or {}).get("alert") for notice in notices] == [None, 2, 3]
    assert all((notice.detail or {})["signals"] == ["violence"] for notice in notices)

    # A supervisor reads the newest alert: the threat is seen, never alerted again.
    read = await supervisor_app.post(f"/api/notifications/{notices[-1].id}/read", headers={"X-CSRF-Token": lead_csrf})
    assert read.status == 200
    clock.advance(minutes=30)
    await supervise(ctx)
    assert len(await to_supervisors()) == 3
    await socket.close()


async def test_a_leader_asked_for_while_held_is_told_once_not_alerted_again(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_case(client, csrf)
    await socket.send("叫你们经理来")
    await socket.until_bot_says("已立即报告值班主管")

    async def told() -> bool:
        return len(await _notices(client, conversation_id, "supervisor_told")) == 2

    await eventually(told, timeout=15)
    clock.advance(minutes=30)
    await supervise(job_ctx(client))
    assert len(await _notices(client, conversation_id, "supervisor_told")) == 2
    await socket.close()


async def test_danger_told_while_an_agent_holds_the_case_hears_the_safety_advice_and_reaches_the_supervisors(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_case(client, csrf)

    await socket.send("楼道里煤气味特别大")

    await socket.until_bot_says("燃气")
    await socket.until_bot_says("紧急情况")

    async def told() -> bool:
        return len(await _notices(client, conversation_id, "supervisor_told")) == 2

    await eventually(told, timeout=15)
    detail = (await _notices(client, conversation_id, "supervisor_told"))[0].detail or {}
    assert detail["reason"] == "danger" and detail["signals"] == ["danger"]
    li = await _user_id(client, "li")
    assert await _owner(client, conversation_id) == f"agent:{li}"
    await socket.close()


async def test_a_fire_after_the_gas_in_a_held_chat_is_a_notice_of_its_own_the_gas_again_is_not(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_case(client, csrf)
    await socket.send("阳光花园3栋燃气泄漏了 好大的味道")
    await socket.until_bot_says("关闭燃气总阀")

    async def told(count: int) -> bool:
        return len(await _notices(client, conversation_id, "supervisor_told")) == count

    await eventually(lambda: told(2), timeout=15)
    clock.advance(minutes=2)
    await socket.send("阳光花园3栋着火了")
    await socket.until_bot_says("沿安全通道撤离")
    await eventually(lambda: told(4), timeout=15)
    texts = [(notice.detail or {}).get("text") for notice in await _notices(client, conversation_id, "supervisor_told")]
    assert texts[2:] == ["阳光花园3栋着火了", "阳光花园3栋着火了"]
    clock.advance(minutes=1)
    said = socket.times_said("关闭燃气总阀")
    await socket.send("燃气泄漏了 好大的味道")
    await socket.until_bot_says_anew("关闭燃气总阀", said)  # the advice first, again
    await socket.until_bot_says("请您放心")
    assert await told(4)
    await socket.close()


async def test_a_leader_asked_for_after_an_extension_is_promised_the_priority_time_not_the_extended_one(
    make_client: AppFactory,
) -> None:
    """ "已升级为优先处理" with a time days away is no priority: a leader asked for on the case ("叫你们
    经理来 都几天了还没人修") is the customer pressing a complaint still open, answered within the
    appeal's time (deadlines.yaml ``appeal``) when that is sooner than the extended one."""
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    await add_user(client, "zhou", Role.SUPERVISOR)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_case(client, csrf)
    supervisor = {"X-CSRF-Token": await sign_in(client, "zhou")}
    extended = await client.post(
        f"/api/conversations/{conversation_id}/extend", json={"hours": 8, "reason": "等配件"}, headers=supervisor
    )
    assert extended.status == 200, await extended.text()
    extended_to = (await _case(client, conversation_id)).deadline_at
    assert extended_to is not None

    await socket.send("叫你们经理来 都几天了还没人修")
    await socket.until_bot_says("已升级为优先处理")

    case = await _case(client, conversation_id)
    assert case.deadline_at is not None and case.deadline_at < extended_to
    # Within the appeal's 2 service hours of now (rounded up to the half hour), never days away.
    assert case.deadline_at - extended_to < dt.timedelta(0)
    assert case.promised_at is not None and case.deadline_at <= case.promised_at + dt.timedelta(days=1)
    await socket.close()


async def test_a_routine_after_hours_notice_is_not_made_urgent_under_its_old_time_by_a_later_appeal(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """Handed off at 17:51 (after hours: the routine "needs a supervisor" notice), the case held by
    an agent; at 18:09 the customer appeals ("第三次投诉", 12345). The supervisors' urgent notice is
    the appeal's, dated 18:09; the 17:51 notice stays routine, never an urgent card dated 17:51."""
    clock.now = dt.datetime(2026, 11, 23, 17, 51, tzinfo=SHANGHAI).astimezone(dt.UTC)
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_case(client, csrf)
    [routine] = await _notices(client, conversation_id, "rule_supervisor")
    assert (routine.detail or {}).get("priority") != 0
    made = routine.created_at

    clock.advance(minutes=18)
    appealed_at = resources(client.app).clock()
    await socket.send("这已经是第三次投诉了 根本没人管 再不解决我就打12345")

    async def told_now() -> bool:
        async with resources(client.app).sessions() as session:
            found = await session.execute(
                select(Notification.id).where(
                    Notification.conversation_id == conversation_id,
                    Notification.audience == "role:supervisor",
                    Notification.created_at >= appealed_at,
                )
            )
            return bool(found.all())

    await eventually(told_now, timeout=15)
    later = await _notices(client, conversation_id, "rule_supervisor")
    before = next(notice for notice in later if notice.id == routine.id)
    assert before.created_at == made and (before.detail or {}).get("priority") == (routine.detail or {}).get("priority")
    # every notice urgent now is dated when it became urgent
    assert all(notice.created_at >= appealed_at for notice in later if (notice.detail or {}).get("priority") == 0)
    await socket.close()
