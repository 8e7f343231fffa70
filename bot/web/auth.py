"""Staff sign-in: Redis-backed sessions (HttpOnly, SameSite cookie), CSRF tokens, role checks."""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

import aiohttp_session
from aiohttp import web
from aiohttp_session.redis_storage import RedisStorage

from bot.handoff.accounts import Role, authenticate
from bot.keys import clock_key, database_key, redis_key

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
session_storage_key = web.AppKey("session_storage", RedisStorage)

LOGIN_ATTEMPTS = 5
LOGIN_WINDOW_SECONDS = 15 * 60
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def api_error(status: int, message: str) -> web.HTTPException:
    error_class = {
        400: web.HTTPBadRequest,
        401: web.HTTPUnauthorized,
        403: web.HTTPForbidden,
        409: web.HTTPConflict,
        404: web.HTTPNotFound,
        429: web.HTTPTooManyRequests,
    }[status]
    return error_class(text=json.dumps({"error": message}, ensure_ascii=False), content_type="application/json")


async def setup_sessions(app: web.Application) -> None:
    """Create the session storage once Redis is up (the middleware finds it on the app)."""
    app[session_storage_key] = RedisStorage(
        app[redis_key], cookie_name="bot_session", httponly=True, samesite="Strict", max_age=12 * 3600
    )


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/api/"):
        return await handler(request)
    middleware = aiohttp_session.session_middleware(request.app[session_storage_key])
    return await middleware(request, handler)


def requires(*roles: Role) -> Callable[[Handler], Handler]:
    """Only signed-in staff with one of ``roles``; state-changing requests need the CSRF header."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            session = await aiohttp_session.get_session(request)
            if "user_id" not in session:
                raise api_error(401, "sign in first: POST /api/login")
            if request.method not in SAFE_METHODS:
                given = request.headers.get("X-CSRF-Token", "")
                if not given or not secrets.compare_digest(given, session.get("csrf", "")):
                    raise api_error(403, "missing or wrong X-CSRF-Token header (it comes with /api/login and /api/me)")
            if roles and session["role"] not in {role.value for role in roles}:
                raise api_error(403, f"this needs the role {' or '.join(role.value for role in roles)}")
            request["staff"] = {"id": session["user_id"], "username": session["username"], "role": session["role"]}
            return await handler(request)

        return wrapper

    return decorate


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        payload = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise api_error(400, "the body must be JSON") from error
    if not isinstance(payload, dict):
        raise api_error(400, "the body must be a JSON object")
    return payload


async def login(request: web.Request) -> web.Response:
    """``POST /api/login`` {username, password}: sets the session cookie; 429 after repeated failures."""
    payload = await json_body(request)
    username, password = payload.get("username"), payload.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise api_error(400, "username and password are required")
    redis = request.app[redis_key]
    attempts_key = f"bot:login:failures:{username.strip().lower()}:{request.remote}"
    if int(await redis.get(attempts_key) or 0) >= LOGIN_ATTEMPTS:
        raise api_error(429, "too many failed sign-ins; try again in 15 minutes")
    user = await request.app[database_key].write(lambda session: authenticate(session, username, password))
    if user is None:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(attempts_key)
            pipe.expire(attempts_key, LOGIN_WINDOW_SECONDS)
            await pipe.execute()
        raise api_error(401, "wrong username or password")
    await redis.delete(attempts_key)
    session = await aiohttp_session.new_session(request)
    session.update(user_id=user.id, username=user.username, role=user.role, csrf=secrets.token_urlsafe(32))
    session["signed_in_at"] = request.app[clock_key]().isoformat()
    return web.json_response(_me(session))


def _me(session: aiohttp_session.Session) -> dict[str, Any]:
    return {
        "id": session["user_id"],
        "username": session["username"],
        "role": session["role"],
        "csrf_token": session["csrf"],
    }


@requires()
async def logout(request: web.Request) -> web.Response:
    session = await aiohttp_session.get_session(request)
    session.invalidate()
    return web.json_response({"signed_out": True})


@requires()
async def me(request: web.Request) -> web.Response:
    return web.json_response(_me(await aiohttp_session.get_session(request)))
