"""What the configured logs may carry: no customer's full phone number, no message text."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from sqlalchemy import insert

from bot.keys import resources
from bot.logs import configure_logging
from bot.storage.models import Message
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
