"""Web chat end-to-end throughput against a bare aiohttp websocket echo, on this machine.

Starts two servers in turn as separate processes — a bare aiohttp websocket echo and the
product on embedded defaults (SQLite, embedded Redis, in-process worker) — and drives each with
the same clients: C connections, each sending M messages one after another. For the echo a
message is done when it comes back; for the product when it is acknowledged (stored) and the
bot's two replies to it (stored, processed, answered) have arrived on the socket.

Prints messages per second for both and their ratio (the target is ≥ 0.20).

    python bench/webchat_throughput.py [--connections 50] [--messages 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parent.parent

ECHO_SERVER = """
import sys
from aiohttp import web, WSMsgType

async def echo(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type is WSMsgType.TEXT:
            await ws.send_str(message.data)
    return ws

app = web.Application()
app.router.add_get("/ws", echo)
app.router.add_get("/healthz", lambda request: web.Response(text="ok"))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


UNCAPPED_CONNECTIONS = {"BOT_MAX_CONNECTIONS_PER_ADDRESS": str(10**6)}
"""A bench client opens all its connections from 127.0.0.1, far beyond one customer address's cap."""


def unlimited_config(var_dir: str) -> str:
    """A copy of config/ in ``var_dir`` without web chat's flood limits (``channels.yaml``): a bench
    client sends as fast as the server answers, from one address, far beyond any customer; and
    with every message answered (``timers.yaml``)."""
    target = Path(var_dir) / "config"
    shutil.copytree(ROOT / "config", target)
    channels = target / "channels.yaml"
    data = yaml.safe_load(channels.read_text(encoding="utf-8"))
    # Every pace and cap of what a client sends (messages, characters, sockets, connects, frames,
    # sessions), those added later too: one left in place stops the benches' clients mid-run.
    paced = ("messages_", "characters_", "sockets_", "socket_", "connects_", "sessions_per_")
    data["webchat"] = {
        key: 10**9 if key.startswith(paced) and isinstance(value, int) else value
        for key, value in data["webchat"].items()
    }
    channels.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # Every further description is answered (recorded, and the phone asked again), as the benches'
    # clients count on and as the figures before timers.form_reask_after measured.
    timers = target / "timers.yaml"
    data = yaml.safe_load(timers.read_text(encoding="utf-8"))
    data["form_reask_after"] = 0
    timers.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(target)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} not ready")


async def echo_client(http: aiohttp.ClientSession, port: int, messages: int) -> None:
    async with http.ws_connect(f"http://127.0.0.1:{port}/ws") as ws:
        for index in range(messages):
            await ws.send_str(json.dumps({"type": "message", "id": str(uuid.uuid4()), "text": f"msg {index}"}))
            await ws.receive()


async def bot_client(
    http: aiohttp.ClientSession, port: int, messages: int, warmed: asyncio.Event, start: asyncio.Event
) -> None:
    async with http.post(f"http://127.0.0.1:{port}/chat/session", json={}) as response:
        token = (await response.json())["token"]
    async with http.ws_connect(f"http://127.0.0.1:{port}/chat/ws?token={token}") as ws:

        async def exchange(text: str, replies: int) -> None:
            message_id = str(uuid.uuid4())
            await ws.send_str(json.dumps({"type": "message", "id": message_id, "text": text}))
            acked, seen = False, 0
            while not acked or seen < replies:
                frame = json.loads((await ws.receive()).data)
                if frame["type"] == "ack" and frame["id"] == message_id:
                    acked = True
                elif frame["type"] == "message" and frame["from"] == "bot" and acked:
                    seen += 1

        # Warm-up: the greeting arrives, then the first description moves the flow to
        # "waiting for a phone", where every further description gets exactly two replies.
        greeted = 0
        while greeted < 2:
            frame = json.loads((await ws.receive()).data)
            greeted += frame.get("from") == "bot"
        await exchange("楼道的灯坏了", 2)
        warmed.set()
        await start.wait()
        for index in range(messages):
            await exchange(f"补充说明 {index}:晚上楼道很黑", 2)


async def measure(kind: str, connections: int, messages: int) -> tuple[float, float]:
    """Messages per second, and the server's CPU milliseconds per message."""
    port = free_port()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as var_dir:
        if kind == "echo":
            command = [sys.executable, "-c", ECHO_SERVER, str(port)]
        else:
            env.update(BOT_VAR_DIR=var_dir, BOT_CONFIG_DIR=unlimited_config(var_dir), **UNCAPPED_CONNECTIONS)
            for key in ("BOT_DATABASE_URL", "BOT_REDIS_URL"):
                env.pop(key, None)
            profile = os.environ.get("BENCH_PROFILE")
            command = [sys.executable, "-m", "bot", "run", "--port", str(port)]
            if profile:  # sample the server with py-spy (must be on PATH) into collapsed stacks
                command = ["py-spy", "record", "--format", "raw", "-o", profile, "--", *command]
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        try:
            await wait_ready(f"http://127.0.0.1:{port}/healthz")
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as http:
                if kind == "echo":
                    started, cpu = time.perf_counter(), cpu_seconds(process.pid)
                    await asyncio.gather(*(echo_client(http, port, messages) for _ in range(connections)))
                else:
                    warmed = [asyncio.Event() for _ in range(connections)]
                    start = asyncio.Event()
                    tasks = [asyncio.create_task(bot_client(http, port, messages, w, start)) for w in warmed]
                    await asyncio.gather(*(event.wait() for event in warmed))
                    started, cpu = time.perf_counter(), cpu_seconds(process.pid)
                    start.set()
                    await asyncio.gather(*tasks)
                elapsed = time.perf_counter() - started
                cpu = cpu_seconds(process.pid) - cpu
        finally:
            process.terminate()
            await process.wait()
    return connections * messages / elapsed, 1000 * cpu / (connections * messages)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--messages", type=int, default=40)
    arguments = parser.parse_args()
    echo, echo_cpu = await measure("echo", arguments.connections, arguments.messages)
    bot, bot_cpu = await measure("bot", arguments.connections, arguments.messages)
    print(f"connections={arguments.connections} messages/connection={arguments.messages}")
    print(f"bare aiohttp websocket echo: {echo:10.0f} msg/s {echo_cpu:8.3f} ms server CPU/msg")
    print(f"web chat end to end:         {bot:10.0f} msg/s {bot_cpu:8.3f} ms server CPU/msg")
    print(f"ratio (target >= 0.20):      {bot / echo:10.3f}")


if __name__ == "__main__":
    asyncio.run(main())
