"""A customer's daily photo quota (``channels.photo_quota``): how many photos, and how many bytes
of them, one channel identity may have stored within 24 hours. The photos are counted from their
rows, so every instance and worker counts the same, and a photo refused costs nothing stored."""

from __future__ import annotations

import datetime as dt
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import PhotoQuota
from bot.storage.media import PhotosSent, photos_sent_since

QUOTA_WINDOW = dt.timedelta(hours=24)

PHOTO_QUOTA = "photo_quota"
"""The reason given (and the ``webchat_refused`` metric's) for a photo beyond the quota."""


def within(sent: PhotosSent, quota: PhotoQuota) -> bool:
    """Whether one more photo may be taken: the photo that crosses the byte quota is the last."""
    return sent.photos < quota.photos_per_day and sent.size < quota.bytes_per_day


async def quota_reached(
    sessions: async_sessionmaker[AsyncSession], quota: PhotoQuota, identity_id: int, now: dt.datetime
) -> bool:
    """Whether the customer has used up the day's photos (their last 24 hours)."""
    async with sessions() as session:
        sent = await session.run_sync(partial(photos_sent_since, identity_id=identity_id, since=now - QUOTA_WINDOW))
    return not within(sent, quota)
