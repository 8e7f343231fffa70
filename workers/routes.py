"""Which way an outbound message goes: directly, or by a fallback outside a channel's window.

Pure functions over plain data, tested without I/O.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from bot.channels.wechat.window import wechat_window
from bot.config import WechatWindow
from bot.core.messages import ChannelName


class Route(StrEnum):
    DIRECT = "direct"
    TEMPLATE = "template"
    SMS = "sms"
    NONE = "none"


def choose_route(
    channel: str,
    now: dt.datetime,
    last_customer_message_at: dt.datetime | None,
    sent_since_then: int,
    window: WechatWindow,
    phone_known: bool,
    sms_available: bool,
) -> Route:
    """WeChat customer-service messages only go inside the window and under the quota;
    outside it a template message (when configured), else an SMS (when ``phone_known``: a phone
    the channel vouched for, an SMS sender's number; never one typed in a chat)."""
    if channel != ChannelName.WECHAT:
        return Route.DIRECT
    if wechat_window(now, last_customer_message_at, sent_since_then, window).open:
        return Route.DIRECT
    if window.template_id:
        return Route.TEMPLATE
    if phone_known and sms_available:
        return Route.SMS
    return Route.NONE
