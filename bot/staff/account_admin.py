"""Ending a staff member's access (``python -m bot deactivate-user`` / ``set-password``): the
account is turned off or given a new password, and every session of theirs ends at once, on
every instance (their open consoles are signed out too)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.staff.accounts import find_account
from bot.staff.sessions import StaffSessions
from bot.storage import staff as staff_store
from bot.storage.db import Database
from bot.storage.staff_sessions import end_sessions_of

ACCOUNT_OFF = "account_off"
"""Why the sessions of a deactivated account ended (the 401 of its next request says so)."""


class NoSuchAccount(LookupError):
    """No staff account has that username."""


async def change_access(
    database: Database,
    sessions: StaffSessions | None,
    username: str,
    *,
    active: bool | None = None,
    password_hash: str | None = None,
) -> int:
    """Turn the account on or off and/or give it a new password (its hash, made beforehand with
    ``PasswordHashers.hash_new``: never on the event loop nor in the database writer); every
    session of theirs ends (the ones cached in Redis too when ``sessions`` can reach it).
    Returns how many sessions ended. Raises :class:`NoSuchAccount`."""

    def change(session: Session) -> int:
        account = find_account(session, username)
        if account is None:
            raise NoSuchAccount(username)
        if active is not None:
            staff_store.set_active(session, account.id, active)
        if password_hash is not None:
            staff_store.store_password_hash(session, account.id, password_hash)
        return account.id

    user_id = await database.write(change)
    if sessions is not None:
        # a console signed out because its account was switched off says so (not "expired")
        return await sessions.revoke_all_of(user_id, ACCOUNT_OFF if active is False else None)
    return len(await database.write(lambda session: end_sessions_of(session, user_id)))
