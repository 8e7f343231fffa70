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
from bot.storage.models import DeadLetter

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]
Job = Callable[..., Coroutine[Any, Any, Any]]


def dead_letter(
    job: str,
    args: list[Any],
    error: str,
    tries: int,
    now: dt.datetime,
    message_id: int | None = None,
    conversation_id: int | None = None,
) -> DeadLetter:
    """The row to add (in the caller's transaction) for a job that will not run again by itself."""
    return DeadLetter(
        job=job,
        args=args,
        message_id=message_id,
        conversation_id=conversation_id,
        error=error[:2000],
        tries=tries,
        created_at=now,
    )


async def store_dead_letter(ctx: Ctx, letter: DeadLetter) -> None:
    session: AsyncSession
    async with resources(ctx).sessions() as session, session.begin():
        session.add(letter)
    log.error("job.dead_letter", job=letter.job, args=letter.args, error=letter.error, tries=letter.tries)


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
            await store_dead_letter(ctx, dead_letter(job.__name__, list(args), repr(cause), tries, now))
            return f"dead letter after {tries} tries"
        except Exception as error:
            tries, now = int(ctx.get("job_try", 1)), resources(ctx).clock()
            await store_dead_letter(ctx, dead_letter(job.__name__, list(args), repr(error), tries, now))
            raise

    return wrapper
