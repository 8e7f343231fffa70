"""The database: an async engine for reads, and one writer for the hot path.

Every write of the message pipeline is a plain (synchronous) SQLAlchemy function over a
``Session``, run as one transaction by :meth:`Database.write`:

* on SQLite, in a single dedicated thread with its own connection, so a whole batch costs one
  hop between threads instead of several per statement (aiosqlite's cost: ~0.5 ms a statement);
* on PostgreSQL, through ``AsyncSession.run_sync`` on asyncpg, with no threads at all.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult, Engine, Result, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from bot import json_text

T = TypeVar("T")


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched. ``Session.execute`` is typed as returning a
    ``Result``; for these statements it is a ``CursorResult``, which counts them."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"not the result of an UPDATE or DELETE: {result!r}")
    return result.rowcount


WRITER_CACHE_KIB = 65536
READER_CACHE_KIB = 2000
"""SQLite's default; see ``_sqlite_pragmas``."""


def _sqlite_pragmas(engine: Engine, lock_timeout: float = 30.0, cache_kib: int = READER_CACHE_KIB) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # The writer: up to 64 MiB of pages, taken only as used (SQLite's default is 2 MiB): a long
        # history's indexes are written at random places (provider ids), and with the small cache
        # each stored message re-read index pages (web chat -23% at 200,000 messages; -5 to -12% now).
        # The readers keep the default: in WAL mode a reader's cache is emptied whenever another
        # connection has committed, and a large one only kept what reconnecting customers' history
        # reads had touched (about 1 KiB per idle web chat connection at 10,000, `bench/idle_memory.py`).
        cursor.execute(f"PRAGMA cache_size=-{cache_kib}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={round(lock_timeout * 1000)}")
        cursor.close()


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def create_engine(database_url: str, lock_timeout: float = 30.0) -> AsyncEngine:
    """An async engine; SQLite gets WAL and its folder created. A statement waits at most
    ``lock_timeout`` seconds for another connection's lock (SQLite busy timeout, PostgreSQL
    ``lock_timeout``), then fails.

    Statement parameters stay out of error messages (and so out of logs): they are customers'
    phones and words."""
    url = make_url(database_url)
    if not _is_sqlite(url):
        return create_async_engine(
            url,
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            hide_parameters=True,
            json_serializer=json_text.dumps,
            json_deserializer=json_text.loads,
            connect_args={"server_settings": {"lock_timeout": str(round(lock_timeout * 1000))}},
        )
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        connect_args={"timeout": lock_timeout},
        hide_parameters=True,
        json_serializer=json_text.dumps,
        json_deserializer=json_text.loads,
    )
    _sqlite_pragmas(engine.sync_engine, lock_timeout)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


class Database:
    """The async engine and session factory for reads, and :meth:`write` for transactions."""

    def __init__(self, database_url: str, lock_timeout: float = 30.0) -> None:
        self.url = make_url(database_url)
        self.engine = create_engine(database_url, lock_timeout)
        self.sessions = session_factory(self.engine)
        self._writer: Engine | None = None
        self._writer_connection: Connection | None = None
        self._thread: concurrent.futures.ThreadPoolExecutor | None = None
        if _is_sqlite(self.url):
            self._writer = create_sync_engine(
                self.url.set(drivername="sqlite+pysqlite"),
                connect_args={"timeout": lock_timeout, "check_same_thread": False},
                pool_size=1,
                max_overflow=0,
                hide_parameters=True,
                json_serializer=json_text.dumps,
                json_deserializer=json_text.loads,
            )
            _sqlite_pragmas(self._writer, lock_timeout, WRITER_CACHE_KIB)
            self._thread = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    async def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction: committed if it returns, rolled back if it raises."""
        if self._writer is not None and self._thread is not None:
            def run() -> T:
                with Session(self._connection(), expire_on_commit=False) as session, session.begin():
                    return work(session)

            return await asyncio.get_running_loop().run_in_executor(self._thread, run)
        async with self.sessions() as session, session.begin():
            return await session.run_sync(work)

    def _connection(self) -> Connection:
        """The writer thread's connection, kept open: checked out of the pool and reset on its
        return for every transaction, it cost ≈ 75 µs a transaction, two a batch."""
        assert self._writer is not None
        if self._writer_connection is None or self._writer_connection.closed:
            self._writer_connection = self._writer.connect()
        return self._writer_connection

    def _close_writer(self) -> None:
        if self._writer_connection is not None:
            self._writer_connection.close()
            self._writer_connection = None
        if self._writer is not None:
            self._writer.dispose()

    async def ping(self) -> None:
        """Raise unless the database answers a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._writer is not None and self._thread is not None:
            await asyncio.get_running_loop().run_in_executor(self._thread, self._close_writer)
            self._thread.shutdown(wait=True)
