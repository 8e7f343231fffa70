"""The floor under web chat's throughput: the product's protocol with nothing but storage behind it.

``webchat_e2e.py`` compares the product with a bare websocket echo. This bench puts a third server
beside them, to show how much of the gap no conversation logic can close: a minimal aiohttp app
that speaks the same web chat protocol (a session token, a greeting of two frames, and for every
customer message an acknowledgement, the message shown back and two replies) and stores what the
product stores for each message (the customer's row and two reply rows, with a unique provider id,
in SQLite in WAL mode, committed before the acknowledgement and before the replies leave, one
transaction per batch of messages waiting together), with no understanding, engine, Redis,
timers or staff events. The same client, windows and CPU reading as ``webchat_e2e.py``.

    python bench/webchat_floor.py [--connections 10,50,200] [--seconds 8]

Its ratio to the echo is the most any conversation logic on this stack (CPython, aiohttp, SQLite
through the standard library) could reach; what the product loses below it is its own work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webchat_e2e import bot_figures, echo_figures, measure

FLOOR_SERVER = r"""
import asyncio, datetime, json, secrets, sqlite3, sys
from aiohttp import web, WSMsgType

database = sqlite3.connect(sys.argv[2], isolation_level=None, check_same_thread=False)
database.execute("PRAGMA journal_mode=WAL")
database.execute("PRAGMA synchronous=NORMAL")
database.execute(
    "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, conversation_id INTEGER, direction TEXT,"
    " text TEXT, created_at TEXT, provider_message_id TEXT, UNIQUE (direction, provider_message_id))"
)
tokens, waiting, wakeup = {}, [], asyncio.Event()


def frame(message_id, sender, text, client_id=None):
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    return json.dumps({"type": "message", "id": str(message_id), "from": sender, "text": text, "ts": now,
                       "client_id": client_id}, ensure_ascii=False)


async def writer():
    while True:
        await wakeup.wait()
        wakeup.clear()
        batch = waiting[:]
        del waiting[:]
        now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        database.execute("BEGIN")
        stored = [database.execute(
            "INSERT INTO messages (conversation_id, direction, text, created_at, provider_message_id)"
            " VALUES (?, 'in', ?, ?, ?) RETURNING id", (conversation, text, now, f"{conversation}:{client_id}"),
        ).fetchone()[0] for _, conversation, client_id, text in batch]
        replies = [(conversation, "out", f"{text}: 已记录", now) for _, conversation, _, text in batch] * 2
        database.executemany(
            "INSERT INTO messages (conversation_id, direction, text, created_at) VALUES (?, ?, ?, ?)", replies
        )
        database.execute("COMMIT")
        for (socket, conversation, client_id, text), message_id in zip(batch, stored):
            await socket.send_str(json.dumps({"type": "ack", "id": client_id}))
            await socket.send_str(frame(message_id, "customer", text, client_id))
            await socket.send_str(frame(message_id + 1, "bot", "您反映的问题已经记录。"))
            await socket.send_str(frame(message_id + 2, "bot", "请问还有什么需要补充的吗？"))


async def session(request):
    token = secrets.token_urlsafe(16)
    tokens[token] = len(tokens) + 1
    return web.json_response({"token": token})


async def chat(request):
    conversation = tokens[request.query["token"]]
    socket = web.WebSocketResponse(compress=False)
    await socket.prepare(request)
    await socket.send_str(frame(0, "bot", "您好，我是客服。"))
    await socket.send_str(frame(0, "bot", "请问有什么可以帮您？"))
    async for message in socket:
        if message.type is WSMsgType.TEXT:
            payload = json.loads(message.data)
            waiting.append((socket, conversation, payload["id"], payload["text"]))
            wakeup.set()
    return socket


async def start(app):
    app["writer"] = asyncio.create_task(writer())


app = web.Application()
app.on_startup.append(start)
app.router.add_post("/chat/session", session)
app.router.add_get("/chat/ws", chat)
app.router.add_get("/healthz", lambda request: web.Response(text="ok"))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


async def floor_figures(connections: int, seconds: float, folder: str):
    command = [sys.executable, "-c", FLOOR_SERVER.replace("sys.argv[2]", repr(f"{folder}/floor.sqlite3"))]
    return await measure(command, dict(os.environ), True, connections, seconds, False, lambda server: [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", default="10,50,200")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--no-product", action="store_true", help="the echo and the floor only")
    arguments = parser.parse_args()
    print(f"steady-state windows of {arguments.seconds:g} s; CPU ms per message of the server; SQLite")
    header = f"{'conns':>5} {'echo msg/s':>10} {'floor msg/s':>11} {'floor/echo':>10} {'floor cpu':>9} "
    header += f"{'bot msg/s':>9} {'bot/echo':>8} {'bot/floor':>9} {'bot cpu':>7}"
    print(header)
    print("-" * len(header))
    for connections in (int(count) for count in arguments.connections.split(",")):
        echo = asyncio.run(echo_figures(connections, arguments.seconds))
        with tempfile.TemporaryDirectory() as folder:
            floor = asyncio.run(floor_figures(connections, arguments.seconds, folder))
        line = f"{connections:>5} {echo.rate:>10.0f} {floor.rate:>11.0f} {floor.rate / echo.rate:>10.3f} "
        line += f"{floor.cpu_ms['server']:>9.3f} "
        if not arguments.no_product:
            bot = asyncio.run(bot_figures("sqlite", None, connections, arguments.seconds, ""))
            line += f"{bot.rate:>9.0f} {bot.rate / echo.rate:>8.3f} {bot.rate / floor.rate:>9.3f} "
            line += f"{bot.cpu_ms['server']:>7.3f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
