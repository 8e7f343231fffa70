"""Structured logs with structlog: key-value for people, JSON for machines."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

import structlog
from aiohttp.abc import AbstractAccessLogger
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web import BaseRequest, StreamResponse

from bot.log_redaction import RedactPersonalData


def configure_logging(
    json_output: bool = False,
    level: int = logging.INFO,
    job_lines: bool = True,
    message_text: bool = False,
    cache_loggers: bool = True,
) -> None:
    """Logs to standard error. ``job_lines`` False leaves out arq's line per job and cron run
    (warnings and failures stay): a worker inside the app would bury the app's own lines.

    Every line, library lines and tracebacks included, has phone numbers masked and message
    text fields dropped (``message_text`` keeps those, for debugging only).
    """
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False) if json_output else structlog.dev.ConsoleRenderer()
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=cache_loggers,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                RedactPersonalData(keep_message_text=message_text),
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("arq.worker").setLevel(logging.NOTSET if job_lines else logging.WARNING)
    for name in ("alembic.runtime.plugins", "alembic.runtime.migration"):
        alembic_logger = logging.getLogger(name)
        alembic_logger.filters[:] = [_AlembicStartupNoise()]
    logging.getLogger("aiohttp.server").filters[:] = [_ClientsMalformedRequests()]
    logging.getLogger("asyncio").filters[:] = [OutOfDescriptors()]


REQUEST_ID = "request_id"
"""The key of a request's id on the request (set by the request id middleware) and in log lines."""


class AccessLogger(AbstractAccessLogger):
    """One structured line per request, without the query string (the web chat token travels
    as ``?token=``)."""

    # aiohttp makes one per connection, which a websocket keeps open: the structlog logger is
    # taken per line rather than kept (~250 bytes per idle web chat connection).
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        structlog.get_logger("aiohttp.access").info(
            "http.request",
            method=request.method,
            path=request.path,
            status=response.status,
            duration_ms=round(time * 1000, 1),
            request_id=request.get(REQUEST_ID),
            remote=request.remote,
        )


class _AlembicStartupNoise(logging.Filter):
    """Alembic's start-up lines (plugins set up, the dialect in use) are debugging detail; the
    migrations it runs stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "alembic.runtime.migration" and record.getMessage().startswith("Running "):
            return True
        return logging.getLogger().isEnabledFor(logging.DEBUG)


class _ClientsMalformedRequests(logging.Filter):
    """A request aiohttp could not parse (a request line too long, bad headers) is the client's
    fault: one warning line without a traceback, not an error that pages someone, so a client
    sending them without end cannot flood the log with tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError) and 400 <= (error.code or 0) < 500:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            remote = record.args[0] if isinstance(record.args, tuple) and record.args else None
            record.msg, record.args = "malformed request from %s: %s", (remote, error.message)
            record.exc_info, record.exc_text = None, None
        return True


OUT_OF_DESCRIPTORS_LOG_SECONDS = 10.0
"""At most one line per this many seconds while the server cannot accept connections."""
_ACCEPT_FAILED = "socket.accept() out of system resource"
"""What asyncio's event loop logs, with a traceback, for each connection it could not accept."""


class OutOfDescriptors(logging.Filter):
    """Out of file descriptors (``EMFILE``), asyncio logs a traceback for each connection it
    could not accept, up to a hundred a second per listening socket, until descriptors are free
    again: hundreds of thousands of lines that bury everything else. One warning line without a
    traceback per ``OUT_OF_DESCRIPTORS_LOG_SECONDS`` says it instead, with how many it stands for."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._monotonic = monotonic
        self._last: float | None = None
        self._held_back = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(_ACCEPT_FAILED):
            return True
        now = self._monotonic()
        if self._last is not None and now - self._last < OUT_OF_DESCRIPTORS_LOG_SECONDS:
            self._held_back += 1
            return False
        error = record.exc_info[1] if record.exc_info else None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = "cannot accept connections: %s (%d more since the last such line)"
        record.args = (error if error is not None else "out of system resources", self._held_back)
        record.exc_info, record.exc_text = None, None
        self._last, self._held_back = now, 0
        return True
