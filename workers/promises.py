"""arq job of the promise tracker: a case timer (reminder, apology, breach, follow-up) is due."""

from __future__ import annotations

from typing import Any

import structlog

from bot.promises.timers import CaseTimerKind
from bot.resources import resources

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]


async def fire_case_timer(ctx: Ctx, conversation_id: int, kind: str, token: int) -> str:
    """Run a due case timer once: the row's token and the complaint's state decide whether it acts.

    In one transaction the row is marked fired and the effects stored (timeline, notifications,
    the customer's message, the next follow-up); after the commit the gateway commits them (a
    breach also moves a waiting ticket up the live queue).
    """
    res = resources(ctx)
    gateway, tracker, now = res.gateway, res.tracker, res.clock()
    outcome = await res.database.write(
        lambda session: tracker.fire(
            session, conversation_id, CaseTimerKind(kind), token, now, gateway.status_on_commit
        )
    )
    if kind == CaseTimerKind.BREACH:
        outcome.effects.queue_changed.append(conversation_id)
        if outcome.result == "done":
            res.metrics.promise_breaches.inc()
    await gateway.commit(outcome.effects)
    log.info("case_timer.fired", conversation_id=conversation_id, kind=kind, token=token, result=outcome.result)
    return outcome.result
