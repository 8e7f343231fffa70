"""arq jobs of the live queue: telling waiting customers their position, and the supervisors'
cron checks (pickup overdue, silent agents, cluster alerts). Resources come from ``resources(ctx)``."""

from __future__ import annotations

from typing import Any

from bot.handoff.announce import announce_positions
from bot.outbound.effects import Effects
from bot.resources import resources
from bot.staff.clusters import AreaGroups, ProblemKinds, alert_clusters
from bot.staff.supervision import overdue_pickups, silent_agents, unseen_threats

Ctx = dict[str, Any]
MAX_ANNOUNCE_ROUNDS = 10


async def announce_queue(ctx: Ctx) -> int:
    """Tell each waiting customer whose position changed; look again while changes keep coming.

    Enqueued with a fixed job id after every queue change (a burst becomes one job) and by the
    reconcile cron. Returns how many customers were told.
    """
    res = resources(ctx)
    live, tracker = res.live_queue, res.tracker
    await live.take_announcement_request()
    told = 0
    for _ in range(MAX_ANNOUNCE_ROUNDS):
        now = res.clock()
        serving = tracker.calendar.within_business_hours(now)
        told += await announce_positions(
            live,
            res.database,
            res.gateway,
            tracker.phrases,
            now,
            tracker.traditional,
            tracker.calendar.timezone,
            serving,
        )
        if not await live.take_announcement_request():
            break
    return told


async def supervise(ctx: Ctx) -> int:
    """Cron: notify the supervisors of tickets unclaimed too long, of silent agents and of threats
    told while an agent holds the case that no supervisor has read."""
    res = resources(ctx)
    settings, now = res.config.queue, res.clock()
    queue_order = [ticket.id for ticket in await res.live_queue.ordered()]
    events = await res.database.write(
        lambda session: (
            overdue_pickups(session, settings, now, queue_order)
            + silent_agents(session, settings, now)
            + unseen_threats(session, settings, now)
        )
    )
    await res.gateway.commit(Effects(staff_events=events))
    return len(events)


async def detect_clusters(ctx: Ctx) -> int:
    """Cron: raise cluster alerts (same problem, same area, many customers, one window)."""
    res = resources(ctx)
    settings, now = res.config.queue.cluster_alert, res.clock()
    areas = AreaGroups(res.config.gazetteer, res.engine.understander.converter)
    problems = ProblemKinds(settings.problems, res.engine.understander.converter)
    events = await res.database.write(lambda session: alert_clusters(session, settings, areas, now, problems))
    await res.gateway.commit(Effects(staff_events=events))
    return len(events)
