"""Staff API for the staff accounts (the manager console's 人员 tab): list them, add one, change
an agent's queues, turn one off or on, give one a new password. The rules are those of
``python -m bot create-user`` / ``deactivate-user`` / ``set-password``: the same functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.handoff import membership
from bot.keys import resources
from bot.outbound.effects import Effects
from bot.staff.account_admin import (
    AccessChanged,
    HandBack,
    LastManager,
    NoSuchAccount,
    change_access,
    change_own_password,
    change_role,
)
from bot.staff.accounts import DisplayNameTaken, Role, UsernameTaken, check_display_name, create_user, made_password
from bot.staff.audit import audited, fixed_target, note, path_target
from bot.staff.auth import COOKIE_NAME, requires, staff_auth_key
from bot.staff.bodies import (
    AccountActiveBody,
    EmptyBody,
    NewAccountBody,
    NewPasswordBody,
    OwnPasswordBody,
    QueuesBody,
    RoleBody,
    read_body,
)
from bot.staff.password_rules import (
    PASSWORD_MIN_CHARS,
    PasswordRefused,
    PasswordTooShort,
    check_new_password,
    service_names,
)
from bot.staff.reauth import confirm_password
from bot.staff.socket_access import announce_access_changed
from bot.staff.usernames import InvisibleCharacters, check_username
from bot.storage import audit as audit_store
from bot.storage import staff as staff_store
from bot.storage import tickets as tickets_store
from bot.storage.models import User
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number

SUPERVISION = (Role.SUPERVISOR, Role.MANAGER)


def _user_json(user: User, every_queue: list[str], last_sign_in: dt.datetime | None = None) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name,
        "queues": membership.effective_queues(user.role, user.queues, every_queue),
        "active": user.active,
        "last_sign_in": last_sign_in.isoformat() if last_sign_in is not None else None,
    }


def _one_user(session: Session, user_id: int, every_queue: list[str]) -> dict[str, Any] | None:
    user = staff_store.user_by_id(session, user_id)
    if user is None:
        return None
    return _user_json(user, every_queue, audit_store.last_sign_ins(session).get(user.id))


def _queues(given: list[str], every_queue: list[str]) -> list[str]:
    try:
        return membership.check_queue_ids(given, every_queue)
    except ValueError as error:
        raise api_error(400, f"queues: {error}") from None


async def _staff_changed(request: web.Request) -> None:
    """Consoles reread who may take a case (transfer pickers, queue counts)."""
    await resources(request).gateway.commit(Effects(staff_events=[StaffEvent(StaffEventKind.QUEUE)]))


@requires(*SUPERVISION)
async def get_users(request: web.Request) -> web.Response:
    """``GET /api/users``: every staff account with its queues and last sign-in (supervisors and
    managers: all)."""
    every_queue = resources(request).config.handoff.queue_ids()

    def read(session: Session) -> list[dict[str, Any]]:
        signed_in = audit_store.last_sign_ins(session)
        return [_user_json(user, every_queue, signed_in.get(user.id)) for user in staff_store.every_user(session)]

    async with resources(request).database.sessions() as session:
        users = await session.run_sync(read)
    return web.json_response({"users": users})


@audited("account_create", target=fixed_target("user"))
@requires(Role.MANAGER)
@documented(body=NewAccountBody, status=201)
async def post_user(request: web.Request) -> web.Response:
    """``POST /api/users`` {username, display_name, role, queues, password}: a new active account.

    Without ``password`` one is made and answered once as ``password``; 400 for a username or a
    password ``create-user`` would refuse (a common or guessable password: ``code`` says which), 409
    for a username that is taken or looks like one that is, or a display name that looks like
    another account's name; 422 (``code`` invisible_characters) for a username or display name
    holding invisible or text-direction characters. A new manager needs the caller's own ``current_password``
    (``bot.staff.reauth``: 403 without it or with a wrong one, 429 while too many were wrong).
    """
    given = await read_body(request, NewAccountBody)
    every_queue = resources(request).config.handoff.queue_ids()
    queues = _queues(list(given.queues), every_queue) if given.queues else None
    password = given.password if given.password is not None else made_password()
    now = resources(request).clock()
    try:
        # refused before a tenth of a second is spent hashing
        username, display_name = check_username(given.username), check_display_name(given.display_name)
        password_hash = await request.app[staff_auth_key].hashers.hash_new(
            password, (username, display_name), service_names(resources(request).config)
        )
    except PasswordRefused as error:
        raise _password_refused(error) from None
    except InvisibleCharacters as error:
        raise api_error(422, str(error), code="invisible_characters", characters=error.found) from None
    except ValueError as error:
        raise api_error(400, str(error)) from None
    if Role(given.role) is Role.MANAGER:
        await confirm_password(request, given.current_password)

    def add(session: Session) -> dict[str, Any] | None:
        user_id = create_user(session, given.username, password_hash, Role(given.role), now, display_name, queues)
        return _one_user(session, user_id, every_queue)

    try:
        body = await resources(request).database.write(add)
    except (UsernameTaken, DisplayNameTaken) as error:
        raise api_error(409, str(error)) from None
    except IntegrityError:
        raise api_error(409, f"the username {given.username.strip()!r} is taken") from None
    assert body is not None
    note(
        request,
        target=f"user:{body['id']}",
        username=body["username"],
        role=body["role"],
        queues=body["queues"],
        password_made=given.password is None,
    )
    await _staff_changed(request)
    answer: dict[str, Any] = {"user": body}
    if given.password is None:
        answer["password"] = password
    return web.json_response(answer, status=201)


@audited("queue_membership", target=path_target("user"))
@requires(Role.MANAGER)
@documented(body=QueuesBody)
async def put_user_queues(request: web.Request) -> web.Response:
    """``PUT /api/users/{id}/queues`` {queues}: the queues an agent sees and claims from, at once
    (their open consoles hear nothing more of a queue they are taken out of)."""
    user_id = path_number(request, "no such user")
    every_queue = resources(request).config.handoff.queue_ids()
    given = await read_body(request, QueuesBody)
    queues = _queues(list(given.queues), every_queue)
    note(request, queues=queues)

    def assign(session: Session) -> dict[str, Any] | None:
        staffed = membership.queue_takers(session)
        if staff_store.set_queues(session, user_id, queues) is None:
            return None
        body = _one_user(session, user_id, every_queue)
        if body is None:
            return None
        # a queue this change leaves with nobody while cases wait in it: said, they wait unseen
        takers, waiting = membership.queue_takers(session), tickets_store.waiting_per_queue(session)
        body["left_unstaffed"] = [
            {"id": queue, "waiting": waiting[queue]}
            for queue in every_queue
            if staffed.get(queue, 0) and not takers.get(queue, 0) and waiting.get(queue, 0)
        ]
        return body

    body = await resources(request).database.write(assign)
    if body is None:
        raise api_error(404, "no such user")
    await announce_access_changed(resources(request).redis, user_id)
    await _staff_changed(request)
    return web.json_response(body)


async def _account_named(request: web.Request) -> tuple[int, str, str | None]:
    """The account of the path's id: its id, username and display name."""
    user_id = path_number(request, "no such user")
    async with resources(request).database.sessions() as session:
        user = await session.run_sync(lambda sync: staff_store.user_by_id(sync, user_id))
    if user is None:
        raise api_error(404, "no such user")
    return user_id, user.username, user.display_name


def _last_manager(error: LastManager) -> web.HTTPException:
    return api_error(409, str(error), code="last_manager")


def _password_refused(error: PasswordRefused) -> web.HTTPException:
    """400 with the code the consoles say in the staff member's language, beside the password field
    (what is wrong with it and what to choose instead)."""
    limit = {"limit": PASSWORD_MIN_CHARS} if isinstance(error, PasswordTooShort) else {}
    return api_error(400, str(error), field="password", code=error.code, **limit)


async def _change(
    request: web.Request,
    username: str,
    *,
    active: bool | None = None,
    password: str | None = None,
    display_name: str | None = None,
) -> AccessChanged:
    shared, auth = resources(request), request.app[staff_auth_key]
    try:
        password_hash = (
            await auth.hashers.hash_new(password, (username, display_name), service_names(shared.config))
            if password is not None
            else None
        )
    except PasswordRefused as error:
        raise _password_refused(error) from None
    except ValueError as error:
        raise api_error(400, str(error)) from None
    # switched off, the cases they hold wait in their queues again: the manager moves them
    hand_back = HandBack(
        shared.config.handoff.fallback_queue(), f"agent:{request['staff']['id']}", shared.clock(), shared.gateway
    )
    try:
        return await change_access(
            shared.database,
            auth.sessions,
            username,
            active=active,
            password_hash=password_hash,
            hand_back=hand_back if active is False else None,
        )
    except NoSuchAccount:
        raise api_error(404, "no such user") from None
    except LastManager as error:
        raise _last_manager(error) from None


@audited("account_active", target=path_target("user"))
@requires(Role.MANAGER)
@documented(body=AccountActiveBody)
async def put_user_active(request: web.Request) -> web.Response:
    """``PUT /api/users/{id}/active`` {active, current_password}: turn the account off (every
    session of theirs ends at once, open consoles too) or on again. The caller types their own
    password again (403 without it or with a wrong one, 429 while too many were wrong: sign-in's
    limits); 400 for a manager's own account, 409 (``code`` last_manager) for the last active
    manager."""
    given = await read_body(request, AccountActiveBody)
    user_id, username, _ = await _account_named(request)
    note(request, username=username, active=given.active)
    if user_id == request["staff"]["id"] and not given.active:
        raise api_error(400, "you cannot turn off your own account")
    await confirm_password(request, given.current_password)
    changed = await _change(request, username, active=given.active)
    note(request, sessions_ended=changed.sessions_ended)
    await announce_access_changed(resources(request).redis, user_id)
    returned = len(changed.conversations_returned)
    note(request, conversations_returned=returned)
    every_queue = resources(request).config.handoff.queue_ids()
    async with resources(request).database.sessions() as session:
        body = await session.run_sync(lambda sync: _one_user(sync, user_id, every_queue))
    await _staff_changed(request)
    return web.json_response(
        {"user": body, "sessions_ended": changed.sessions_ended, "conversations_returned": returned}
    )


@audited("password_reset", target=path_target("user"))
@requires(Role.MANAGER)
@documented(body=NewPasswordBody)
async def post_user_password(request: web.Request) -> web.Response:
    """``POST /api/users/{id}/password`` {password, current_password}: a new password (made and
    answered once when not given); every session of theirs ends at once. The caller types their
    own password again (403 without it or with a wrong one, 429 while too many were wrong); 400
    for a password ``set-password`` refuses."""
    given = await read_body(request, NewPasswordBody)
    _, username, display_name = await _account_named(request)
    password = given.password if given.password is not None else made_password()
    note(request, username=username, password_made=given.password is None)
    if given.password is not None:  # a refused password is said before the caller's is asked for
        try:
            check_new_password(given.password, (username, display_name), service_names(resources(request).config))
        except PasswordRefused as error:
            raise _password_refused(error) from None
    await confirm_password(request, given.current_password)
    ended = (await _change(request, username, password=password, display_name=display_name)).sessions_ended
    note(request, sessions_ended=ended)
    answer: dict[str, Any] = {"sessions_ended": ended}
    if given.password is None:
        answer["password"] = password
    return web.json_response(answer)


@audited("role_change", target=path_target("user"))
@requires(Role.MANAGER)
@documented(body=RoleBody)
async def put_user_role(request: web.Request) -> web.Response:
    """``PUT /api/users/{id}/role`` {role, current_password}: the account's role, in force from
    its next request. The caller types their own password again (403 without it or with a wrong
    one, 429 while too many were wrong); 409 (``code`` last_manager) for the last active manager
    made anything else."""
    given = await read_body(request, RoleBody)
    user_id, username, _ = await _account_named(request)
    note(request, username=username, role=given.role)
    await confirm_password(request, given.current_password)
    try:
        changed = await change_role(resources(request).database, user_id, Role(given.role))
    except LastManager as error:
        raise _last_manager(error) from None
    if not changed:
        raise api_error(404, "no such user")
    await announce_access_changed(resources(request).redis, user_id)
    every_queue = resources(request).config.handoff.queue_ids()
    async with resources(request).database.sessions() as session:
        body = await session.run_sync(lambda sync: _one_user(sync, user_id, every_queue))
    await _staff_changed(request)
    return web.json_response({"user": body})


def _own_account(request: web.Request) -> str:
    return f"user:{request.get('staff', {}).get('id', '?')}"


@audited("password_change", target=_own_account)
@requires()
@documented(body=OwnPasswordBody)
async def post_own_password(request: web.Request) -> web.Response:
    """``POST /api/me/password`` {current_password, password}: any staff member's own new
    password, under the rules of ``set-password`` (400 with ``code`` for one refused); their other
    sessions end at once, this one stays. 403 for a wrong current password, 429 while too many
    were wrong (sign-in's limits)."""
    given = await read_body(request, OwnPasswordBody)
    staff, auth = request["staff"], request.app[staff_auth_key]
    await confirm_password(request, given.current_password)
    async with resources(request).database.sessions() as session:
        shown = await session.run_sync(lambda sync: staff_store.display_name(sync, staff["id"]))
    try:
        password_hash = await auth.hashers.hash_new(
            given.password, (staff["username"], shown), service_names(resources(request).config)
        )
    except PasswordRefused as error:
        raise _password_refused(error) from None
    ended = await change_own_password(
        resources(request).database, auth.sessions, staff["id"], password_hash, request.cookies[COOKIE_NAME]
    )
    note(request, sessions_ended=ended)
    return web.json_response({"sessions_ended": ended})


@audited("sessions_end_others", target=_own_account)
@requires()
@documented(body=EmptyBody)
async def post_end_other_sessions(request: web.Request) -> web.Response:
    """``POST /api/me/sessions/end-others`` {}: every other session of the caller ends at once (a
    console left signed in elsewhere); this one stays."""
    await read_body(request, EmptyBody)
    sessions = request.app[staff_auth_key].sessions
    ended = await sessions.revoke_others_of(request["staff"]["id"], request.cookies[COOKIE_NAME])
    note(request, sessions_ended=ended)
    return web.json_response({"sessions_ended": ended})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/users", get_users)
    app.router.add_post("/api/users", post_user)
    app.router.add_put("/api/users/{id}/queues", put_user_queues)
    app.router.add_put("/api/users/{id}/active", put_user_active)
    app.router.add_post("/api/users/{id}/password", post_user_password)
    app.router.add_put("/api/users/{id}/role", put_user_role)
    app.router.add_post("/api/me/password", post_own_password)
    app.router.add_post("/api/me/sessions/end-others", post_end_other_sessions)
