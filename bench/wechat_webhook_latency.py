"""WeChat webhook latency (p50/p99) against a bare aiohttp handler answering the same requests.

Starts, each as its own process: a fake WeChat API (token and customer-service send), a bare
aiohttp app that answers ``success`` to the push, and the product on embedded defaults with
WeChat configured. Then posts the same signed text messages (one per customer, C at a time) to
each and prints latency percentiles and their ratio. The product's target: p99 under 50 ms.
Also prints the product's CPU per push over the measured pushes, read from /proc: the server
process and its embedded Redis (its in-process worker included, which sends the replies that
missed the passive answer), and the share of pushes answered with a passive reply.
``BENCH_PROFILE=<file>``: py-spy (on ``PATH`` or beside this Python) samples the server over the
measured pushes (``BENCH_PROFILE_RATE`` samples a second, 100 unless set).

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
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webchat_e2e import children_of
from webchat_throughput import ROOT, UNCAPPED_CONNECTIONS, cpu_seconds, free_port, wait_ready

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


async def drive(port: int, messages: int, concurrency: int, run: int, passive: list[bool] | None = None) -> list[float]:
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
                answer = await r.read()
                assert r.status == 200, r.status
            if passive is not None:
                passive.append(answer.startswith(b"<xml>"))
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


def server_cpu(pid: int) -> float:
    """CPU seconds so far of the server and its children (the embedded redis-server)."""
    return cpu_seconds(pid) + sum(cpu_seconds(child) for child in children_of(pid))


async def start_profiler(pid: int) -> asyncio.subprocess.Process | None:
    profile = os.environ.get("BENCH_PROFILE")
    if not profile:
        return None
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    rate = os.environ.get("BENCH_PROFILE_RATE", "100")
    command = [py_spy, "record", "--format", "raw", "--rate", rate, "--pid", str(pid), "--threads", "-o", profile]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    await asyncio.sleep(1)  # py-spy attached
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
            await asyncio.sleep(1)  # the warm-up's replies sent
            profiler = await start_profiler(bot.pid)
            passive: list[bool] = []
            cpu_before = server_cpu(bot.pid)
            product = await drive(bot_port, arguments.messages, arguments.concurrency, 3, passive)
            await asyncio.sleep(1)  # the replies that missed the passive answer sent by the worker
            cpu_used = server_cpu(bot.pid) - cpu_before
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                await profiler.wait()
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
    print(
        f"WeChat webhook server CPU per push {cpu_used / arguments.messages * 1000:.2f} ms"
        f" (server and its Redis, from /proc); passive replies {sum(passive)}/{len(passive)}"
    )
    ratio = percentile(product, 0.99) / percentile(baseline, 0.99)
    print(f"p99 ratio (webhook / bare): {ratio:.1f}  (target: webhook p99 < 50 ms)")


if __name__ == "__main__":
    asyncio.run(main())
