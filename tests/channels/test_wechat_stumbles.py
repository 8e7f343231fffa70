"""WeChat where customers stumbled: a passive reply WeChat never read, a long agent reply, a
photo or a link before any words, a menu button, numbered choices listed once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import xmltodict

from bot.config import ChannelsConfig, ServiceConfig, WechatWindow
from bot.keys import resources
from bot.settings import WechatAccountSettings
from tests.channels.wechat_helpers import (
    APPID,
    SECRET,
    TOKEN,
    FakeWechatApi,
    event_xml,
    image_xml,
    link_xml,
    queue_late_message,
    signed_query,
    start_fake_wechat,
    text_xml,
    voice_xml,
)
from tests.conftest import AppFactory
from tests.helpers import sent_containing, settled


@pytest.fixture
async def wechat(
    request: pytest.FixtureRequest, make_client: AppFactory, service_config: ServiceConfig
) -> AsyncIterator[tuple[Any, FakeWechatApi]]:
    """WeChat on against a fake API; passive replies within ``request.param`` ms (0: off)."""
    api = FakeWechatApi()
    server = await start_fake_wechat(api)
    account = WechatAccountSettings(TOKEN, APPID, SECRET, None, None, api_base=str(server.make_url("")).rstrip("/"))
    passive_ms = getattr(request, "param", 0)
    config = service_config.model_copy(
        update={"channels": ChannelsConfig(wechat=WechatWindow(passive_reply_within_ms=passive_ms))}
    )
    client = await make_client(wechat=account, in_process_worker=True, config=config)
    yield client, api
    await server.close()


async def push(client: Any, xml: str) -> str:
    response = await client.post("/channels/wechat", params=signed_query(client), data=xml)
    assert response.status == 200
    return await response.text()


@pytest.mark.parametrize("wechat", [4000], indirect=True)
async def test_replies_of_a_passive_reply_wechat_never_read_are_sent_again_once(
    wechat: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat
    xml = text_xml("小区电梯坏了三天了", 3001)
    first = await push(client, xml)
    passive = str(xmltodict.parse(first)["xml"]["Content"])
    assert "电话" in passive  # the greeting and the phone question, on the push itself
    # The answer was lost (WeChat timed out): WeChat pushes the same MsgId again, up to three times.
    assert await push(client, xml) == "success"
    await sent_containing(api, "电话")
    for _ in range(2):
        assert await push(client, xml) == "success"
    await settled(client)
    assert "\n\n".join(api.texts()) == passive  # every reply, in order, exactly once


async def test_a_long_agent_reply_goes_as_several_messages_within_wechats_limit(
    wechat: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat
    await push(client, text_xml("小区电梯坏了", 3101))
    await sent_containing(api, "电话")
    before = len(api.texts())
    sentence = "关于您反映的电梯故障问题，维修人员已经到场检查，更换了控制板并完成了安全测试。"
    reply = "您好，" + sentence * 25  # 978 characters, 2934 bytes
    await queue_late_message(client, resources(client.app).clock(), reply)

    # A send that timed out on a loaded machine is tried again after its backoff: settled waits for it.
    await settled(client, timeout=30)
    pieces = api.texts()[before:]
    assert len(pieces) == 2 and all(len(piece.encode()) <= 2048 for piece in pieces)
    assert "".join(pieces) == reply
    assert pieces[0].endswith("。")  # cut after a sentence, not inside one


async def test_a_long_reply_whose_second_piece_failed_for_now_goes_on_from_that_piece(
    wechat: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat
    await push(client, text_xml("小区电梯坏了", 3111))
    await sent_containing(api, "电话")
    await settled(client)
    before = len(api.texts())
    sentence = "关于您反映的电梯故障问题，维修人员已经到场检查，更换了控制板并完成了安全测试。"
    reply = "您好，" + sentence * 50  # 1953 characters, 5859 bytes: three pieces
    api.fail_once_at = len(api.sent) + 1  # the second piece meets a 502 Bad Gateway
    await queue_late_message(client, resources(client.app).clock(), reply)

    await settled(client, timeout=30)  # the retry after its backoff
    assert api.fail_once_at is None
    pieces = api.texts()[before:]
    assert len(pieces) == 3 and "".join(pieces) == reply  # each piece once, in order


@pytest.mark.parametrize(
    "first",
    [
        image_xml("media_photo_1", 3201),
        voice_xml("", 3202),
        link_xml("小区消防通道被堵", "https://mp.weixin.qq.com/s/abc", 3203),
    ],
    ids=["photo", "voice without transcript", "link"],
)
async def test_a_first_message_without_words_is_greeted_and_asked_for_words_without_a_promise(
    wechat: tuple[Any, FakeWechatApi], first: str
) -> None:
    client, api = wechat
    await push(client, first)
    texts = await sent_containing(api, "用文字")
    assert texts[0].startswith("下午好")
    assert not any("记录下来" in text or "相关工作人员" in text for text in texts)


async def test_a_menu_click_opens_the_conversation_and_subscribing_again_asks_the_question_again(
    wechat: tuple[Any, FakeWechatApi],
) -> None:
    client, api = wechat
    await push(client, event_xml("CLICK", 1795400000, event_key="V1001_COMPLAINT"))
    await sent_containing(api, "客服代表")
    await settled(client)  # the greeting comes as two messages: both sent
    assert api.texts()[-1].endswith("请问有什么可以帮您吗？")
    await push(client, text_xml("小区电梯坏了", 3301, created=1795400010))
    await sent_containing(api, "电话")
    asked = len(api.texts())
    await push(client, event_xml("unsubscribe", 1795400020))
    await push(client, event_xml("subscribe", 1795400030))
    await settled(client)
    assert [text for text in api.texts()[asked:] if "电话" in text]  # the phone question again


async def test_the_correction_choices_are_listed_once(wechat: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat
    for number, (text, answer) in enumerate(
        (
            ("小区门口的路灯坏了一个星期了", "电话"),
            ("13800138000", "地址"),
            ("阳光花园5栋", "是否正确"),
            ("不对", "哪一项"),
        ),
        start=1,
    ):
        await push(client, text_xml(text, 3400 + number, created=1795400000 + number))
        await sent_containing(api, answer)
    question = next(text for text in api.texts() if "哪一项" in text)
    assert question.count("1.") == 1 and question.count("问题描述") == 1
    assert question.endswith("请您回复数字：\n1. 问题描述\n2. 联系电话\n3. 地址/区域")
