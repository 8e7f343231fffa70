"""``python -m bot run`` on embedded defaults, as a newcomer starts it, and its shutdown."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import aiohttp

from bot.embedded_redis import free_port
from bot.settings import PROJECT_ROOT


async def _wait_ready(base: str, process: asyncio.subprocess.Process, timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            if process.returncode is not None:
                output = await process.stdout.read() if process.stdout else b""
                raise AssertionError(f"server exited early: {output.decode()}")
            try:
                async with http.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("server not ready in time")
            await asyncio.sleep(0.2)


async def _banner(process: asyncio.subprocess.Process) -> str:
    """What the server printed up to the end of its start banner."""
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or "Press Ctrl+C to stop." not in lines[-1]:
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if not line:
            break
        lines.append(line.decode())
    return "".join(lines)


async def test_run_starts_everything_embedded_and_stops_gracefully(tmp_path: Path) -> None:
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("BOT_") and key not in ("TEST_DATABASE_URL", "TEST_REDIS_URL")
    }
    env["BOT_VAR_DIR"] = str(tmp_path / "var")
    env["BOT_SMS_STUB"] = "1"  # as scripts/start sets it
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--port",
        str(port),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    banner = ""
    try:
        await _wait_ready(base, process)
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/chat/session", json={}) as response:
                assert response.status == 201
                token = (await response.json())["token"]
            # A fresh embedded database gets first staff accounts, shown once in the banner.
            banner = await _banner(process)
            accounts = dict(re.findall(r"First (?:manager|agent) account: (\S+) / (\S+)", banner))
            assert set(accounts) == {"manager", "agent"}, banner
            async with http.post(
                f"{base}/api/login", json={"username": "manager", "password": accounts["manager"]}
            ) as response:
                assert response.status == 200 and (await response.json())["role"] == "manager"
            async with http.get(f"{base}/sms-stub/") as response:
                assert response.status == 200 and "SMS stub gateway" in await response.text()
            async with http.post(
                f"{base}/sms-stub/phone", json={"From": "+8613900139000", "Body": "路灯坏了"}
            ) as response:
                assert (await response.json())["webhook_status"] == 200
            async with http.ws_connect(f"{base}/chat/ws?token={token}") as socket:
                ids = [str(uuid.uuid4()) for _ in range(5)]
                for index, message_id in enumerate(ids):
                    await socket.send_json({"type": "message", "id": message_id, "text": f"第{index}条:噪音"})
                acked: set[str] = set()
                while acked != set(ids):
                    frame = await asyncio.wait_for(socket.receive_json(), 10)
                    if frame["type"] == "ack":
                        acked.add(frame["id"])
                process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = banner + output.decode()
    assert process.returncode == 0, text
    assert f"{base}/chat" in text
    assert "embedded" in text
    assert f"{base}/sms-stub/" in text
    assert "/chat/ws" in text and token not in text  # the access log leaves out the token

    database = sqlite3.connect(tmp_path / "var" / "bot.sqlite3")
    inbound, unprocessed = database.execute(
        "SELECT count(*), sum(processed_at IS NULL) FROM messages WHERE direction = 'in'"
    ).fetchone()
    replies = database.execute("SELECT count(*) FROM messages WHERE direction = 'out'").fetchone()[0]
    database.close()
    assert (inbound, unprocessed) == (6, 0)  # five web chat messages and one SMS
    assert replies >= 4  # the greeting (2) and at least the answer to the first message
    assert (tmp_path / "var" / "redis" / "appendonly.aof").exists() or any((tmp_path / "var" / "redis").iterdir())


def _create_user(
    tmp_path: Path, password: str = "a-long-enough-password", **environment: str
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("BOT_") and key not in ("TEST_DATABASE_URL", "TEST_REDIS_URL")
    }
    env.update(BOT_VAR_DIR=str(tmp_path / "var"), **environment)
    return subprocess.run(
        [sys.executable, "-m", "bot", "create-user", "--username", "wang", "--role", "manager"],
        cwd=PROJECT_ROOT,
        env=env,
        input=f"{password}\n",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_create_user_before_any_migration_says_to_migrate_first(tmp_path: Path) -> None:
    done = _create_user(tmp_path, BOT_AUTO_MIGRATE="0")
    assert done.returncode == 2, done.stderr
    assert "the database is not set up: run `python -m bot migrate` first" in done.stderr
    assert "Traceback" not in done.stderr


def test_create_user_on_a_fresh_embedded_database_sets_it_up_as_run_does(tmp_path: Path) -> None:
    done = _create_user(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "created manager 'wang'" in done.stdout


def test_create_user_refuses_a_password_holding_the_username_and_a_common_one(tmp_path: Path) -> None:
    done = _create_user(tmp_path, password="wang-2026-wang")
    assert done.returncode == 2
    assert "not created: the password contains the username or the display name" in done.stderr
    done = _create_user(tmp_path, password="Qwerty123456!")
    assert done.returncode == 2
    assert "not created: the password is one of the most common passwords" in done.stderr
    assert _create_user(tmp_path).returncode == 0
