"""Each recorded provider payload in tests/fixtures/<channel>/ parsed as the adapter sees it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qsl

import aiohttp
import pytest

from bot.channels.sms.adapter import SmsAdapter, SmsSettings
from bot.channels.telegram.adapter import TelegramAdapter, TelegramSettings
from bot.channels.wechat.adapter import WechatAdapter, WechatSettings
from bot.core.messages import MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures"
NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("fixture", "kind", "text", "provider_id"),
    [
        ("text.xml", MessageKind.TEXT, "小区的电梯又坏了", "msg:oia2TjjewbmiOUlr6X-1crbLOvLw:24000000000000001"),
        ("image.xml", MessageKind.IMAGE, "[image]", "msg:oia2TjjewbmiOUlr6X-1crbLOvLw:24000000000000002"),
        ("voice.xml", MessageKind.VOICE, "[voice] 楼道灯不亮", "msg:oia2TjjewbmiOUlr6X-1crbLOvLw:24000000000000003"),
        ("location.xml", MessageKind.LOCATION, "[location] 陕西省西安市阳光花园 (34.263161,108.948024)", None),
        ("link.xml", MessageKind.LINK, "[link] 小区停水通知 https://example.com/notice", None),
        ("subscribe.xml", MessageKind.START, "", "event:oia2TjjewbmiOUlr6X-1crbLOvLw:1795400005:subscribe"),
    ],
)
def test_wechat_payloads(fixture: str, kind: MessageKind, text: str, provider_id: str | None) -> None:
    adapter = WechatAdapter(WechatSettings("token", "wxappid", "secret"))
    message = adapter.parse((FIXTURES / "wechat" / fixture).read_text(encoding="utf-8"), NOW)
    assert message is not None
    assert (message.kind, message.text, message.sender_id) == (kind, text, "oia2TjjewbmiOUlr6X-1crbLOvLw")
    if provider_id:
        assert message.provider_message_id == provider_id


@pytest.mark.parametrize("fixture", ["unsubscribe.xml", "shortvideo.xml"])
def test_wechat_payloads_the_bot_ignores(fixture: str) -> None:
    adapter = WechatAdapter(WechatSettings("token", "wxappid", "secret"))
    assert adapter.parse((FIXTURES / "wechat" / fixture).read_text(encoding="utf-8"), NOW) is None


@pytest.mark.parametrize(
    ("fixture", "kind", "text"),
    [
        ("start.json", MessageKind.START, ""),
        ("text.json", MessageKind.TEXT, "小区的电梯又坏了"),
        ("photo.json", MessageKind.IMAGE, "漏水的位置"),
        ("edited_message.json", MessageKind.EDITED, "小区的电梯又坏了!"),  # kept, not read again
    ],
)
def test_telegram_payloads(fixture: str, kind: MessageKind | None, text: str | None) -> None:
    adapter = TelegramAdapter(TelegramSettings("123:ABC", "secret"))
    payload = json.loads((FIXTURES / "telegram" / fixture).read_text(encoding="utf-8"))
    message = adapter.parse(payload, NOW)
    if kind is None:
        assert message is None
        return
    assert message is not None
    assert (message.kind, message.text, message.sender_id) == (kind, text, "5550001")
    assert message.provider_message_id == f"update:{payload['update_id']}"


async def test_sms_inbound_payload() -> None:
    params = dict(parse_qsl((FIXTURES / "sms" / "inbound.txt").read_text(encoding="utf-8").strip()))
    async with aiohttp.ClientSession() as http:
        adapter = SmsAdapter(SmsSettings("AC1", "token", "10690000", "http://gateway"), http)
        message = adapter.parse(params, NOW)
    assert (message.text, message.sender_phone) == ("小区的电梯又坏了", "+8613800138000")
    assert message.provider_message_id == "SM5f2d0c0e2f1b4a7c9d3e8f6a1b2c3d4e"
