"""Staff accounts: reading them, their queues, their password hashes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.storage.models import User


def every_user(session: Session) -> list[User]:
    """Every staff account, active or not, by id."""
    return list(session.execute(select(User).order_by(User.id)).scalars())


def user_by_id(session: Session, user_id: int) -> User | None:
    """The account with this id, active or not."""
    return session.get(User, user_id)


def active_user(session: Session, username: str) -> User | None:
    """The active account with this username."""
    return session.execute(select(User).where(User.username == username, User.active)).scalar_one_or_none()


def active_user_called(session: Session, name: str) -> User | None:
    """The active account with this username, else the one active account with this display name
    ("李娜", as the console lists it); None when there is none, or more than one of that name."""
    found = active_user(session, name)
    if found is not None:
        return found
    named = list(session.execute(select(User).where(User.display_name == name, User.active).limit(2)).scalars())
    return named[0] if len(named) == 1 else None


def stored_queues(session: Session, user_id: int) -> list[str] | None:
    """The queues stored on the account (None: none stored, or no such account)."""
    return session.execute(select(User.queues).where(User.id == user_id)).scalar_one_or_none()


def access_of_active(session: Session, user_ids: Collection[int]) -> dict[int, tuple[str, list[str] | None]]:
    """The role and stored queues of each of these accounts that is active now (a deactivated or
    unknown one is absent): what an open console socket of theirs may still be told."""
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.role, User.queues).where(User.id.in_(sorted(user_ids)), User.active))
    return {row.id: (row.role, row.queues) for row in rows}


def queue_member_counts(session: Session, role: str) -> Counter[str]:
    """How many active accounts of ``role`` (agents: supervisors see every queue anyway) are
    members of each queue."""
    stored = session.execute(select(User.queues).where(User.role == role, User.active)).scalars()
    return Counter(queue for queues in stored for queue in set(queues or ()))


def active_count(session: Session, role: str) -> int:
    """How many active accounts have ``role``."""
    return session.execute(select(func.count()).where(User.role == role, User.active)).scalar_one()


def active_ids(session: Session, role: str) -> list[int]:
    """The ids of the active accounts of ``role``, in order."""
    return list(session.execute(select(User.id).where(User.role == role, User.active).order_by(User.id)).scalars())


def user_named(session: Session, username: str) -> User | None:
    """The account with this username, active or not."""
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def usernames(session: Session) -> list[str]:
    """Every account's username, active or not."""
    return list(session.execute(select(User.username)).scalars())


def names(session: Session) -> list[tuple[str, str | None]]:
    """Every account's username and display name, active or not."""
    return [(row.username, row.display_name) for row in session.execute(select(User.username, User.display_name))]


def set_queues(session: Session, user_id: int, queues: list[str]) -> User | None:
    """Store the account's queues; the account after it, None when there is no such account."""
    user = session.get(User, user_id)
    if user is not None:
        user.queues = queues
    return user


def set_active(session: Session, user_id: int, active: bool) -> None:
    session.execute(update(User).where(User.id == user_id).values(active=active))


def set_role(session: Session, user_id: int, role: str) -> None:
    session.execute(update(User).where(User.id == user_id).values(role=role))


def lock_active_managers(session: Session) -> list[int]:
    """The ids of the active managers, their rows locked until the transaction ends: two managers
    turning each other off at once are taken one after the other, and the second sees the first's."""
    query = select(User.id).where(User.role == "manager", User.active).order_by(User.id).with_for_update()
    return list(session.execute(query).scalars())


def store_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    session.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))


def any_account(session: Session) -> bool:
    """Is there at least one staff account?"""
    return session.execute(select(User.id).limit(1)).first() is not None


def add_user(
    session: Session,
    username: str,
    password_hash: str,
    role: str,
    queues: Sequence[str],
    now: dt.datetime,
    display_name: str | None = None,
) -> int:
    """Store a new active account; returns its id."""
    user = User(
        username=username,
        password_hash=password_hash,
        role=role,
        display_name=display_name,
        active=True,
        created_at=now,
        queues=list(queues),
    )
    session.add(user)
    session.flush()
    return user.id


def ui_locale(session: Session, user_id: int) -> str | None:
    """The language the account reads the consoles in (None: no such account)."""
    return session.execute(select(User.ui_locale).where(User.id == user_id)).scalar_one_or_none()


def display_name(session: Session, user_id: int) -> str | None:
    """The name the account is shown by (王经理), or None when it has none."""
    return session.execute(select(User.display_name).where(User.id == user_id)).scalar_one_or_none()


def set_ui_locale(session: Session, user_id: int, locale: str) -> bool:
    """Store the account's console language; False when there is no such account."""
    user = session.get(User, user_id)
    if user is None:
        return False
    user.ui_locale = locale
    return True
