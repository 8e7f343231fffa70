"""Appeals across channels (issue 12 item 3): the same phone, any channel, the same open case.

Seed 003: a repeat of an unanswered complaint is an appeal (申诉): it joins the open case, which
keeps its earlier deadline, and goes to the supervisor. Seed 000 四(五) (跟踪总结): the customer
hears "真不好意思，让您等了这么久". A phone typed in web chat links to the customer's cases just as
an SMS sender's number does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, Customer, HandoffTicket, Notification, TimelineEvent
from tests.channels.conftest import PHONE, Stub
from tests.channels.sms_complaints import only_case, sms_complaint, until_texted
from tests.helpers import ChatSocket, eventually, new_session, timeline_kinds
from tests.staff import add_user, give_to, set_queues, sign_in

NATIONAL = "13800138000"


async def _web_chat_complaint(client: Any, description: str, phone: str = NATIONAL) -> str:
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send(description)
    await socket.until_bot_says("电话")
    await socket.send(phone)
    await socket.until_bot_says("小区或地址")
    await socket.send("阳光花园3栋")
    await socket.until_bot_says("阳光花园3栋")
    await socket.send("对")
    await socket.until_bot_says("投诉编号")
    await socket.close()
    return await only_case(client)


async def _greeted_web_chat(client: Any) -> ChatSocket:
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    return socket


async def _complaints(client: Any) -> list[Complaint]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Complaint).order_by(Complaint.id))).scalars())


async def _tickets(client: Any) -> list[HandoffTicket]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(HandoffTicket).order_by(HandoffTicket.id))).scalars())


async def _conversation_ids(client: Any) -> list[int]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Conversation.id).order_by(Conversation.id))).scalars())


async def test_an_sms_repeating_a_case_left_with_its_number_in_web_chat_joins_that_case(
    sms_setup: tuple[Any, Stub], clock: Any
) -> None:
    """A case filed in web chat with a phone typed there: the holder of that number is the one its
    staff call, so their SMS repeating the problem is an appeal of that case (its number said, its
    ticket to the duty supervisor), not a second case; the two stay two customers."""
    client, stub = sms_setup
    case_number = await _web_chat_complaint(client, "小区路灯坏了,晚上一片漆黑")
    [original] = await _complaints(client)
    clock.advance(hours=3)

    await stub.phone_sends("小区路灯还是没修好,到底什么时候修", sender=PHONE)
    await until_texted(stub, f"投诉编号{case_number}")

    async def appealed() -> bool:
        return [ticket.reason for ticket in await _tickets(client)] == ["appeal"]

    await eventually(appealed, timeout=15)
    [complaint] = await _complaints(client)
    assert complaint.case_number == case_number and complaint.customer_id == original.customer_id
    web_chat, _sms = await _conversation_ids(client)
    assert "appeal_received" in await timeline_kinds(client, web_chat)
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Customer))).scalar_one() == 2


async def test_asking_by_text_where_the_case_stands_within_its_time_is_answered_not_appealed(
    sms_setup: tuple[Any, Stub],
) -> None:
    """Filed in web chat under a phone, asked after by number from that phone with the problem still
    there: the status answer, the case's ticket left where it waits, the words on the case."""
    client, stub = sms_setup
    case_number = await _web_chat_complaint(client, "楼上漏水 滴到我家天花板了")
    [before] = await _tickets(client)
    await stub.phone_sends(f"{case_number} 处理到哪了 漏水还在漏", sender=PHONE)
    answer = await until_texted(stub, "您的投诉编号是")
    assert case_number in answer and "给您明确的答复" in answer
    await until_texted(stub, "请问还有什么可以帮助您")

    async def noted() -> bool:
        [complaint] = await _complaints(client)
        return complaint.description.endswith(f"{case_number} 处理到哪了 漏水还在漏")

    await eventually(noted, timeout=15)
    assert not any("让您等了这么久" in text or "值班主管" in text for text in stub.texts_to(PHONE))
    [after] = await _tickets(client)
    assert (after.id, after.queue, after.priority, after.reason) == (
        before.id,
        before.queue,
        before.priority,
        before.reason,
    )


async def test_the_same_person_texting_the_case_number_from_the_cases_phone_is_not_asked(
    sms_setup: tuple[Any, Stub],
) -> None:
    """Filed in web chat under a phone, named by number in a text from that phone: the phone the
    SMS channel vouches for is the case's contact phone, so no digits are asked for."""
    client, stub = sms_setup
    case_number = await _web_chat_complaint(client, "小区路灯坏了,晚上一片漆黑")
    await stub.phone_sends(f"{case_number} 路灯还是没修好", sender=PHONE)
    await until_texted(stub, "让您等了这么久")
    assert not any("完整联系电话" in text for text in stub.texts_to(PHONE))
    web_chat, _ = await _conversation_ids(client)

    async def raised() -> bool:
        return [(t.conversation_id, t.queue, t.reason) for t in await _tickets(client)] == [
            (web_chat, "supervisor", "appeal")
        ]

    await eventually(raised, timeout=15)
    assert [c.case_number for c in await _complaints(client)] == [case_number]


async def test_a_phone_typed_in_web_chat_tells_nothing_of_the_sms_customers_open_case(
    sms_setup: tuple[Any, Stub],
) -> None:
    """Whoever types a number in web chat hears what any complaint hears, whether that number has
    an open case or not; the agent sees the other case on the new one's timeline."""
    client, stub = sms_setup
    await sms_complaint(stub, "小区路灯坏了,晚上一片漆黑")
    case_number = await only_case(client)

    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("路灯一直没人来修")
    await socket.until_bot_says("电话")
    await socket.send(NATIONAL)
    await socket.until_bot_says("小区或地址")
    await socket.send("阳光花园3栋")
    restated = await socket.until_bot_says("是否正确")
    await socket.send("对")
    promised = await socket.until_bot_says("投诉编号")
    await socket.close()

    assert "这个号码" not in restated["text"] and case_number not in promised["text"]
    complaints = await _complaints(client)
    assert len(complaints) == 2 and complaints[0].case_number == case_number
    assert complaints[1].case_number in promised["text"]
    tickets = await _tickets(client)
    assert all(ticket.reason != "appeal" for ticket in tickets)
    sms_conversation, web_chat = await _conversation_ids(client)
    assert "same_phone_open_case" in await timeline_kinds(client, web_chat)
    assert "appeal_received" not in await timeline_kinds(client, sms_conversation)


async def test_a_different_problem_from_the_same_phone_is_a_new_case(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    case_number = await _web_chat_complaint(client, "小区路灯坏了,晚上一片漆黑")

    await stub.phone_sends("这个月话费多扣了50元", sender=PHONE)
    await until_texted(stub, "是否正确")  # a phone bill needs no place; the sender's number is the phone
    await stub.phone_sends("对", sender=PHONE)

    async def two_cases() -> bool:
        return len(await _complaints(client)) == 2

    await eventually(two_cases, timeout=15)
    assert not any("让您等了这么久" in text for text in stub.texts_to(PHONE))
    first, second = await _complaints(client)
    assert first.case_number == case_number and second.case_number != case_number
    assert [ticket.reason for ticket in await _tickets(client)] == ["complaint", "complaint"]


async def test_an_escalation_on_web_chat_asks_for_the_supervisors_number_first(sms_setup: tuple[Any, Stub]) -> None:
    client, _ = sms_setup
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("电梯坏了一个星期没人管,再不修我就找记者曝光")
    await socket.until_bot_says("请您留下可以联系到您的电话号码，由值班主管与您联系")
    assert not any("值班主管会直接与您联系" in text for text in socket.bot_texts())
    await socket.send("139 1234 5678")
    await socket.until_bot_says("值班主管会尽快拨打13912345678")
    await socket.close()

    async def phone_on_the_case() -> bool:
        complaints = await _complaints(client)
        return bool(complaints) and complaints[0].contact_phone == "13912345678"

    await eventually(phone_on_the_case, timeout=15)
    [ticket] = await _tickets(client)
    assert (ticket.queue, ticket.priority) == ("supervisor", 0)


async def _web_chat_appeal(client: Any, case_number: str) -> ChatSocket:
    """The SMS customer, now in web chat, naming their case number and repeating the problem:
    asked for the last digits of the case's phone, then linked to that case as an appeal (the
    socket is left open)."""
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send(f"{case_number} 路灯一直没人来修")
    await socket.until_bot_says("完整联系电话")
    await socket.send(PHONE)
    await socket.until_bot_says("让您等了这么久")
    return socket


async def test_an_appeal_of_a_case_an_agent_holds_waits_for_the_supervisor(sms_setup: tuple[Any, Stub]) -> None:
    """The agent keeps the case (首问负责) until a supervisor takes it from the supervisor queue."""
    client, stub = sms_setup
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    await sms_complaint(stub, "小区路灯坏了,晚上一片漆黑")
    case_number = await only_case(client)
    [first] = await _tickets(client)
    assert (await client.post(f"/api/tickets/{first.id}/claim", headers={"X-CSRF-Token": csrf})).status == 200

    socket = await _web_chat_appeal(client, case_number)
    await socket.close()

    async def escalated() -> bool:
        return len(await _tickets(client)) == 2

    await eventually(escalated, timeout=15)
    claimed, appeal = await _tickets(client)
    assert claimed.status == "claimed"
    assert (appeal.queue, appeal.priority, appeal.reason, appeal.status) == ("supervisor", 0, "appeal", "waiting")
    assert appeal.conversation_id == claimed.conversation_id and appeal.complaint_id == claimed.complaint_id
    assert [c.case_number for c in await _complaints(client)] == [case_number]

    # The appeal is the one waiting ticket claimable while an agent owns the case: the supervisor takes it.
    await add_user(client, "zhou", Role.SUPERVISOR)
    supervisor = await sign_in(client, "zhou")
    taken = await client.post(f"/api/tickets/{appeal.id}/claim", headers={"X-CSRF-Token": supervisor})
    assert taken.status == 200 and (await taken.json())["owner"] == "zhou"


async def test_an_sms_appeal_of_a_case_an_agent_holds_goes_to_the_supervisor_and_is_answered(
    sms_setup: tuple[Any, Stub],
) -> None:
    """The case's own SMS conversation, claimed by an agent: "TS… 还是没来水 你们根本不管 都第三次了"
    is an appeal, told its time, waiting for the supervisor; never dropped with the agent alone."""
    client, stub = sms_setup
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    await sms_complaint(stub, "家里停水三天了,一直没来水")
    case_number = await only_case(client)
    [first] = await _tickets(client)
    assert (await client.post(f"/api/tickets/{first.id}/claim", headers={"X-CSRF-Token": csrf})).status == 200

    await stub.phone_sends(f"{case_number} 还是没来水 你们根本不管 都第三次了", sender=PHONE)

    told = await until_texted(stub, "已升级为优先处理")
    assert case_number in told and "给您明确的答复" in told

    async def escalated() -> bool:
        return len(await _tickets(client)) == 2

    await eventually(escalated, timeout=15)
    claimed, appeal = await _tickets(client)
    assert claimed.status == "claimed"
    assert (appeal.queue, appeal.priority, appeal.reason, appeal.status) == ("supervisor", 0, "appeal", "waiting")
    async with resources(client.app).sessions() as session:
        audiences = await session.execute(select(Notification.audience).where(Notification.kind == "appeal"))
        assert "role:supervisor" in set(audiences.scalars())


async def test_what_the_customer_adds_after_the_appeal_reaches_the_case(sms_setup: tuple[Any, Stub]) -> None:
    """The appealing conversation has no ticket: its later messages are shown on the case's
    conversation, where the supervisor works it, and raise no second ticket."""
    client, stub = sms_setup
    await sms_complaint(stub, "小区路灯坏了,晚上一片漆黑")
    socket = await _web_chat_appeal(client, await only_case(client))
    await socket.send(NATIONAL)  # the number for the supervisor's call
    await socket.until_bot_says(NATIONAL)
    await socket.send("昨晚我家老人出门差点摔倒")
    await socket.until_bot_says("您的留言已转给客服代表")
    await socket.close()
    sms, web_chat = await _conversation_ids(client)

    async def on_the_case() -> bool:
        async with resources(client.app).sessions() as session:
            rows = await session.execute(
                select(TimelineEvent.kind, TimelineEvent.detail).where(TimelineEvent.conversation_id == sms)
            )
            return ("message_after_handoff", "昨晚我家老人出门差点摔倒", web_chat) in [
                (kind, detail.get("text"), detail.get("conversation_id")) for kind, detail in rows
            ]

    await eventually(on_the_case, timeout=15)
    [ticket] = await _tickets(client)
    assert (ticket.conversation_id, ticket.queue, ticket.status) == (sms, "supervisor", "waiting")
    async with resources(client.app).sessions() as session:
        notices = (await session.execute(select(Notification.kind))).scalars().all()
    assert list(notices).count("appeal") == 1


async def test_a_complaint_naming_its_case_number_on_another_channel_joins_that_case(
    sms_setup: tuple[Any, Stub],
) -> None:
    """The customer pastes the number the bot gave them (on SMS) into web chat with more of the
    problem: no second case; the case's supervisor gets it as an appeal with these words."""
    client, stub = sms_setup
    await sms_complaint(stub, "小区路灯坏了,晚上一片漆黑")
    case_number = await only_case(client)

    socket = await _greeted_web_chat(client)
    await socket.send(f"{case_number.lower()} 都三天了路灯还是不亮,你们到底管不管")
    await socket.until_bot_says("完整联系电话")
    await socket.send(PHONE)
    frame = await socket.until_bot_says("让您等了这么久")
    await socket.close()

    assert case_number in frame["text"]
    assert [c.case_number for c in await _complaints(client)] == [case_number]
    sms, web_chat = await _conversation_ids(client)

    async def appealed_on_the_case() -> bool:
        async with resources(client.app).sessions() as session:
            rows = await session.execute(
                select(TimelineEvent.kind, TimelineEvent.detail).where(TimelineEvent.conversation_id == sms)
            )
            received = [detail for kind, detail in rows if kind == "appeal_received"]
            return any("还是不亮" in detail["text"] and detail["conversation_id"] == web_chat for detail in received)

    await eventually(appealed_on_the_case, timeout=15)
    [ticket] = await _tickets(client)
    assert (ticket.conversation_id, ticket.queue, ticket.reason) == (sms, "supervisor", "appeal")


async def test_a_case_number_given_while_the_complaint_is_taken_joins_that_case(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    await sms_complaint(stub, "小区路灯坏了,晚上一片漆黑")
    case_number = await only_case(client)

    socket = await _greeted_web_chat(client)
    await socket.send("路灯的事")
    await socket.until_bot_says("电话")
    await socket.send(f"上次的投诉编号是{case_number}")
    await socket.until_bot_says("完整联系电话")
    await socket.send(PHONE)
    frame = await socket.until_bot_says("让您等了这么久")
    await socket.close()
    assert case_number in frame["text"]
    assert [c.case_number for c in await _complaints(client)] == [case_number]


async def test_when_the_appeal_is_handled_is_told_by_the_joined_cases_number_and_time(
    sms_setup: tuple[Any, Stub],
) -> None:
    """The web chat customer who proved the case by its phone's last digits hears the number and the
    promised time of the case the appeal joined, is never asked for a phone the case has, and
    "什么时候处理" is answered, not taken as a refusal."""
    client, stub = sms_setup
    await sms_complaint(stub, "小区路灯坏了,晚上一片漆黑")
    case_number = await only_case(client)
    socket = await _web_chat_appeal(client, case_number)
    told = socket.bot_texts()
    assert any(case_number in text and "前给您明确的答复" in text for text in told)
    await socket.send("什么时候处理")
    await socket.until_bot_says_anew("值班主管", socket.times_said("值班主管"))
    assert not any("电话号码" in text for text in socket.bot_texts())
    await socket.close()


async def _appeal_rows(client: Any) -> list[dict[str, Any]]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(TimelineEvent.detail).where(TimelineEvent.kind == "appeal_received"))
        return [dict(detail) for detail in rows.scalars()]


async def test_an_appeal_confirmed_by_the_cases_phone_digits_is_marked_so(
    sms_setup: tuple[Any, Stub],
) -> None:
    """The supervisor sees the appeal came from another customer record, who gave the last digits
    of the case's phone, on the timeline and in the notification."""
    client, stub = sms_setup
    await sms_complaint(stub, "小区路灯坏了,晚上一片漆黑")
    socket = await _web_chat_appeal(client, await only_case(client))
    await socket.close()

    async def marked() -> bool:
        return [(row.get("phone_checked"), row.get("unverified")) for row in await _appeal_rows(client)] == [
            (True, None)
        ]

    await eventually(marked, timeout=15)
    async with resources(client.app).sessions() as session:
        notice = (await session.execute(select(Notification.detail).where(Notification.kind == "appeal"))).scalar_one()
    assert notice["phone_checked"] is True and "unverified" not in notice


async def test_the_appealing_chat_shows_the_appealed_case_and_extends_its_deadline(sms_setup: tuple[Any, Stub]) -> None:
    """The supervisor works the case from the chat the customer appealed from: the conversation
    names the appealed case (its form, phone and deadline) and extending there moves that case's
    deadline, which the customer hears in the chat and by SMS, where the case was promised its old time;
    the preview names both conversations and what each is sent."""
    client, stub = sms_setup
    await sms_complaint(stub, "楼道灯坏了一个月了")
    case_number = await only_case(client)
    socket = await _web_chat_appeal(client, case_number)
    sms, web_chat = await _conversation_ids(client)
    await add_user(client, "zhou", Role.SUPERVISOR)
    csrf = {"X-CSRF-Token": await sign_in(client, "zhou")}

    body = await (await client.get(f"/api/conversations/{web_chat}")).json()
    assert body["complaints"] == []
    appealed = body["appealed_case"]
    assert (appealed["conversation_id"], appealed["channel"], appealed["case_number"]) == (sms, "sms", case_number)
    assert (appealed["contact_phone"], appealed["area"], appealed["phones_masked"]) == (NATIONAL, "阳光花园3栋", False)
    assert "楼道灯坏了一个月了" in appealed["description"] and appealed["deadline_at"]

    preview = await (await client.get(f"/api/conversations/{web_chat}/extend?hours=24")).json()
    told = [(t["conversation_id"], t["channel"], t["appealed_from"]) for t in preview["told"]]
    assert told == [(sms, "sms", False), (web_chat, "webchat", True)]
    extended = await client.post(
        f"/api/conversations/{web_chat}/extend", json={"hours": 24, "reason": "等待灯具到货"}, headers=csrf
    )
    assert extended.status == 200, await extended.text()
    deadline_at = dt.datetime.fromisoformat((await extended.json())["deadline_at"])
    await socket.until(lambda frames: any("还需要一些时间处理" in frame.get("text", "") for frame in frames))
    sms_told = preview["told"][0]["message"]
    assert "还需要一些时间处理" in sms_told
    assert await until_texted(stub, sms_told) == sms_told
    await socket.close()
    [complaint] = await _complaints(client)
    assert complaint.deadline_at == deadline_at
    assert "deadline_extended" in await timeline_kinds(client, sms)
    case_body = await (await client.get(f"/api/conversations/{web_chat}")).json()
    assert dt.datetime.fromisoformat(case_body["appealed_case"]["deadline_at"]) == deadline_at


async def test_an_agent_sees_the_appealed_case_only_as_its_own_conversation_allows(
    sms_setup: tuple[Any, Stub],
) -> None:
    """An agent reading the appealing chat sees the appealed case with its phones masked when they
    may read the case's conversation but do not own it, and not at all when they may not read it."""
    client, stub = sms_setup
    await sms_complaint(stub, "楼道灯坏了一个月了")
    socket = await _web_chat_appeal(client, await only_case(client))
    await socket.close()
    _, web_chat = await _conversation_ids(client)
    await eventually(lambda: _appeal_rows_exist(client), timeout=15)
    for username, queues in (("li", ["supervisor"]), ("wang", ["billing"])):
        await add_user(client, username, Role.AGENT)
        await set_queues(client, username, queues)
    await give_to(client, web_chat, "li")
    await sign_in(client, "li")
    appealed = (await (await client.get(f"/api/conversations/{web_chat}")).json())["appealed_case"]
    assert appealed["phones_masked"] is True
    assert appealed["contact_phone"] == "138****8000"

    await give_to(client, web_chat, "wang")
    await sign_in(client, "wang")
    body = await (await client.get(f"/api/conversations/{web_chat}")).json()
    assert body["appealed_case"] is None


async def _appeal_rows_exist(client: Any) -> bool:
    return bool(await _appeal_rows(client))
