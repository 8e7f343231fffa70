"""One customer across channels: an SMS sender's number (which the channel vouches for) joins the
customer known by it; a phone typed in a chat, which anyone can type, never does, though a case
left with that phone is the sender's to ask after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from bot.config import ChannelsConfig, WechatWindow
from bot.keys import resources
from bot.settings import WechatAccountSettings
from bot.storage.models import ChannelIdentity, Complaint, Customer, Message, TimelineEvent
from tests.channels.conftest import PHONE, Stub, app_with_sms_stub
from tests.channels.wechat_helpers import (
    APPID,
    OPENID,
    SECRET,
    FakeWechatApi,
    queue_late_message,
    signed_query,
    start_fake_wechat,
    text_xml,
)
from tests.channels.wechat_helpers import TOKEN as WECHAT_TOKEN
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session


async def _complain_on_web_chat(client: Any, phone: str) -> str:
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("小区楼道的垃圾三天没人清理")
    await socket.until_bot_says("电话")
    await socket.send(phone)
    await socket.until_bot_says("小区或地址")
    await socket.send("阳光花园3栋")
    await socket.until_bot_says("阳光花园3栋")
    await socket.send("对")
    await socket.until_bot_says("投诉编号")
    await socket.close()
    async with resources(client.app).sessions() as session:
        return (
            await session.execute(select(Complaint.case_number).order_by(Complaint.id.desc()))
        ).scalars().first() or ""


async def test_a_phone_typed_on_web_chat_does_not_join_the_numbers_owner_to_the_typist(
    sms_setup: tuple[Any, Stub],
) -> None:
    """A phone typed in web chat joins no customer to another: the owner of that number, texting
    later, is a customer of their own. The case left with their number is theirs to ask after (its
    staff call that number), but another problem gets its own case and ticket, answered to them
    (not in the typist's chat)."""
    client, stub = sms_setup
    case_number = await _complain_on_web_chat(client, "13800138000")
    await stub.phone_sends("请问我的投诉处理得怎么样了", sender=PHONE)

    async def told() -> bool:
        return any(case_number in text for text in stub.texts_to(PHONE))

    await eventually(told, timeout=15)
    await stub.phone_sends("这个月话费多扣了50元", sender=PHONE)

    async def restated() -> bool:
        return any("问题：这个月话费多扣了50元" in text for text in stub.texts_to(PHONE))

    await eventually(restated, timeout=15)
    assert not any(case_number in text for text in stub.texts_to(PHONE)[3:])
    async with resources(client.app).sessions() as session:
        customers = (await session.execute(select(Customer.phone, Customer.phone_verified).order_by(Customer.id))).all()
        identities = (await session.execute(select(ChannelIdentity.channel, ChannelIdentity.customer_id))).all()
    assert customers == [("13800138000", False), ("13800138000", True)]
    assert len({customer for _channel, customer in identities}) == 2


async def test_a_different_phone_is_a_different_customer(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    case_number = await _complain_on_web_chat(client, "13800138000")
    await stub.phone_sends("路灯坏了", sender="+8613900139000")

    async def answered() -> bool:
        return len(stub.texts_to("+8613900139000")) >= 2

    await eventually(answered, timeout=15)
    assert not any(case_number in text for text in stub.texts_to("+8613900139000"))
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Customer))).scalar_one() == 2


async def test_a_wechat_complainant_texting_from_the_phone_left_on_the_case_is_told_where_it_stands(
    make_client: AppFactory, service_config: Any
) -> None:
    """WeChat gives no phone: the customer types it on the case. An SMS from that number later (the
    carrier vouches for the sender) asking after it, with no case number, is told where that case
    stands, and what it says of the problem goes on the case; no new case is opened. The two stay
    two customers: a typed phone joins no one."""
    api = FakeWechatApi()
    wechat_server = await start_fake_wechat(api)
    client, stub = await app_with_sms_stub(
        make_client,
        wechat=WechatAccountSettings(WECHAT_TOKEN, APPID, SECRET, api_base=str(wechat_server.make_url("")).rstrip("/")),
        config=service_config.model_copy(
            update={"channels": ChannelsConfig(wechat=WechatWindow(passive_reply_within_ms=0))}
        ),
    )
    try:
        for msg_id, text, expected in [
            (1, "我家厨房天花板漏水了", "电话"),
            (2, "13800138000", "小区或地址"),
            (3, "阳光花园3栋", "阳光花园3栋"),
            (4, "对", "投诉编号"),
        ]:
            await client.post("/channels/wechat", params=signed_query(client), data=text_xml(text, msg_id))

            async def replied(fragment: str = expected) -> bool:
                return any(fragment in reply for reply in api.texts())

            await eventually(replied, timeout=15)
        async with resources(client.app).sessions() as session:
            case_number = (await session.execute(select(Complaint.case_number))).scalar_one()

        await stub.phone_sends("我上午在微信投诉的漏水 怎么样了", sender=PHONE)

        async def answered() -> bool:
            return any(case_number in text for text in stub.texts_to(PHONE))

        await eventually(answered, timeout=15)
        answer = next(text for text in stub.texts_to(PHONE) if case_number in text)
        assert "明确的答复" in answer and "阳光花园" not in answer
        # More of the problem, in the same SMS conversation: it joins that case, as a repeat of
        # an open case from another conversation of its customer does (an appeal, seed 003).
        await stub.phone_sends("现在楼下邻居家也开始渗水了", sender=PHONE)

        async def joined() -> bool:
            return any(f"之前的投诉（投诉编号{case_number}）" in text for text in stub.texts_to(PHONE))

        await eventually(joined, timeout=15)
        async with resources(client.app).sessions() as session:
            cases = (await session.execute(select(Complaint.case_number, Complaint.conversation_id))).all()
            received = (
                await session.execute(
                    select(TimelineEvent.detail).where(
                        TimelineEvent.kind == "appeal_received",
                        TimelineEvent.conversation_id == cases[0].conversation_id,
                    )
                )
            ).scalars()
            texts = [detail["text"] for detail in received]
            identities = (await session.execute(select(ChannelIdentity.channel, ChannelIdentity.external_id))).all()
            customers = (await session.execute(select(func.count()).select_from(Customer))).scalar_one()
        assert [case.case_number for case in cases] == [case_number]
        assert any("楼下邻居家也开始渗水了" in text for text in texts)
        assert customers == 2
        assert sorted(identities) == sorted([("wechat", OPENID), ("sms", PHONE)])
    finally:
        await stub.server.close()
        await wechat_server.close()


async def _wechat_without_template(
    make_client: AppFactory, service_config: Any
) -> tuple[Any, Stub, Any, FakeWechatApi]:
    """An app with WeChat (no template message) and SMS through the stub gateway, in-process worker."""
    api = FakeWechatApi()
    wechat_server = await start_fake_wechat(api)
    client, stub = await app_with_sms_stub(
        make_client,
        wechat=WechatAccountSettings(WECHAT_TOKEN, APPID, SECRET, api_base=str(wechat_server.make_url("")).rstrip("/")),
        config=service_config.model_copy(
            update={"channels": ChannelsConfig(wechat=WechatWindow(passive_reply_within_ms=0, template_id=None))}
        ),
    )
    return client, stub, wechat_server, api


async def _complain_on_wechat(client: Any, api: FakeWechatApi, phone: str) -> None:
    for msg_id, text, expected in [
        (1, "小区楼道的垃圾三天没人清理", "电话"),
        (2, phone, "小区或地址"),
        (3, "阳光花园3栋", "阳光花园3栋"),
        (4, "对", "投诉编号"),
    ]:
        await client.post("/channels/wechat", params=signed_query(client), data=text_xml(text, msg_id))

        async def replied(fragment: str = expected) -> bool:
            return any(fragment in reply for reply in api.texts())

        await eventually(replied, timeout=15)


async def test_a_sender_whose_number_was_left_on_two_cases_hears_where_each_stands(
    make_client: AppFactory, service_config: Any
) -> None:
    """The same number left on a WeChat case and on a web chat case: texting from it, "我的投诉怎么样了"
    hears of both, each by its number, oldest first; nothing is opened or joined."""
    client, stub, wechat_server, api = await _wechat_without_template(make_client, service_config)
    try:
        await _complain_on_wechat(client, api, "13800138000")
        await _complain_on_web_chat(client, "13800138000")
        async with resources(client.app).sessions() as session:
            numbers = list((await session.execute(select(Complaint.case_number).order_by(Complaint.id))).scalars())
        await stub.phone_sends("我的投诉怎么样了", sender=PHONE)

        async def told_both() -> bool:
            return all(any(number in text for text in stub.texts_to(PHONE)) for number in numbers)

        await eventually(told_both, timeout=15)
        texts = stub.texts_to(PHONE)
        assert any("您目前有2个投诉正在处理" in text for text in texts)
        assert [next(i for i, text in enumerate(texts) if number in text) for number in numbers] == sorted(
            next(i for i, text in enumerate(texts) if number in text) for number in numbers
        )  # oldest first
        async with resources(client.app).sessions() as session:
            assert (await session.execute(select(func.count()).select_from(Complaint))).scalar_one() == 2
    finally:
        await stub.server.close()
        await wechat_server.close()


async def test_outside_the_wechat_window_a_contact_phone_typed_in_the_chat_is_never_texted(
    make_client: AppFactory, service_config: Any, clock: Any
) -> None:
    """A WeChat user can type anyone's number as the contact phone: once the window has closed,
    the agent's reply is not texted to that number (a stranger's, maybe); it is marked failed,
    and the agent sees on the timeline that it was not sent and why, with the case's contact
    phone to call."""
    client, stub, wechat_server, api = await _wechat_without_template(make_client, service_config)
    try:
        await _complain_on_wechat(client, api, "13700009999")
        clock.advance(hours=49)
        late = await queue_late_message(client, clock(), "您好,垃圾已经清理了。")

        async def failed() -> bool:
            async with resources(client.app).sessions() as session:
                status = (await session.execute(select(Message.delivery_status).where(Message.id == late))).scalar_one()
            return status == "failed"

        await eventually(failed, timeout=15)
        assert stub.texts_to("13700009999") == [] and stub.texts_to("+8613700009999") == []
        assert stub.gateway.outbound == []
        assert "您好,垃圾已经清理了。" not in api.texts()
        async with resources(client.app).sessions() as session:
            complaint = (await session.execute(select(Complaint))).scalar_one()
            rows = (
                await session.execute(select(TimelineEvent.detail).where(TimelineEvent.kind == "delivery_failed"))
            ).scalars()
            errors = [detail["error"] for detail in rows]
        assert complaint.contact_phone == "13700009999"  # for staff to call
        # The reply, and any reminder the case's timers sent meanwhile: each not sent, and why.
        assert errors and all("typed in the chat is for staff to call" in error for error in errors)
    finally:
        await stub.server.close()
        await wechat_server.close()


async def test_outside_the_wechat_window_with_no_template_a_verified_phone_gets_an_sms(
    make_client: AppFactory, service_config: Any, clock: Any
) -> None:
    """The fallback texts only a number the SMS channel vouched for (the customer's verified phone)."""
    client, stub, wechat_server, api = await _wechat_without_template(make_client, service_config)
    try:
        xml = text_xml("路灯坏了,电话13800138000", 9009)
        await client.post("/channels/wechat", params=signed_query(client), data=xml)

        async def answered() -> bool:
            return len(api.texts()) >= 2

        await eventually(answered, timeout=15)
        clock.advance(hours=49)
        async with resources(client.app).sessions() as session, session.begin():
            await session.execute(update(Customer).values(phone="13800138000", phone_verified=True))
        await queue_late_message(client, clock(), "您好,路灯已经修好了。")

        async def texted() -> bool:
            return "您好,路灯已经修好了。" in stub.texts_to("13800138000")

        await eventually(texted, timeout=15)
        assert "您好,路灯已经修好了。" not in api.texts()
    finally:
        await stub.server.close()
        await wechat_server.close()
