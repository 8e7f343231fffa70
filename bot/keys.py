"""Typed application keys: ``resources_key`` holds the shared ``Resources``; the others are views
onto it (and the settings, config and clock ``create_app`` was given) for the handlers."""

from __future__ import annotations

from aiohttp import web
from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import ChannelAdapter
from bot.channels.webchat.adapter import WebchatHub
from bot.config import ServiceConfig
from bot.core.clock import Clock
from bot.core.engine import ConversationEngine
from bot.core.pipeline import Pipeline
from bot.handoff.live_queue import LiveQueue
from bot.outbound.gateway import OutboundGateway
from bot.promises.tracker import Tracker
from bot.resources import Resources
from bot.settings import Settings
from bot.storage.db import Database

resources_key = web.AppKey("resources", Resources)
settings_key = web.AppKey("settings", Settings)
config_key = web.AppKey("config", ServiceConfig)
clock_key: web.AppKey[Clock] = web.AppKey("clock")
redis_key = web.AppKey("redis", ArqRedis)
database_key = web.AppKey("database", Database)
sessions_key = web.AppKey("sessions", async_sessionmaker[AsyncSession])
engine_key = web.AppKey("conversation_engine", ConversationEngine)
hub_key = web.AppKey("webchat_hub", WebchatHub)
gateway_key = web.AppKey("gateway", OutboundGateway)
pipeline_key = web.AppKey("pipeline", Pipeline)
redis_url_key = web.AppKey("redis_url", str)
adapters_key = web.AppKey("channel_adapters", dict[str, ChannelAdapter])
live_queue_key = web.AppKey("live_queue", LiveQueue)
tracker_key = web.AppKey("tracker", Tracker)
