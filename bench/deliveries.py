"""Provider deliveries per second against arq running no-op jobs, on this machine.

Both run the same arq ``Worker`` (same ``max_jobs``, poll delay and Redis) in burst mode in this
process, on N jobs enqueued beforehand:

- **no-op**: a job function that returns at once: what arq itself costs per job;
- **deliveries**: the product's delivery jobs (``python -m bot worker``'s settings) for N stored
  SMS replies of N/2 conversations (``--replies-per-conversation``, 2: the bot's answer to a
  message is usually two phrases, committed together), enqueued as the outbound gateway enqueues
  a commit's (a job for up to 16 of a commit's conversations, one job of one conversation for a
  commit of one), in commits of ``--conversations-per-commit`` (16 by default: the pipeline's
  average batch at 50 web chat connections; 1 gives every conversation its own job, as a quiet
  service's commits), sent through the stub SMS gateway running as its own process: the attempt
  marker, the provider call, the outcome, the staff event. With ``--replies-per-conversation 1``
  every conversation has one reply (an agent's replies, one at a time).

The no-op run goes before and after the deliveries, and the ratio is against the mean of the
two: on a machine shared with other work the load drifts, and one no-op run measured at another
moment than the deliveries skews the ratio either way.

Prints no-op jobs per second and messages delivered per second and their ratio (the target is
≥ 0.50), and the CPU time each spent per job or message (this process: the worker, its threads
and clients; the gateway's process per message). ``BENCH_PROFILE=<file>`` (py-spy on ``PATH``)
records a profile of this process over the deliveries.

    python bench/deliveries.py [--jobs 2000] [--replies-per-conversation 2] [--conversations-per-commit 16]
                               [--database-url URL] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker, func
from sqlalchemy import func as sql_func
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webchat_e2e import reset_postgres
from webchat_throughput import ROOT, free_port, wait_ready

sys.path.insert(0, str(ROOT))
from bot.channels.sms.adapter import SmsSettings
from bot.config import load_config
from bot.core.messages import Sender
from bot.embedded_redis import EmbeddedRedis
from bot.outbound.effects import Delivery
from bot.outbound.gateway import OutboundGateway
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.db import Database
from bot.storage.models import ChannelIdentity, Conversation, Customer, Message
from workers.settings import worker_settings

ACCOUNT, TOKEN, NUMBER = "AC" + "0" * 32, "bench-token", "10690000"
WORKER = {"burst": True, "poll_delay": 0.05, "handle_signals": False, "max_jobs": 10}


async def noop(ctx: dict[str, Any], message_id: int) -> str:
    return "ok"


def gateway_cpu(pid: int) -> float:
    """Seconds of CPU the process has used (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_noop(redis_url: str, jobs: int) -> tuple[float, float]:
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    await pool.flushdb()
    for index in range(jobs):
        await pool.enqueue_job("noop", index, _job_id=f"noop:{index}")
    worker = Worker(functions=[func(noop, name="noop")], redis_pool=pool, **WORKER)
    started, cpu = time.perf_counter(), time.process_time()
    await worker.main()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await worker.close()
    return jobs / elapsed, cpu / jobs


REPLIES = ("您好,请问有什么可以帮您?", "您的投诉已登记,我们会在3个工作日内答复。", "如有新的情况,请随时告诉我们。")


async def seed(database: Database, messages: int, per_conversation: int) -> list[Delivery]:
    """The stored replies, as the pipeline hands them to the outbound gateway after its commit."""
    now = dt.datetime.now(dt.UTC)
    committed: list[Delivery] = []
    async with database.sessions() as session, session.begin():
        for index in range(messages // per_conversation):
            phone = f"+86138{index:08d}"
            customer = Customer(phone=phone, created_at=now)
            session.add(customer)
            await session.flush()
            identity = ChannelIdentity(customer_id=customer.id, channel="sms", external_id=phone, created_at=now)
            session.add(identity)
            await session.flush()
            conversation = Conversation(
                customer_id=customer.id, identity_id=identity.id, channel="sms", locale="zh-CN",
                flow_state="collecting", flow_data={}, created_at=now,
            )
            session.add(conversation)
            await session.flush()
            replies = [
                Message(
                    conversation_id=conversation.id, channel="sms", direction="out", sender="bot", text=text,
                    created_at=now, delivery_status="pending",
                )
                for text in REPLIES[:per_conversation]
            ]
            session.add_all(replies)
            await session.flush()
            committed.extend(
                Delivery(reply.id, conversation.id, identity.id, "sms", Sender.BOT, reply.text, now)
                for reply in replies
            )
    return committed


async def run_deliveries(
    database_url: str, redis_url: str, messages: int, per_conversation: int, per_commit: int, var_dir: Path
) -> tuple[float, int, int, float, float]:
    port = free_port()
    gateway = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sms-stub", "--port", str(port), "--account-sid", ACCOUNT,
        "--auth-token", TOKEN, "--number", NUMBER, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL,
    )
    try:
        await wait_ready(f"http://127.0.0.1:{port}/")
        settings = Settings(
            database_url=database_url, redis_url=redis_url, var_dir=var_dir, in_process_worker=False,
            sms=SmsSettings(ACCOUNT, TOKEN, NUMBER, f"http://127.0.0.1:{port}"),
        )
        config = load_config(settings.config_dir)
        database = Database(database_url)
        committed = await seed(database, messages, per_conversation)
        pool = await create_pool(RedisSettings.from_dsn(redis_url))
        await pool.flushdb()
        gateway_of_app = OutboundGateway(pool, "bench")
        replies_per_commit = per_commit * per_conversation
        for start in range(0, len(committed), replies_per_commit):
            await gateway_of_app.enqueue_deliveries(committed[start : start + replies_per_commit])
        jobs = len(await pool.queued_jobs())
        arq_settings = worker_settings(settings, config)
        start_up = arq_settings.pop("on_startup")
        started = cpu = gateway_started = 0.0

        profiler: asyncio.subprocess.Process | None = None

        async def on_startup(ctx: dict[str, Any]) -> None:
            nonlocal started, cpu, gateway_started, profiler
            await start_up(ctx)  # the resources (language tools, pools) load before the clock starts
            profiler = await start_profiler()
            started, cpu, gateway_started = time.perf_counter(), time.process_time(), gateway_cpu(gateway.pid)

        worker = Worker(**arq_settings, on_startup=on_startup, redis_pool=pool, **WORKER)
        worker.cron_jobs = []  # the minute crons are not deliveries
        await worker.main()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        gateway_used = gateway_cpu(gateway.pid) - gateway_started
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            await profiler.wait()
        await worker.close()
        async with database.sessions() as session:
            sent = await session.scalar(
                select(sql_func.count()).select_from(Message).where(Message.delivery_status == "sent")
            )
        await database.dispose()
    finally:
        gateway.terminate()
        await gateway.wait()
    count = len(committed)
    return count / elapsed, int(sent or 0), jobs, cpu / count, gateway_used / count


async def start_profiler() -> asyncio.subprocess.Process | None:
    """With ``BENCH_PROFILE=<file>``: py-spy (on PATH) samples this process while the deliveries run."""
    profile = os.environ.get("BENCH_PROFILE")
    if not profile:
        return None
    command = ["py-spy", "record", "--format", "raw", "--rate", "200", "--pid", str(os.getpid()), "-o", profile]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL)
    await asyncio.sleep(0.5)  # attached before the clock starts
    return process


def migrate_in_thread(url: str) -> None:
    thread = threading.Thread(target=migrate.upgrade, args=(url,))
    thread.start()
    thread.join()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000, help="no-op jobs, and replies to deliver")
    parser.add_argument("--replies-per-conversation", type=int, default=2, choices=(1, 2, 3))
    parser.add_argument("--conversations-per-commit", type=int, default=16)
    parser.add_argument(
        "--database-url", help="a PostgreSQL database, emptied and migrated first (default: a new SQLite file)"
    )
    parser.add_argument("--redis-url", help="a Redis to use (flushed!); default: the embedded one")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        var_dir = Path(scratch)
        database_url = arguments.database_url or f"sqlite+aiosqlite:///{var_dir / 'bench.sqlite3'}"
        if arguments.database_url:
            await reset_postgres(database_url)
        migrate_in_thread(database_url)
        embedded = None
        redis_url = arguments.redis_url
        if redis_url is None:
            embedded = EmbeddedRedis(var_dir / "redis", persistent=False)
            await embedded.start()
            redis_url = embedded.url
        try:
            before, noop_cpu_before = await run_noop(redis_url, arguments.jobs)
            product, sent, jobs, cpu, gateway = await run_deliveries(
                database_url,
                redis_url,
                arguments.jobs,
                arguments.replies_per_conversation,
                arguments.conversations_per_commit,
                var_dir,
            )
            after, noop_cpu_after = await run_noop(redis_url, arguments.jobs)
        finally:
            if embedded is not None:
                await embedded.stop()
    database = "postgresql" if arguments.database_url else "sqlite"
    print(
        f"jobs={arguments.jobs} replies_per_conversation={arguments.replies_per_conversation}"
        f" conversations_per_commit={arguments.conversations_per_commit} database={database}"
    )
    baseline, noop_cpu = (before + after) / 2, (noop_cpu_before + noop_cpu_after) / 2
    print(f"arq no-op jobs:        {baseline:8.0f} jobs/s (before {before:.0f}, after {after:.0f})")
    print(f"SMS deliveries:        {product:8.0f} messages/s ({sent} sent by {jobs} jobs)")
    print(f"ratio (target >= 0.50): {product / baseline:7.3f}")
    print(f"worker CPU per message: {cpu * 1000:8.2f} ms (no-op {noop_cpu * 1000:.2f} ms a job)")
    print(f"gateway CPU per message:{gateway * 1000:8.2f} ms")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    asyncio.run(main())
