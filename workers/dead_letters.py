"""Dead letters: jobs that exhausted their tries or failed for good, kept for a manager to retry."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from arq import Retry
from sqlalchemy.ext.asyncio import AsyncSession

from bot.resources import resources
from bot.storage import deliveries

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]
Job = Callable[..., Coroutine[Any, Any, Any]]


async def store_dead_letter(ctx: Ctx, job: str, args: list[Any], error: str, tries: int, now: dt.datetime) -> None:
    session: AsyncSession
    async with resources(ctx).sessions() as session, session.begin():
        await session.run_sync(deliveries.add_dead_letter, job, args, error, tries, now)
    resources(ctx).metrics.dead_letters.labels(job=job).inc()
    log.error("job.dead_letter", job=job, args=args, error=error[: deliveries.MAX_ERROR_CHARS], tries=tries)


def dead_lettered(job: Job, max_tries: int) -> Job:
    """Wrap an arq job so that a permanent failure (any exception) or a ``Retry`` on its last
    try leaves a dead letter, instead of vanishing into arq's results after an hour.

    Cancellation (shutdown, a timeout) is not a failure: arq, or the reconcile cron, runs it again.
    """

    @functools.wraps(job)
    async def wrapper(ctx: Ctx, *args: Any) -> Any:
        try:
            return await job(ctx, *args)
        except asyncio.CancelledError:
            raise
        except Retry as retry:
            tries = int(ctx.get("job_try", 1))
            if tries < max_tries:
                raise
            cause = retry.__cause__ or retry
            now = resources(ctx).clock()
            await store_dead_letter(ctx, job.__name__, list(args), repr(cause), tries, now)
            return f"dead letter after {tries} tries"
        except Exception as error:
            tries, now = int(ctx.get("job_try", 1)), resources(ctx).clock()
            await store_dead_letter(ctx, job.__name__, list(args), repr(error), tries, now)
            raise

    return wrapper
