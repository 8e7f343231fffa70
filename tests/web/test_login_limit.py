"""Password guessing is limited before any password is checked: concurrent guesses, one password
across many usernames, and client addresses that only trusted proxies may tell; an attack on an
account does not lock its user out where they have signed in before."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.settings import AuthSettings, PasswordCost
from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user

BEHIND_PROXY = AuthSettings(trusted_proxies=("127.0.0.1/32",))
"""The test client connects from 127.0.0.1, which then plays the reverse proxy."""


async def attempt(client: Any, username: str, password: str, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    response = await client.post("/api/login", json={"username": username, "password": password}, headers=headers)
    await response.read()
    client.session.cookie_jar.clear()
    return response.status


async def test_concurrent_guesses_are_counted_before_checking_so_the_right_password_is_refused(
    make_client: AppFactory,
) -> None:
    # Production's cost: while the first guesses are being checked, the others arrive.
    client = await make_client(password_cost=PasswordCost())
    await add_user(client, "wang", Role.AGENT)
    passwords = [f"guess-{n}" for n in range(41)]
    passwords[25] = PASSWORD
    statuses = await asyncio.gather(*(attempt(client, "wang", password) for password in passwords))
    assert statuses.count(401) == 5, statuses
    assert statuses.count(429) == 36, statuses
    assert statuses[25] == 429
    # Still locked: the right password is refused without being checked.
    response = await client.post("/api/login", json={"username": "wang", "password": PASSWORD})
    assert response.status == 429
    assert "15 minutes" in (await response.json())["error"]
    assert 890 <= int(response.headers["Retry-After"]) <= 900


async def test_one_password_across_many_usernames_from_one_address_is_limited(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhang", Role.AGENT)
    statuses = [await attempt(client, f"user{n}", "123456789") for n in range(25)]
    assert statuses == [401] * 20 + [429] * 5
    # The whole address is held back now, whatever username it tries.
    assert await attempt(client, "zhang", PASSWORD) == 429


async def test_a_successful_sign_in_gives_its_attempt_back(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    for _ in range(4):
        assert await attempt(client, "li", "typo") == 401
    for _ in range(10):
        assert await attempt(client, "li", PASSWORD) == 200
    for _ in range(5):
        assert await attempt(client, "li", "typo") == 401
    assert await attempt(client, "li", PASSWORD) == 429


async def test_behind_a_trusted_proxy_one_attackers_guesses_do_not_lock_the_account_for_others(
    make_client: AppFactory,
) -> None:
    client = await make_client(auth=BEHIND_PROXY)
    await add_user(client, "wang", Role.AGENT)
    # The attacker (203.0.113.5) writes other addresses into the header; the proxy appends the real one.
    for n in range(5):
        assert await attempt(client, "wang", f"guess-{n}", f"198.51.100.{n}, 203.0.113.5") == 401
    assert await attempt(client, "wang", PASSWORD, "198.51.100.7, 203.0.113.5") == 429
    # The real user, at the address the attacker claimed, signs in.
    assert await attempt(client, "wang", PASSWORD, "198.51.100.7") == 200


async def test_behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client(make_client: AppFactory) -> None:
    client = await make_client(auth=AuthSettings(trusted_proxies=("127.0.0.1/32", "10.0.0.0/8")))
    await add_user(client, "qian", Role.AGENT)
    # client → 10.1.2.3 (an inner proxy, trusted) → 127.0.0.1: the client is 203.0.113.9.
    for spoofed in range(5):
        assert await attempt(client, "qian", "guess", f"192.0.2.{spoofed}, 203.0.113.9, 10.1.2.3") == 401
    assert await attempt(client, "qian", PASSWORD, "192.0.2.77, 203.0.113.9, 10.1.2.3") == 429
    assert await attempt(client, "qian", PASSWORD, "203.0.113.10, 10.1.2.3") == 200


async def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(make_client: AppFactory) -> None:
    # Proxies are configured, but the peer (127.0.0.1) is not one of them.
    client = await make_client(auth=AuthSettings(trusted_proxies=("10.0.0.0/8",)))
    await add_user(client, "sun", Role.AGENT)
    for n in range(5):
        assert await attempt(client, "sun", "guess", f"203.0.113.{n}") == 401
    assert await attempt(client, "sun", PASSWORD, "198.51.100.200") == 429
    assert await attempt(client, "sun", PASSWORD) == 429


async def test_the_limits_and_window_are_settings(make_client: AppFactory) -> None:
    client = await make_client(auth=AuthSettings(login_limit_per_user_address=2, login_window=120))
    await add_user(client, "zhou", Role.AGENT)
    assert [await attempt(client, "zhou", "guess") for _ in range(3)] == [401, 401, 429]
    response = await client.post("/api/login", json={"username": "zhou", "password": PASSWORD})
    assert response.status == 429
    assert "2 minutes" in (await response.json())["error"]


def in_network(network: str, count: int) -> list[str]:
    """``count`` different addresses of an IPv6 /64 (``network`` is its first four groups)."""
    return [f"{network}:{n:x}:{n * 7:x}:0:{n:x}" for n in range(1, count + 1)]


async def test_failures_from_one_ipv6_slash_64_count_as_from_one_address(make_client: AppFactory) -> None:
    client = await make_client(auth=BEHIND_PROXY)
    await add_user(client, "wu", Role.AGENT)
    # A fresh address of the attacker's own /64 for each guess: still one client.
    guesses = [
        await attempt(client, "wu", f"guess-{n}", address) for n, address in enumerate(in_network("2001:db8:aa:1", 7))
    ]
    assert guesses == [401] * 5 + [429] * 2
    assert await attempt(client, "wu", PASSWORD, "2001:db8:aa:1:ffff::1") == 429
    # Another /64 (another subscriber) and an IPv4 client sign in.
    assert await attempt(client, "wu", PASSWORD, "2001:db8:aa:2::1") == 200
    assert await attempt(client, "wu", PASSWORD, "198.51.100.7") == 200


async def test_one_password_across_many_usernames_from_one_ipv6_slash_64_is_limited(make_client: AppFactory) -> None:
    client = await make_client(auth=BEHIND_PROXY)
    await add_user(client, "zheng", Role.AGENT)
    addresses = in_network("2001:db8:bb:1", 25)
    statuses = [await attempt(client, f"user{n}", "123456789", address) for n, address in enumerate(addresses)]
    assert statuses == [401] * 20 + [429] * 5
    assert await attempt(client, "zheng", PASSWORD, "2001:db8:bb:1::9") == 429
    assert await attempt(client, "zheng", PASSWORD, "2001:db8:bb:2::9") == 200


async def test_one_ipv6_slash_64_cannot_push_a_known_username_into_its_lockout(make_client: AppFactory) -> None:
    client = await make_client(auth=BEHIND_PROXY)
    await add_user(client, "manager", Role.MANAGER)
    # More guesses than the per-user limit (50), each from another address of one /64: only the
    # first five are counted against the account, the rest are refused unchecked and uncounted.
    statuses = await asyncio.gather(
        *(attempt(client, "manager", "guess", address) for address in in_network("2001:db8:cc:1", 65))
    )
    assert statuses.count(401) == 5 and statuses.count(429) == 60, statuses
    assert await attempt(client, "manager", PASSWORD, "203.0.113.40") == 200


async def test_ipv4_clients_are_still_limited_each_by_its_own_address(make_client: AppFactory) -> None:
    client = await make_client(auth=BEHIND_PROXY)
    await add_user(client, "feng", Role.AGENT)
    for _ in range(5):
        assert await attempt(client, "feng", "guess", "203.0.113.20") == 401
    assert await attempt(client, "feng", PASSWORD, "203.0.113.20") == 429
    assert await attempt(client, "feng", PASSWORD, "::ffff:203.0.113.20") == 429  # IPv4-mapped: the same client
    assert await attempt(client, "feng", PASSWORD, "203.0.113.21") == 200  # its neighbour is someone else


async def test_many_addresses_guessing_an_account_cannot_lock_its_user_out_where_they_signed_in_before(
    make_client: AppFactory,
) -> None:
    client = await make_client(auth=BEHIND_PROXY)
    await add_user(client, "manager", Role.MANAGER)
    assert await attempt(client, "manager", PASSWORD, "198.51.100.7") == 200  # the office, yesterday
    # Ten addresses, five guesses each: the account's 50 failures within the window are used up.
    guesses = [await attempt(client, "manager", f"guess-{n}", f"203.0.113.{n // 5 + 1}") for n in range(50)]
    assert guesses == [401] * 50
    # From anywhere else guessing stays held back, the right password unchecked too.
    assert await attempt(client, "manager", "guess-50", "203.0.113.11") == 429
    response = await client.post(
        "/api/login",
        json={"username": "manager", "password": PASSWORD},
        headers={"X-Forwarded-For": "192.0.2.44"},
    )
    assert response.status == 429
    assert 850 <= int(response.headers["Retry-After"]) <= 900
    client.session.cookie_jar.clear()
    # The manager, at the office, signs in, again and again.
    assert [await attempt(client, "manager", PASSWORD, "198.51.100.7") for _ in range(3)] == [200] * 3
    # The office is still held by its own limit: five typos there, and then it waits too.
    assert [await attempt(client, "manager", "typo", "198.51.100.7") for _ in range(5)] == [401] * 5
    assert await attempt(client, "manager", PASSWORD, "198.51.100.7") == 429


async def test_an_address_is_known_only_to_the_user_who_signed_in_there_and_by_its_ipv6_network(
    make_client: AppFactory,
) -> None:
    client = await make_client(auth=AuthSettings(trusted_proxies=("127.0.0.1/32",), login_limit_per_user=10))
    await add_user(client, "manager", Role.MANAGER)
    await add_user(client, "li", Role.AGENT)
    assert await attempt(client, "manager", PASSWORD, "2001:db8:dd:1::5") == 200
    assert await attempt(client, "li", PASSWORD, "198.51.100.8") == 200
    guesses = [await attempt(client, "manager", "guess", f"203.0.113.{n // 5 + 1}") for n in range(10)]
    assert guesses == [401] * 10
    # The manager's phone took a new address of the same /64: still the network they signed in from.
    assert await attempt(client, "manager", PASSWORD, "2001:db8:dd:1:aaaa:bbbb:cccc:1") == 200
    # Another /64, and the address li signs in from, are not the manager's.
    assert await attempt(client, "manager", PASSWORD, "2001:db8:dd:2::5") == 429
    assert await attempt(client, "manager", PASSWORD, "198.51.100.8") == 429
    assert await attempt(client, "li", PASSWORD, "198.51.100.8") == 200


async def test_remembering_addresses_can_be_turned_off(make_client: AppFactory) -> None:
    strict = AuthSettings(trusted_proxies=("127.0.0.1/32",), login_limit_per_user=10, login_known_address_seconds=0)
    client = await make_client(auth=strict)
    await add_user(client, "manager", Role.MANAGER)
    assert await attempt(client, "manager", PASSWORD, "198.51.100.7") == 200
    assert [await attempt(client, "manager", "guess", f"203.0.113.{n // 5 + 1}") for n in range(10)] == [401] * 10
    assert await attempt(client, "manager", PASSWORD, "198.51.100.7") == 429


async def test_failures_of_others_behind_one_office_address_do_not_lock_out_who_signed_in_there_before(
    make_client: AppFactory,
) -> None:
    client = await make_client(auth=BEHIND_PROXY)
    await add_user(client, "sup", Role.SUPERVISOR)
    await add_user(client, "newcomer", Role.AGENT)
    office = "203.0.113.50"  # a call centre behind one NAT address
    assert await attempt(client, "sup", PASSWORD, office) == 200
    assert [await attempt(client, f"user{n % 7}", "123456789", office) for n in range(20)] == [401] * 20
    # The address is held for anyone who never signed in from it, the right password unchecked too.
    assert await attempt(client, "user7", "123456789", office) == 429
    assert await attempt(client, "newcomer", PASSWORD, office) == 429
    # Whoever signed in there before still gets in.
    assert [await attempt(client, "sup", PASSWORD, office) for _ in range(3)] == [200] * 3
    # Held only by their own limit there: five wrong passwords, and then the account waits too.
    assert [await attempt(client, "sup", "typo", office) for _ in range(5)] == [401] * 5
    assert await attempt(client, "sup", PASSWORD, office) == 429
    assert await attempt(client, "user0", "123456789", office) == 429


async def test_failures_spread_over_forms_of_a_username_count_as_one_username(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "admin", Role.MANAGER)
    # Every form finds the same account at sign-in, so every form spends its guesses.
    forms = ["Admin", "ＡＤＭＩＮ", "admin ", "ADMIN", "ａｄｍｉｎ"]
    assert [await attempt(client, form, "guess") for form in forms] == [401] * 5
    assert await attempt(client, "admin", PASSWORD) == 429
    assert await attempt(client, "Ａｄｍｉｎ", PASSWORD) == 429


async def test_many_addresses_spreading_forms_of_a_username_hit_the_accounts_limit(make_client: AppFactory) -> None:
    client = await make_client(auth=AuthSettings(trusted_proxies=("127.0.0.1/32",), login_limit_per_user=4))
    await add_user(client, "boss", Role.MANAGER)
    forms = ["Boss", "ＢＯＳＳ", " boss", "BOSS"]
    guesses = [await attempt(client, form, "guess", f"203.0.113.{n + 1}") for n, form in enumerate(forms)]
    assert guesses == [401] * 4
    assert await attempt(client, "ｂｏｓｓ", PASSWORD, "203.0.113.9") == 429
    assert await attempt(client, "boss", PASSWORD, "198.51.100.9") == 429
