"""WeChat has no buttons: the options a reply offers go as numbered text, by the customer-service
API or in a passive reply on the push itself, and the customer's number picks one (issue 12
item 9)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import xmltodict

from bot.settings import WechatAccountSettings
from tests.channels.wechat_helpers import APPID, SECRET, TOKEN, FakeWechatApi, signed_query, start_fake_wechat, text_xml
from tests.conftest import AppFactory
from tests.helpers import eventually


@pytest.fixture
async def wechat(make_client: AppFactory) -> AsyncIterator[tuple[Any, FakeWechatApi]]:
    api = FakeWechatApi()
    server = await start_fake_wechat(api)
    account = WechatAccountSettings(TOKEN, APPID, SECRET, None, None, api_base=str(server.make_url("")).rstrip("/"))
    client = await make_client(wechat=account, in_process_worker=True)
    yield client, api
    await server.close()


async def test_the_confirmation_choices_are_numbered_and_a_number_answers(wechat: tuple[Any, FakeWechatApi]) -> None:
    client, api = wechat
    passive: list[str] = []

    def texts() -> list[str]:
        return [*passive, *api.texts()]

    async def push(text: str, msg_id: int) -> None:
        response = await client.post("/channels/wechat", params=signed_query(client), data=text_xml(text, msg_id))
        assert response.status == 200
        body = await response.text()
        if body != "success":
            passive.append(str(xmltodict.parse(body)["xml"]["Content"]))

    async def said(fragment: str) -> str:
        async def check() -> bool:
            return any(fragment in text for text in texts())

        try:
            await eventually(check, timeout=15)
        except AssertionError:
            raise AssertionError(f"waiting for {fragment!r}; sent: {texts()}") from None
        return next(text for text in texts() if fragment in text)

    for number, (text, answer) in enumerate(
        (("小区门口的路灯坏了一个星期了", "电话"), ("13800138000", "地址"), ("阳光花园5栋", "是否正确")), start=1
    ):
        await push(text, number)
        await said(answer)
    assert (await said("是否正确")).endswith("请您回复数字：\n1. 对\n2. 不对")
    await push("1", 4)
    await said("投诉编号")  # "1" was "对": confirmed and promised
