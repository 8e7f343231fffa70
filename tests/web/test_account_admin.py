"""An operator ends a staff member's access from the command line: ``deactivate-user`` turns the
account off and ``set-password`` replaces its password, and either signs out every session of
theirs at once, open consoles included, on every instance (every request reads its session from the database).
Switched off there, the customers an agent was serving wait in their queues again, as when a manager
switches the agent off in the console."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from bot.keys import resources
from bot.settings import PROJECT_ROOT
from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, claimed_conversation, frames_until, sign_in, staff_socket

NEW_PASSWORD = "a-new-long-password"


async def command(client: Any, database_url: str, *arguments: str, stdin: str = "") -> tuple[int, str]:
    settings = resources(client.app).settings
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    env.update(BOT_DATABASE_URL=database_url, BOT_VAR_DIR=str(settings.var_dir))
    if settings.redis_url:
        env.update(BOT_REDIS_URL=settings.redis_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *arguments,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(stdin.encode()), 60)
    return process.returncode or 0, output.decode()


async def sign_in_status(client: Any, password: str) -> int:
    client.session.cookie_jar.clear()
    response = await client.post("/api/login", json={"username": "wu", "password": password})
    await response.read()
    return response.status


async def test_deactivating_signs_the_member_out_at_once_and_activating_lets_them_back(
    make_client: AppFactory, database_url: str
) -> None:
    client = await make_client()
    await add_user(client, "wu", Role.AGENT)
    await sign_in(client, "wu")
    assert (await client.get("/api/me")).status == 200  # the session is in the cache now
    console = await staff_socket(client, "wu")

    code, output = await command(client, database_url, "deactivate-user", "--username", "wu")
    assert code == 0 and "1 session(s) ended" in output, output
    assert (await client.get("/api/me")).status == 401
    await asyncio.wait_for(console.receive(), 10)
    assert console.closed
    assert await sign_in_status(client, PASSWORD) == 401

    code, output = await command(client, database_url, "deactivate-user", "--username", "wu", "--activate")
    assert code == 0 and "is on again" in output, output
    assert await sign_in_status(client, PASSWORD) == 200


async def test_deactivating_reaches_the_embedded_session_cache_of_the_running_server(
    make_client: AppFactory, database_url: str
) -> None:
    client = await make_client(redis_url=None)  # scripts/start: the server's own redis-server
    await add_user(client, "wu", Role.AGENT)
    await sign_in(client, "wu")
    assert (await client.get("/api/me")).status == 200  # the session is in the cache now

    code, output = await command(client, database_url, "deactivate-user", "--username", "wu")
    assert code == 0 and "1 session(s) ended" in output and "lapse" not in output, output
    assert (await client.get("/api/me")).status == 401


async def test_a_new_password_ends_the_old_sessions_and_only_it_signs_in(
    make_client: AppFactory, database_url: str
) -> None:
    client = await make_client()
    await add_user(client, "wu", Role.AGENT)
    await sign_in(client, "wu")
    code, output = await command(client, database_url, "set-password", "--username", "wu", stdin="short\n")
    assert code == 2 and "at least 8 characters" in output
    code, output = await command(client, database_url, "set-password", "--username", "wu", stdin="passwordpassword\n")
    assert code == 2 and "not changed: the password is only a repeated character, a repeated part" in output, output
    assert (await client.get("/api/me")).status == 200  # nothing changed

    code, output = await command(client, database_url, "set-password", "--username", "wu", stdin=f"{NEW_PASSWORD}\n")
    assert code == 0 and "has a new password" in output, output
    assert (await client.get("/api/me")).status == 401
    assert await sign_in_status(client, PASSWORD) == 401
    assert await sign_in_status(client, NEW_PASSWORD) == 200


async def test_an_unknown_username_is_said_so(make_client: AppFactory, database_url: str) -> None:
    client = await make_client()
    code, output = await command(client, database_url, "deactivate-user", "--username", "nobody")
    assert code == 2 and "no staff account is named 'nobody'" in output


async def test_deactivating_an_agent_puts_the_customers_they_served_back_in_the_queue(
    make_client: AppFactory, database_url: str
) -> None:
    """Only a case's owner may answer its customer: switched off from the command line while
    holding one, it waits in its queue again for a colleague (who hears of it at once), and the
    history says the system moved it because the account was switched off."""
    client = await make_client()
    await add_user(client, "zhou", Role.AGENT)
    _, conversation_id, socket = await claimed_conversation(client, "wu")
    wu_id = (await (await client.get("/api/me")).json())["id"]
    client.session.cookie_jar.clear()
    zhou = {"X-CSRF-Token": await sign_in(client, "zhou")}
    console = await staff_socket(client, "zhou")
    queue = (await (await client.get("/api/queue")).json())["tickets"]
    assert conversation_id not in [ticket["conversation_id"] for ticket in queue]

    code, output = await command(client, database_url, "deactivate-user", "--username", "wu")
    assert code == 0 and "1 open conversation(s) wait in their queues again" in output, output

    await frames_until(console, lambda frame: frame.get("type") == "queue")  # zhou's console looks again
    waiting = (await (await client.get("/api/queue")).json())["tickets"]
    ticket = next(t for t in waiting if t["conversation_id"] == conversation_id)
    held = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    moved = [event for event in held["timeline"] if event["kind"] == "transferred"]
    assert (moved[-1]["actor"], moved[-1]["detail"]["from"], moved[-1]["detail"]["reason"]) == (
        "system",
        f"agent:{wu_id}",
        "account_off",
    )
    assert (await client.post(f"/api/tickets/{ticket['id']}/claim", headers=zhou)).status == 200
    reply = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "您好，我来跟进您的问题"}, headers=zhou
    )
    assert reply.status == 201, await reply.text()
    await socket.until(lambda frames: any(f.get("from") == "agent" and "我来跟进" in f.get("text", "") for f in frames))
    await socket.close()
    await console.close()


async def test_the_last_active_manager_is_not_switched_off_from_the_command_line_either(
    make_client: AppFactory, database_url: str
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    code, output = await command(client, database_url, "deactivate-user", "--username", "boss")
    assert code == 2 and "this is the last active manager" in output, output
    await sign_in(client, "boss")
    assert (await client.get("/api/me")).status == 200
