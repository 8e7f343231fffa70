"""Worker health: where a separate worker records that it is alive, and arq's check of it.

Kept apart from ``workers.settings`` so that the check (run every few seconds by compose) does
not import the jobs and everything they use.
"""

from __future__ import annotations

import socket
from typing import Any

from arq.constants import default_queue_name, health_check_key_suffix
from arq.worker import check_health

from bot.resources import redis_settings
from bot.settings import Settings

HEALTH_CHECK_SECONDS = 15
"""How often a worker records that it is alive; the record lives one second longer."""


def health_settings(settings: Settings) -> dict[str, Any]:
    """The arq ``Worker`` arguments for its health record: one key per host, so each container's
    check sees its own worker, not a sibling's."""
    if settings.redis_url is None:
        raise ValueError("BOT_REDIS_URL is required for a separate worker process (e.g. redis://127.0.0.1:6379/0)")
    return {
        "redis_settings": redis_settings(settings.redis_url),
        "health_check_key": f"{default_queue_name}{health_check_key_suffix}:{socket.gethostname()}",
        "health_check_interval": HEALTH_CHECK_SECONDS,
    }


def worker_is_healthy(settings: Settings) -> bool:
    """arq's ``--check`` (``check_health``): has this host's worker recorded itself within the interval?"""
    return check_health(health_settings(settings)) == 0
