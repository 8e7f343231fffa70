"""Ending a staff member's access (``python -m bot deactivate-user`` / ``set-password``, and the
manager console's 人员 tab): the account is turned off or given a new password, and every session
of theirs ends at once, on every instance (their open consoles are signed out too). An account
switched off hands back the open conversations it owns: each waits in its queue again, whichever
of the two paths switched it off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.outbound.effects import Dispatcher, Effects
from bot.staff.accounts import Role, find_account
from bot.staff.sessions import StaffSessions
from bot.storage import staff as staff_store
from bot.storage import tickets as tickets_store
from bot.storage.db import Database
from bot.storage.staff_sessions import end_sessions_of

ACCOUNT_OFF = "account_off"
"""Why the sessions of a deactivated account ended (the 401 of its next request says so)."""


class NoSuchAccount(LookupError):
    """No staff account has that username."""


class LastManager(ValueError):
    """The change would leave no active manager: nobody could run the accounts any more."""

    def __init__(self) -> None:
        super().__init__("this is the last active manager: make another manager first")


def _keep_a_manager(session: Session, user_id: int, *, active: bool | None, role: str | None) -> None:
    """LastManager when turning off or demoting ``user_id`` leaves no active manager (checked on
    the locked rows of the managers, so two such changes at once cannot both pass)."""
    if active is not False and (role is None or role == Role.MANAGER):
        return
    managers = staff_store.lock_active_managers(session)
    if managers == [user_id]:
        raise LastManager()


@dataclass(frozen=True, slots=True)
class HandBack:
    """Where the open conversations of an account switched off go, and who is said to move them."""

    fallback_queue: str
    """The queue of a conversation that never waited in one (it was handed to them by name)."""
    actor: str
    """The timeline's actor of the move ("agent:<manager id>", or "system" from the command line)."""
    now: dt.datetime
    dispatcher: Dispatcher | None
    """Carries out the move once committed: the live queue re-reads them, the consoles are told.
    None when no Redis is reachable (the command line, no server running): the reconcile cron
    puts them in the live queue within a minute."""


@dataclass(frozen=True, slots=True)
class AccessChanged:
    sessions_ended: int
    conversations_returned: tuple[int, ...] = ()
    """The conversations an account switched off held, waiting in their queues again."""


async def change_access(
    database: Database,
    sessions: StaffSessions | None,
    username: str,
    *,
    active: bool | None = None,
    password_hash: str | None = None,
    hand_back: HandBack | None = None,
) -> AccessChanged:
    """Turn the account on or off and/or give it a new password (its hash, made beforehand with
    ``PasswordHashers.hash_new``: never on the event loop nor in the database writer); every
    session of theirs ends (the ones cached in Redis too when ``sessions`` can reach it). Turned
    off, in the same transaction, the open conversations it owns go back to their queues
    (``hand_back`` says where and who; only an owner may answer a customer, so none is left
    with nobody able to). Raises :class:`NoSuchAccount`, :class:`LastManager` (the last active
    manager is never switched off), and ``ValueError`` when an account is
    switched off without ``hand_back``."""
    if active is False and hand_back is None:
        raise ValueError("an account switched off hands its conversations back: hand_back is needed")

    def change(session: Session) -> tuple[int, list[int]]:
        account = find_account(session, username)
        if account is None:
            raise NoSuchAccount(username)
        _keep_a_manager(session, account.id, active=active, role=None)
        if active is not None:
            staff_store.set_active(session, account.id, active)
        if password_hash is not None:
            staff_store.store_password_hash(session, account.id, password_hash)
        returned: list[int] = []
        if active is False and hand_back is not None:
            returned = tickets_store.return_to_queues(
                session, account.id, hand_back.fallback_queue, hand_back.actor, hand_back.now
            )
        return account.id, returned

    user_id, returned = await database.write(change)
    if sessions is not None:
        # a console signed out because its account was switched off says so (not "expired")
        ended = await sessions.revoke_all_of(user_id, ACCOUNT_OFF if active is False else None)
    else:
        ended = len(await database.write(lambda session: end_sessions_of(session, user_id)))
    if returned and hand_back is not None and hand_back.dispatcher is not None:
        await hand_back.dispatcher.commit(
            Effects(
                staff_events=[StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=tuple(returned))],
                queue_changed=returned,
            )
        )
    return AccessChanged(ended, tuple(returned))


async def change_role(database: Database, user_id: int, role: Role) -> bool:
    """Give the account ``role``: its very next request is allowed what the role allows (sessions
    read the role with every request). False when there is no such account; :class:`LastManager`
    when it is the last active manager and ``role`` is not manager."""

    def change(session: Session) -> bool:
        if staff_store.user_by_id(session, user_id) is None:
            return False
        _keep_a_manager(session, user_id, active=None, role=role.value)
        staff_store.set_role(session, user_id, role.value)
        return True

    return await database.write(change)


async def change_own_password(
    database: Database, sessions: StaffSessions, user_id: int, password_hash: str, token: str
) -> int:
    """Store the account's new password (hashed beforehand) and end its other sessions, on every
    instance, keeping the one of ``token`` (the console that changed it); returns how many ended."""
    await database.write(lambda session: staff_store.store_password_hash(session, user_id, password_hash))
    return await sessions.revoke_others_of(user_id, token)
