"""``GET /api/reports``: the figures of a known set of cases, by every group, with filters;
who may read them; the parameters it refuses."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import event, select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint
from tests.conftest import AppFactory, FixedClock
from tests.promises.support import staff
from tests.reports.cases import RANGE, KnownCases, add_manager, complain, make_known_cases
from tests.reports.many import store_cases
from tests.staff import add_user, set_queues, sign_in


async def _report(client: Any, query: str) -> dict[str, Any]:
    response = await client.get(f"/api/reports?{RANGE}&{query}")
    assert response.status == 200, await response.text()
    return dict(await response.json())


def _by_label(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {group["label"]: group for group in body["groups"]}


async def test_the_figures_of_a_known_set_of_cases(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    known: KnownCases = await make_known_cases(client, clock)

    # The district is stored as the address parser normalises it, when the case is written.
    async with resources(client.app).sessions() as session:
        districts = dict((await session.execute(select(Complaint.conversation_id, Complaint.district))).all())
    assert districts == {known.a: "海淀区", known.b: "朝阳区", known.c: None}

    by_day = await _report(client, "group_by=day")
    totals = by_day["totals"]
    assert (totals["cases"], totals["resolved"], totals["open"]) == (3, 2, 1)
    # A resolved within its deadline; B open past it, C resolved after it.
    assert (totals["on_time"], totals["late"], totals["on_time_rate"]) == (1, 2, 0.3333)
    assert totals["first_response"] == {"median_seconds": 1800.0, "average_seconds": 1800.0, "count": 1}
    # A: one hour; C: two days. The median of two is their mean.
    assert totals["resolution"]["count"] == 2
    assert totals["resolution"]["median_seconds"] == totals["resolution"]["average_seconds"] == (3600 + 172800) / 2
    assert totals["satisfaction"] == {
        "callbacks": 2,
        "rated": 2,
        "satisfied": 1,
        "not_resolved": 0,
        "answered": 2,
        "rate": 0.5,
        "average": 3.5,
    }
    assert (totals["reopens"], totals["appeals"], totals["reopened_cases"], totals["appealed_cases"]) == (1, 1, 1, 1)
    assert [(day["key"], day["cases"]) for day in by_day["groups"]] == [
        ("2026-11-23", 3),
        ("2026-11-24", 0),
        ("2026-11-25", 0),
        ("2026-11-26", 0),
    ]
    assert by_day["cluster_alerts"][:2] == [{"day": "2026-11-23", "count": 1}, {"day": "2026-11-24", "count": 0}]

    categories = _by_label(await _report(client, "group_by=category"))
    assert {label: group["cases"] for label, group in categories.items()} == {
        "物业服务": 1,
        "工程维修": 1,
        "收费类": 1,
    }
    property_service = next(group for group in categories.values() if group["key"] == "property_service")
    assert property_service["satisfaction"]["rate"] == 1.0 and property_service["satisfaction"]["average"] == 5.0
    billing = next(group for group in categories.values() if group["key"] == "billing")
    assert billing["satisfaction"]["rate"] == 0.0 and billing["late"] == 1 and billing["appeals"] == 1

    areas = _by_label(await _report(client, "group_by=area"))
    assert {label: group["cases"] for label, group in areas.items()} == {"海淀区": 1, "朝阳区": 1, "未识别行政区": 1}

    channels = _by_label(await _report(client, "group_by=channel"))
    assert {label: group["cases"] for label, group in channels.items()} == {"网页聊天": 2, "短信": 1}

    agents = _by_label(await _report(client, "group_by=agent"))
    assert {label: group["cases"] for label, group in agents.items()} == {"li": 2, "wang": 1}
    assert agents["li"]["key"] == f"agent:{known.li_id}"
    assert agents["li"]["satisfaction"]["rate"] == 0.5 and agents["li"]["satisfaction"]["average"] == 3.5
    assert (agents["wang"]["late"], agents["wang"]["on_time_rate"]) == (1, 0.0)

    # Filters: one channel, one category, one queue, another range.
    sms = await _report(client, "group_by=channel&channel=sms")
    assert [group["key"] for group in sms["groups"]] == ["sms"] and sms["totals"]["cases"] == 1
    billing_only = await _report(client, "category=billing")
    assert billing_only["totals"]["cases"] == 1 and billing_only["filters"]["category"] == "billing"
    none = await (await client.get("/api/reports?from=2026-11-24&to=2026-11-26")).json()
    assert none["totals"]["cases"] == 0 and none["totals"]["on_time_rate"] is None
    for socket in known.sockets:
        await socket.close()


async def test_the_queue_filter(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    await make_known_cases(client, clock)
    queues = resources(client.app).config.handoff.queue_ids()
    counts = {}
    for queue in queues:
        counts[queue] = (await (await client.get(f"/api/reports?{RANGE}&queue={queue}")).json())["totals"]["cases"]
    # The two chat cases have tickets, each in one queue; the stored SMS case has none.
    assert sum(counts.values()) == 2


async def test_who_may_read_the_reports_and_what_it_refuses(make_client: AppFactory) -> None:
    client = await make_client()
    for path in ("/api/reports", "/api/cases.csv", "/api/cases.xlsx"):
        assert (await client.get(path)).status == 401
    await add_user(client, "agent", Role.AGENT)
    await sign_in(client, "agent")
    for path in ("/api/reports", "/api/cases.csv", "/api/cases.xlsx"):
        assert (await client.get(path)).status == 403
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    default = await client.get("/api/reports")
    assert default.status == 200
    body = await default.json()
    assert (body["from"], body["to"], len(body["groups"])) == ("2026-10-25", "2026-11-23", 30)
    for query, named in (
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2026-11-23&to=2026-11-01", "from"),
        ("from=2020-01-01&to=2026-11-01", "from"),
        ("group_by=week", "group_by"),
        ("queue=nowhere", "queue"),
        ("category=weather", "category"),
        ("channel=fax", "channel"),
    ):
        for path in ("/api/reports", "/api/cases.csv")[: 1 if named == "group_by" else 2]:
            response = await client.get(f"{path}?{query}")
            assert response.status == 400, (path, query)
            assert (await response.json())["error"].startswith(f"{named}:"), (path, query)


async def test_a_report_costs_the_same_statements_whatever_the_cases(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    engine = resources(client.app).database.engine.sync_engine
    statements: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "complaints" in statement or "notifications" in statement or "users" in statement:
            statements.append(statement)

    async def cost(group_by: str) -> tuple[int, int]:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            body = await (await client.get(f"/api/reports?from=2026-11-23&to=2026-11-23&group_by={group_by}")).json()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements), body["totals"]["cases"]

    await store_cases(client, clock(), 5)
    few = {group_by: await cost(group_by) for group_by in ("day", "category", "area", "channel", "agent")}
    await store_cases(client, clock(), 120)
    many = {group_by: await cost(group_by) for group_by in ("day", "category", "area", "channel", "agent")}
    assert {key: statements for key, (statements, _) in few.items()} == {
        key: statements for key, (statements, _) in many.items()
    }
    assert {cases for _, cases in few.values()} == {5} and {cases for _, cases in many.values()} == {125}
    areas = await (await client.get("/api/reports?from=2026-11-23&to=2026-11-23&group_by=area")).json()
    assert {group["label"]: group["cases"] for group in areas["groups"]} == {
        "海淀区": 42,
        "朝阳区": 42,
        "未识别行政区": 41,
    }


async def test_a_first_response_counts_for_the_agent_who_wrote_it(make_client: AppFactory, clock: FixedClock) -> None:
    """The staff tester's report: after a transfer, the new owner was credited "6 分钟" for a first
    reply she never wrote. The case is hers now; the first response stays the agent's who sent it."""
    client = await make_client()
    every_queue = resources(client.app).config.handoff.queue_ids()
    conversation_id, socket = await complain(client, "小区楼道的垃圾三天没人清理", "海淀区中关村大街5号", "13800138000")
    _wang_headers, wang_id = await staff(client, "wang", Role.AGENT)
    await set_queues(client, "wang", every_queue)
    li_headers, li_id = await staff(client, "li", Role.AGENT)  # signed in last: the client is li's
    await set_queues(client, "li", every_queue)
    queue = await (await client.get("/api/queue", headers=li_headers)).json()
    ticket = next(t for t in queue["tickets"] if t["conversation_id"] == conversation_id)
    assert (await client.post(f"/api/tickets/{ticket['id']}/claim", headers=li_headers)).status == 200
    clock.advance(minutes=6)
    replied = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "您好,我们马上安排保洁"}, headers=li_headers
    )
    assert replied.status in (200, 201), await replied.text()
    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "wang"}, headers=li_headers
    )
    assert moved.status == 200, await moved.text()
    await add_manager(client)

    agents = {group["key"]: group for group in (await _report(client, "group_by=agent"))["groups"]}
    assert agents[f"agent:{wang_id}"]["cases"] == 1
    assert agents[f"agent:{wang_id}"]["first_response"]["count"] == 0
    assert agents[f"agent:{li_id}"]["cases"] == 0
    assert agents[f"agent:{li_id}"]["first_response"]["count"] == 1
    assert agents[f"agent:{li_id}"]["first_response"]["median_seconds"] >= 360
    await socket.close()


async def test_a_reopened_case_handed_to_a_colleague_is_the_colleague_s_in_the_report(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """A case li resolved, reopened (the customer says it is not done) and handed to wang is wang's to
    handle now (first-contact ownership follows the hand-over): the report's 处理人 and the export's
    name wang, not li who resolved it the first time; once wang resolves it again, still wang."""
    client = await make_client()
    every_queue = resources(client.app).config.handoff.queue_ids()
    conversation_id, socket = await complain(client, "小区楼道的垃圾三天没人清理", "海淀区中关村大街5号", "13800138000")
    await staff(client, "wang", Role.AGENT)
    await set_queues(client, "wang", every_queue)
    li_headers, _ = await staff(client, "li", Role.AGENT)
    await set_queues(client, "li", every_queue)
    queue = await (await client.get("/api/queue", headers=li_headers)).json()
    ticket = next(t for t in queue["tickets"] if t["conversation_id"] == conversation_id)
    assert (await client.post(f"/api/tickets/{ticket['id']}/claim", headers=li_headers)).status == 200
    url = f"/api/conversations/{conversation_id}"
    resolved = await client.post(f"{url}/resolve", json={"summary": "已安排保洁清理"}, headers=li_headers)
    assert resolved.status == 200, await resolved.text()
    reopened = await client.post(f"{url}/reopen", json={"reason": "客户来电说还没清理"}, headers=li_headers)
    assert reopened.status == 200, await reopened.text()
    moved = await client.post(f"{url}/transfer", json={"username": "wang"}, headers=li_headers)
    assert moved.status == 200, await moved.text()
    await add_manager(client)

    async def handlers() -> tuple[dict[str, int], list[str]]:
        groups = (await _report(client, "group_by=agent"))["groups"]
        export = await (await client.get(f"/api/cases.csv?{RANGE}")).read()
        rows = csv.DictReader(io.StringIO(export.decode("utf-8-sig")))
        return {group["label"]: group["cases"] for group in groups if group["cases"]}, [row["处理人"] for row in rows]

    assert await handlers() == ({"wang": 1}, ["wang"])
    wang_headers = {"X-CSRF-Token": await sign_in(client, "wang")}
    resolved = await client.post(f"{url}/resolve", json={"summary": "已清理完毕"}, headers=wang_headers)
    assert resolved.status == 200, await resolved.text()
    await sign_in(client, "boss")
    assert await handlers() == ({"wang": 1}, ["wang"])
    await socket.close()
