"""Staff accounts as the staff API reads them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import User


def every_user(session: Session) -> list[User]:
    """Every staff account, active or not, by id."""
    return list(session.execute(select(User).order_by(User.id)).scalars())


def active_user(session: Session, username: str) -> User | None:
    """The active account with this username."""
    return session.execute(select(User).where(User.username == username, User.active)).scalar_one_or_none()
