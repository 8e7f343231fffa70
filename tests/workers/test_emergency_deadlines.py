"""What a customer in danger hears while the hour runs and when it passes, and who hears of an
emergency's missed time: the promise tracker's jobs on a real Redis, database and arq worker."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import User
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, new_session
from tests.promises.support import complaint, notifications, run_due, staff

ROUTINE_APOLOGY = "请您再耐心地等"
CALL_FOR_HELP = "请马上拨打119（火警）、110（报警）或120（急救）"


def customer_texts(socket: ChatSocket) -> list[str]:
    return [f["text"] for f in socket.frames if f.get("type") == "message" and f.get("from") in ("system", "bot")]


async def told(socket: ChatSocket, words: str) -> str:
    """The one message the customer was sent with ``words``, once it came."""
    await socket.until(lambda frames: any(words in text for text in customer_texts(socket)))
    [text] = [text for text in customer_texts(socket) if words in text]
    return text


async def reported(client: Any, says: str, answers: tuple[tuple[str, str], ...]) -> tuple[int, ChatSocket]:
    """A web chat customer tells of an emergency and answers the questions; returns the
    conversation and its open socket."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send(says)
    for text, expect in answers:
        await socket.until_bot_says(expect)
        if text:
            await socket.send(text)
    return conversation_id, socket


async def gas_leak(client: Any) -> tuple[int, ChatSocket]:
    return await reported(
        client,
        "楼道里煤气味特别大 是不是漏气了",
        (("13800001117 朝阳区劲松八区5号楼", "电话号码"), ("", "您的投诉编号是")),
    )


async def switch_off(client: Any, username: str) -> None:
    def off(session: Any) -> None:
        session.execute(update(User).where(User.username == username).values(active=False))

    await resources(client.app).database.write(off)


async def test_a_gas_leak_waiting_hears_to_stay_safe_not_to_wait_twelve_more_minutes(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    _, socket = await gas_leak(client)
    clock.advance(minutes=48)  # 80 % of the hour
    await run_due(client)
    apology = await told(socket, "久等")
    assert apology.startswith("真不好意思，让您久等了！值班主管正在加紧处理您的紧急情况") and CALL_FOR_HELP in apology
    assert ROUTINE_APOLOGY not in apology and "分钟" not in apology
    await socket.close()


async def test_a_gas_leak_past_its_hour_tells_the_customer_and_every_active_manager(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """The hour passes unanswered: the customer hears so at once with what to do meanwhile, and the
    gas leak reaches each active manager, not only the supervisors ("仍在「值班主管」等待认领")."""
    client = await make_client()
    await staff(client, "zhou.supervisor", Role.SUPERVISOR)
    _, first_manager = await staff(client, "wang.manager", Role.MANAGER)
    _, second_manager = await staff(client, "chen.manager", Role.MANAGER)
    await staff(client, "gone.manager", Role.MANAGER)
    await switch_off(client, "gone.manager")
    conversation_id, socket = await gas_leak(client)
    clock.advance(minutes=61)
    await run_due(client)
    assert (await complaint(client, conversation_id)).breached_at is not None

    overdue = await told(socket, "没能在承诺的时间内")
    assert "值班主管和负责人会尽快直接与您联系" in overdue and CALL_FOR_HELP in overdue
    managers_told = await notifications(client, "urgent_deadline_breached")
    assert sorted(notice.audience for notice in managers_told) == sorted(
        [f"user:{first_manager}", f"user:{second_manager}"]
    )
    assert all(notice.conversation_id == conversation_id for notice in managers_told)
    assert managers_told[0].detail["signals"] == ["danger"]
    [supervisors] = await notifications(client, "deadline_breached")
    assert supervisors.audience == "role:supervisor" and supervisors.detail["managers_told"] == 2

    await run_due(client)  # a repeated firing tells nobody twice
    assert len(await notifications(client, "urgent_deadline_breached")) == 2
    assert len([text for text in customer_texts(socket) if "没能在承诺的时间内" in text]) == 1
    await socket.close()


async def test_talk_of_self_harm_hears_care_and_the_hotline_never_a_time(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    _, socket = await reported(
        client,
        "我不想活了 楼上装修吵了三个月了 没人管",
        (("13800001117", "电话号码"), ("阳光花园3栋", "地址（区域）"), ("", "地址已记录")),
    )
    clock.advance(minutes=48)
    await run_due(client)
    care = await told(socket, "久等")
    assert "12356" in care and ROUTINE_APOLOGY not in care and "分钟" not in care
    clock.advance(minutes=13)
    await run_due(client)
    overdue = await told(socket, "还没能与您联系上")
    assert "12356" in overdue and "点前" not in overdue
    in_the_queue = await told(socket, "值班主管已收到通知")  # never a place in the queue
    assert "12356" in in_the_queue and "119" not in in_the_queue and "第" not in in_the_queue
    await socket.close()


async def test_a_media_threat_past_its_hour_reaches_the_managers_and_a_routine_case_does_not(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """A P0 case (a media threat, with the duty supervisor) whose time passed reaches the managers
    too; the customer hears the routine words, no safety advice. A routine case's breach, escalated
    to the duty supervisor, reaches only the supervisors."""
    client = await make_client()
    _, manager = await staff(client, "wang.manager", Role.MANAGER)
    threat, threat_socket = await reported(
        client,
        "电梯坏了三天了 再不修我就找媒体曝光",
        (("13800001117", "电话"), ("阳光花园3栋", "地址"), ("", "投诉编号")),
    )
    routine, routine_socket = await reported(
        client,
        "小区楼道的垃圾三天没人清理",
        (("13800138000", "电话"), ("阳光花园3栋", "地址"), ("对", "是否正确"), ("", "投诉编号")),
    )
    for conversation_id in (threat, routine):
        due = (await complaint(client, conversation_id)).deadline_at
        assert due is not None
        clock.advance(seconds=max(0.0, (due - clock.now).total_seconds()) + 60)
        await run_due(client)
        assert (await complaint(client, conversation_id)).breached_at is not None
    [told] = await notifications(client, "urgent_deadline_breached")
    assert (told.audience, told.conversation_id, told.detail["priority"]) == (f"user:{manager}", threat, 0)
    assert not any(CALL_FOR_HELP in text for text in customer_texts(threat_socket))
    await threat_socket.close()
    await routine_socket.close()
