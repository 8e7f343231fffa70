"""Web chat end to end against a bare aiohttp websocket echo: one table, steady-state windows.

For every database (SQLite on embedded defaults; PostgreSQL with the machine's Redis) and every
connection count, starts the bare echo and then the product, each as its own process, and:

1. warms every connection up outside the timed window (the handshake; for the product the
   greeting and the first description, after which every further description gets two replies);
2. runs a steady-state window of the same length for both (``--seconds``): every connection sends
   its next message as soon as the previous one is done (the echo: echoed back; the product:
   acknowledged and both bot replies arrived), and counts what finished inside the window;
3. runs a second window paced at half that peak rate and records each message's latency
   (send → last reply): p50 and p99;
4. reads the CPU time of every process involved over the peak window from /proc: the server,
   its Redis (embedded child, or the machine's redis-server), and PostgreSQL's processes.

``--seed-history N`` first seeds N messages of stored history (``bench/seed_history.py``: finished
conversations only; open cases bring their own timers and deliveries, which ``history_cost.py``
measures) into a SQLite file and into a scratch PostgreSQL database (``<postgres-url>_history``,
made anew) and adds a "seeded" row beside every "empty" one; ``--history-sqlite FILE`` / ``--history-postgres URL`` use
databases seeded beforehand instead. The product runs on a copy (SQLite) or on the database itself
(PostgreSQL: a scratch one, since the runs add their rows to it).

    python bench/webchat_e2e.py [--databases sqlite,postgresql] [--connections 10,50,200]
        [--seconds 8] [--postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench]
        [--seed-history 2000000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webchat_throughput import ECHO_SERVER, ROOT, cpu_seconds, free_port, unlimited_config, wait_ready

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def processes_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@dataclass
class CpuMeter:
    """CPU seconds of the server, its Redis and PostgreSQL between ``start`` and ``stop``."""

    server: int
    redis: list[int]
    postgres: bool
    started: dict[str, float] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)

    def _read(self) -> dict[str, float]:
        figures = {"server": cpu_seconds(self.server), "redis": sum(cpu_seconds(pid) for pid in self.redis)}
        if self.postgres:
            figures["postgres"] = sum(cpu_seconds(pid) for pid in processes_named("postgres"))
        return figures

    def start(self) -> None:
        self.started = self._read()

    def stop(self) -> None:
        now = self._read()
        self.used = {name: now[name] - self.started[name] for name in now}


REPLY_TIMEOUT = 60.0
"""Seconds a client waits for a frame before the run fails (a message refused without a word)."""


class Connection:
    """One client: a warmed-up websocket and how to do one exchange on it."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, bot: bool) -> None:
        self.ws, self.bot, self.count = ws, bot, 0

    async def exchange(self) -> None:
        self.count += 1
        if not self.bot:
            await self.ws.send_str(json.dumps({"type": "message", "id": str(uuid.uuid4()), "text": "hello"}))
            await self.ws.receive()
            return
        message_id = str(uuid.uuid4())
        text = f"补充说明 {self.count}:晚上楼道很黑"
        await self.ws.send_str(json.dumps({"type": "message", "id": message_id, "text": text}))
        acked, seen = False, 0
        while not acked or seen < 2:
            frame = json.loads((await self.ws.receive(timeout=REPLY_TIMEOUT)).data)
            if frame["type"] == "error":  # refused: waiting on for its replies would hang the run
                raise RuntimeError(f"the server refused a message: {frame}")
            if frame["type"] == "ack" and frame["id"] == message_id:
                acked = True
            elif frame["type"] == "message" and frame.get("from") == "bot" and acked:
                seen += 1


async def open_connection(http: aiohttp.ClientSession, port: int, bot: bool) -> Connection:
    if not bot:
        connection = Connection(await http.ws_connect(f"http://127.0.0.1:{port}/ws"), bot=False)
        await connection.exchange()
        return connection
    async with http.post(f"http://127.0.0.1:{port}/chat/session", json={}) as response:
        token = (await response.json())["token"]
    ws = await http.ws_connect(f"http://127.0.0.1:{port}/chat/ws?token={token}")
    greeted = 0
    while greeted < 2:
        greeted += json.loads((await ws.receive()).data).get("from") == "bot"
    await ws.send_str(json.dumps({"type": "message", "id": str(uuid.uuid4()), "text": "楼道的灯坏了"}))
    connection = Connection(ws, bot=True)
    seen = 0
    while seen < 2:  # the restated description and the question for a phone
        seen += json.loads((await ws.receive()).data).get("from") == "bot"
    return connection


async def peak_window(connections: list[Connection], seconds: float, meter: CpuMeter) -> float:
    """Messages per second with every connection sending back to back for ``seconds``."""
    done = 0
    stop_at = 0.0

    async def run(connection: Connection) -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            await connection.exchange()
            if time.perf_counter() <= stop_at:
                done += 1

    meter.start()
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(run(connection) for connection in connections))
    meter.stop()
    return done / seconds


async def paced_window(connections: list[Connection], seconds: float, rate: float) -> list[float]:
    """Latencies (ms) with the connections together sending ``rate`` messages per second."""
    interval = len(connections) / rate
    latencies: list[float] = []
    started = time.perf_counter()

    async def run(connection: Connection) -> None:
        due = started + random.uniform(0, interval)
        while due < started + seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            sent = time.perf_counter()
            await connection.exchange()
            latencies.append(1000 * (time.perf_counter() - sent))
            due += interval

    await asyncio.gather(*(run(connection) for connection in connections))
    return latencies


@dataclass
class Figures:
    rate: float
    p50: float
    p99: float
    cpu_ms: dict[str, float]


async def measure(
    command: list[str], env: dict[str, str], bot: bool, connections: int, seconds: float, postgres: bool,
    redis_pids: Callable[[int], list[int]],
) -> Figures:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *command, str(port), cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await wait_ready(f"http://127.0.0.1:{port}/healthz")
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            clients = await gather_limited([lambda: open_connection(http, port, bot) for _ in range(connections)], 20)
            meter = CpuMeter(process.pid, redis_pids(process.pid), postgres)
            profiler = await start_profiler(process.pid, seconds) if bot else None
            rate = await peak_window(clients, seconds, meter)
            if profiler is not None:
                await profiler.wait()
            latencies = await paced_window(clients, seconds, rate / 2)
            for client in clients:
                await client.ws.close()
    finally:
        process.terminate()
        await process.wait()
    done = rate * seconds
    cpu_ms = {name: 1000 * used / done for name, used in meter.used.items()}
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return Figures(rate, quantiles[49], quantiles[98], cpu_ms)


async def start_profiler(pid: int, seconds: float) -> asyncio.subprocess.Process | None:
    """With ``BENCH_PROFILE=<file>``: py-spy (on PATH) samples the server over the peak window
    (``BENCH_PROFILE_RATE`` samples a second, 100 unless set)."""
    profile = os.environ.get("BENCH_PROFILE")
    if not profile:
        return None
    rate = os.environ.get("BENCH_PROFILE_RATE", "100")  # samples a second
    command = ["py-spy", "record", "--format", "raw", "--rate", rate, "--pid", str(pid),
               "--duration", str(int(seconds)), "-o", profile]  # fmt: skip
    return await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL)


async def gather_limited(factories: list[Callable[[], Awaitable[Connection]]], limit: int) -> list[Connection]:
    gate = asyncio.Semaphore(limit)

    async def one(factory: Callable[[], Awaitable[Connection]]) -> Connection:
        async with gate:
            return await factory()

    return list(await asyncio.gather(*(one(factory) for factory in factories)))


async def reset_postgres(url: str) -> None:
    """An empty, migrated database at ``url`` (created when missing)."""
    import asyncpg  # the product's own driver

    plain = url.replace("postgresql+asyncpg://", "postgresql://")
    base, name = plain.rsplit("/", 1)
    admin = await asyncpg.connect(f"{base}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await run_checked([sys.executable, "-m", "bot", "migrate"], {**os.environ, "BOT_DATABASE_URL": url})


async def flush_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()


async def run_checked(command: list[str], env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL)
    if await process.wait():
        raise RuntimeError(f"{' '.join(command)} failed")


BOT_SERVER = "import sys; from bot.__main__ import main; sys.exit(main(['run', '--port', sys.argv[1]]))"


async def bot_figures(
    database: str, history: str | None, connections: int, seconds: float, postgres_url: str
) -> Figures:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    with tempfile.TemporaryDirectory() as var_dir:
        env["BOT_VAR_DIR"] = var_dir
        env["BOT_CONFIG_DIR"] = unlimited_config(var_dir)
        if database == "sqlite":
            if history:
                shutil.copy(history, Path(var_dir) / "bot.sqlite3")

            def redis_pids(server: int) -> list[int]:
                return [pid for pid in children_of(server) if Path(f"/proc/{pid}/comm").read_text().startswith("redis")]

            postgres = False
        else:
            url = history or postgres_url
            if not history:
                await reset_postgres(url)
            await flush_redis(DEFAULT_REDIS)
            env.update(BOT_DATABASE_URL=url, BOT_REDIS_URL=DEFAULT_REDIS)

            def redis_pids(server: int) -> list[int]:
                return processes_named("redis-server")

            postgres = True
        command = [sys.executable, "-c", BOT_SERVER]
        return await measure(command, env, True, connections, seconds, postgres, redis_pids)


async def echo_figures(connections: int, seconds: float) -> Figures:
    command = [sys.executable, "-c", ECHO_SERVER]
    return await measure(command, dict(os.environ), False, connections, seconds, False, lambda server: [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--connections", default="10,50,200")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--history-sqlite", help="a seeded SQLite file (bench/seed_history.py)")
    parser.add_argument("--history-postgres", help="a seeded PostgreSQL database URL (bench/seed_history.py)")
    parser.add_argument("--seed-history", type=int, help="seed this many messages of history into both databases first")
    arguments = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    counts = [int(count) for count in arguments.connections.split(",")]
    histories = {"sqlite": arguments.history_sqlite, "postgresql": arguments.history_postgres}
    with tempfile.TemporaryDirectory() as scratch:
        if arguments.seed_history:
            databases = arguments.databases.split(",")
            histories = asyncio.run(seed_histories(databases, arguments.seed_history, arguments.postgres_url, scratch))
        print_table(arguments, counts, histories)


async def seed_histories(databases: list[str], messages: int, postgres_url: str, scratch: str) -> dict[str, str | None]:
    """A seeded SQLite file in ``scratch`` and a seeded scratch PostgreSQL database, as asked."""
    seeded: dict[str, str | None] = {"sqlite": None, "postgresql": None}
    if "sqlite" in databases:
        seeded["sqlite"] = str(Path(scratch) / "history.sqlite3")
    if "postgresql" in databases:
        seeded["postgresql"] = f"{postgres_url}_history"
        await reset_postgres(seeded["postgresql"])
    for database, url in seeded.items():
        if url is None:
            continue
        target = f"sqlite+aiosqlite:///{url}" if database == "sqlite" else url
        started = time.perf_counter()
        await run_checked([sys.executable, str(ROOT / "bench" / "seed_history.py"), target, "--messages", str(messages),
                           "--open-cases", "0"],
                          dict(os.environ))
        print(f"seeded {messages:,} messages into {database} in {time.perf_counter() - started:.0f} s", flush=True)
    return seeded


def print_table(arguments: argparse.Namespace, counts: list[int], histories: dict[str, str | None]) -> None:
    print(f"steady-state windows of {arguments.seconds:g} s; latency at half the peak rate; CPU ms per message")
    header = (
        f"{'database':<10} {'history':<8} {'conns':>5} {'echo msg/s':>10} {'bot msg/s':>9} {'ratio':>6} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'echo p99':>8} {'server':>7} {'redis':>6} {'pg':>6}"
    )
    print(header)
    print("-" * len(header))
    for connections in counts:
        echo = asyncio.run(echo_figures(connections, arguments.seconds))
        for database in arguments.databases.split(","):
            for history in [None, histories[database]] if histories[database] else [None]:
                run = bot_figures(database, history, connections, arguments.seconds, arguments.postgres_url)
                bot = asyncio.run(run)
                print(
                    f"{database:<10} {'seeded' if history else 'empty':<8} {connections:>5} {echo.rate:>10.0f} "
                    f"{bot.rate:>9.0f} {bot.rate / echo.rate:>6.3f} {bot.p50:>7.1f} {bot.p99:>7.1f} "
                    f"{echo.p99:>8.1f} {bot.cpu_ms['server']:>7.3f} {bot.cpu_ms['redis']:>6.3f} "
                    f"{bot.cpu_ms.get('postgres', 0.0):>6.3f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
