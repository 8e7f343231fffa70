"""arq job of the promise tracker: a case timer (reminder, apology, breach, follow-up) is due."""

from __future__ import annotations

from typing import Any

import structlog

from bot.handoff.events import publish
from bot.promises.timers import CaseTimerKind
from bot.resources import resources

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]


async def fire_case_timer(ctx: Ctx, conversation_id: int, kind: str, token: int) -> str:
    """Run a due case timer once: the row's token and the complaint's state decide whether it acts.

    In one transaction the row is marked fired and the effects stored (timeline, notifications,
    the customer's message, the next follow-up); after the commit they are delivered and published.
    """
    res = resources(ctx)
    gateway, tracker, now = res.gateway, res.tracker, res.clock()
    effects = await res.database.write(
        lambda session: tracker.fire(
            session, conversation_id, CaseTimerKind(kind), token, now, gateway.status_on_commit
        )
    )
    await gateway.deliver(effects.deliveries)
    await gateway.schedule(effects.schedules())
    await publish(res.redis, *effects.events)
    if kind == CaseTimerKind.BREACH:
        await res.live_queue.changed([conversation_id])  # a breach moves a waiting ticket up
    log.info("case_timer.fired", conversation_id=conversation_id, kind=kind, token=token, result=effects.result)
    return effects.result
