"""A fresh customer's greeting while one WeChat sender floods the instance with long texts.

Starts a fake WeChat API and the product on embedded defaults with WeChat configured, then, while
one openid pushes ``--pushes`` signed texts of ``--chars`` characters ("停水电梯坏了" repeated, as
the penetration test sent) ``--rounds`` times, opens a new web chat session every 0.2 s and times
how long its greeting takes to arrive, and times ``/healthz``. Prints the greeting latencies
(p50, max) and ``/healthz``'s with no flood and during it: one sender's long texts must not hold
up anyone else (a greeting is 10-30 ms on an idle instance). With ``--seed``, the texts are the
second penetration test's instead: random characters of ``RANDOM_ALPHABET``, hundreds of short
clauses each (``random.Random(seed)``, one seed more for each push).

    python bench/long_text_flood.py [--pushes 5] [--chars 20000] [--rounds 3] [--seed 11]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webchat_throughput import UNCAPPED_CONNECTIONS, free_port
from wechat_webhook_latency import APPID, FAKE_API, SECRET, TOKEN, signed_query, start

FLOOD = "停水电梯坏了"
RANDOM_ALPHABET = "漏水电梯坏了，，，。。！！  我不知道"


def long_xml(openid: str, msg_id: int, chars: int, seed: int | None = None) -> str:
    if seed is None:
        text = (FLOOD * (chars // len(FLOOD) + 1))[:chars]
    else:
        chosen = random.Random(seed + msg_id - 1)
        text = "".join(chosen.choice(RANDOM_ALPHABET) for _ in range(chars))
    return (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


async def greeting(http: aiohttp.ClientSession, port: int) -> float:
    """Seconds from asking for a session to the bot's first message on its socket."""
    started = time.perf_counter()
    async with http.post(f"http://127.0.0.1:{port}/chat/session", json={}) as response:
        token = (await response.json())["token"]
    async with http.ws_connect(f"http://127.0.0.1:{port}/chat/ws?token={token}") as ws:
        while True:
            frame = json.loads((await ws.receive(timeout=60)).data)
            if frame.get("from") == "bot":
                return time.perf_counter() - started


async def health(http: aiohttp.ClientSession, port: int) -> float:
    started = time.perf_counter()
    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
        await response.read()
    return time.perf_counter() - started


async def probe(http: aiohttp.ClientSession, port: int, until: asyncio.Event) -> tuple[list[float], list[float]]:
    greetings: list[float] = []
    checks: list[float] = []
    while not until.is_set():
        greetings.append(await greeting(http, port))
        checks.append(await health(http, port))
        await asyncio.sleep(0.2)
    return greetings, checks


async def flood(
    http: aiohttp.ClientSession, port: int, pushes: int, chars: int, rounds: int, seed: int | None = None
) -> None:
    msg_id = 1
    for _ in range(rounds):

        async def one(number: int) -> None:
            body = long_xml("o-flooder", number, chars, seed)
            url = f"http://127.0.0.1:{port}/channels/wechat"
            async with http.post(url, params=signed_query(), data=body.encode()) as response:
                await response.read()

        await asyncio.gather(*(one(msg_id + index) for index in range(pushes)))
        msg_id += pushes
        await asyncio.sleep(0.5)


def line(name: str, values: list[float]) -> str:
    ms = [value * 1000 for value in values]
    return f"{name:28s} n={len(ms):3d}  p50 {statistics.median(ms):8.1f} ms  max {max(ms):8.1f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=5)
    parser.add_argument("--chars", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None, help="random texts (the second penetration test)")
    arguments = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    api_port, bot_port = free_port(), free_port()
    processes = [await start([sys.executable, "-c", FAKE_API, str(api_port)], api_port, env)]
    try:
        with tempfile.TemporaryDirectory() as var_dir:
            bot_env = dict(
                env,
                BOT_VAR_DIR=var_dir,
                BOT_WECHAT_TOKEN=TOKEN,
                BOT_WECHAT_APPID=APPID,
                BOT_WECHAT_SECRET=SECRET,
                BOT_WECHAT_API_BASE=f"http://127.0.0.1:{api_port}",
                **UNCAPPED_CONNECTIONS,
            )
            command = [sys.executable, "-m", "bot", "run", "--port", str(bot_port)]
            processes.append(await start(command, bot_port, bot_env))
            async with aiohttp.ClientSession() as http:
                for _ in range(3):  # warm-up: the language tools load with the first texts
                    await greeting(http, bot_port)
                idle = asyncio.Event()
                quiet = asyncio.create_task(probe(http, bot_port, idle))
                await asyncio.sleep(3)
                idle.set()
                idle_greetings, idle_checks = await quiet
                done = asyncio.Event()
                during = asyncio.create_task(probe(http, bot_port, done))
                await flood(http, bot_port, arguments.pushes, arguments.chars, arguments.rounds, arguments.seed)
                await asyncio.sleep(1)
                done.set()
                flood_greetings, flood_checks = await during
    finally:
        for process in processes:
            process.terminate()
            await process.wait()
    print(f"one openid: {arguments.rounds} rounds of {arguments.pushes} pushes of {arguments.chars} characters")
    print(line("greeting, no flood", idle_greetings))
    print(line("greeting, during the flood", flood_greetings))
    print(line("/healthz, no flood", idle_checks))
    print(line("/healthz, during the flood", flood_checks))


if __name__ == "__main__":
    asyncio.run(main())
