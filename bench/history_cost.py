"""What a stored history costs: the hot path, the minute crons and the staff's queue and
dashboard with the working set alone and with N messages of history behind it, side by side.

The database is migrated and given the working set (``--open-cases`` open conversations: cases
waiting or with an agent, customers still describing) and measured (the baseline, same run);
then ``bench/seed_history.py`` adds N messages of finished conversations and it is measured
again. Timings are medians of ``--repeat`` runs, in milliseconds:

* ``hot-path batch``: what the pipeline's writer does for a batch of 50 web chat messages from 50
  customers: the persist transaction (open conversations, insert the messages) and the processing
  one (load the conversations, their pending messages, mark them processed, save the
  conversations, insert 50 replies and timeline rows); the engine's own work is not in it.
* one line per cron statement (``workers/jobs.py`` reconcile, ``workers/queue.py`` supervise and
  clusters, the live queue rebuild);
* ``GET /api/dashboard`` and ``GET /api/queue`` (first page) on a running server
  (``python -m bot run``, embedded Redis), and their body sizes;
* ``GET /api/search`` beside them (``SEARCHES``): a manager's searches for a phrase in one
  message in twelve, a place nobody wrote, two-character words (one common, one nobody wrote)
  and a phone, and an agent's for a phone (searched in the masked text too).

    python bench/history_cost.py [--messages 200000] [--open-cases 300] [--repeat 15] [--database URL]

Without ``--database`` a SQLite file in a temporary folder is used. A PostgreSQL URL must name a
scratch database: its schema is dropped and recreated.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hot_batch import HotBatch  # noqa: E402
from bench.seed_history import OPEN_CASES, seed  # noqa: E402
from bench.webchat_throughput import free_port, wait_ready  # noqa: E402
from bot.storage import deliveries, migrate, promises, store, supervision, tickets, timers  # noqa: E402
from bot.storage.db import Database  # noqa: E402

BATCH = 50
PASSWORD = "bench-password-16"
SEARCHES = (
    ("manager", "楼道的灯"),
    ("manager", "金星阁"),
    ("manager", "已经"),
    ("manager", "电梯"),
    ("manager", "13800138000"),
    ("agent", "13800138000"),
)
"""(who searches, the query): texts as ``bench/seed_history.py`` writes them, or nobody did."""


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def _timed(repeat: int, work: Callable[[], Awaitable[Any]]) -> float:
    await work()  # warm: statement caches, connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        samples.append(time.perf_counter() - started)
    return _median_ms(samples)


async def storage_figures(url: str, repeat: int) -> dict[str, float]:
    database = Database(url)
    now = dt.datetime.now(dt.UTC)
    try:
        hot_batch = HotBatch(database, BATCH, now, ("请问具体地址是哪里？",), timeline=True)
        await hot_batch.open_sessions()

        crons: dict[str, Callable[[Session], Any]] = {
            "reconcile: unprocessed inbound": lambda s: store.unprocessed_inbound(s, now),
            "reconcile: overdue timers": lambda s: timers.overdue_timers(s, now),
            "reconcile: lost deliveries": lambda s: deliveries.lost_deliveries(s, now, now),
            "reconcile: resolutions to resume": lambda s: promises.resolved_awaiting_callback(s, now),
            "live queue rebuild: waiting tickets": lambda s: tickets.tickets_with_complaint(s, None),
            "supervise: waiting since": lambda s: supervision.waiting_since(s, now),
            "supervise: silent agents": lambda s: supervision.awaiting_agent_reply(s, now),
            "clusters: complaints with area": lambda s: supervision.complaints_with_area(
                s, now - dt.timedelta(hours=24), now
            ),
        }
        figures = {f"hot-path batch ({BATCH} messages)": await _timed(repeat, hot_batch.run)}
        for name, query in crons.items():
            figures[name] = await _timed(repeat, lambda query=query: database.write(query))
        return figures
    finally:
        await database.dispose()


async def endpoint_figures(url: str, repeat: int) -> dict[str, float]:
    """Median milliseconds and body KB of the staff's dashboard and queue on a running server."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "BOT_DATABASE_URL": url, "BOT_VAR_DIR": var_dir, "BOT_IN_PROCESS_WORKER": "0"}
        env.pop("BOT_REDIS_URL", None)
        usernames = {role: f"bench-{role}{int(time.time())}" for role in ("manager", "agent")}
        for role, username in usernames.items():
            create = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "create-user", "--role", role, "--username", username,
                cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            await create.communicate(f"{PASSWORD}\n".encode())
        port = free_port()
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--port", str(port),
            cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            await wait_ready(f"{base}/healthz")
            figures: dict[str, float] = {}
            staff = {role: aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) for role in usernames}
            try:
                for role, http in staff.items():
                    login = {"username": usernames[role], "password": PASSWORD}
                    async with http.post(f"{base}/api/login", json=login) as r:
                        assert r.status == 200, await r.text()
                for path in ("/api/dashboard", "/api/queue"):
                    size = 0

                    async def get(path: str = path) -> None:
                        nonlocal size
                        async with staff["manager"].get(base + path) as response:
                            assert response.status == 200, await response.text()
                            size = len(await response.read())

                    figures[f"GET {path} (ms)"] = await _timed(repeat, get)
                    figures[f"GET {path} (KB)"] = size / 1024
                for role, query in SEARCHES:

                    async def find(role: str = role, query: str = query) -> None:
                        params = {"q": query}
                        async with staff[role].get(f"{base}/api/search", params=params) as response:
                            assert response.status == 200, await response.text()

                    figures[f"GET /api/search {query} ({role}, ms)"] = await _timed(repeat, find)
            finally:
                for http in staff.values():
                    await http.close()
            return figures
        finally:
            server.terminate()
            await server.wait()


def _reset_postgresql(url: str) -> None:
    async def reset() -> None:
        database = Database(url)
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await database.dispose()

    asyncio.run(reset())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--open-cases", type=int, default=OPEN_CASES, help="the working set, seeded first")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database", help="a scratch PostgreSQL URL (default: a SQLite file)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = arguments.database or f"sqlite+aiosqlite:///{folder}/history.sqlite3"
        if make_url(url).get_backend_name() != "sqlite":
            _reset_postgresql(url)
        migrate.upgrade(url)
        results: list[dict[str, float]] = []
        for label in ("working set only", "with the history"):
            started = time.perf_counter()
            if label == "working set only":
                seed(url, 0, arguments.open_cases)
            else:
                seed(url, arguments.messages, 0)
            print(f"seeded ({label}) in {time.perf_counter() - started:.1f} s", flush=True)
            figures = asyncio.run(storage_figures(url, arguments.repeat))
            figures.update(asyncio.run(endpoint_figures(url, arguments.repeat)))
            results.append(figures)
    empty, seeded = results
    backend = make_url(url).get_backend_name()
    print(
        f"\n{backend}, medians of {arguments.repeat}: {arguments.open_cases} open cases alone,"
        f" then behind {arguments.messages:,} messages of history"
    )
    print(f"| {'figure':<42} | {'alone':>9} | {'history':>9} | {'ratio':>6} |")
    print(f"|{'-' * 44}|{'-' * 11}|{'-' * 11}|{'-' * 8}|")
    for name, before in empty.items():
        after = seeded[name]
        ratio = after / before if before else float("nan")
        print(f"| {name:<42} | {before:>9.2f} | {after:>9.2f} | {ratio:>6.2f} |")
    print(json.dumps({"backend": backend, "messages": arguments.messages, "alone": empty, "history": seeded}))


if __name__ == "__main__":
    main()
