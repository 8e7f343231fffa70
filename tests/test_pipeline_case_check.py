"""A case number named in another customer's conversation: storage tells the engine whether the
case is the writer's, and the last digits of its phone when it is not. The right digits raise the
case for the supervisor as its own customer's appeal would; without them the case is left exactly
as it was (queue, priority, promises, contact) and the writer's words are a case of their own."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from bot.keys import resources
from bot.storage.models import Complaint, Conversation, HandoffTicket, Notification, TimelineEvent, Timer
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, confirmed_complaint, eventually, new_session, settled

CONTACT = "13800138000"  # the phone WANG_FILES_A_COMPLAINT leaves on the case


async def _filed(client: Any) -> tuple[int, str]:
    """Wang's web chat case, recorded and promised: its conversation and number."""
    conversation_id, socket = await confirmed_complaint(client)
    await socket.close()
    async with resources(client.app).sessions() as session:
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()
    return conversation_id, case_number


async def _case_state(client: Any, conversation_id: int) -> dict[str, Any]:
    """What the case's staff and timers work from: its tickets, pending timers and contact phone."""
    async with resources(client.app).sessions() as session:
        tickets = (
            await session.execute(
                select(HandoffTicket.queue, HandoffTicket.priority, HandoffTicket.reason, HandoffTicket.status)
                .where(HandoffTicket.conversation_id == conversation_id)
                .order_by(HandoffTicket.id)
            )
        ).all()
        timers = (
            await session.execute(
                select(Timer.kind, Timer.status).where(Timer.conversation_id == conversation_id).order_by(Timer.kind)
            )
        ).all()
        contact = (
            await session.execute(select(Complaint.contact_phone).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    return {"tickets": [tuple(row) for row in tickets], "timers": [tuple(row) for row in timers], "contact": contact}


async def _stranger(client: Any) -> tuple[ChatSocket, int]:
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    return socket, conversation_id


async def _mentions(client: Any, conversation_id: int) -> list[dict[str, Any]]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(TimelineEvent.detail).where(
                TimelineEvent.conversation_id == conversation_id, TimelineEvent.kind == "unverified_case_mention"
            )
        )
        return [dict(detail) for detail in rows.scalars()]


async def _notifications(client: Any) -> list[str]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Notification.kind))).scalars())


async def test_a_stranger_who_misses_the_digits_twice_files_their_own_case_and_leaves_that_one_be(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    case_conversation, case_number = await _filed(client)
    before = await _case_state(client, case_conversation)

    socket, conversation_id = await _stranger(client)
    await socket.send(f"{case_number} 楼道灯还是没修好 都一个星期了")
    await socket.until_bot_says("完整联系电话")
    await socket.send("13800132468")
    await socket.until_bot_says("核对没有通过")
    await socket.send("13800131357")
    await socket.until_bot_says("暂时无法核实")
    await socket.until_bot_says("电话")
    await socket.send("13912345678")
    await socket.until_bot_says("小区或地址")
    await socket.send("翠湖花园8栋")
    await socket.until_bot_says("是否正确")
    await socket.send("对")
    promised = await socket.until_bot_says("您的投诉编号是")
    await socket.close()
    await settled(client)

    said = "\n".join(socket.bot_texts())
    assert "2468" not in said and "1357" not in said and case_number not in said
    assert case_number not in promised["text"]
    assert await _case_state(client, case_conversation) == before
    async with resources(client.app).sessions() as session:
        cases = (await session.execute(select(Complaint.conversation_id, Complaint.case_number))).all()
        own = (
            await session.execute(select(HandoffTicket.reason).where(HandoffTicket.conversation_id == conversation_id))
        ).scalar_one()
    assert [conversation for conversation, _ in cases] == [case_conversation, conversation_id]
    assert cases[1][1] in promised["text"] and own == "complaint"
    [mention] = await _mentions(client, case_conversation)
    assert mention["conversation_id"] == conversation_id and "楼道灯还是没修好" in mention["text"]
    assert "appeal" not in await _notifications(client)


async def test_a_stranger_with_the_right_digits_raises_the_case_for_the_supervisor(make_client: AppFactory) -> None:
    """The same person on another channel: the case is raised as its own customer's appeal would be,
    the supervisor calls the phone the digits proved (never asked for again), and a phone they
    leave anyway does not replace the case's."""
    client = await make_client()
    case_conversation, case_number = await _filed(client)
    socket, _ = await _stranger(client)
    await socket.send(f"{case_number} 楼道灯还是没修好 都一个星期了")
    await socket.until_bot_says("完整联系电话")
    await socket.send(CONTACT)
    await socket.until_bot_says("让您等了这么久")
    await socket.until_bot_says("值班主管会直接与您联系")
    await socket.send("换个号码联系我 13912345678")
    await socket.until_bot_says("13912345678已记录")
    await socket.close()
    said = [frame["text"] for frame in socket.frames if frame.get("from") == "bot"]
    assert not any("请您留下可以联系到您的电话号码" in text for text in said)

    async def raised() -> bool:
        state = await _case_state(client, case_conversation)
        return state["tickets"] == [("supervisor", 0, "appeal", "waiting")]

    await eventually(raised, timeout=15)
    assert (await _case_state(client, case_conversation))["contact"] == CONTACT
    assert "appeal" in await _notifications(client)
    assert await _mentions(client, case_conversation) == []


async def test_the_case_taken_back_by_a_stranger_not_confirmed_keeps_its_promises(make_client: AppFactory) -> None:
    client = await make_client()
    case_conversation, case_number = await _filed(client)
    before = await _case_state(client, case_conversation)
    assert any(status == "pending" for _, status in before["timers"])

    socket, _ = await _stranger(client)
    await socket.send(f"{case_number} 不用处理了 已经修好了")
    await socket.until_bot_says("完整联系电话")
    await socket.send("不知道")
    await socket.until_bot_says("这次无法为您撤销")
    await socket.close()
    await settled(client)

    assert await _case_state(client, case_conversation) == before
    assert [mention["text"] for mention in await _mentions(client, case_conversation)] == [
        f"{case_number} 不用处理了 已经修好了"
    ]


async def test_a_case_without_a_contact_phone_cannot_be_confirmed(make_client: AppFactory) -> None:
    client = await make_client()
    case_conversation, case_number = await _filed(client)
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(update(Complaint).values(contact_phone=None))
    before = await _case_state(client, case_conversation)

    socket, _ = await _stranger(client)
    await socket.send(f"{case_number} 楼道灯还是没修好 都一个星期了")
    await socket.until_bot_says("完整联系电话")
    await socket.send(CONTACT)
    await socket.until_bot_says("核对没有通过")
    await socket.send(CONTACT)
    await socket.until_bot_says("暂时无法核实")
    await socket.close()
    await settled(client)

    assert await _case_state(client, case_conversation) == before  # no phone filled in from the stranger
    assert len(await _mentions(client, case_conversation)) == 1


async def test_the_cases_own_customer_is_not_asked(make_client: AppFactory) -> None:
    """Writing again after the conversation closed: a new conversation of the same customer."""
    client = await make_client()
    conversation_id, socket = await confirmed_complaint(client)
    async with resources(client.app).sessions() as session, session.begin():
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(status="closed", closed_at=resources(client.app).clock(), closed_reason="idle")
        )
    socket.frames.clear()
    await socket.send(f"{case_number} 楼道灯还是没修好 都一个星期了")
    await socket.until_bot_says("让您等了这么久")
    await socket.close()
    assert not any("完整联系电话" in text for text in socket.bot_texts())

    async def raised() -> bool:
        state = await _case_state(client, conversation_id)
        return ("supervisor", 0, "appeal", "waiting") in state["tickets"]

    await eventually(raised, timeout=15)


async def test_a_stranger_asking_where_the_case_stands_learns_nothing_without_the_digits(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    case_conversation, case_number = await _filed(client)
    before = await _case_state(client, case_conversation)

    socket, conversation_id = await _stranger(client)
    await socket.send(f"投诉编号{case_number} 处理到哪了")
    await socket.until_bot_says("完整联系电话")
    await socket.send("13800132468")
    await socket.until_bot_says("核对没有通过")
    await socket.send("13800131357")
    await socket.until_bot_says("这次无法为您查询处理情况")
    await socket.until_bot_says("请问还有什么可以帮助您")
    await socket.close()
    await settled(client)

    said = "\n".join(socket.bot_texts())
    assert case_number not in said and "答复" not in said and "排在" not in said
    assert await _case_state(client, case_conversation) == before
    [mention] = await _mentions(client, case_conversation)
    assert mention["conversation_id"] == conversation_id and mention["text"] == f"投诉编号{case_number} 处理到哪了"
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(Complaint.conversation_id))).scalars().all() == [case_conversation]


async def test_a_stranger_with_the_right_digits_hears_where_the_case_stands(make_client: AppFactory) -> None:
    client = await make_client()
    case_conversation, case_number = await _filed(client)
    socket, _ = await _stranger(client)
    await socket.send(f"我的單號 {case_number} 怎麼樣了")
    await socket.until_bot_says("完整聯繫電話")
    await socket.send(CONTACT)
    answer = await socket.until_bot_says(f"您的投訴編號是{case_number}")
    await socket.close()
    assert "答覆" in answer["text"] and CONTACT[-4:] not in answer["text"]
    assert await _mentions(client, case_conversation) == []


async def test_the_cases_own_customer_asking_where_it_stands_is_not_asked(make_client: AppFactory) -> None:
    """Writing again after the conversation closed: a new conversation of the same customer."""
    client = await make_client()
    conversation_id, socket = await confirmed_complaint(client)
    async with resources(client.app).sessions() as session, session.begin():
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(status="closed", closed_at=resources(client.app).clock(), closed_reason="idle")
        )
    socket.frames.clear()
    await socket.send(f"status of case {case_number}")
    await socket.until_bot_says(f"Your case number is {case_number}")
    await socket.close()
    assert not any("full phone number" in text or "完整联系电话" in text for text in socket.bot_texts())


@pytest.mark.parametrize(
    ("first", "own_phone"),
    [
        pytest.param("投诉编号{} 处理到哪了", "13800138000", id="after its status"),
        pytest.param("{} 停水还没修好 都两天了", None, id="after an appeal"),
    ],
)
async def test_a_stranger_proven_by_the_digits_is_that_cases_customer_for_another_problem(
    make_client: AppFactory, first: str, own_phone: str | None
) -> None:
    """A returning customer in a new web chat session, proven by the digits: another problem is a
    case of its own, "同一个地方" is the first case's place, and "停水的那个呢" hears where the first
    case stands. After an appeal its case is on the phone the digits proved (never asked for, said
    back masked); after a status question only, on a phone of its own, asked for: a case looked up
    by its number never lends its customer's phone to a new case."""
    client = await make_client()
    conversation_id, filed = await confirmed_complaint(client, "阳光花园5栋停水两天了，电话13912344455")
    await filed.close()
    async with resources(client.app).sessions() as session:
        water = (await session.execute(select(Complaint.case_number))).scalar_one()
    socket, stranger = await _stranger(client)
    await socket.send(first.format(water))
    await socket.until_bot_says("完整联系电话")
    await socket.tell([("13912344455", water)])
    if own_phone is None:
        await socket.tell([("另外还有个事 我们楼下垃圾桶满了好几天没人清理", "哪个小区或地址")])
    else:
        await socket.tell(
            [("另外还有个事 我们楼下垃圾桶满了好几天没人清理", "电话号码"), (own_phone, "哪个小区或地址")]
        )
    await socket.tell([("同一个地方", "是否正确")])
    restated = socket.bot_texts()[-2]
    assert "地点：阳光花园5栋" in restated, restated
    assert f"电话：{own_phone}" in restated if own_phone else "电话：139****4455" in restated, restated
    assert "问题：我们楼下垃圾桶满了好几天没人清理" in restated, restated
    await socket.tell([("对", "您的投诉编号是")])
    async with resources(client.app).sessions() as session:
        garbage = (
            await session.execute(
                select(Complaint.case_number, Complaint.contact_phone, Complaint.area).where(
                    Complaint.conversation_id == stranger
                )
            )
        ).one()
    assert garbage.contact_phone == (own_phone or "13912344455") and garbage.area == "阳光花园5栋"
    assert any(garbage.case_number in text for text in socket.bot_texts())
    told = socket.times_said(water)
    await socket.send("停水的那个呢")
    await socket.until_bot_says_anew(water, told)
    assert garbage.case_number not in socket.bot_texts()[-1]
    await socket.close()
    said = socket.bot_texts()
    assert "13912344455" not in "\n".join(said)
    if own_phone is None:
        assert not any("电话号码" in text or "联系电话；" in text for text in said), said
    assert (await _case_state(client, conversation_id))["contact"] == "13912344455"


async def test_more_of_the_same_problem_from_a_stranger_proven_by_the_digits_goes_on_the_case(
    make_client: AppFactory,
) -> None:
    """More of the problem ("又停了") after the digits proved the case theirs at a status question: its staff read it
    on its timeline, from the customer who proved it, and on its description; no second case, no
    form, and nothing raised to the supervisors for it."""
    client = await make_client()
    case_conversation, filed = await confirmed_complaint(client, "阳光花园5栋停水两天了，电话13912344455")
    await filed.close()
    async with resources(client.app).sessions() as session:
        water = (await session.execute(select(Complaint.case_number))).scalar_one()
    before = await _case_state(client, case_conversation)
    socket, stranger = await _stranger(client)
    await socket.send(f"投诉编号{water} 处理到哪了")
    await socket.until_bot_says("完整联系电话")
    await socket.tell([("13912344455", water)])
    told = socket.times_said(water)
    await socket.send("又停了")
    await socket.until_bot_says_anew(water, told)
    await socket.close()
    await settled(client)
    assert f"您补充的情况我已记录在投诉{water}中" in socket.bot_texts()[-1]
    assert not any("电话号码" in text or "小区或地址" in text for text in socket.bot_texts())
    async with resources(client.app).sessions() as session:
        cases = (await session.execute(select(Complaint.conversation_id, Complaint.description))).all()
        followed = (
            await session.execute(
                select(TimelineEvent.detail).where(
                    TimelineEvent.conversation_id == case_conversation, TimelineEvent.kind == "message_after_handoff"
                )
            )
        ).scalars()
        follow_ups = [dict(detail) for detail in followed]
    assert [conversation for conversation, _ in cases] == [case_conversation]
    assert cases[0][1].endswith("\n又停了")
    assert [(row["text"], row["conversation_id"], row.get("phone_checked")) for row in follow_ups] == [
        ("又停了", stranger, True)
    ]
    assert await _case_state(client, case_conversation) == before
    assert "appeal" not in await _notifications(client)


async def test_more_of_the_same_problem_from_its_own_customer_in_a_new_conversation_goes_on_the_case(
    make_client: AppFactory,
) -> None:
    """The case's own customer back in a new conversation ("又停水了"): greeted with where it
    stands, then told it is added; its staff read the words on its timeline, from its own customer
    (no phone check), and on its description; no second case, no form, nothing raised."""
    client = await make_client()
    case_conversation, socket = await confirmed_complaint(client, "阳光花园5栋停水两天了，电话13912344455")
    async with resources(client.app).sessions() as session, session.begin():
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()
        await session.execute(
            update(Conversation)
            .where(Conversation.id == case_conversation)
            .values(status="closed", closed_at=resources(client.app).clock(), closed_reason="idle")
        )
    before = await _case_state(client, case_conversation)
    socket.frames.clear()
    await socket.send("又停水了")
    await socket.until_bot_says(f"您补充的情况我已记录在投诉{case_number}中")
    await socket.close()
    await settled(client)
    said = socket.bot_texts()
    assert any(f"您之前反映的问题（投诉编号{case_number}）正在处理中" in text for text in said), said
    assert not any("电话号码" in text or "小区或地址" in text or "完整联系电话" in text for text in said), said
    async with resources(client.app).sessions() as session:
        cases = (await session.execute(select(Complaint.conversation_id, Complaint.description))).all()
        [returned] = (
            await session.execute(select(Conversation.id).where(Conversation.id != case_conversation))
        ).scalars()
        followed = (
            await session.execute(
                select(TimelineEvent.detail).where(
                    TimelineEvent.conversation_id == case_conversation, TimelineEvent.kind == "message_after_handoff"
                )
            )
        ).scalars()
        follow_ups = [dict(detail) for detail in followed]
    assert [conversation for conversation, _ in cases] == [case_conversation]
    assert cases[0][1].endswith("\n又停水了")
    assert [(row["text"], row["conversation_id"], row.get("phone_checked")) for row in follow_ups] == [
        ("又停水了", returned, None)
    ]
    assert await _case_state(client, case_conversation) == before
    assert "appeal" not in await _notifications(client)
