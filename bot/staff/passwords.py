"""Password hashing: argon2 with the configured cost, on a few threads of its own, so neither the
event loop nor the database writer ever waits for a hash."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.settings import PasswordCost
from bot.staff.password_rules import check_new_password

_DUMMY_PASSWORD = "not a password anyone has"


class PasswordHashers:
    """argon2 with ``cost`` on a few threads of its own: argon2-cffi releases the GIL, so the event
    loop keeps serving while passwords are checked, and at most ``threads`` checks run at once.
    Sign-ins take a place first (:meth:`place`): at most ``queue`` of them wait for a thread.

    A hash made with other parameters still verifies (an argon2 hash carries its parameters);
    :meth:`needs_rehash` tells it apart from one made with ``cost``.
    """

    def __init__(self, cost: PasswordCost, threads: int = 1, queue: int = 16) -> None:
        self._hasher = PasswordHasher(
            time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism
        )
        self._threads = max(1, threads)
        self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="argon2")
        self._capacity = self._threads + max(0, queue)
        self._placed = 0
        self._dummy_hash: str | None = None

    @contextlib.contextmanager
    def place(self) -> Iterator[bool]:
        """A place for one sign-in's checks: yields False, at once, when ``queue`` sign-ins are
        already waiting for a thread (the caller answers "busy" instead of making it wait)."""
        if self._placed >= self._capacity:
            yield False
            return
        self._placed += 1
        try:
            yield True
        finally:
            self._placed -= 1

    async def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` is the one ``password_hash`` was made from (False for a hash
        that is not argon2's)."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._verify, password_hash, password)

    async def verify_unknown(self, password: str) -> None:
        """What checking a password costs, for a username that has no account: a wrong username
        then takes as long to refuse as a wrong password."""
        await self.verify(await self._dummy(), password)

    async def hash_new(self, password: str, names: Iterable[str | None] = (), service: Iterable[str] = ()) -> str:
        """The stored form of a password chosen now for the account with these ``names`` (its
        username and display name) at the service named ``service``; PasswordRefused (a
        ValueError) for one :func:`~bot.staff.password_rules.check_new_password` refuses."""
        return await self._hash(check_new_password(password, names, service))

    async def rehash(self, password: str) -> str:
        """The stored form, with the configured cost, of a password that has just been verified."""
        return await self._hash(password)

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other parameters than the configured ones."""
        return self._hasher.check_needs_rehash(password_hash)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._hasher.hash, password)

    async def _dummy(self) -> str:
        # Made at the first unknown username, not at start, so starting the app costs no hash.
        # Two first sign-ins at once may both make one: either hash serves.
        if self._dummy_hash is None:
            self._dummy_hash = await self._hash(_DUMMY_PASSWORD)
        return self._dummy_hash

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
