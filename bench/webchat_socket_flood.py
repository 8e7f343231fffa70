"""Web chat sockets flooded from many addresses: a fresh customer's greeting during and after.

Starts the product on embedded defaults behind a trusted proxy (127.0.0.1), then opens SESSIONS web
chat sessions from each of ADDRESSES client addresses (X-Forwarded-For), each sending short valid
texts as fast as it can for SECONDS, and keeps their sockets open 3 s more. Meanwhile and afterwards
a new customer from another address is greeted; prints those greeting times and what the flooding
sockets got (acks, errors, closes).

    python bench/webchat_socket_flood.py ADDRESSES SESSIONS SECONDS   (e.g. 40 5 15)
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webchat_throughput import free_port
from wechat_webhook_latency import start

CONFIG = {"BOT_CONFIG_DIR": os.environ["BENCH_CONFIG_DIR"]} if os.environ.get("BENCH_CONFIG_DIR") else {}
"""``BENCH_CONFIG_DIR``: another configuration directory (limits lifted, to compare)."""
ADDR, SESS, SECS = (int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])) if len(sys.argv) > 3 else (40, 5, 15)


async def session(http: aiohttp.ClientSession, port: int, addr: str, stats: Counter[str]) -> None:
    h = {"X-Forwarded-For": addr}
    async with http.post(f"http://127.0.0.1:{port}/chat/session", json={}, headers=h) as r:
        if r.status != 201:
            stats["session_refused"] += 1
            return
        token = (await r.json())["token"]
    async with http.ws_connect(f"http://127.0.0.1:{port}/chat/ws?token={token}", headers=h) as ws:

        async def reader() -> None:
            async for m in ws:
                if m.type == aiohttp.WSMsgType.TEXT:
                    f = json.loads(m.data)
                    stats[f.get("type", "?")] += 1
            stats["closed"] += 1

        t = asyncio.create_task(reader())
        end = time.monotonic() + SECS
        try:
            while time.monotonic() < end and not ws.closed:
                await ws.send_str(json.dumps({"type": "message", "id": str(uuid.uuid4()), "text": "楼道灯坏了"}))
                stats["sent"] += 1
                await asyncio.sleep(0)
        except Exception:
            stats["send_failed"] += 1
        await asyncio.sleep(3)
        t.cancel()


async def greet(http: aiohttp.ClientSession, port: int) -> float:
    s = time.perf_counter()
    async with http.post(
        f"http://127.0.0.1:{port}/chat/session", json={}, headers={"X-Forwarded-For": "203.0.113.99"}
    ) as r:
        token = (await r.json())["token"]
    async with http.ws_connect(f"http://127.0.0.1:{port}/chat/ws?token={token}") as ws:
        while True:
            f = json.loads((await ws.receive(timeout=120)).data)
            if f.get("from") == "bot":
                return time.perf_counter() - s


async def flood(port: int) -> None:
    stats: Counter[str] = Counter()
    async with aiohttp.ClientSession() as http:
        await asyncio.gather(
            *(session(http, port, f"198.51.100.{a}", stats) for a in range(ADDR) for _ in range(SESS))
        )
    print("flooding sockets got", dict(stats), flush=True)


def flood_process(port: int) -> None:
    """The flood in a process of its own: its busy loop must not delay the greeting measured."""
    asyncio.run(flood(port))


async def main() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    port = free_port()
    with tempfile.TemporaryDirectory() as var:
        p = await start(
            [sys.executable, "-m", "bot", "run", "--port", str(port)],
            port,
            dict(env, BOT_VAR_DIR=var, BOT_TRUSTED_PROXIES="127.0.0.1/32", **CONFIG),
        )
        try:
            async with aiohttp.ClientSession() as http:
                print("idle greeting", round(await greet(http, port), 3))
                flooder = multiprocessing.Process(target=flood_process, args=(port,))
                flooder.start()
                during = []
                t0 = time.monotonic()
                while flooder.is_alive():
                    during.append(round(await greet(http, port), 2))
                    await asyncio.sleep(0.5)
                print("greetings during (s)", during, "elapsed", round(time.monotonic() - t0, 1))
                for i in range(4):
                    await asyncio.sleep(5)
                    print("greeting", 5 * (i + 1), "s after", round(await greet(http, port), 3))
        finally:
            p.terminate()
            await p.wait()


if __name__ == "__main__":
    asyncio.run(main())
