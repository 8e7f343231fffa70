"""What the configured logs may carry: no customer's full phone number, no message text."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import resource
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from aiohttp import ClientSession, web
from sqlalchemy import insert

from bot.keys import resources
from bot.log_redaction import mask, without_credentials
from bot.logs import AccessLogger, configure_logging
from bot.storage.migrate import upgrade
from bot.storage.models import Message
from bot.web import request_ids
from bot.web.client_address import ClientAddresses
from tests.conftest import AppFactory

PHONE, TEXT = "13812345678", "我家电话13812345678,三号楼电梯坏了一整天"


@pytest.fixture
def configured_logs() -> Iterator[Any]:
    """``configure_logging`` as ``run`` and ``worker`` call it; its global state restored after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def configure(**options: Any) -> None:
        configure_logging(cache_loggers=False, **options)

    yield configure
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("arq.worker").setLevel(logging.NOTSET)
    logging.getLogger("aiosqlite").setLevel(logging.NOTSET)
    logging.getLogger("asyncio").filters[:] = []
    structlog.reset_defaults()


@pytest.mark.parametrize("json_output", [False, True], ids=["console", "json"])
async def test_a_database_error_logs_neither_the_phone_nor_the_text(
    make_client: AppFactory, configured_logs: Any, capsys: pytest.CaptureFixture[str], json_output: bool
) -> None:
    client = await make_client()
    configured_logs(json_output=json_output)
    database = resources(client.app).database
    now = resources(client.app).clock()
    statement = insert(Message).values(
        conversation_id=1, channel="sms", direction="in", sender=None, text=TEXT, raw=f"From=+86{PHONE}", created_at=now
    )
    with pytest.raises(Exception) as failure:  # NOT NULL violated: PostgreSQL quotes the row
        await database.write(lambda session: session.execute(statement))
    capsys.readouterr()

    try:
        raise RuntimeError("the batch failed") from failure.value
    except RuntimeError:
        structlog.get_logger("bot.core.pipeline").exception("pipeline.loop_failed", error=str(failure.value))
        logging.getLogger("arq.worker").exception("job failed")  # a library's line, same handler
    output = capsys.readouterr().err

    assert "NOT NULL" in output.upper() or "not-null" in output  # the error itself is there
    assert "pipeline.loop_failed" in output and "job failed" in output
    assert PHONE not in output
    assert "电梯坏了" not in output
    if json_output:
        lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        assert [line["event"] for line in lines] == ["pipeline.loop_failed", "job failed"]
        assert all("exception" in line for line in lines)


async def test_phones_are_masked_and_message_text_dropped_unless_allowed(
    configured_logs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    log = structlog.get_logger("workers.delivery")
    configured_logs(json_output=True)
    log.error("deliver.failed", error=f"gateway refused: 400 {{'To': '+86 {PHONE}'}}", text=TEXT, phones=[PHONE])
    line = json.loads(capsys.readouterr().err)
    assert line["error"] == "gateway refused: 400 {'To': '+86 138****5678'}"
    assert line["phones"] == ["138****5678"]
    assert line["text"] == f"[hidden: {len(TEXT)} characters]"

    configured_logs(json_output=True, message_text=True)
    log.info("debugging", text=TEXT)
    line = json.loads(capsys.readouterr().err)
    assert line["text"] == TEXT.replace(PHONE, "138****5678")  # the text kept, the phone still masked


def _json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


async def test_access_lines_are_structured_and_every_line_of_a_request_has_its_id(
    configured_logs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    async def handler(request: web.Request) -> web.Response:
        structlog.get_logger("bot.staff.api").info("handled")
        return web.json_response({})

    app = web.Application()
    request_ids.install(app, ClientAddresses(("127.0.0.1/32",)))  # the test's client is the proxy
    app.router.add_get("/api/thing", handler)
    runner = web.AppRunner(app, access_log_class=AccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    configured_logs(json_output=True)
    try:
        async with ClientSession() as http:
            async with http.get(
                f"http://127.0.0.1:{port}/api/thing?token=secret", headers={"X-Request-ID": "lb-42"}
            ) as given:
                assert given.headers["X-Request-ID"] == "lb-42"
            async with http.get(f"http://127.0.0.1:{port}/api/thing", headers={"X-Request-ID": "no good!"}) as made:
                made_up = made.headers["X-Request-ID"]
            async with http.get(f"http://127.0.0.1:{port}/missing") as missing:
                assert missing.status == 404
                missing_id = missing.headers["X-Request-ID"]
    finally:
        await runner.cleanup()

    assert made_up != "no good!" and len(made_up) == 16
    lines = _json_lines(capsys.readouterr().err)
    handled = [line for line in lines if line["event"] == "handled"]
    assert [line["request_id"] for line in handled] == ["lb-42", made_up]
    access = [line for line in lines if line["event"] == "http.request"]
    assert [(line["method"], line["path"], line["status"], line["request_id"]) for line in access] == [
        ("GET", "/api/thing", 200, "lb-42"),
        ("GET", "/api/thing", 200, made_up),
        ("GET", "/missing", 404, missing_id),
    ]
    assert all(isinstance(line["duration_ms"], float) for line in access)
    assert "secret" not in json.dumps(lines)  # the query string (web chat tokens) is never logged


async def test_a_request_too_long_to_parse_is_one_warning_without_a_traceback(
    configured_logs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    app = web.Application()
    runner = web.AppRunner(app, access_log_class=AccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    configured_logs(json_output=True)
    try:
        for _ in range(3):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET /api/x?{'a' * 9000} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            await writer.drain()
            assert b" 400 " in await reader.readline()
            writer.close()
    finally:
        await runner.cleanup()
    lines = [line for line in _json_lines(capsys.readouterr().err) if line.get("logger") == "aiohttp.server"]
    assert [line["level"] for line in lines] == ["warning"] * 3, lines
    assert all(line["event"].startswith("malformed request from 127.0.0.1") for line in lines)
    assert not any("exception" in line or "Traceback" in json.dumps(line) for line in lines)


async def test_out_of_file_descriptors_the_log_gets_one_line_not_a_traceback_per_connection(
    configured_logs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    runner = web.AppRunner(web.Application(), access_log_class=AccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    configured_logs(json_output=True)
    customers = [socket.socket() for _ in range(5)]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowest_free = os.dup(0)
    os.close(lowest_free)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, hard))  # not one descriptor left
        for customer in customers:
            customer.setblocking(False)
            customer.connect_ex(("127.0.0.1", port))
        await asyncio.sleep(2.5)  # asyncio tries again every second, each time for every waiting connection
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        for customer in customers:
            customer.close()
        await runner.cleanup()
    lines = [line for line in _json_lines(capsys.readouterr().err) if line.get("logger") == "asyncio"]
    assert len(lines) == 1, lines
    assert lines[0]["level"] == "warning" and lines[0]["event"].startswith("cannot accept connections: [Errno 24]")
    assert "exception" not in lines[0] and "Traceback" not in json.dumps(lines)


def test_alembic_start_up_noise_is_debug_and_the_migrations_it_runs_are_shown(
    configured_logs: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    configured_logs(json_output=True)
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}", "0002")
    events = [line["event"] for line in _json_lines(capsys.readouterr().err)]
    assert [event.split(",")[0] for event in events] == ["Running upgrade  -> 0001", "Running upgrade 0001 -> 0002"]

    configured_logs(json_output=True, level=logging.DEBUG)
    # aiosqlite's worker thread logs each operation at DEBUG, the last one as the connection closes,
    # which may come after capsys has closed its stream ("--- Logging error ---" in the test output).
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}", "0003")
    events = [line["event"] for line in _json_lines(capsys.readouterr().err)]
    assert any(event.startswith("Context impl") for event in events)


@pytest.mark.parametrize(
    ("error", "secret"),
    [
        (
            "Max retries exceeded with url: /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s3cr3t",
            "s3cr3t",
        ),
        ("POST /cgi-bin/message/custom/send?access_token=AT-123 failed", "AT-123"),
        ("Cannot connect to https://api.telegram.org/bot123456:ABC-def_ghi/sendMessage", "ABC-def_ghi"),
        ("gateway unreachable: https://AC123:authtok@api.twilio.com/2010-04-01", "authtok"),
    ],
)
def test_provider_credentials_quoted_by_an_error_are_hidden(error: str, secret: str) -> None:
    assert secret not in without_credentials(error) and secret not in mask(error)
    assert "dedupe_key=appeal:7" in without_credentials("dedupe_key=appeal:7")  # not a credential


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        ("sms from +85291234567", "sms from +852 ****4567"),
        ("sms from +852 9123 4567", "sms from +852 ****4567"),
        ("sms from +14155550123", "sms from +1 ******0123"),
        ("sms from +8613912345678", "sms from +86139****5678"),
    ],
)
def test_a_number_of_another_country_is_masked_keeping_its_country_code(text: str, logged: str) -> None:
    assert mask(text) == logged
