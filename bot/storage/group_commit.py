"""Small writes of one kind from concurrent callers, committed together.

Each caller waits for the transaction that carries its items; callers arriving while one runs
are carried by the next. One writer transaction (and, on SQLite, one hop to the writer thread)
then serves every caller of a burst instead of one each.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from bot.storage.db import Database

T = TypeVar("T")


class GroupCommit(Generic[T]):
    def __init__(self, database: Database, work: Callable[[Session, list[T]], None]) -> None:
        self._database = database
        self._work = work
        self._items: list[T] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._writing: asyncio.Task[None] | None = None

    async def write(self, items: Sequence[T]) -> None:
        """Return once ``items`` are committed; raise what their transaction raised."""
        waiter = asyncio.get_running_loop().create_future()
        self._items.extend(items)
        self._waiters.append(waiter)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_all(), name="group-commit")
        await waiter

    async def _write_all(self) -> None:
        while self._waiters:
            items, waiters = self._items, self._waiters
            self._items, self._waiters = [], []
            try:
                await self._database.write(functools.partial(self._carry, items))
            except Exception as error:
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(error)
            else:
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)

    def _carry(self, items: list[T], session: Session) -> None:
        self._work(session, items)
