"""Fill a database with a stored history of N messages in a realistic shape, fast.

The history: customers with one or more finished conversations of varied length (most a dozen
messages, a few up to 2,000) over the past year, inbound messages processed and replies
delivered, complaints resolved or closed, their tickets resolved, timeline events. Then the
working set, the same size whatever the history (``--open-cases``): conversations still open,
cases handed off (waiting, or with an agent) with deadlines from breached to a week ahead, and
customers still describing. The hot path and the crons must cost as much with the history as
with the working set alone.

The database is migrated first; rows are added after the ones already there. SQLite gets
plain ``executemany``, PostgreSQL ``COPY`` (asyncpg) and ``VACUUM ANALYZE`` (as autovacuum would).

    python bench/seed_history.py sqlite+aiosqlite:///var/seeded.sqlite3 [--messages 200000]
    python bench/seed_history.py postgresql+asyncpg://postgres@127.0.0.1/bench --messages 2000000
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.storage import migrate  # noqa: E402

CATEGORIES = ("noise", "water", "power", "elevator", "parking", "sanitation", "billing", "staff_attitude")
DISTRICTS = ("海淀区", "朝阳区", "东城区", "西城区", "丰台区", None)
CHANNELS = ("webchat", "wechat", "sms", "telegram")
CUSTOMER_TEXTS = (
    "楼道的灯坏了，晚上很黑",
    "13800138000",
    "海淀区中关村大街1号",
    "是的",
    "补充说明：已经一个星期了",
    "谢谢",
)
OPEN_CASES = 300
"""The working set: conversations still open, however long the history behind them."""
BOT_TEXTS = ("您好，请问有什么可以帮您？", "请留下您的联系电话。", "请问具体地址是哪里？", "已为您登记。")


@dataclass
class Rows:
    """Rows per table, in insertion order (parents first), with the columns they fill."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, columns: tuple[str, ...], row: tuple[Any, ...]) -> None:
        self.columns.setdefault(table, columns)
        self.rows.setdefault(table, []).append(row)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, []))


CUSTOMER = ("id", "display_name", "tier", "phone", "created_at")
IDENTITY = ("id", "customer_id", "channel", "external_id", "created_at")
CONVERSATION = (
    "id", "customer_id", "identity_id", "channel", "locale", "status", "flow_state", "flow_data", "owner",
    "ownership_version", "activity_seq", "created_at", "last_customer_at", "closed_at", "closed_reason",
)  # fmt: skip
MESSAGE = (
    "id", "conversation_id", "channel", "direction", "sender", "kind", "text", "provider_message_id",
    "created_at", "processed_at", "delivery_status", "attempts", "possibly_duplicated",
)  # fmt: skip
COMPLAINT = (
    "id", "case_number", "conversation_id", "customer_id", "description", "contact_phone", "contact_by_channel",
    "area", "category", "grade", "customer_tier", "signals", "status", "promised_at", "deadline_at", "created_at",
    "original_deadline_at", "resolved_at", "resolved_by", "district",
)  # fmt: skip
TICKET = ("id", "conversation_id", "complaint_id", "queue", "priority", "reason", "status", "created_at", "claimed_by")
TIMELINE = ("id", "conversation_id", "complaint_id", "kind", "actor", "detail", "created_at")


def conversation_length(rng: random.Random) -> int:
    """Messages in one conversation: mostly around a dozen, a long tail up to 2,000."""
    return max(2, min(2000, int(rng.lognormvariate(2.4, 0.9))))


def generate(
    history: int, open_cases: int, start: dict[str, int], now: dt.datetime, seed: int = 16
) -> Iterator[Rows]:
    """``history`` messages of finished conversations over the past year, then ``open_cases``
    conversations still open (the working set: cases handed off, waiting or with an agent, and
    customers still describing), in chunks of whole conversations (about 50,000 messages each)."""
    rng = random.Random(seed)
    next_id = dict(start)
    chunk = Rows()

    def take(table: str) -> int:
        next_id[table] += 1
        return next_id[table]

    def customer_at(created: dt.datetime) -> tuple[int, int, str, str | None, str]:
        customer = take("customers")
        phone = f"13{rng.randrange(10**9):09d}" if rng.random() < 0.8 else None
        tier = "vip" if rng.random() < 0.05 else "standard"
        chunk.add("customers", CUSTOMER, (customer, f"客户{customer}", tier, phone, created))
        channel = rng.choice(CHANNELS)
        identity = take("channel_identities")
        chunk.add("channel_identities", IDENTITY, (identity, customer, channel, f"seed-{customer}", created))
        return customer, identity, channel, phone, tier

    def conversation_of(
        who: tuple[int, int, str, str | None, str], opened: dt.datetime, length: int, complaint_status: str | None
    ) -> None:
        customer, identity, channel, phone, tier = who
        still_open = complaint_status in ("open", "incomplete", "collecting")
        state = "handed_off" if complaint_status in ("open", "incomplete") else "new" if still_open else "closed"
        owner = "agent:1" if state == "handed_off" and rng.random() < 0.5 else "bot"
        ended = opened + dt.timedelta(seconds=20 * length)
        conversation = take("conversations")
        chunk.add(
            "conversations",
            CONVERSATION,
            (
                conversation, customer, identity, channel, "zh-CN", "open" if still_open else "closed", state,
                json.dumps({"description": [CUSTOMER_TEXTS[0]]}, ensure_ascii=False),
                owner, 1 if owner != "bot" else 0, length // 2, opened, ended,
                None if still_open else ended, None if still_open else "idle",
            ),
        )  # fmt: skip
        for index in range(length):
            inbound = index % 2 == 0
            at = opened + dt.timedelta(seconds=20 * index)
            message = take("messages")
            chunk.add(
                "messages",
                MESSAGE,
                (
                    message, conversation, channel, "in" if inbound else "out",
                    "customer" if inbound else ("agent" if owner != "bot" and index > 6 else "bot"),
                    "start" if index == 0 else "text",
                    rng.choice(CUSTOMER_TEXTS if inbound else BOT_TEXTS),
                    f"seed-{message}" if inbound else None, at, at if inbound else None,
                    None if inbound else "delivered", 0 if inbound else 1, False,
                ),
            )  # fmt: skip
        chunk.add(
            "timeline_events", TIMELINE, (take("timeline_events"), conversation, None, "greeted", "bot", "{}", opened)
        )
        if complaint_status in (None, "collecting"):
            return
        complaint = take("complaints")
        promised = opened + dt.timedelta(minutes=5)
        resolved = complaint_status in ("resolved", "closed")
        # Open cases: deadlines from three days past (breached) to a week ahead.
        deadline = promised + dt.timedelta(hours=48) if resolved else now + dt.timedelta(hours=rng.uniform(-72, 168))
        district = rng.choice(DISTRICTS)
        chunk.add(
            "complaints",
            COMPLAINT,
            (
                complaint, f"SEED{complaint:08d}", conversation, customer, CUSTOMER_TEXTS[0], phone, phone is None,
                f"{district or ''}某小区", rng.choice(CATEGORIES), "normal", tier, "[]", complaint_status,
                promised, deadline, promised, deadline, ended if resolved else None,
                "agent:1" if resolved else None, district,
            ),
        )  # fmt: skip
        waiting = not resolved and owner == "bot"
        chunk.add(
            "handoff_tickets",
            TICKET,
            (
                take("handoff_tickets"), conversation, complaint, "general", rng.choice((0, 1, 2, 2, 2)),
                "complaint", "waiting" if waiting else ("resolved" if resolved else "claimed"),
                promised, None if waiting else "1",
            ),
        )  # fmt: skip
        chunk.add(
            "timeline_events",
            TIMELINE,
            (take("timeline_events"), conversation, complaint, "complaint_recorded", "bot", "{}", promised),
        )

    made = 0
    while made < history:
        # A customer's visits 30 days apart, all over before the last few days (the working set's).
        created = now - dt.timedelta(days=70) - dt.timedelta(days=295) * rng.random()
        who = customer_at(created)
        for visit in range(1 + int(rng.random() < 0.3) + int(rng.random() < 0.1)):
            if made >= history:
                break
            length = min(conversation_length(rng), history - made)
            made += length
            status = rng.choices(("resolved", "closed", None), (60, 15, 25))[0]
            conversation_of(who, created + dt.timedelta(days=visit * 30), length, status)
        if chunk.count("messages") >= 50_000:
            yield chunk
            chunk = Rows()
    for _ in range(open_cases):
        opened = now - dt.timedelta(hours=48) * rng.random()
        status = rng.choices(("open", "incomplete", "collecting"), (70, 10, 20))[0]
        conversation_of(customer_at(opened), opened, min(conversation_length(rng), 60), status)
    yield chunk


TABLES = (
    "customers",
    "channel_identities",
    "conversations",
    "messages",
    "complaints",
    "handoff_tickets",
    "timeline_events",
)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def seed_sqlite(path: str, history: int, open_cases: int, now: dt.datetime) -> dict[str, int]:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    start = {table: connection.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0] for table in TABLES}
    for chunk in generate(history, open_cases, start, now):
        for table in TABLES:
            columns = chunk.columns.get(table)
            if columns is None:
                continue
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            connection.executemany(statement, ([_sqlite_value(v) for v in row] for row in chunk.rows[table]))
        connection.commit()
    # No ANALYZE: the service never runs one on SQLite, so its plans are those without statistics.
    # The write-ahead log folded into the database now, not during the first measured commits.
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
    connection.close()
    return counts


async def seed_postgresql(url: str, history: int, open_cases: int, now: dt.datetime) -> dict[str, int]:
    import asyncpg  # type: ignore[import-untyped]  # the service's own PostgreSQL driver

    parsed = make_url(url)
    connection = await asyncpg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        start = {table: await connection.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}") for table in TABLES}
        for chunk in generate(history, open_cases, start, now):
            async with connection.transaction():
                for table in TABLES:
                    if table in chunk.columns:
                        await connection.copy_records_to_table(
                            table, records=chunk.rows[table], columns=list(chunk.columns[table])
                        )
        for table in TABLES:
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        # As autovacuum would have long since: statistics, hint bits and the visibility map set.
        await connection.execute("VACUUM ANALYZE")
        return {table: await connection.fetchval(f"SELECT count(*) FROM {table}") for table in TABLES}
    finally:
        await connection.close()


def seed(url: str, history: int, open_cases: int = OPEN_CASES, now: dt.datetime | None = None) -> dict[str, int]:
    """Migrate the database at ``url`` and add ``history`` messages of finished conversations and
    ``open_cases`` open ones; row counts after."""
    now = now or dt.datetime.now(dt.UTC)
    migrate.upgrade(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database, "a SQLite file is needed"
        return seed_sqlite(parsed.database, history, open_cases, now)
    return asyncio.run(seed_postgresql(url, history, open_cases, now))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="sqlite+aiosqlite:///file or postgresql+asyncpg://… (migrated first)")
    parser.add_argument("--messages", type=int, default=200_000, help="messages of finished conversations")
    parser.add_argument("--open-cases", type=int, default=OPEN_CASES, help="conversations still open (working set)")
    arguments = parser.parse_args()
    started = time.perf_counter()
    counts = seed(arguments.url, arguments.messages, arguments.open_cases)
    print(f"seeded in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))


if __name__ == "__main__":
    main()
