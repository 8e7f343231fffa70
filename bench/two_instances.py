"""Web chat throughput with one app instance and with two, side by side, in one run (issue 16).

The production shape on PostgreSQL and the machine's Redis: ``python -m bot run`` processes without
an in-process worker, each with a separate ``python -m bot worker``. The clients are spread over
the instances (connection i goes to instance i mod n); each run starts on an empty, migrated
database and a flushed Redis database. The windows are ``bench/webchat_e2e.py``'s: a warmed-up
steady-state peak window, then a window paced at half that rate for latency. CPU per message:
the app instances together, the workers together, and every redis-server and postgres process on
the machine (so other users of them count too: run it on a quiet machine).

    python bench/two_instances.py [--connections 50] [--seconds 8]
        [--postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_two]
        [--redis-url redis://127.0.0.1:6379/13]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import resource
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webchat_e2e import (
    Connection,
    CpuMeter,
    Figures,
    flush_redis,
    gather_limited,
    open_connection,
    paced_window,
    peak_window,
    processes_named,
    reset_postgres,
)
from webchat_throughput import ROOT, UNCAPPED_CONNECTIONS, cpu_seconds, free_port, unlimited_config, wait_ready

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench_two"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"


class ProcessesMeter(CpuMeter):
    """CPU of every app instance together ("server"), every worker, Redis and PostgreSQL."""

    def __init__(self, apps: list[int], workers: list[int]) -> None:
        super().__init__(apps[0], processes_named("redis-server"), postgres=True)
        self.apps, self.workers = apps, workers

    def _read(self) -> dict[str, float]:
        figures = super()._read()
        figures["server"] = sum(cpu_seconds(pid) for pid in self.apps)
        figures["worker"] = sum(cpu_seconds(pid) for pid in self.workers)
        return figures


async def start(arguments: list[str], env: dict[str, str], ready_url: str) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *arguments, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await wait_ready(ready_url)
    return process


async def stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    await process.wait()


async def figures(instances: int, connections: int, seconds: float, postgres_url: str, redis_url: str) -> Figures:
    await reset_postgres(postgres_url)
    await flush_redis(redis_url)
    async with AsyncExitStack() as stack:
        var_dir = stack.enter_context(tempfile.TemporaryDirectory())
        env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
        env.update(
            BOT_DATABASE_URL=postgres_url, BOT_REDIS_URL=redis_url, BOT_VAR_DIR=var_dir,
            BOT_IN_PROCESS_WORKER="0", BOT_AUTO_MIGRATE="0", BOT_HOST="127.0.0.1",
            BOT_CONFIG_DIR=unlimited_config(var_dir),
            **UNCAPPED_CONNECTIONS,
        )  # fmt: skip
        ports, metrics_ports = [free_port() for _ in range(instances)], [free_port() for _ in range(instances)]
        started = await asyncio.gather(
            *(start(["run", "--port", str(port)], env, f"http://127.0.0.1:{port}/readyz") for port in ports),
            *(
                start(["worker"], {**env, "BOT_WORKER_METRICS_PORT": str(port)}, f"http://127.0.0.1:{port}/")
                for port in metrics_ports
            ),
        )
        for process in started:
            stack.push_async_callback(stop, process)
        http = await stack.enter_async_context(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)))

        openers: list[Callable[[], Awaitable[Connection]]] = [
            functools.partial(open_connection, http, ports[i % instances], True) for i in range(connections)
        ]
        clients = await gather_limited(openers, 20)
        meter = ProcessesMeter([p.pid for p in started[:instances]], [p.pid for p in started[instances:]])
        rate = await peak_window(clients, seconds, meter)
        latencies = await paced_window(clients, seconds, rate / 2)
        for client in clients:
            await client.ws.close()
    done = rate * seconds
    cpu_ms = {name: 1000 * used / done for name, used in meter.used.items()}
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return Figures(rate, quantiles[49], quantiles[98], cpu_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    arguments = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    print(f"PostgreSQL + Redis; {arguments.connections} connections spread over the instances; one worker each")
    print(f"steady-state windows of {arguments.seconds:g} s; latency at half the peak rate; CPU ms per message")
    header = (
        f"{'instances':>9} {'msg/s':>7} {'vs one':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'apps':>6} {'workers':>7} {'redis':>6} {'pg':>6}"
    )
    print(header)
    print("-" * len(header))
    one = 0.0
    for instances in (1, 2):
        run = figures(instances, arguments.connections, arguments.seconds, arguments.postgres_url, arguments.redis_url)
        result = asyncio.run(run)
        one = one or result.rate
        cpu = result.cpu_ms
        print(
            f"{instances:>9} {result.rate:>7.0f} {result.rate / one:>6.2f} {result.p50:>7.1f} {result.p99:>7.1f} "
            f"{cpu['server']:>6.3f} {cpu['worker']:>7.3f} {cpu['redis']:>6.3f} {cpu['postgres']:>6.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
