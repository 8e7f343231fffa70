"""WeChat webhook latency (p50/p99) against a bare aiohttp handler answering the same requests.

Starts, each as its own process: a fake WeChat API (token and customer-service send), a bare
aiohttp app that answers ``success`` to the push, and the product on embedded defaults with
WeChat configured. Then posts the same signed text messages (one per customer, C at a time) to
each and prints latency percentiles and their ratio. The product's target: p99 under 50 ms.

    python bench/wechat_webhook_latency.py [--messages 400] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webchat_throughput import ROOT, UNCAPPED_CONNECTIONS, free_port, wait_ready

TOKEN, APPID, SECRET = "bench-token", "wxbench0000000000", "bench-secret"

FAKE_API = """
import sys
from aiohttp import web
async def token(request):
    return web.json_response({"access_token": "T", "expires_in": 7200})
async def send(request):
    return web.json_response({"errcode": 0, "errmsg": "ok"})
app = web.Application()
app.router.add_get("/cgi-bin/token", token)
app.router.add_post("/cgi-bin/message/custom/send", send)
app.router.add_get("/healthz", lambda request: web.Response(text="ok"))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""

BARE = """
import sys
from aiohttp import web
async def push(request):
    await request.read()
    return web.Response(text="success")
app = web.Application()
app.router.add_post("/channels/wechat", push)
app.router.add_get("/healthz", lambda request: web.Response(text="ok"))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def signed_query() -> dict[str, str]:
    # A fresh nonce per push, as WeChat sends: a signed query is bound to the first body it carried.
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce}


def text_xml(openid: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[小区电梯坏了]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


async def drive(port: int, messages: int, concurrency: int, run: int) -> list[float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(messages):
        queue.put_nowait(index)

    async def worker(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            index = queue.get_nowait()
            body = text_xml(f"o{run}-{index:06d}", run * 1_000_000 + index)
            started = time.perf_counter()
            async with http.post(f"http://127.0.0.1:{port}/channels/wechat", params=signed_query(), data=body) as r:
                await r.read()
                assert r.status == 200, r.status
            latencies.append(time.perf_counter() - started)

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
    return latencies


async def start(command: list[str], port: int, env: dict[str, str]) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    await wait_ready(f"http://127.0.0.1:{port}/healthz")
    return process


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--passive-ms", type=int, default=None, help="override config/channels.yaml passive_reply_within_ms"
    )
    arguments = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    api_port, bare_port, bot_port = free_port(), free_port(), free_port()
    api = await start([sys.executable, "-c", FAKE_API, str(api_port)], api_port, env)
    processes = [api]
    try:
        bare = await start([sys.executable, "-c", BARE, str(bare_port)], bare_port, env)
        processes.append(bare)
        await drive(bare_port, 50, arguments.concurrency, 0)  # warm-up
        baseline = await drive(bare_port, arguments.messages, arguments.concurrency, 1)
        with tempfile.TemporaryDirectory() as var_dir:
            config_dir = ROOT / "config"
            if arguments.passive_ms is not None:
                config_dir = Path(var_dir) / "config"
                shutil.copytree(ROOT / "config", config_dir)
                channels = config_dir / "channels.yaml"
                text = channels.read_text(encoding="utf-8")
                channels.write_text(
                    re.sub(r"passive_reply_within_ms: \d+", f"passive_reply_within_ms: {arguments.passive_ms}", text),
                    encoding="utf-8",
                )
            bot_env = dict(
                env,
                BOT_CONFIG_DIR=str(config_dir),
                BOT_VAR_DIR=var_dir,
                BOT_WECHAT_TOKEN=TOKEN,
                BOT_WECHAT_APPID=APPID,
                BOT_WECHAT_SECRET=SECRET,
                BOT_WECHAT_API_BASE=f"http://127.0.0.1:{api_port}",
                **UNCAPPED_CONNECTIONS,
            )
            bot = await start([sys.executable, "-m", "bot", "run", "--port", str(bot_port)], bot_port, bot_env)
            processes.append(bot)
            await drive(bot_port, 50, arguments.concurrency, 2)  # warm-up
            product = await drive(bot_port, arguments.messages, arguments.concurrency, 3)
    finally:
        for process in processes:
            process.terminate()
            await process.wait()
    print(f"messages={arguments.messages} concurrency={arguments.concurrency}")
    for name, values in (("bare aiohttp handler", baseline), ("WeChat webhook", product)):
        print(
            f"{name:22s} p50 {percentile(values, 0.5):7.2f} ms  p99 {percentile(values, 0.99):7.2f} ms"
            f"  mean {statistics.mean(values) * 1000:7.2f} ms"
        )
    ratio = percentile(product, 0.99) / percentile(baseline, 0.99)
    print(f"p99 ratio (webhook / bare): {ratio:.1f}  (target: webhook p99 < 50 ms)")


if __name__ == "__main__":
    asyncio.run(main())
