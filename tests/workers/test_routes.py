"""Which way a message goes inside and outside WeChat's customer-service window."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import WechatWindow
from workers.routes import Route, choose_route

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
PLAIN = WechatWindow()
WITH_TEMPLATE = WechatWindow(template_id="TPL1")


@pytest.mark.parametrize(
    ("channel", "hours_ago", "sent", "window", "phone", "sms", "route"),
    [
        ("sms", None, 0, PLAIN, True, True, Route.DIRECT),
        ("wechat", 1, 0, PLAIN, False, False, Route.DIRECT),
        ("wechat", 47.9, 19, PLAIN, False, False, Route.DIRECT),
        ("wechat", 48, 0, WITH_TEMPLATE, True, True, Route.TEMPLATE),
        ("wechat", 1, 20, WITH_TEMPLATE, False, False, Route.TEMPLATE),
        ("wechat", 49, 0, PLAIN, True, True, Route.SMS),
        ("wechat", 49, 0, PLAIN, True, False, Route.NONE),
        ("wechat", 49, 0, PLAIN, False, True, Route.NONE),
        ("wechat", None, 0, PLAIN, False, False, Route.NONE),
    ],
)
def test_route(
    channel: str,
    hours_ago: float | None,
    sent: int,
    window: WechatWindow,
    phone: bool,
    sms: bool,
    route: Route,
) -> None:
    last = None if hours_ago is None else NOW - dt.timedelta(hours=hours_ago)
    assert choose_route(channel, NOW, last, sent, window, phone, sms) is route
