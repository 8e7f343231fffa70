"""A customer whose conversation closed after their case was resolved writes again, on the same
channel identity, that it is not solved: the case is reopened (same case number, a new reply time,
back with the agent who resolved it) instead of a new complaint; another problem is a new one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.keys import resources
from bot.storage.models import Complaint, Conversation, Notification, Timer
from tests.channels.conftest import PHONE, app_with_sms_stub
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, eventually, new_session, timeline_kinds
from tests.promises.support import claim_and_resolve, promised_case, promised_case_in_english

STREET_LIGHT = "小区门口的路灯坏了一个星期了,晚上一片漆黑"
REOPENED, FOLLOWED_UP = "重新为您处理", "我们会继续跟进处理"


async def _cases(client: Any) -> list[Complaint]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Complaint).order_by(Complaint.id))).scalars())


async def _conversation(client: Any, conversation_id: int) -> Conversation:
    async with resources(client.app).sessions() as session:
        found = await session.get(Conversation, conversation_id)
        assert found is not None
        return found


async def _resolved(client: Any, conversation_id: int) -> int:
    agent_id = await claim_and_resolve(client, conversation_id)

    async def resolved() -> bool:
        return (await _conversation(client, conversation_id)).flow_state == "resolved"

    await eventually(resolved)
    return agent_id


async def _closed_by_idle(client: Any, conversation_id: int) -> None:
    """The conversation closed as the callback's unanswered timeout or the idle close leaves it."""
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(status="closed", closed_at=resources(client.app).clock(), closed_reason="idle")
        )


async def _told(socket: ChatSocket, fragment: str) -> str:
    """The text of the service's message holding ``fragment`` (the new reply time is the service's
    message, as when staff reopen a case)."""

    def holding(frames: list[dict[str, Any]]) -> list[str]:
        return [str(frame.get("text")) for frame in frames if fragment in str(frame.get("text", ""))]

    await socket.until(lambda frames: bool(holding(frames)))
    return holding(socket.frames)[0]


async def _reopened_elsewhere(client: Any, closed_id: int, agent_id: int) -> Complaint:
    """The one case, open again, in the customer's new conversation, which its resolver has."""

    async def reopened() -> bool:
        [case] = await _cases(client)
        return case.status == "open" and case.conversation_id != closed_id

    await eventually(reopened)
    [case] = await _cases(client)
    assert case.grade == "complex" and "repeat" in case.signals
    conversation = await _conversation(client, case.conversation_id)
    assert (conversation.status, conversation.flow_state) == ("open", "handed_off")
    assert conversation.owner == f"agent:{agent_id}"
    assert (await _conversation(client, closed_id)).status == "closed"
    return case


async def test_web_chat_not_solved_after_the_callback_closed_reopens_the_case(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client, STREET_LIGHT)
    [first] = await _cases(client)
    agent_id = await _resolved(client, conversation_id)
    await socket.send("5分")
    await socket.until_bot_says("意见或建议")
    await socket.send("没有了 谢谢")
    await socket.until_bot_says("再见")

    async def closed() -> bool:
        return (await _conversation(client, conversation_id)).status == "closed"

    await eventually(closed)
    clock.advance(hours=30)
    socket.frames.clear()
    await socket.send("还是没修好")
    await socket.until_bot_says(REOPENED)
    told = await _told(socket, FOLLOWED_UP)
    assert first.case_number in told
    case = await _reopened_elsewhere(client, conversation_id, agent_id)
    assert case.case_number == first.case_number
    # The closed conversation's timeline says where its case went; the new one's, that it was reopened.
    assert (await timeline_kinds(client, conversation_id))[-1] == "reopened_by_customer"
    assert "reopened" in await timeline_kinds(client, case.conversation_id)
    assert not any("投诉编号是" in text or "请问以上内容" in text for text in socket.bot_texts())
    await socket.close()


async def test_web_chat_in_english_not_solved_reopens_the_case(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case_in_english(client)
    [first] = await _cases(client)
    agent_id = await _resolved(client, conversation_id)
    await _closed_by_idle(client, conversation_id)
    socket.frames.clear()
    await socket.send("it's still not fixed")
    await socket.until_bot_says("reopened your case")
    told = await _told(socket, "still working on your case")
    assert first.case_number in told
    await _reopened_elsewhere(client, conversation_id, agent_id)
    await socket.close()


async def test_web_chat_another_problem_after_the_close_is_a_new_complaint(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client, STREET_LIGHT)
    await _resolved(client, conversation_id)
    await _closed_by_idle(client, conversation_id)
    socket.frames.clear()
    await socket.send("小区停水两天了，还是没人管")
    await socket.until_bot_says("地址")
    [case] = await _cases(client)
    assert case.status == "resolved" and case.conversation_id == conversation_id
    assert not any(REOPENED in text for text in socket.bot_texts())
    await socket.close()


async def test_sms_in_traditional_characters_not_solved_reopens_the_case(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client, stub = await app_with_sms_stub(make_client)
    try:

        async def said(fragment: str) -> str:
            async def check() -> bool:
                return any(fragment in text for text in stub.texts_to(PHONE))

            await eventually(check, timeout=15)
            return next(text for text in stub.texts_to(PHONE) if fragment in text)

        await stub.phone_sends("小區門口的路燈壞了一個星期了，晚上一片漆黑")
        await said("小區或地址")
        await stub.phone_sends("陽光花園5棟")
        await said("是否正確")
        await stub.phone_sends("1")
        await said("投訴編號")
        [first] = await _cases(client)
        agent_id = await _resolved(client, first.conversation_id)
        clock.advance(hours=2)  # the callback asks
        await said("1到5分")
        await stub.phone_sends("5")
        await said("意見或建議")
        await stub.phone_sends("沒有了 謝謝")
        await said("再見")
        clock.advance(days=2)
        await stub.phone_sends("你們說修好了 根本沒修")
        await said("重新為您處理")
        told = await said("我們會繼續跟進處理")
        assert first.case_number in told
        await _reopened_elsewhere(client, first.conversation_id, agent_id)
    finally:
        await stub.server.close()


async def test_a_resolved_case_proven_by_its_phones_digits_from_web_chat_is_reopened(make_client: AppFactory) -> None:
    """Filed by SMS, resolved, its 回访 still to come: the same person in web chat names it by its
    number, says it is not solved and proves it theirs by the phone's last digits. The case is
    reopened as their own "没解决" reopens it (a repeat, the supervisors told, a new reply time told
    in the chat they wrote from, the 回访 called off); they are never asked for a phone or a place."""
    client, stub = await app_with_sms_stub(make_client)
    try:

        async def texted(fragment: str) -> None:
            async def check() -> bool:
                return any(fragment in text for text in stub.texts_to(PHONE))

            await eventually(check, timeout=15)

        await stub.phone_sends("楼下的狗天天晚上叫 吵得睡不着")
        await texted("小区或地址")
        await stub.phone_sends("阳光花园5栋")
        await texted("是否正确")
        await stub.phone_sends("1")
        await texted("投诉编号")
        [first] = await _cases(client)
        agent_id = await _resolved(client, first.conversation_id)
        async with resources(client.app).sessions() as session:
            callbacks = await session.execute(
                select(Timer.kind).where(Timer.conversation_id == first.conversation_id, Timer.status == "pending")
            )
            assert "satisfaction_callback" in set(callbacks.scalars())

        token, web_chat = await new_session(client)
        socket = await ChatSocket.open(client, token)
        await socket.until_bot_says("客服代表")
        await socket.send(f"{first.case_number} 还是没解决 狗还在叫 你们根本不管")
        await socket.until_bot_says("完整联系电话")
        await socket.send(PHONE)
        await socket.until_bot_says(REOPENED)
        told = await _told(socket, FOLLOWED_UP)
        assert first.case_number in told

        async def reopened() -> bool:
            [case] = await _cases(client)
            return case.status == "open"

        await eventually(reopened)
        [case] = await _cases(client)
        assert case.grade == "complex" and "repeat" in case.signals
        assert case.conversation_id == first.conversation_id  # still the SMS customer's case
        conversation = await _conversation(client, first.conversation_id)
        assert conversation.owner == f"agent:{agent_id}"
        async with resources(client.app).sessions() as session:
            pending = await session.execute(
                select(Timer.kind).where(Timer.conversation_id == first.conversation_id, Timer.status == "pending")
            )
            assert not {"satisfaction_callback", "satisfaction_timeout"} & set(pending.scalars())
            reopened_notices = await session.execute(
                select(Notification.kind).where(Notification.kind == "case_reopened")
            )
            assert reopened_notices.scalars().all()
        assert "reopened" in await timeline_kinds(client, first.conversation_id)
        said = socket.bot_texts()
        assert not any("电话号码" in text or "小区或地址" in text or "投诉编号是" in text for text in said), said
        assert (await _conversation(client, web_chat)).flow_state == "handed_off"
        await socket.close()
    finally:
        await stub.server.close()
