"""Photos from WeChat and Telegram, fetched after their message is stored (issue 15)."""

from __future__ import annotations

from typing import Any

import structlog
from arq import Retry

from bot.channels.base import MediaUnavailable
from bot.config import PhraseId
from bot.media.decoding import DecodeBusy
from bot.media.files import MediaStoreError
from bot.media.images import NotAnImage
from bot.media.intake import take_in
from bot.media.quota import quota_reached
from bot.outbound.effects import Effects
from bot.resources import Resources, resources
from bot.storage.media import media_of_messages, sender_of_message
from workers.delivery import backoff

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]
MAX_FETCH_TRIES = 5


async def fetch_media(ctx: Ctx, message_id: int, channel: str, ref: str) -> str:
    """Download the photo ``ref`` of the stored message ``message_id`` and link it.

    Run again (a worker killed mid-way), it finds the photo already linked and does nothing.
    A provider that is unreachable, a media store that fails, or photo decoding too busy to take
    it in time is retried with backoff; a refusal, a photo over ``max_media_bytes`` or bytes that
    are not an image are logged and given up. A photo beyond the customer's daily
    ``photo_quota`` is not downloaded; the customer is told with the ``photo_quota_reached`` phrase.
    """
    shared = resources(ctx)
    async with shared.sessions() as session:
        if await session.run_sync(media_of_messages, [message_id]):
            return "already fetched"
        sender = await session.run_sync(sender_of_message, message_id)
    if sender is None:
        return "no message"
    conversation_id, identity_id = sender
    if await quota_reached(shared.sessions, shared.config.channels.photo_quota, identity_id, shared.clock()):
        await _say_quota_reached(shared, conversation_id)
        log.warning("media.over_quota", message_id=message_id, conversation_id=conversation_id)
        return "over quota"
    adapter = shared.adapters.get(channel)
    download = getattr(adapter, "download_media", None)
    if download is None:
        log.warning("media.channel_off", message_id=message_id, channel=channel)
        return "channel off"
    job_try = int(ctx.get("job_try", 1))
    try:
        data = await download(ref, shared.config.channels.max_media_bytes)
        media_id, _ = await take_in(
            data, channel, shared.media, shared.database, shared.clock(), shared.image_decoding, message_id=message_id
        )
    except MediaUnavailable as error:
        if not error.permanent and job_try < MAX_FETCH_TRIES:
            log.warning("media.fetch_retry", message_id=message_id, error=str(error), attempt=job_try)
            raise Retry(defer=backoff(ctx, job_try)) from error
        log.warning("media.fetch_failed", message_id=message_id, error=str(error))
        return "unavailable"
    except NotAnImage as error:
        log.warning("media.not_an_image", message_id=message_id, error=str(error))
        return "not an image"
    except DecodeBusy as error:
        # Other photos hold the decoders: this one is downloaded and checked again later.
        if job_try < MAX_FETCH_TRIES:
            log.warning("media.decoding_busy", message_id=message_id, attempt=job_try)
            raise Retry(defer=max(error.retry_after, backoff(ctx, job_try))) from error
        log.warning("media.decoding_failed", message_id=message_id)
        return "decoding busy"
    except MediaStoreError as error:
        if job_try < MAX_FETCH_TRIES:
            log.warning("media.store_retry", message_id=message_id, error=str(error), attempt=job_try)
            raise Retry(defer=backoff(ctx, job_try)) from error
        log.error("media.store_failed", message_id=message_id, error=str(error))
        return "not stored"
    log.info("media.fetched", message_id=message_id, media_id=media_id)
    return media_id


async def _say_quota_reached(shared: Resources, conversation_id: int) -> None:
    gateway, now = shared.gateway, shared.clock()
    delivery = await shared.database.write(
        lambda session: shared.tracker.say(
            session, conversation_id, PhraseId.PHOTO_QUOTA_REACHED, now, gateway.status_on_commit
        )
    )
    if delivery is not None:
        await gateway.commit(Effects(deliveries=[delivery]))
