"""Re-authentication: a staff member types their own password again before a sensitive account
action (another's password reset, an account turned off or on, a role changed, a manager added,
their own password changed), so a stolen session cookie alone cannot take accounts over.

The password is checked as sign-in checks it (argon2 on the hashing threads) and under the same
limits: a wrong one counts as a failed sign-in of the caller's username from the caller's address
(``LoginLimiter``), so guessing here is held back exactly as guessing at the sign-in form is. The
audited handler's entry says why a refusal was refused (``reason``)."""

from __future__ import annotations

import math

import structlog
from aiohttp import web
from redis.exceptions import RedisError

from bot.keys import resources
from bot.staff.audit import note
from bot.staff.auth import hashers_busy, staff_auth_key
from bot.storage import staff as staff_store
from bot.web.responses import api_error

CURRENT_PASSWORD_FIELD = "current_password"
NEEDED = "current_password_needed"
"""The code of a sensitive action asked without the caller's password."""
WRONG = "current_password_wrong"
"""The code of a sensitive action asked with a password that is not the caller's."""

log = structlog.get_logger(__name__)


async def confirm_password(request: web.Request, given: str | None) -> None:
    """Return when ``given`` is the signed-in caller's own password; else raise 403 (code
    :data:`NEEDED` or :data:`WRONG`, field ``current_password``: never 401, which would end the
    console's sign-in), 429 while the caller's sign-in limits hold, 503 while the password checks
    are full or the limiter cannot be reached."""
    if not given:
        note(request, reason=NEEDED)
        raise api_error(403, "type your own password again to do this", field=CURRENT_PASSWORD_FIELD, code=NEEDED)
    auth, staff = request.app[staff_auth_key], request["staff"]
    username, address = staff["username"], auth.addresses.limit_key(request)
    try:
        held = await auth.limiter.reserve(username, address)
    except (RedisError, OSError) as error:
        log.warning("reauth.limiter_unreachable", error=type(error).__name__)
        raise api_error(503, "the password check is unavailable for a moment; try again") from error
    if held is not None:
        note(request, reason="rate_limited", limit=held.limit.value)
        minutes = max(1, math.ceil(held.wait / 60))
        unit = "minute" if minutes == 1 else "minutes"
        refused = api_error(429, f"too many wrong passwords; try again in {minutes} {unit}")
        refused.headers["Retry-After"] = str(math.ceil(held.wait))
        raise refused
    async with resources(request).database.sessions() as session:
        account = await session.run_sync(lambda sync: staff_store.user_by_id(sync, staff["id"]))
    with auth.hashers.place() as placed:
        if not placed:
            raise await hashers_busy(auth, username, address, "reauth", "too many password checks at once")
        right = account is not None and await auth.hashers.verify(account.password_hash, given)
    if not right:
        resources(request).metrics.login_failures.labels(reason="wrong_current_password").inc()
        note(request, reason=WRONG)
        raise api_error(403, "that is not your password", field=CURRENT_PASSWORD_FIELD, code=WRONG)
    await auth.limiter.succeeded(username, address)
