"""The satisfaction rate (满意率) a manager reads counts every 回访 answer: a customer who answered
"没解决" is not satisfied, and not left out of the rate (``GET /api/reports``, the daily report)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Satisfaction
from tests.conftest import SHANGHAI, AppFactory, FixedClock
from tests.helpers import eventually
from tests.promises.support import claim_and_resolve, run_due
from tests.reports.cases import add_manager, complain
from tests.workers.providers import worker_ctx
from workers.reports import daily_report


async def test_a_not_resolved_answer_counts_as_not_satisfied(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    pleased, pleased_socket = await complain(client, "小区楼道的垃圾三天没人清理", "阳光花园3栋", "13800138000")
    unhappy, unhappy_socket = await complain(client, "小区门口的路灯坏了一个星期", "阳光花园5栋", "13900139000")
    await claim_and_resolve(client, pleased, "li.agent")
    await claim_and_resolve(client, unhappy, "wang.agent")

    # The 回访: one customer gives 5, the other says the problem is not resolved (no score).
    clock.advance(hours=2)
    await run_due(client)
    await pleased_socket.until_bot_says("1到5分")
    await pleased_socket.send("5分")
    await pleased_socket.until_bot_says("意见或建议")
    await pleased_socket.send("没有了 谢谢")
    await unhappy_socket.until_bot_says("1到5分")
    await unhappy_socket.send("没解决")
    await unhappy_socket.until_bot_says("重新为您处理")

    async def both_answered() -> bool:
        async with resources(client.app).sessions() as session:
            return len((await session.execute(select(Satisfaction.id))).all()) == 2

    await eventually(both_answered)
    await add_manager(client)
    figures = await (await client.get("/api/reports?from=2026-11-23&to=2026-11-23")).json()
    assert figures["totals"]["satisfaction"] == {
        "callbacks": 2,
        "rated": 1,
        "satisfied": 1,
        "not_resolved": 1,
        "answered": 2,
        "rate": 0.5,  # not 100 %: the "没解决" is an answer
        "average": 5.0,
    }

    clock.now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
    assert await daily_report(worker_ctx(client)) == "daily report for 2026-11-23: made"
    daily = await (await client.get("/api/reports/daily")).json()
    assert daily["satisfaction"] == {
        "average": 5.0,
        "count": 2,
        "rated": 1,
        "not_resolved": 1,
        "satisfied": 1,
        "rate": 0.5,
    }
    for socket in (pleased_socket, unhappy_socket):
        await socket.close()


async def test_a_score_given_with_not_resolved_is_not_a_satisfied_answer(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await complain(client, "小区楼道的垃圾三天没人清理", "阳光花园3栋", "13800138000")
    await claim_and_resolve(client, conversation_id)
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says("1到5分")
    await socket.send("4分吧 不过问题根本没解决")
    await socket.until_bot_says("重新为您处理")

    async def answered() -> bool:
        async with resources(client.app).sessions() as session:
            return (await session.execute(select(Satisfaction.rating))).scalar() == 4

    await eventually(answered)
    await add_manager(client)
    figures = await (await client.get("/api/reports?from=2026-11-23&to=2026-11-23")).json()
    satisfaction = figures["totals"]["satisfaction"]
    assert (satisfaction["satisfied"], satisfaction["not_resolved"], satisfaction["rate"]) == (0, 1, 0.0)
    assert satisfaction["average"] == 4.0  # the score itself is kept
    await socket.close()


async def test_no_score_given_yet_is_no_rate(make_client: AppFactory, clock: FixedClock) -> None:
    """One customer answered "没解决" without a score: the manager reads "—" (no scores yet) for
    the 满意率 as for the average, never "0.0%"; the unresolved answer is still counted."""
    client = await make_client()
    conversation_id, socket = await complain(client, "小区门口的路灯坏了一个星期", "阳光花园5栋", "13900139000")
    await claim_and_resolve(client, conversation_id)
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says("1到5分")
    await socket.send("没解决")
    await socket.until_bot_says("重新为您处理")

    async def answered() -> bool:
        async with resources(client.app).sessions() as session:
            return len((await session.execute(select(Satisfaction.id))).all()) == 1

    await eventually(answered)
    await add_manager(client)
    figures = await (await client.get("/api/reports?from=2026-11-23&to=2026-11-23")).json()
    satisfaction = figures["totals"]["satisfaction"]
    assert (satisfaction["answered"], satisfaction["not_resolved"], satisfaction["rated"]) == (1, 1, 0)
    assert satisfaction["rate"] is None and satisfaction["average"] is None

    clock.now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
    assert await daily_report(worker_ctx(client)) == "daily report for 2026-11-23: made"
    daily = await (await client.get("/api/reports/daily")).json()
    assert daily["satisfaction"]["count"] == 1 and daily["satisfaction"]["rate"] is None
    await socket.close()
