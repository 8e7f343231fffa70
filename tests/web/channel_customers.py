"""Customers on WeChat and Telegram for the console tests: an app instance with both channels on
(nothing is delivered: no worker runs) and the conversation each channel's customer opened."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.settings import TelegramBotSettings, WechatAccountSettings
from bot.storage.models import Conversation
from tests.channels import telegram_helpers as tg
from tests.channels import wechat_helpers as wx
from tests.conftest import AppFactory

NOWHERE = "http://127.0.0.1:9"
"""The providers' API address: never called, as nothing is delivered."""


async def channels_app(make_client: AppFactory) -> Any:
    """An app instance taking WeChat pushes and Telegram updates."""
    return await make_client(
        wechat=WechatAccountSettings(wx.TOKEN, wx.APPID, wx.SECRET, api_base=NOWHERE),
        telegram=TelegramBotSettings(tg.TOKEN, tg.SECRET, NOWHERE),
    )


async def conversation_of(client: Any, channel: str) -> int:
    """The one conversation of this channel."""
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(Conversation.id).where(Conversation.channel == channel))).scalar_one()
