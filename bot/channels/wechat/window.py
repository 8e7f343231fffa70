"""A channel's sending window (WeChat's customer-service window) as the agent and the worker see it.

The worker decides the route with it (``workers.routes.choose_route``); the staff API shows it
on the conversation so the agent knows when the window is closing. Both read the same data:
when the customer last wrote on the identity, and how many messages went out since
(``bot.storage.windows.window_usage``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.config import WechatWindow


@dataclass(frozen=True, slots=True)
class WindowState:
    channel: str
    open: bool
    closes_at: dt.datetime | None
    messages_left: int
    closing_soon: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "open": self.open,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
            "messages_left": self.messages_left,
            "closing_soon": self.closing_soon,
        }


def wechat_window(
    now: dt.datetime, last_customer_message_at: dt.datetime | None, sent_since_then: int, window: WechatWindow
) -> WindowState:
    """The window after the customer's last message: open while time and quota remain;
    closing soon when fewer than the configured hours or messages are left."""
    if last_customer_message_at is None:
        return WindowState("wechat", False, None, 0, False)
    closes_at = last_customer_message_at + dt.timedelta(hours=window.window_hours)
    messages_left = max(window.messages_per_window - sent_since_then, 0)
    is_open = now < closes_at and messages_left > 0
    closing_soon = is_open and (
        closes_at - now < dt.timedelta(hours=window.closing_soon_hours) or messages_left < window.closing_soon_messages
    )
    return WindowState("wechat", is_open, closes_at, messages_left, closing_soon)
