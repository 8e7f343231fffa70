"""Memory per idle web chat connection, against a bare aiohttp websocket server, on this machine.

Starts each server as its own process, opens N idle websockets to it (for the product: N web
chat sessions, each greeted, then left idle), waits until the server is idle, and reads its
resident memory before and after from /proc. Prints KiB per connection for both (the product's target is < 20 KiB).

    python bench/idle_memory.py [--connections 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webchat_throughput import (
    ECHO_SERVER,
    ROOT,
    UNCAPPED_CONNECTIONS,
    cpu_seconds,
    free_port,
    unlimited_config,
    wait_ready,
)

BROWSER_DEFLATE = 15
"""Offer permessage-deflate as every browser does (aiohttp's client does not unless asked)."""


async def read_all(socket: aiohttp.ClientWebSocketResponse) -> None:
    """Read a socket as a browser does, which also answers the server's pings: unanswered, the
    bot's heartbeat dropped every connection older than 45 s, a third of them at 10,000."""
    async for _ in socket:
        pass


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def settled(pid: int, timeout: float = 120) -> None:
    """Wait until the server has done what the connections asked (greetings stored and sent):
    a second in which it used almost no CPU. A fixed pause counted work still in flight on a
    slow machine as memory per connection."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    used = cpu_seconds(pid)
    while loop.time() < deadline:
        await asyncio.sleep(1)
        now_used = cpu_seconds(pid)
        if now_used - used < 0.05:
            return
        used = now_used


async def measure(kind: str, connections: int) -> float:
    port = free_port()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as var_dir:
        if kind == "echo":
            command = [sys.executable, "-c", ECHO_SERVER, str(port)]
        else:
            env.update(BOT_VAR_DIR=var_dir, BOT_CONFIG_DIR=unlimited_config(var_dir), **UNCAPPED_CONNECTIONS)
            for key in ("BOT_DATABASE_URL", "BOT_REDIS_URL"):
                env.pop(key, None)
            command = [sys.executable, "-m", "bot", "run", "--port", str(port)]
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        sockets = []
        readers = []
        try:
            await wait_ready(f"http://127.0.0.1:{port}/healthz")
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                tokens = []
                if kind == "bot":
                    for _ in range(connections):
                        async with http.post(f"http://127.0.0.1:{port}/chat/session", json={}) as response:
                            tokens.append((await response.json())["token"])
                    url = f"http://127.0.0.1:{port}/chat/ws?token="
                else:
                    tokens = [""] * connections
                    url = f"http://127.0.0.1:{port}/ws"
                # Warm up: one connection, so lazily created state is not counted per connection.
                warm = await http.ws_connect(url + tokens[0], compress=BROWSER_DEFLATE)
                readers.append(asyncio.create_task(read_all(warm)))
                await asyncio.sleep(1)
                before = rss_kib(process.pid)
                for token in tokens[1:]:
                    sockets.append(await http.ws_connect(url + token, compress=BROWSER_DEFLATE))
                    readers.append(asyncio.create_task(read_all(sockets[-1])))
                await settled(process.pid)
                after = rss_kib(process.pid)
                dropped = sum(socket.closed for socket in [warm, *sockets])
                if dropped:
                    raise RuntimeError(f"{kind}: {dropped} connections closed before the measurement")
                for reader in readers:
                    reader.cancel()
                for socket in [warm, *sockets]:
                    await socket.close()
        finally:
            for reader in readers:
                reader.cancel()
            process.terminate()
            await process.wait()
    return (after - before) / max(1, len(sockets))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=500)
    arguments = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * arguments.connections)), hard))
    echo = await measure("echo", arguments.connections)
    bot = await measure("bot", arguments.connections)
    print(f"idle connections: {arguments.connections}")
    print(f"bare aiohttp websocket: {echo:8.1f} KiB per connection")
    print(f"web chat:               {bot:8.1f} KiB per connection (target < 20)")
    print(f"ratio:                  {bot / echo if echo else float('nan'):8.2f}")


if __name__ == "__main__":
    asyncio.run(main())
