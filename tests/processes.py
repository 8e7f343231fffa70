"""The product as separate processes: ``python -m bot run`` app instances and ``python -m bot worker``
processes sharing one database and one Redis; each writes its output to a log file."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Coroutine, Mapping
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

from bot.embedded_redis import free_port
from bot.settings import PROJECT_ROOT
from tests.helpers import eventually

STARTUP_TIMEOUT = 120
"""Starting a process loads the language tools: slow on a busy machine, and not what is tested."""


def product_env(database_url: str, redis_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without its ``BOT_*`` variables, plus the shared database and
    Redis, no in-process worker, no migrations on start and no mounted SMS stub."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    env.update(
        BOT_DATABASE_URL=database_url,
        BOT_REDIS_URL=redis_url,
        BOT_VAR_DIR=str(var_dir),
        BOT_IN_PROCESS_WORKER="0",
        BOT_AUTO_MIGRATE="0",
        BOT_SMS_STUB="0",
    )
    env.update(extra)
    return env


class Process:
    """A product process whose output goes to ``log``; ready once ``ready_url`` answers 200."""

    def __init__(self, process: asyncio.subprocess.Process, ready_url: str, log: Path) -> None:
        self.process, self.ready_url, self.log = process, ready_url, log

    @classmethod
    async def _spawn(cls, arguments: list[str], env: Mapping[str, str], ready_url: str, log: Path) -> Process:
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *arguments, cwd=PROJECT_ROOT, env=dict(env), stdout=output, stderr=output
            )
        started = cls(process, ready_url, log)
        try:
            await started._ready()
        except BaseException:
            # Never left running: a process the test no longer holds would go on taking the shared
            # Redis's jobs and timers (on its own clock) from the tests after it.
            await started.stop()
            raise
        return started

    async def _ready(self) -> None:
        async with aiohttp.ClientSession() as http:

            async def ready() -> bool:
                if self.process.returncode is not None:
                    raise AssertionError(f"{self.log.name} exited early:\n{self.text()}")
                try:
                    async with http.get(self.ready_url) as response:
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            await eventually(ready, timeout=STARTUP_TIMEOUT, interval=0.2)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    async def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


class Instance(Process):
    """One ``python -m bot run`` app process."""

    base: str

    @classmethod
    async def start(cls, env: Mapping[str, str], log: Path, port: int | None = None) -> Instance:
        port = port or free_port()
        base = f"http://127.0.0.1:{port}"
        started = await cls._spawn(["run", "--port", str(port)], env, f"{base}/readyz", log)
        assert isinstance(started, Instance)
        started.base = base
        return started


class Worker(Process):
    """One ``python -m bot worker`` process; it serves its metrics once its resources are built,
    just before it takes jobs."""

    @classmethod
    async def start(cls, env: Mapping[str, str], log: Path) -> Worker:
        port = free_port()
        env = {**env, "BOT_HOST": "127.0.0.1", "BOT_WORKER_METRICS_PORT": str(port)}
        started = await cls._spawn(["worker"], env, f"http://127.0.0.1:{port}/", log)
        assert isinstance(started, Worker)
        return started


P = TypeVar("P", bound=Process)


async def start_all(*starting: Coroutine[Any, Any, P]) -> list[P]:
    """Start processes side by side. If one fails to start, the others stop starting and those
    started are stopped before the failure is raised: none is left running unseen."""
    started: list[Process] = []

    async def keep(start: Coroutine[Any, Any, P]) -> P:
        process = await start
        started.append(process)
        return process

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(keep(start)) for start in starting]
    except BaseException:
        for process in started:
            await process.stop()
        raise
    return [task.result() for task in tasks]


def logs(processes: list[Instance] | list[Worker] | list[Process]) -> str:
    return "\n".join(f"--- {p.log.name}\n{p.text()}" for p in processes)
