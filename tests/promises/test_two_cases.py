"""A conversation with two open cases (another problem told after the hand-off, a case of its own):
each case's deadline is tracked on its own; the breach of one records and escalates that case only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, HandoffTicket
from tests.conftest import AppFactory, FixedClock
from tests.promises.support import notifications, run_due, two_promised_cases


async def _cases(client: Any) -> dict[str, tuple[Complaint, HandoffTicket]]:
    async with resources(client.app).sessions() as session:
        rows = (
            await session.execute(
                select(Complaint, HandoffTicket).join(HandoffTicket, HandoffTicket.complaint_id == Complaint.id)
            )
        ).all()
    return {complaint.category: (complaint, ticket) for complaint, ticket in rows}


async def test_each_case_breaches_at_its_own_deadline(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    _, socket = await two_promised_cases(client)
    cases = await _cases(client)
    water, noise = cases["engineering_repair"][0], cases["property_service"][0]
    assert noise.deadline_at is not None and water.deadline_at is not None
    assert noise.deadline_at < water.deadline_at

    clock.advance(seconds=(noise.deadline_at - clock.now).total_seconds())
    await run_due(client)
    cases = await _cases(client)
    (noise, noise_ticket), (water, water_ticket) = cases["property_service"], cases["engineering_repair"]
    assert noise.breached_at == clock.now and water.breached_at is None
    # The breached case goes up to the duty supervisor; the other waits where it was.
    assert (noise_ticket.queue, noise_ticket.priority) == ("supervisor", 0)
    assert water_ticket.queue == "general"
    [breach] = await notifications(client, "deadline_breached")
    assert breach.complaint_id == noise.id

    assert water.deadline_at is not None
    clock.advance(seconds=(water.deadline_at - clock.now).total_seconds())
    await run_due(client)
    water = (await _cases(client))["engineering_repair"][0]
    assert water.breached_at == clock.now
    breached = {notification.complaint_id for notification in await notifications(client, "deadline_breached")}
    assert breached == {noise.id, water.id}
    await socket.close()
