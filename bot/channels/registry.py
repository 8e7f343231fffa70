"""The provider adapters a process uses, built from its settings: one place for app and worker."""

from __future__ import annotations

import dataclasses

import aiohttp
from redis.asyncio import Redis

from bot.channels.base import ChannelAdapter
from bot.channels.sms.adapter import SmsAdapter, SmsSettings
from bot.channels.sms.stub import StubConfig
from bot.channels.telegram.adapter import TelegramAdapter
from bot.channels.wechat.adapter import WechatAdapter
from bot.core.messages import ChannelName
from bot.settings import Settings

STUB_PATH = "/sms-stub"
STUB_ACCOUNT_SID = "AC" + "0" * 32
# Not a secret: the stub page itself lets anyone "send" an SMS. Fixed so that every process built
# from the same settings (app, worker) signs and authenticates alike.
STUB_AUTH_TOKEN = "stub-auth-token"
STUB_NUMBER = "10690000"


def stub_config(settings: Settings) -> StubConfig | None:
    """The stub gateway the app mounts at ``/sms-stub/``: only when ``BOT_SMS_STUB`` asks for it
    and no real gateway is configured."""
    if settings.sms is not None or not settings.sms_stub:
        return None
    base = settings.public_base()
    return StubConfig(STUB_ACCOUNT_SID, STUB_AUTH_TOKEN, STUB_NUMBER, f"{base}/channels/sms")


def sms_gateway(settings: Settings) -> SmsSettings | None:
    """The SMS gateway this deployment sends through: the configured one, the stub, or none (SMS off)."""
    if settings.sms is not None:
        return settings.sms
    stub = stub_config(settings)
    if stub is None:
        return None
    return SmsSettings(stub.account_sid, stub.auth_token, stub.number, f"{settings.public_base()}{STUB_PATH}")


def channels_off(settings: Settings) -> dict[str, str]:
    """The provider channels these settings leave off, each with how to turn it on."""
    off: dict[str, str] = {}
    if sms_gateway(settings) is None:
        off[ChannelName.SMS] = (
            "set BOT_SMS_ACCOUNT_SID, BOT_SMS_AUTH_TOKEN, BOT_SMS_FROM and BOT_SMS_API_BASE "
            "(or BOT_SMS_STUB=1 for the development stub)"
        )
    if settings.telegram is None:
        off[ChannelName.TELEGRAM] = "set BOT_TELEGRAM_TOKEN and BOT_TELEGRAM_SECRET"
    if settings.wechat is None:
        off[ChannelName.WECHAT] = "set BOT_WECHAT_TOKEN, BOT_WECHAT_APPID and BOT_WECHAT_SECRET"
    return off


def build_adapters(settings: Settings, http: aiohttp.ClientSession, redis: Redis) -> dict[str, ChannelAdapter]:
    """Adapters for every configured channel: the same for an app instance and a worker.

    The SMS status callback goes to this deployment's public URL when one is known.
    """
    adapters: dict[str, ChannelAdapter] = {}
    sms = sms_gateway(settings)
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
