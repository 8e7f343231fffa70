"""The WeChat account's menu (``wechat.menu`` of config/channels.yaml): a CLICK button asks where
the case stands or an FAQ entry's question, or opens the conversation; pushed signed, against the
fake WeChat API."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
import xmltodict
from sqlalchemy import select

from bot.channels.wechat.adapter import WechatAdapter, WechatSettings, followed_the_account
from bot.config import ChannelsConfig, ServiceConfig, WechatWindow
from bot.keys import resources
from bot.settings import WechatAccountSettings
from bot.staff.accounts import Role
from bot.storage.models import Conversation
from tests.channels.wechat_helpers import (
    APPID,
    SECRET,
    TOKEN,
    FakeWechatApi,
    event_xml,
    signed_query,
    start_fake_wechat,
    stored_count,
    text_xml,
)
from tests.conftest import AppFactory
from tests.helpers import sent_containing, settled
from tests.staff import add_user, claim_conversation, sign_in

MENU = {"COMPLAIN": "open", "CASE_STATUS": "status", "HOURS": "faq:business_hours", "HOW_LONG": "faq:reply_time"}
NO_CASE = "暂时没有查到您在这里反映的投诉记录"
HOURS = "我们的服务时间是每个工作日"
ANYTHING_ELSE = "请问还有什么可以帮助您？"


@pytest.fixture
async def wechat(
    request: pytest.FixtureRequest, make_client: AppFactory, service_config: ServiceConfig
) -> AsyncIterator[tuple[Any, FakeWechatApi]]:
    """WeChat on against a fake API, with the menu above; every reply by the customer-service API
    unless parametrised with a passive reply budget in ms."""
    api = FakeWechatApi()
    server = await start_fake_wechat(api)
    account = WechatAccountSettings(TOKEN, APPID, SECRET, None, None, api_base=str(server.make_url("")).rstrip("/"))
    passive_ms = getattr(request, "param", 0)
    channels = ChannelsConfig(wechat=WechatWindow(passive_reply_within_ms=passive_ms, menu=MENU))
    client = await make_client(
        wechat=account, in_process_worker=True, config=service_config.model_copy(update={"channels": channels})
    )
    yield client, api
    await server.close()


async def push(client: Any, xml: str) -> None:
    response = await client.post("/channels/wechat", params=signed_query(client), data=xml)
    assert response.status == 200
    assert await response.text() == "success"


async def click(client: Any, key: str, created: int) -> None:
    await push(client, event_xml("CLICK", created, event_key=key))


async def complaint_handed_off(client: Any, api: FakeWechatApi) -> None:
    """The customer files a complaint over WeChat, up to the promise with its case number."""
    said = (
        ("小区门口的路灯坏了一个星期了", "电话"),
        ("13800138000", "地址"),
        ("阳光花园5栋", "是否正确"),
        ("对", "编号"),
    )
    for number, (text, answer) in enumerate(said, start=1):
        await push(client, text_xml(text, 5100 + number, created=1795400000 + number))
        await sent_containing(api, answer)
    await settled(client)


async def test_the_status_button_before_any_complaint_says_none_is_on_record(
    wechat: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat
    await click(client, "CASE_STATUS", 1795400000)
    await sent_containing(api, NO_CASE)
    await settled(client)
    assert not any("请问有什么可以帮您吗" in text for text in api.texts())  # asked, not greeted into a complaint


async def test_the_status_button_after_the_hand_off_tells_where_the_case_stands(
    wechat: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat
    await complaint_handed_off(client, api)
    before = len(api.texts())
    await click(client, "CASE_STATUS", 1795400100)
    await sent_containing(api, "您的投诉编号是")
    await settled(client)
    [status] = api.texts()[before:]
    assert status.startswith("您的投诉编号是TS") and "客服代表" in status


async def test_an_faq_button_answers_its_entry_and_the_form_goes_on(wechat: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat
    await click(client, "HOURS", 1795400000)
    await settled(client)
    answer, anything_else = api.texts()
    assert answer.startswith(HOURS) and anything_else == ANYTHING_ELSE
    # Mid-form, the answer, then the question the form is at.
    await push(client, text_xml("小区电梯坏了三天了", 5201, created=1795400010))
    await sent_containing(api, "电话")
    before = len(api.texts())
    await click(client, "HOURS", 1795400020)
    await settled(client)
    answer, question = api.texts()[before:]
    assert answer.startswith(HOURS) and "电话" in question


async def test_open_and_unlisted_buttons_open_the_conversation(wechat: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat
    await click(client, "COMPLAIN", 1795400000)
    await sent_containing(api, "客服代表")
    await settled(client)
    assert api.texts()[-1].endswith("请问有什么可以帮您吗？")  # the greeting
    await push(client, text_xml("小区电梯坏了三天了", 5301, created=1795400010))
    await sent_containing(api, "电话")
    before = len(api.texts())
    await click(client, "V1001_NOT_IN_THE_MENU", 1795400020)
    await settled(client)
    assert [text for text in api.texts()[before:] if "电话" in text]  # the phone question again


async def test_while_an_agent_has_the_case_only_where_it_stands_is_answered(
    wechat: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat
    await complaint_handed_off(client, api)
    async with resources(client.app).sessions() as session:
        conversation_id = (await session.execute(select(Conversation.id))).scalars().one()
    await add_user(client, "li.agent", Role.AGENT)
    await claim_conversation(client, await sign_in(client, "li.agent"), conversation_id)
    await settled(client)
    before = len(api.texts())
    await click(client, "HOURS", 1795400100)  # the agent answers that
    await settled(client)
    assert api.texts()[before:] == []
    await click(client, "HOW_LONG", 1795400110)  # about the case: its own status and time
    await click(client, "CASE_STATUS", 1795400120)
    await settled(client)
    told = api.texts()[before:]
    assert len(told) == 2 and all(text.startswith("您的投诉编号是TS") and "li" not in text for text in told)
    response = await client.get(f"/api/conversations/{conversation_id}")
    pressed = [message["text"] for message in (await response.json())["messages"] if message["from"] == "customer"]
    assert pressed[-3:] == ["[menu] faq:business_hours", "[menu] faq:reply_time", "[menu] status"]


@pytest.mark.parametrize("wechat", [4000], indirect=True)
async def test_two_buttons_tapped_in_one_second_are_each_answered_once(wechat: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat
    created = 1795400000
    said = []
    for key in ("HOURS", "CASE_STATUS"):  # two taps inside one second: one CreateTime
        response = await client.post(
            "/channels/wechat", params=signed_query(client), data=event_xml("CLICK", created, key)
        )
        assert response.status == 200
        said.append(str(xmltodict.parse(await response.text())["xml"]["Content"]))
    assert said[0].startswith(HOURS) and NO_CASE in said[1]  # each on its own push
    await settled(client)
    assert api.texts() == []  # the first answer is not sent a second time
    # WeChat retrying the second push (it read no answer): stored once, its answer sent again once.
    for _ in range(2):
        retried = await client.post(
            "/channels/wechat", params=signed_query(client), data=event_xml("CLICK", created, "CASE_STATUS")
        )
        assert await retried.text() == "success"
    await sent_containing(api, NO_CASE)
    await settled(client)
    assert "\n\n".join(api.texts()) == said[1]
    assert await stored_count(client) == 2


def test_events_of_one_second_are_told_apart_by_what_they_carry() -> None:
    adapter = WechatAdapter(WechatSettings(TOKEN, APPID, SECRET))

    def provider_id(xml: str) -> str | None:
        message = adapter.parse(xml, dt.datetime(2026, 11, 23, tzinfo=dt.UTC), menu={})
        return None if message is None else message.provider_message_id

    hours, status = (
        provider_id(event_xml("CLICK", 1795400000, "HOURS")),
        provider_id(event_xml("CLICK", 1795400000, "X")),
    )
    assert hours != status and hours == provider_id(event_xml("CLICK", 1795400000, "HOURS"))
    scanned = provider_id(event_xml("subscribe", 1795400000, "qrscene_17"))
    assert scanned not in {hours, provider_id(event_xml("subscribe", 1795400000, "qrscene_18"))}
    assert followed_the_account(scanned) and not followed_the_account(hours)
