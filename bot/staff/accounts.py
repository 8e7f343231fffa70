"""Staff accounts: roles, creation and sign-in (the hashing is ``bot.staff.passwords``')."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.flows.complaint import GENERAL_QUEUE
from bot.staff.passwords import PasswordHashers
from bot.staff.usernames import check_scripts, check_username, check_visible, lookalike_key, username_key
from bot.storage import staff as staff_store
from bot.storage.db import Database


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"


def create_user(
    session: Session,
    username: str,
    password_hash: str,
    role: Role,
    now: dt.datetime,
    display_name: str | None = None,
    queues: Sequence[str] | None = None,
) -> int:
    """A new account with a password the caller has hashed (``PasswordHashers.hash_new``, before
    the database write: a hash takes a tenth of a second); raises ValueError for a username or a
    display name :func:`check_username` or :func:`check_display_name` refuses,
    :class:`UsernameTaken` for a username that looks the same as an existing one's
    (:func:`username_key`, :func:`lookalike_key`), :class:`DisplayNameTaken` for a display name
    that looks like another account's name, IntegrityError for one taken meanwhile.

    ``queues`` (default: the general queue) are the queues an agent sees and claims from;
    the caller checks they exist in the configuration.
    """
    name = check_username(username)
    shown = check_display_name(display_name)
    key, looks = username_key(name), lookalike_key(name)
    # Checked here, not by a unique index: accounts made before this check may already share a
    # key ("A1", "ａ１", "a1"), and an index would have to choose which to rename. Staff accounts
    # are few, and managers create them one at a time.
    taken = staff_store.names(session)
    lookalike = next((other for other, _ in taken if username_key(other) == key or lookalike_key(other) == looks), None)
    if lookalike is not None:
        raise UsernameTaken(username.strip(), lookalike)
    # The consoles show the display name, else the username: neither may pass for a colleague's.
    if shown is None:
        lookalike = next((other for _, other in taken if other and lookalike_key(other) == looks), None)
        if lookalike is not None:
            raise UsernameTaken(username.strip(), lookalike)
    else:
        looks_shown = lookalike_key(shown)
        for other, other_shown in taken:
            if looks_shown in {lookalike_key(other), lookalike_key(other_shown or "")}:
                raise DisplayNameTaken(shown, other)
    return staff_store.add_user(
        session,
        name,
        password_hash,
        role.value,
        list(queues) if queues else [GENERAL_QUEUE],
        now,
        shown,
    )


class UsernameTaken(ValueError):
    """A new username the same as an existing one once widths, case and lookalike letters are set
    aside."""

    def __init__(self, username: str, existing: str) -> None:
        same = "is taken" if username == existing else f"looks the same as the existing {existing!r}"
        super().__init__(f"the username {username!r} {same}")


class DisplayNameTaken(ValueError):
    """A new display name that looks like another account's display name or username."""

    def __init__(self, display_name: str, existing: str) -> None:
        super().__init__(f"the display name {display_name!r} looks the same as the account {existing!r}'s name")


def check_display_name(display_name: str | None) -> str | None:
    """The display name as stored (without surrounding space; None for none); InvisibleCharacters
    for one holding a format character (a zero-width space, a direction control), MixedScripts for
    one whose letters mix scripts ("Аlice" with a Cyrillic А)."""
    check_visible("display name", display_name or "")
    shown = (display_name or "").strip() or None
    if shown is not None:
        check_scripts("display name", shown)
    return shown


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
    """The account of this username exactly, else the one whose username is the same whatever the
    width and case typed (:func:`username_key`); None when none is, or several made before usernames
    were compared so are."""
    user = staff_store.user_named(session, username.strip())
    if user is None:
        key = username_key(username)
        alike = [taken for taken in staff_store.usernames(session) if username_key(taken) == key]
        user = staff_store.user_named(session, alike[0]) if len(alike) == 1 else None
    if user is None:
        return None
    return Account(
        user.id, user.username, user.role, user.active, user.password_hash, user.ui_locale, user.display_name
    )


def made_password() -> str:
    """A random password for a new account or a reset, shown once to whoever asked."""
    return secrets.token_urlsafe(12)


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    staff_store.store_password_hash(session, user_id, password_hash)


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
    A hash made with other parameters than the configured ones is made again with them.
    """
    async with database.sessions() as session:
        account = await session.run_sync(find_account, username)
    if account is None:
        await hashers.verify_unknown(password)
        return SignInRefused.UNKNOWN_USER
    if not await hashers.verify(account.password_hash, password):
        return SignInRefused.WRONG_PASSWORD
    if not account.active:
        return SignInRefused.INACTIVE
    if hashers.needs_rehash(account.password_hash):
        new_hash = await hashers.rehash(password)
        await database.write(lambda session: set_password_hash(session, account.id, new_hash))
    return account


async def first_accounts(
    database: Database, hashers: PasswordHashers, now: dt.datetime, queues: list[str]
) -> list[tuple[str, Role, str]]:
    """On a database without any staff account, a manager ("manager") and an agent of every queue
    ("agent"), with random passwords; returns (username, role, password) to show once. Nothing when
    any account exists (then nothing is hashed either)."""
    async with database.sessions() as session:
        if await session.run_sync(staff_store.any_account):
            return []
    made = [(username, role, made_password()) for username, role in (("manager", Role.MANAGER), ("agent", Role.AGENT))]
    hashes = [await hashers.hash_new(password) for _, _, password in made]

    def create(session: Session) -> list[tuple[str, Role, str]]:
        if staff_store.any_account(session):  # another process made some meanwhile
            return []
        for (username, role, _), password_hash in zip(made, hashes, strict=True):
            create_user(session, username, password_hash, role, now, queues=queues)
        return made

    return await database.write(create)
