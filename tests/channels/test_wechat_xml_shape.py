"""A signed push whose XML is shaped like no WeChat message is refused at once, not after
seconds of parsing on the event loop."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.channels.wechat.adapter import RequestRejected, WechatAdapter, WechatSettings
from tests.cpu_time import cpu_seconds

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
NESTED = "<xml>" + "<a>" * 100_000 + "</a>" * 100_000 + "</xml>"
MANY = "<xml>" + "".join(f"<f{i}>x</f{i}>" for i in range(50_000)) + "</xml>"


@pytest.mark.parametrize("body", [NESTED, MANY], ids=["100,000 nested elements", "50,000 fields"])
def test_xml_nested_deeper_or_wider_than_wechats_is_refused_in_milliseconds(body: str) -> None:
    assert len(body.encode()) < 1_000_000
    adapter = WechatAdapter(WechatSettings("token", "wxappid", "secret"))

    def parse() -> None:
        with pytest.raises(RequestRejected) as refused:
            adapter.parse(body, NOW)
        assert refused.value.status == 400

    assert cpu_seconds(parse) < 0.05
