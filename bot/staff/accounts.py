"""Staff accounts: roles and argon2 password hashes."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from bot.flows.complaint import GENERAL_QUEUE
from bot.storage import staff as staff_store
from bot.storage.db import Database

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of a wrong username
# the same as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    now: dt.datetime,
    display_name: str | None = None,
    queues: Sequence[str] | None = None,
) -> int:
    """A new account; raises ValueError for a username :func:`check_username` refuses or a short
    password, IntegrityError for a username that is taken.

    ``queues`` (default: the general queue) are the queues an agent sees and claims from;
    the caller checks they exist in the configuration.
    """
    return staff_store.add_user(
        session,
        check_username(username),
        hash_new_password(password),
        role.value,
        list(queues) if queues else [GENERAL_QUEUE],
        now,
        display_name,
    )


USERNAME_MAX_CHARS = 64
"""What ``users.username`` holds."""


def check_username(username: str) -> str:
    """The username as stored (without surrounding space); ValueError when it is empty, longer
    than :data:`USERNAME_MAX_CHARS`, or has a space or a control character inside (a name typed
    at the sign-in form must be the stored one)."""
    name = username.strip()
    if not name:
        raise ValueError("the username must not be empty")
    if len(name) > USERNAME_MAX_CHARS:
        raise ValueError(f"the username must have at most {USERNAME_MAX_CHARS} characters")
    if any(char.isspace() or not char.isprintable() for char in name):
        raise ValueError("the username must not contain spaces or control characters")
    return name


@dataclass(frozen=True, slots=True)
class Account:
    """What a sign-in needs to know about an account."""

    id: int
    username: str
    role: str
    active: bool
    password_hash: str
    ui_locale: str = "zh-CN"
    """The language the consoles speak to this member in (issue 15)."""
    display_name: str | None = None
    """The name the consoles show them by (王经理)."""


def find_account(session: Session, username: str) -> Account | None:
    user = staff_store.user_named(session, username.strip())
    if user is None:
        return None
    return Account(
        user.id, user.username, user.role, user.active, user.password_hash, user.ui_locale, user.display_name
    )


def made_password() -> str:
    """A random password for a new account or a reset, shown once to whoever asked."""
    return secrets.token_urlsafe(12)


PASSWORD_MIN_CHARS = 8


class PasswordTooShort(ValueError):
    """A chosen password shorter than :data:`PASSWORD_MIN_CHARS`."""


def hash_new_password(password: str) -> str:
    """The stored form of a password chosen now; raises PasswordTooShort for one too short."""
    if len(password) < PASSWORD_MIN_CHARS:
        raise PasswordTooShort(f"the password must have at least {PASSWORD_MIN_CHARS} characters")
    return _hasher.hash(password)


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    staff_store.store_password_hash(session, user_id, password_hash)


class PasswordHashers:
    """argon2 on a few threads of its own: argon2-cffi releases the GIL, so the event loop keeps
    serving while passwords are checked, and at most ``threads`` checks run at once. Sign-ins
    take a place first (:meth:`place`): at most ``queue`` of them wait for a thread."""

    def __init__(self, threads: int, queue: int = 16) -> None:
        self._threads = max(1, threads)
        self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="argon2")
        self._capacity = self._threads + max(0, queue)
        self._placed = 0

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
        return await asyncio.get_running_loop().run_in_executor(self._pool, _verify, password_hash, password)

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._pool, _hasher.hash, password)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class SignInRefused(StrEnum):
    """Why a sign-in was refused (for the audit log; the caller hears "wrong username or password")."""

    UNKNOWN_USER = "unknown_user"
    WRONG_PASSWORD = "wrong_password"
    INACTIVE = "account_inactive"


async def authenticate(
    database: Database, hashers: PasswordHashers, username: str, password: str
) -> Account | SignInRefused:
    """The active account with these credentials, or why not.

    An unknown username is checked against a dummy hash, so it costs what a wrong password costs.
    """
    async with database.sessions() as session:
        account = await session.run_sync(find_account, username)
    matches = await hashers.verify(account.password_hash if account else _DUMMY_HASH, password)
    if account is None:
        return SignInRefused.UNKNOWN_USER
    if not matches:
        return SignInRefused.WRONG_PASSWORD
    if not account.active:
        return SignInRefused.INACTIVE
    if _hasher.check_needs_rehash(account.password_hash):
        new_hash = await hashers.hash(password)
        await database.write(lambda session: set_password_hash(session, account.id, new_hash))
    return account


def first_accounts(session: Session, now: dt.datetime, queues: list[str]) -> list[tuple[str, Role, str]]:
    """On a database without any staff account, a manager ("manager") and an agent of every queue
    ("agent"), with random passwords; returns (username, role, password) to show once. Nothing when
    any account exists."""
    if staff_store.any_account(session):
        return []
    made = []
    for username, role in (("manager", Role.MANAGER), ("agent", Role.AGENT)):
        password = made_password()
        create_user(session, username, password, role, now, queues=queues)
        made.append((username, role, password))
    return made
