"""One customer across channels: a phone given on web chat links a later SMS to the same case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from bot.config import ChannelsConfig, WechatWindow
from bot.keys import resources
from bot.settings import WechatAccountSettings
from bot.storage.models import ChannelIdentity, Complaint, Customer
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
        return (await session.execute(select(Complaint.case_number))).scalar_one()


async def test_an_sms_from_the_phone_given_on_web_chat_sees_the_open_case(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    case_number = await _complain_on_web_chat(client, "13800138000")
    await stub.phone_sends("请问我的投诉处理得怎么样了", sender=PHONE)

    async def told_the_case() -> bool:
        return any(case_number in text for text in stub.texts_to(PHONE))

    await eventually(told_the_case, timeout=15)
    reply = next(text for text in stub.texts_to(PHONE) if case_number in text)
    assert "明天下午5点前" in reply  # the promised time of the web chat complaint
    async with resources(client.app).sessions() as session:
        customers = (await session.execute(select(func.count()).select_from(Customer))).scalar_one()
        channels = (await session.execute(select(ChannelIdentity.channel).order_by(ChannelIdentity.id))).scalars().all()
    assert customers == 1
    assert channels == ["webchat", "sms"]


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


async def test_a_wechat_complainant_who_later_texts_gets_the_same_case(
    make_client: AppFactory, service_config: Any
) -> None:
    """WeChat gives no phone: the customer types it; their later SMS from it finds the case."""
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
            (1, "小区楼道的垃圾三天没人清理", "电话"),
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
        assert any(case_number in reply for reply in api.texts())

        await stub.phone_sends("我的投诉怎么样了", sender=PHONE)

        async def told_the_case() -> bool:
            return any(case_number in text for text in stub.texts_to(PHONE))

        await eventually(told_the_case, timeout=15)
        async with resources(client.app).sessions() as session:
            identities = (await session.execute(select(ChannelIdentity.channel, ChannelIdentity.external_id))).all()
            customers = (await session.execute(select(func.count()).select_from(Customer))).scalar_one()
        assert customers == 1
        assert sorted(identities) == sorted([("wechat", OPENID), ("sms", PHONE)])
    finally:
        await stub.server.close()
        await wechat_server.close()


async def test_outside_the_wechat_window_with_no_template_a_known_phone_gets_an_sms(
    make_client: AppFactory, service_config: Any, clock: Any
) -> None:
    api = FakeWechatApi()
    wechat_server = await start_fake_wechat(api)
    client, stub = await app_with_sms_stub(
        make_client,
        wechat=WechatAccountSettings(WECHAT_TOKEN, APPID, SECRET, api_base=str(wechat_server.make_url("")).rstrip("/")),
        config=service_config.model_copy(
            update={"channels": ChannelsConfig(wechat=WechatWindow(passive_reply_within_ms=0, template_id=None))}
        ),
    )
    try:
        xml = text_xml("路灯坏了,电话13800138000", 9009)
        await client.post("/channels/wechat", params=signed_query(client), data=xml)

        async def answered() -> bool:
            return len(api.texts()) >= 2

        await eventually(answered, timeout=15)
        clock.advance(hours=49)
        async with resources(client.app).sessions() as session, session.begin():
            await session.execute(update(Customer).values(phone="13800138000"))
        await queue_late_message(client, clock(), "您好,路灯已经修好了。")

        async def texted() -> bool:
            return "您好,路灯已经修好了。" in stub.texts_to("13800138000")

        await eventually(texted, timeout=15)
        assert "您好,路灯已经修好了。" not in api.texts()
    finally:
        await stub.server.close()
        await wechat_server.close()
