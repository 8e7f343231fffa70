"""Staff accounts: roles and argon2 password hashes."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.complaint import GENERAL_QUEUE
from bot.models import User

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
    """A new account; raises ValueError for an empty username or a short password.

    ``queues`` (default: the general queue) are the queues an agent sees and claims from;
    the caller checks they exist in the configuration.
    """
    if not username.strip():
        raise ValueError("the username must not be empty")
    if len(password) < 8:
        raise ValueError("the password must have at least 8 characters")
    user = User(
        username=username.strip(),
        password_hash=_hasher.hash(password),
        role=role.value,
        display_name=display_name,
        active=True,
        created_at=now,
        queues=list(queues) if queues else [GENERAL_QUEUE],
    )
    session.add(user)
    session.flush()
    return user.id


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.execute(select(User).where(User.username == username.strip())).scalar_one_or_none()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def first_accounts(session: Session, now: dt.datetime, queues: list[str]) -> list[tuple[str, Role, str]]:
    """On a database without any staff account, a manager ("manager") and an agent of every queue
    ("agent"), with random passwords; returns (username, role, password) to show once. Nothing when
    any account exists."""
    if session.execute(select(User.id).limit(1)).first() is not None:
        return []
    made = []
    for username, role in (("manager", Role.MANAGER), ("agent", Role.AGENT)):
        password = secrets.token_urlsafe(9)
        create_user(session, username, password, role, now, queues=queues)
        made.append((username, role, password))
    return made
