"""After hand-off the customer is never talking to a wall (seed 000 四(五)2: 跟进投诉处理的进程,
适时地告知客户, issue 12 item 1), over web chat and SMS, with the real database and queue.

A status question always gets the case number, the promised time and where the case stands:
waiting (with the queue position), with whom, extended. Any other message reaches the agent and
is acknowledged at most once per ``timers.handoff_ack_after``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, HandoffTicket, Message, User
from tests.channels.conftest import PHONE, Stub
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import system_texts, ticket_of
from tests.helpers import ChatSocket, eventually, new_session, settled
from tests.promises.support import run_due
from tests.staff import add_user, sign_in

STATUS_QUESTION = "我的投诉处理得怎么样了?"


async def complain_on_web_chat(client: Any, phone: str) -> tuple[int, str, ChatSocket]:
    """A web chat customer whose complaint was confirmed and handed to the queue; returns the
    conversation id, the case number and the open socket."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in (
        ("小区楼道的垃圾三天没人清理", "电话"),
        (phone, "地址"),
        ("阳光花园3栋", "是否正确"),
        ("对", "投诉编号"),
    ):
        await socket.send(text)
        await socket.until_bot_says(answer)
    async with resources(client.app).sessions() as session:
        case_number = (
            await session.execute(select(Complaint.case_number).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    return conversation_id, case_number, socket


async def ask(socket: ChatSocket, text: str, expect: str) -> str:
    """Send ``text``; the bot's reply saying ``expect`` (one not seen on this socket before)."""
    before = len(socket.bot_texts())
    await socket.send(text)
    await socket.until(lambda frames: any(expect in said for said in socket.bot_texts()[before:]))
    return next(said for said in socket.bot_texts()[before:] if expect in said)


async def test_web_chat_status_while_waiting_with_an_agent_and_after_an_extension(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client(in_process_worker=True)
    _, _, first_socket = await complain_on_web_chat(client, "13900139000")
    second, case_number, socket = await complain_on_web_chat(client, "13800138000")
    # told by the in-process worker's queue round, which a loaded CI machine can hold back a while
    await socket.until(lambda frames: any("第2位" in text for text in system_texts(socket)), timeout=30)

    # Waiting: the second customer is told the case number, the promised time and position 2.
    waiting = await ask(socket, STATUS_QUESTION, case_number)
    assert "明天下午5点前" in waiting and "第2位" in waiting, waiting
    again = await ask(socket, "什么时候给我答复?", case_number)
    assert "第2位" in again, again

    # An agent claims the case: the status names them, though the conversation is theirs now.
    await add_user(client, "li.agent", Role.AGENT)

    def name_agent(session: Any) -> None:
        session.execute(update(User).where(User.username == "li.agent").values(display_name="李娜"))

    await resources(client.app).database.write(name_agent)
    csrf = await sign_in(client, "li.agent")
    claimed = await client.post(f"/api/tickets/{await ticket_of(client, second)}/claim", headers={"X-CSRF-Token": csrf})
    assert claimed.status == 200
    with_agent = await ask(socket, STATUS_QUESTION, "李娜")
    assert case_number in with_agent and "明天下午5点前" in with_agent and "第2位" not in with_agent, with_agent

    # A supervisor extends the deadline by 12 service hours: the status says so, with the new time.
    await add_user(client, "zhou.supervisor", Role.SUPERVISOR)
    csrf = await sign_in(client, "zhou.supervisor")
    extended = await client.post(
        f"/api/conversations/{second}/extend",
        json={"hours": 12, "reason": "需要厂家派工程师"},
        headers={"X-CSRF-Token": csrf},
    )
    assert extended.status == 200, await extended.text()
    after = await ask(socket, STATUS_QUESTION, "延长")
    assert case_number in after and "11月26日（周四）上午11点前" in after and "李娜" in after, after

    # Every question reached the agent's view of the conversation.
    async with resources(client.app).sessions() as session:
        stored = (
            (
                await session.execute(
                    select(Message.text).where(Message.conversation_id == second, Message.direction == "in")
                )
            )
            .scalars()
            .all()
        )
    assert stored.count(STATUS_QUESTION) == 3
    await settled(client, sockets=[socket, first_socket])
    await socket.close()
    await first_socket.close()


async def test_web_chat_other_messages_are_acknowledged_at_most_once_per_interval(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    _, _, socket = await complain_on_web_chat(client, "13800138000")
    interval = resources(client.app).config.timers.handoff_ack_after

    first = await ask(socket, "楼道还是很脏", "已转给客服代表")
    assert first.startswith("您的留言已转给客服代表")
    clock.advance(seconds=interval - 1)
    await socket.send("臭死了")
    await settled(client, sockets=[socket])
    assert sum("您的留言已转给客服代表" in text for text in socket.bot_texts()) == 1
    clock.advance(seconds=1)
    await ask(socket, "垃圾还堆在门口", "已转给客服代表")
    assert sum("您的留言已转给客服代表" in text for text in socket.bot_texts()) == 2
    await socket.close()


async def test_sms_status_of_a_case_handed_off_over_sms(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    for text, answer in (("小区电梯坏了,停了一上午", "小区或地址"), ("阳光花园3栋", "是否正确"), ("对", "投诉编号")):
        await stub.phone_sends(text)

        async def answered(fragment: str = answer) -> bool:
            return any(fragment in said for said in stub.texts_to(PHONE))

        await eventually(answered, timeout=15)
    async with resources(client.app).sessions() as session:
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()
    before = len(stub.texts_to(PHONE))
    await stub.phone_sends("什么时候给我答复?")

    async def told() -> bool:
        return any(case_number in said for said in stub.texts_to(PHONE)[before:])

    await eventually(told, timeout=15)
    status = next(said for said in stub.texts_to(PHONE)[before:] if case_number in said)
    assert "客服代表" in status and "给您明确的答复" in status, status


async def test_sms_from_the_number_left_on_a_web_chat_case_is_told_where_it_stands(sms_setup: tuple[Any, Stub]) -> None:
    """The web chat customer typed a number as the case's contact: its holder, texting, is the one
    the case's staff call, and hears where that case stands (the carrier vouches for the sender)."""
    client, stub = sms_setup
    _, case_number, socket = await complain_on_web_chat(client, "13800138000")
    await socket.close()
    await stub.phone_sends("请问我的投诉处理得怎么样了")

    async def answered() -> bool:
        return any(f"您的投诉编号是{case_number}" in said for said in stub.texts_to(PHONE))

    await eventually(answered, timeout=15)
    assert not any("没有查到" in said for said in stub.texts_to(PHONE))


async def test_sms_status_of_an_open_case_an_agent_took_names_the_agent(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    for text, answer in (("小区楼道的垃圾三天没人清理", "小区或地址"), ("阳光花园3栋", "是否正确"), ("对", "投诉编号")):
        await stub.phone_sends(text)

        async def said(fragment: str = answer) -> bool:
            return any(fragment in reply for reply in stub.texts_to(PHONE))

        await eventually(said, timeout=15)
    async with resources(client.app).sessions() as session:
        conversation_id, case_number = (
            await session.execute(select(Complaint.conversation_id, Complaint.case_number))
        ).one()
    await add_user(client, "li.agent", Role.AGENT)

    def name_agent(session: Any) -> None:
        session.execute(update(User).where(User.username == "li.agent").values(display_name="李娜"))

    await resources(client.app).database.write(name_agent)
    csrf = await sign_in(client, "li.agent")
    ticket_id = await ticket_of(client, conversation_id)
    assert (await client.post(f"/api/tickets/{ticket_id}/claim", headers={"X-CSRF-Token": csrf})).status == 200
    before = len(stub.texts_to(PHONE))
    await stub.phone_sends("我的投诉怎么样了")

    async def told() -> bool:
        return any(case_number in said for said in stub.texts_to(PHONE)[before:])

    await eventually(told, timeout=15)
    status = next(said for said in stub.texts_to(PHONE)[before:] if case_number in said)
    assert "客服代表李娜" in status and "明天下午5点前" in status, status


async def test_a_new_web_chat_session_asking_by_case_number_is_told_that_case_after_its_phones_digits(
    make_client: AppFactory,
) -> None:
    """The customer comes back in another browser with the number the bot gave them: nothing shows
    it is them (anyone may have the number), so the last 4 digits of the case's phone first, then
    the case's status, not "请告诉我投诉编号"."""
    client = await make_client()
    _, case_number, socket = await complain_on_web_chat(client, "13800138000")
    await socket.close()
    token, _ = await new_session(client)
    again = await ChatSocket.open(client, token)
    await again.until_bot_says("客服代表")
    asked = await ask(again, f"我的投诉{case_number.lower()}处理得怎么样了", "完整联系电话")
    assert case_number not in asked
    reply = await ask(again, "13800138000", case_number)
    assert "给您明确的答复" in reply and "没有查到" not in reply
    await again.close()


def made_up_case_numbers(real: str, count: int) -> list[str]:
    """Numbers of the real one's shape and day that no case has."""
    made_up = [f"{real[:-6]}{suffix * 6}" for suffix in "23456789ABCDEFGH"]
    return [number for number in made_up if number != real][:count]


async def a_stranger_asks(client: Any, *texts: str) -> ChatSocket:
    token, _ = await new_session(client)
    stranger = await ChatSocket.open(client, token)
    await stranger.until_bot_says("客服代表")
    for text in texts:
        await stranger.send(text)
        await settled(client, sockets=[stranger])
    return stranger


async def test_a_message_listing_many_case_numbers_is_told_none_of_them(make_client: AppFactory) -> None:
    """Guessing case numbers a hundred at a time does not find a stranger's case."""
    client = await make_client()
    _, case_number, socket = await complain_on_web_chat(client, "13800138000")
    await socket.close()
    guesses = [*made_up_case_numbers(case_number, 5), case_number]
    stranger = await a_stranger_asks(client, f"我的投诉{' '.join(guesses)}处理得怎么样了")
    assert not any(case_number in said for said in stranger.bot_texts())
    # The number alone, in a fresh conversation, is still told, once the case's phone's digits are given.
    owner = await a_stranger_asks(client, f"我的投诉{case_number}处理得怎么样了", "13800138000")
    assert any(case_number in said for said in owner.bot_texts())
    await stranger.close()
    await owner.close()


async def test_a_conversation_that_named_numbers_no_case_has_is_no_longer_looked_up(make_client: AppFactory) -> None:
    client = await make_client()
    _, case_number, socket = await complain_on_web_chat(client, "13800138000")
    await socket.close()
    wrong = [f"{number}怎么样了" for number in made_up_case_numbers(case_number, 3)]
    stranger = await a_stranger_asks(client, *wrong, f"{case_number}怎么样了")
    assert not any(case_number in said for said in stranger.bot_texts())
    await stranger.close()


async def test_after_the_breach_escalated_the_case_no_queue_place_is_said_on_web_chat_or_sms(
    sms_setup: tuple[Any, Stub], clock: FixedClock
) -> None:
    """Both customers waited past the time promised; the breach moved their tickets to the duty
    supervisor. Asked where their case stands, they hear the apology and the escalation, never
    "下一位就是您" nor the place they had in the general queue."""
    client, stub = sms_setup
    _, case_number, socket = await complain_on_web_chat(client, "13900139000")
    for text, answer in (("小区楼道的垃圾三天没人清理", "小区或地址"), ("阳光花园3栋", "是否正确"), ("对", "投诉编号")):
        await stub.phone_sends(text)

        async def said(fragment: str = answer) -> bool:
            return any(fragment in reply for reply in stub.texts_to(PHONE))

        await eventually(said, timeout=15)
    async with resources(client.app).sessions() as session:
        found = await session.execute(select(Complaint.deadline_at).where(Complaint.case_number == case_number))
        deadline = found.scalar_one()
    assert deadline is not None
    clock.now = deadline + dt.timedelta(minutes=5)
    await run_due(client)
    async with resources(client.app).sessions() as session:
        queues = set((await session.execute(select(HandoffTicket.queue))).scalars())
    assert queues == {"supervisor"}

    on_web_chat = await ask(socket, STATUS_QUESTION, "没能按时答复")
    before = len(stub.texts_to(PHONE))
    await stub.phone_sends(STATUS_QUESTION)

    async def told() -> bool:
        return any("没能按时答复" in reply for reply in stub.texts_to(PHONE)[before:])

    await eventually(told, timeout=15)
    by_sms = next(reply for reply in stub.texts_to(PHONE)[before:] if "没能按时答复" in reply)
    for status in (on_web_chat, by_sms):
        assert "已升级转交值班主管" in status, status
        assert "下一位就是您" not in status and "排在第" not in status, status
    await socket.close()
