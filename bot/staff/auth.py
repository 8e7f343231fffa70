"""Staff sign-in: database-backed sessions read with their account on every request (HttpOnly,
SameSite=Strict cookie), CSRF tokens, role checks, and a sign-in rate limited before any password is checked."""

from __future__ import annotations

import math
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import structlog
from aiohttp import web
from pydantic import ValidationError
from redis.exceptions import RedisError

from bot.core.clock import utc_now
from bot.keys import resources
from bot.staff.accounts import Role, SignInRefused, authenticate
from bot.staff.audit import ATTEMPTED, audited, note, unrecorded
from bot.staff.bodies import LoginBody, read_body
from bot.staff.login_limit import LoginLimiter
from bot.staff.passwords import PasswordHashers
from bot.staff.sessions import StaffSessions
from bot.storage import staff as staff_store
from bot.storage.staff_sessions import SignedIn
from bot.web.client_address import ClientAddresses, client_addresses_key
from bot.web.openapi import ROLES, documented
from bot.web.origins import same_site_origin
from bot.web.responses import api_error, strict_json
from bot.web.unstorable import Unstorable

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

COOKIE_NAME = "bot_session"
BUSY_RETRY_AFTER_SECONDS = 1
"""A sign-in refused because the password checks are full is worth retrying this soon."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class StaffAuth:
    """The sign-in's resources, built once per app."""

    sessions: StaffSessions
    hashers: PasswordHashers
    limiter: LoginLimiter
    addresses: ClientAddresses
    cookie_secure: bool
    max_age: int


staff_auth_key = web.AppKey("staff_auth", StaffAuth)


async def hashers_busy(auth: StaffAuth, username: str, address: str, event: str, what: str) -> web.HTTPException:
    """The 503 for a password check the hashers had no place for, the attempt the limiter counted
    given back (``event``: the log's name of the check; ``what``: why, as the answer says it)."""
    try:
        await auth.limiter.give_back(username, address)
    except (RedisError, OSError) as unreachable:  # the attempt stays counted: errs on the safe side
        log.warning(f"{event}.limiter_unreachable", error=type(unreachable).__name__)
    busy = api_error(503, f"{what}; try again in a moment")
    busy.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return busy


async def auth_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the session store, the password hashing threads and the sign-in limiter."""
    shared = resources(app)
    settings = shared.settings
    auth = settings.auth
    hashers = PasswordHashers(settings.password_cost, auth.password_hash_threads, auth.password_hash_queue)
    secure = auth.cookie_secure if auth.cookie_secure is not None else settings.public_base().startswith("https://")
    addresses = app[client_addresses_key] = ClientAddresses(auth.trusted_proxies, auth.ipv6_limit_prefix)
    app[staff_auth_key] = StaffAuth(
        # Real time, not the service clock: the browser expires the cookie by real time too.
        sessions=StaffSessions(shared.database, shared.redis, utc_now, auth.session_max_age),
        hashers=hashers,
        limiter=LoginLimiter(shared.redis, auth),
        addresses=addresses,
        cookie_secure=secure,
        max_age=int(auth.session_max_age),
    )
    yield
    hashers.close()


async def _signed_in(request: web.Request) -> SignedIn | None:
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return None
    return await request.app[staff_auth_key].sessions.load(token)


async def _end_reason(request: web.Request) -> str | None:
    """Why the cookie's session was ended by someone else ("account_off"), told only to that cookie."""
    token = request.cookies.get(COOKIE_NAME)
    return await request.app[staff_auth_key].sessions.end_reason(token) if token else None


async def _signed_out(request: web.Request) -> web.HTTPException:
    """The 401 of a request without a session: with ``reason`` when the session was ended because
    its account was switched off (the console says so instead of "expired")."""
    reason = await _end_reason(request)
    if reason is None:
        return api_error(401, "sign in first: POST /api/login")
    return api_error(401, "this account has been deactivated", reason=reason)


def requires(*roles: Role) -> Callable[[Handler], Handler]:
    """Only signed-in staff with one of ``roles``; state-changing requests need the CSRF header."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            signed_in = await _signed_in(request)
            if signed_in is None:
                raise await _signed_out(request)
            if request.method not in SAFE_METHODS:
                given = request.headers.get("X-CSRF-Token", "")
                if not given or not secrets.compare_digest(given, signed_in.csrf_token):
                    raise api_error(403, "missing or wrong X-CSRF-Token header (it comes with /api/login and /api/me)")
            # Known before the role check, so the audit log names who was refused.
            request["staff"] = {"id": signed_in.user_id, "username": signed_in.username, "role": signed_in.role}
            if roles and signed_in.role not in {role.value for role in roles}:
                raise api_error(403, f"this needs the role {' or '.join(role.value for role in roles)}")
            request["signed_in"] = signed_in
            return await handler(request)

        wrapper.__dict__[ROLES] = [role.value for role in roles]
        return wrapper

    return decorate


def _same_site_origin(request: web.Request) -> bool:
    """No Origin (not a browser, or a same-origin GET), this host, or the configured public URL."""
    return same_site_origin(request, resources(request).settings.public_url)


@audited("sign_in", failed="sign_in_failed")
@documented(body=LoginBody)
async def login(request: web.Request) -> web.Response:
    """``POST /api/login`` {username, password} as JSON: sets a new session cookie (ending the one
    the browser had); 429 while the username or the address has failed too often (the username's
    own limit does not apply from an address the user signed in from lately); 503 (counting
    nothing) while ``BOT_PASSWORD_HASH_QUEUE`` sign-ins already wait for their password check.
    Only the first 429 of each limit within its window is audited (the metric counts them all)."""
    if request.content_type != "application/json":
        raise api_error(415, "send the sign-in as Content-Type: application/json")
    if not _same_site_origin(request):
        raise api_error(403, "sign in from this site's own pages")
    credentials, unstorable = await _credentials(request)
    username, password = credentials.username, credentials.password
    request[ATTEMPTED] = username
    auth = request.app[staff_auth_key]
    address = auth.addresses.limit_key(request)  # an IPv6 client's /64: the audit entry keeps the full address
    try:
        held = await auth.limiter.reserve(username, address)
    except (RedisError, OSError) as error:
        log.warning("login.limiter_unreachable", error=type(error).__name__)
        raise api_error(503, "sign-in is unavailable for a moment; try again") from error
    if held is not None:
        minutes = max(1, math.ceil(held.wait / 60))
        resources(request).metrics.login_failures.labels(reason="rate_limited").inc()
        if held.first:
            note(request, reason="rate_limited", limit=held.limit.value)
        else:  # the log has this limit's refusal already: a flood of them must not fill it
            unrecorded(request)
        unit = "minute" if minutes == 1 else "minutes"
        refused = api_error(429, f"too many failed sign-ins; try again in {minutes} {unit}")
        refused.headers["Retry-After"] = str(math.ceil(held.wait))
        raise refused
    if unstorable is not None:  # no account has such a name or password: a failed sign-in, counted, never looked up
        resources(request).metrics.login_failures.labels(reason="wrong_credentials").inc()
        note(request, reason="unstorable_character")
        raise unstorable
    with auth.hashers.place() as placed:
        if not placed:
            raise await hashers_busy(auth, username, address, "login", "too many sign-ins at once")
        account = await authenticate(resources(request).database, auth.hashers, username, password)
    if isinstance(account, SignInRefused):
        resources(request).metrics.login_failures.labels(reason="wrong_credentials").inc()
        note(request, reason=account.value)
        raise api_error(401, "wrong username or password")
    await auth.limiter.succeeded(username, address)
    previous = request.cookies.get(COOKIE_NAME)
    if previous:
        await auth.sessions.revoke(previous)
    token, signed_in = await auth.sessions.create(account)
    request["staff"] = {"id": signed_in.user_id, "username": signed_in.username, "role": signed_in.role}
    response = web.json_response(
        _me(signed_in) | {"ui_locale": account.ui_locale, "display_name": account.display_name}
    )
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=auth.max_age,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=auth.cookie_secure,
    )
    return response


async def _credentials(request: web.Request) -> tuple[LoginBody, Unstorable | None]:
    """The sign-in's username and password; when either holds what no database stores, they are
    taken as given beside the ``400`` that refuses them, for the attempt to be counted against the
    name's and the address's limits and audited as a failed sign-in like a wrong password."""
    try:
        return await read_body(request, LoginBody), None
    except Unstorable as refused:
        try:  # the body was read and parsed already: it is JSON
            return LoginBody.model_validate(strict_json(await request.read())), refused
        except ValidationError:
            raise refused from None


def _me(signed_in: SignedIn) -> dict[str, Any]:
    return {
        "id": signed_in.user_id,
        "username": signed_in.username,
        "role": signed_in.role,
        "csrf_token": signed_in.csrf_token,
    }


@audited("sign_out")
@requires()
async def logout(request: web.Request) -> web.Response:
    """``POST /api/logout``: the session ends on every instance at once."""
    await request.app[staff_auth_key].sessions.revoke(request.cookies[COOKIE_NAME])
    response = web.json_response({"signed_out": True})
    response.del_cookie(COOKIE_NAME, path="/")
    return response


@requires()
async def me(request: web.Request) -> web.Response:
    """``GET /api/me``: the signed-in staff member (id, username, display_name, role, ui_locale) and
    the CSRF token."""
    signed_in = request["signed_in"]
    return web.json_response(_me(signed_in) | await _account(request, signed_in.user_id))


async def session_state(request: web.Request) -> web.Response:
    """``GET /api/session``: whether this browser is signed in, always ``200`` (a console asks on
    load, before sign-in, without an error in the browser's console): ``{"signed_in": false,
    "reason": "account_off" | null}``, or ``{"signed_in": true}`` with the body of ``/api/me``."""
    signed_in = await _signed_in(request)
    if signed_in is None:
        return web.json_response({"signed_in": False, "reason": await _end_reason(request)})
    return web.json_response({"signed_in": True} | _me(signed_in) | await _account(request, signed_in.user_id))


async def _account(request: web.Request, user_id: int) -> dict[str, str | None]:
    """issue 15: the language the consoles speak to this member in (bot.staff.locale_api), and the
    name the top bar shows them by."""
    async with resources(request).sessions() as session:
        locale = await session.run_sync(lambda sync: staff_store.ui_locale(sync, user_id))
        name = await session.run_sync(lambda sync: staff_store.display_name(sync, user_id))
    return {"ui_locale": locale or "zh-CN", "display_name": name}


# issue 15 (photos): routes open to staff and customers alike ask who is signed in, without a 401.
async def signed_in_staff(request: web.Request) -> dict[str, Any] | None:
    """The signed-in staff member as ``requires`` gives it ({"id", "username", "role"}), or None."""
    signed_in = await _signed_in(request)
    if signed_in is None:
        return None
    return {"id": signed_in.user_id, "username": signed_in.username, "role": signed_in.role}
