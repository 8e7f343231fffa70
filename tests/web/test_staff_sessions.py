"""Staff sessions: kept in the database (read with the account on every request), ended everywhere by a sign-out,
replaced by a new sign-in, expired after their lifetime; the cookie is HttpOnly, SameSite=Strict
and Secure where the site is https; the sign-in takes JSON from this site only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.embedded_redis import EmbeddedRedis
from bot.settings import AuthSettings, Settings
from bot.staff.accounts import Role
from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually
from tests.staff import COOKIE, PASSWORD, add_user, call_with_cookie, sign_in_with_cookie


async def test_staff_stay_signed_in_when_redis_restarts_without_persistence(
    make_client: AppFactory, tmp_path: Path
) -> None:
    redis = EmbeddedRedis(tmp_path / "redis", persistent=False)
    await redis.start()
    try:
        client = await make_client(redis_url=redis.url)
        await add_user(client, "li.agent", Role.AGENT)
        token, csrf = await sign_in_with_cookie(client, "li.agent")
        assert await call_with_cookie(client, token, "GET", "/api/me") == 200

        await redis.stop()
        await redis.start()  # same port, empty: every key is gone

        assert await call_with_cookie(client, token, "GET", "/api/me") == 200
        assert await call_with_cookie(client, token, "GET", "/api/queue") == 200
        assert await call_with_cookie(client, token, "POST", "/api/logout", csrf) == 200
        assert await call_with_cookie(client, token, "GET", "/api/me") == 401
        await client.close()
    finally:
        await redis.stop()


async def test_a_sign_out_ends_the_session_on_every_instance(make_client: AppFactory) -> None:
    first, second = await make_client(), await make_client()
    await add_user(first, "qian", Role.SUPERVISOR)
    token, csrf = await sign_in_with_cookie(first, "qian")
    assert await call_with_cookie(second, token, "GET", "/api/me") == 200  # now cached for the second instance too
    assert await call_with_cookie(first, token, "POST", "/api/logout", csrf) == 200
    assert await call_with_cookie(second, token, "GET", "/api/me") == 401
    assert await call_with_cookie(first, token, "GET", "/api/me") == 401


async def test_a_new_sign_in_replaces_the_session_the_browser_had(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhao", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    old_token, _ = await sign_in_with_cookie(client, "zhao")
    # The same browser signs in again (as someone else): the cookie it sent is ended.
    response = await client.post(
        "/api/login",
        json={"username": "boss", "password": PASSWORD},
        headers={"Cookie": f"{COOKIE}={old_token}"},
    )
    assert response.status == 200
    new_token = response.cookies[COOKIE].value
    assert new_token != old_token
    assert await call_with_cookie(client, old_token, "GET", "/api/me") == 401
    assert await call_with_cookie(client, new_token, "GET", "/api/me") == 200


async def test_a_session_ends_after_its_lifetime_in_real_time(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client(auth=AuthSettings(session_max_age=2))
    await add_user(client, "sun", Role.AGENT)
    token, _ = await sign_in_with_cookie(client, "sun")
    clock.advance(hours=48)  # the service clock (deadlines, windows) does not end a session
    assert await call_with_cookie(client, token, "GET", "/api/me") == 200
    await eventually(lambda: _refused(client, token), timeout=10, interval=0.2)


async def _refused(client: Any, token: str) -> bool:
    return await call_with_cookie(client, token, "GET", "/api/me") == 401


async def test_the_cookie_is_secure_when_the_public_url_is_https_or_when_told(make_client: AppFactory) -> None:
    cases: list[tuple[dict[str, Any], bool]] = [
        ({}, False),
        ({"public_url": "https://bot.example.com"}, True),
        ({"public_url": "https://bot.example.com", "auth": AuthSettings(cookie_secure=False)}, False),
        ({"auth": AuthSettings(cookie_secure=True)}, True),
    ]
    for number, (overrides, secure) in enumerate(cases):
        client = await make_client(**overrides)
        await add_user(client, f"user{number}", Role.AGENT)
        response = await client.post("/api/login", json={"username": f"user{number}", "password": PASSWORD})
        assert response.status == 200
        cookie = response.cookies[COOKIE]
        assert (bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"]) == (secure, True, "Strict")


def test_the_secure_cookie_and_the_proxies_come_from_the_environment() -> None:
    assert Settings.from_env({}).auth == AuthSettings()
    settings = Settings.from_env(
        {
            "BOT_SESSION_COOKIE_SECURE": "off",
            "BOT_TRUSTED_PROXIES": "172.30.0.10/32, 10.0.0.0/8",
            "BOT_LOGIN_LIMIT_PER_ADDRESS": "7",
            "BOT_IPV6_LIMIT_PREFIX": "56",
            "BOT_FRAME_ANCESTORS": "'self' https://shop.example.com",
        }
    )
    assert settings.auth.cookie_secure is False
    assert settings.auth.trusted_proxies == ("172.30.0.10/32", "10.0.0.0/8")
    assert settings.auth.login_limit_per_address == 7
    assert (Settings.from_env({}).auth.ipv6_limit_prefix, settings.auth.ipv6_limit_prefix) == (64, 56)
    assert settings.auth.frame_ancestors == "'self' https://shop.example.com"


async def test_a_sign_in_must_be_json_from_this_site(make_client: AppFactory) -> None:
    client = await make_client(public_url="https://bot.example.com")
    await add_user(client, "wu", Role.AGENT)
    credentials = json.dumps({"username": "wu", "password": PASSWORD})
    # A form on another site can post text/plain without a preflight: login CSRF.
    forged = await client.post(
        "/api/login", data=credentials, headers={"Content-Type": "text/plain", "Origin": "https://evil.example"}
    )
    assert forged.status == 415
    assert "application/json" in (await forged.json())["error"]
    other_site = await client.post(
        "/api/login", data=credentials, headers={"Content-Type": "application/json", "Origin": "https://evil.example"}
    )
    assert other_site.status == 403
    assert COOKIE not in other_site.cookies
    for origin in (f"http://{client.host}:{client.port}", "https://bot.example.com", None):
        headers = {"Content-Type": "application/json"} | ({"Origin": origin} if origin else {})
        accepted = await client.post("/api/login", data=credentials, headers=headers)
        assert accepted.status == 200, origin
