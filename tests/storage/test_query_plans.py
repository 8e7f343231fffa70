"""The hot path and the crons stay index-bounded however long the stored history (issue 16).

A database holding a seeded history (bench/seed_history.py) serves a web chat customer who files
a complaint, one who asks for a person, the staff's queue and dashboard, a WeChat delivery's
window, a provider delivery job's reads, staff search, and the minute crons;
every statement they run is captured and explained on the same database. A statement that reads
a history table (messages, conversations, complaints, …) must find its rows through an index
that bounds them: on SQLite no ``SCAN`` of such a table and no search of messages by an index
that only narrows to a direction (the plans SQLite makes without statistics, as the service runs
it); on PostgreSQL (statistics gathered by ``ANALYZE``) no sequential scan of a large table, and no
plan node on one expected to touch more than a small share of its rows.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from bench.seed_history import seed_postgresql, seed_sqlite
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage import deliveries, search, store
from bot.storage.windows import window_usage
from tests.conftest import AppFactory, FixedClock, database_kind
from tests.handoff.queue_helpers import customer_hands_off, job_ctx
from tests.helpers import ChatSocket, captured_statements, new_session, settled
from tests.staff import add_user, sign_in
from workers.delivery import BATCH
from workers.jobs import reconcile
from workers.queue import detect_clusters, supervise

SEEDED_MESSAGES = 100_000
SEEDED_OPEN_CASES = 30
"""A working set small beside the history, as in a service that has run for a while."""
HISTORY_TABLES = (
    "messages",
    "conversations",
    "complaints",
    "customers",
    "channel_identities",
    "handoff_tickets",
    "timeline_events",
)
A_COMPLAINT = ("小区楼道的垃圾三天没人清理", "13800138000", "阳光花园3栋", "对")
# What may narrow a search of messages to a bounded set: its key, its conversation, its provider
# id, an unfinished delivery status, being unprocessed (``processed_at IS NULL``).
BOUNDED_MESSAGE_SEARCH = re.compile(
    r"rowid|conversation_id|provider_message_id|delivery_status|ix_messages_inbound_pending|processed_at="
)
# Partial indexes whose rows are the working set, not the history: open conversations, unprocessed messages.
WORKING_SET_INDEXES = re.compile(
    r"(?i)USING (COVERING )?INDEX (uq_conversations_identity_open|ix_messages_inbound_pending)\b"
    r"|using (uq_conversations_identity_open|ix_messages_inbound_pending) on"
)
# On PostgreSQL a sequential scan of a small table is the planner's right choice; the tables
# the seeded history makes large (messages) must be read through an index, a few rows at a time.
POSTGRESQL_LARGE = 1_000
POSTGRESQL_SHARE = 0.05
PLAN_NODE = re.compile(r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)(?: using \w+)? on (\w+).*rows=(\d+)")


SENT = [{"id": 2, "delivery_status": "sent", "provider_message_id": "template:200228332"}]


class RolledBack(Exception):
    """Raised to leave a transaction's writes out of the seeded history."""


def _rolled_back(_: object) -> None:
    raise RolledBack


def _explained(statement: str) -> bool:
    words = statement.lstrip().split(None, 1)
    head = words[0].upper() if words else ""
    return head in ("SELECT", "UPDATE", "DELETE", "WITH") or (head == "INSERT" and " SELECT " in statement.upper())


def _distinct(statements: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Each statement that reads rows once, with the parameters of its first run."""
    first: dict[str, Any] = {}
    for statement, parameters in statements:
        if _explained(statement):
            first.setdefault(statement, parameters)
    return list(first.items())


def sqlite_problems(path: str, statements: list[tuple[str, Any]]) -> list[str]:
    problems = []
    with sqlite3.connect(path) as connection:
        for statement, parameters in _distinct(statements):
            for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ()):
                detail = row[-1]
                scan = re.match(r"SCAN (\w+)", detail)
                scanned = bool(scan and scan.group(1) in HISTORY_TABLES and not WORKING_SET_INDEXES.search(detail))
                # A bare "SEARCH messages" is the newest or oldest key read off its end (``max(id)``).
                unbounded = detail.startswith("SEARCH messages ") and not BOUNDED_MESSAGE_SEARCH.search(detail)
                if scanned or unbounded:
                    problems.append(f"{detail}\n    in {statement}")
    return problems


async def postgresql_problems(url: str, statements: list[tuple[str, Any]]) -> list[str]:
    connection = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        sizes = {
            row["relname"]: max(float(row["reltuples"]), 1.0)
            for row in await connection.fetch(
                "SELECT relname, reltuples FROM pg_class WHERE relname = ANY($1::text[])", list(HISTORY_TABLES)
            )
        }
        problems = []
        for statement, parameters in _distinct(statements):
            plan = await connection.fetch(f"EXPLAIN {statement}", *(parameters or ()))
            for line in (row[0] for row in plan):
                node = PLAN_NODE.search(line)
                if node is None or node.group(2) not in sizes or WORKING_SET_INDEXES.search(line):
                    continue
                table, rows = node.group(2), int(node.group(3))
                if sizes[table] < POSTGRESQL_LARGE:
                    continue
                if node.group(1) == "Seq Scan" or rows > sizes[table] * POSTGRESQL_SHARE:
                    problems.append(f"{line.strip()}\n    in {statement}")
        return problems
    finally:
        await connection.close()


async def _seed(url: str, clock: FixedClock) -> None:
    if database_kind(url) == "sqlite":
        database = make_url(url).database
        assert database is not None
        seed_sqlite(database, SEEDED_MESSAGES, SEEDED_OPEN_CASES, clock())
    else:
        await seed_postgresql(url, SEEDED_MESSAGES, SEEDED_OPEN_CASES, clock())


async def test_the_hot_path_and_the_crons_read_history_only_through_bounding_indexes(
    database_url: str, make_client: AppFactory, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(database_url, clock)
    # A short search reads the newest cases: fewer than the seed's ≈ 4,800, as in a service that
    # has run longer than the bound (else reading them all is the planner's right choice).
    monkeypatch.setattr(search, "RECENT_CASES", SEEDED_MESSAGES // 1000)
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    await add_user(client, "agent", Role.AGENT)
    with captured_statements() as statements:
        token, _ = await new_session(client)
        socket = await ChatSocket.open(client, token)
        await socket.until_bot_says("客服代表")
        for text in A_COMPLAINT:
            await socket.send(text)
        await socket.until_bot_says("TS2026")
        conversation_id, _ = await customer_hands_off(client)
        await sign_in(client, "lead")
        # The conversation view (its newest messages and timeline, whether it is resolved), of
        # the new customer's conversation and of a seeded one.
        endpoints = ("/api/queue", "/api/dashboard", "/api/my-conversations", f"/api/conversations/{conversation_id}")
        for endpoint in (*endpoints, "/api/conversations/1"):
            response = await client.get(endpoint)
            assert response.status == 200, await response.text()
        # A WeChat delivery's window (the web chat has none), for a seeded customer; a busy
        # batch's load of 50 conversations (a planner may join differently for many than for one).
        database = resources(client.app).database
        await database.write(lambda session: window_usage(session, 1))
        await database.write(lambda session: store.load_conversations(session, range(1, 51)))
        # A case asked about by its number from another conversation.
        await database.write(lambda session: store.cases_by_number(session, {"TS20261123ABCDEF", "TS20261124ABCDEF"}))
        # An SMS sender's open cases by the contact phone left on them, whoever filed them.
        await database.write(lambda session: store.open_cases_by_contact_phone(session, {"13800138000", "13912345678"}))
        # A provider delivery job: what a message's conversation has left to send, and a batch's
        # attempt rows (by id, or a conversation's next), each with the time of the customer's
        # message it answers.
        await database.write(lambda session: deliveries.unfinished_beside(session, 2, BATCH))
        await database.write(lambda session: deliveries.lock_for_attempts(session, range(1, BATCH + 1)))
        await database.write(lambda session: deliveries.lock_next_attempts(session, [1, 2], BATCH))
        # Its outcomes: whether another message holds a provider id it was given (rolled back).
        with pytest.raises(RolledBack):
            await database.write(lambda session: _rolled_back(deliveries.record_outcomes(session, SENT)))
        # Staff search for a place and a phone nobody wrote: it reads what the index finds; for a
        # word too short for the index, the newest messages and cases; and for the seed's phone as
        # an agent sees it (masked where they do not handle the conversation), the newest holding it.
        for query in ("金星阁", "13912345678", "电梯"):
            response = await client.get("/api/search", params={"q": query})
            assert response.status == 200, await response.text()
        await sign_in(client, "agent")
        # An agent's search for the seed's phone and for words in thousands of messages of
        # conversations they may not read: the newest messages holding them, a chunk at a time.
        for query in ("13800138000", "楼道的灯"):
            response = await client.get("/api/search", params={"q": query})
            assert response.status == 200, await response.text()
        ctx = job_ctx(client)
        await reconcile(ctx)
        await supervise(ctx)
        await detect_clusters(ctx)
        await settled(client, sockets=[socket])
    await socket.close()
    assert any("messages" in statement for statement, _ in statements)
    # The filed case's lookup of the earlier cases it repeats (same customer or contact phone) ran and is explained.
    assert any("complaints.resolved_at >=" in statement for statement, _ in statements)
    path = make_url(database_url).database
    if database_kind(database_url) == "sqlite":
        assert path is not None
        problems = sqlite_problems(path, statements)
    else:
        problems = await postgresql_problems(database_url, statements)
    assert not problems, "statements reading stored history without a bounding index:\n" + "\n".join(problems)
