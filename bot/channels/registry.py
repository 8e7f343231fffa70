"""The provider adapters a process uses, built from its settings: one place for app and worker."""

from __future__ import annotations

import dataclasses

import aiohttp
from redis.asyncio import Redis

from bot.channels.base import ChannelAdapter
from bot.channels.sms.adapter import SmsAdapter, SmsSettings
from bot.channels.telegram.adapter import TelegramAdapter
from bot.channels.wechat.adapter import WechatAdapter
from bot.core.messages import ChannelName
from bot.settings import Settings


def build_adapters(
    settings: Settings, sms: SmsSettings | None, http: aiohttp.ClientSession, redis: Redis
) -> dict[str, ChannelAdapter]:
    """Adapters for every configured channel; ``sms`` may be the embedded stub's account.

    The SMS status callback goes to this deployment's public URL when one is known.
    """
    adapters: dict[str, ChannelAdapter] = {}
    if sms is not None:
        callback = f"{settings.public_base()}/channels/sms/status"
        adapters[ChannelName.SMS] = SmsAdapter(dataclasses.replace(sms, status_callback_url=callback), http)
    if settings.telegram is not None:
        adapters[ChannelName.TELEGRAM] = TelegramAdapter(settings.telegram)
    if settings.wechat is not None:
        adapters[ChannelName.WECHAT] = WechatAdapter(settings.wechat, redis)
    return adapters


async def close_adapters(adapters: dict[str, ChannelAdapter]) -> None:
    telegram = adapters.get(ChannelName.TELEGRAM)
    if isinstance(telegram, TelegramAdapter):
        await telegram.close()
