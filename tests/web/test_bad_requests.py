"""Malformed input to the staff API is a clear 4xx, never a 500: a lone surrogate (no database
stores one), JSON nested past any use, an unknown charset, an id no row can have, a date no time
zone can convert, and text longer than anyone writes or holding a NUL."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.staff import add_user, sign_in

JSON = {"Content-Type": "application/json"}


async def signed_in_manager(make_client: AppFactory) -> tuple[Any, str]:
    """A client signed in as a manager, and its CSRF token."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    return client, await sign_in(client, "boss")


async def test_a_sign_in_with_a_lone_surrogate_deep_nesting_or_another_charset_is_refused_clearly(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    surrogate = b'{"username": "\\ud800", "password": "x"}'
    deep = b'{"username": ' + b"[" * 100_000 + b"]" * 100_000 + b', "password": "x"}'
    for body, headers, status in (
        (surrogate, JSON, 400),
        (deep, JSON, 400),
        (b'{"username": "a", "password": "b"}', {"Content-Type": "application/json; charset=nosuch"}, 415),
    ):
        response = await client.post("/api/login", data=body, headers=headers)
        assert response.status == status, await response.text()
        assert "error" in await response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/conversations/99999999999999999999",
        "/api/conversations/１２",
        "/api/rules/99999999999999999999",
        "/api/standards/phrases/versions/99999999999999999999",
    ],
)
async def test_an_id_no_row_can_have_is_not_found(make_client: AppFactory, path: str) -> None:
    client, _ = await signed_in_manager(make_client)
    response = await client.get(path)
    assert response.status == 404, await response.text()


@pytest.mark.parametrize(
    "path",
    [
        "/api/reports?from=0001-01-01",
        "/api/reports?from=9999-12-30",
        "/api/audit?from=9999-12-31T23:59:59-23:59",
        "/api/audit?before=99999999999999999999",
    ],
)
async def test_a_date_or_cursor_out_of_range_is_a_bad_request(make_client: AppFactory, path: str) -> None:
    client, _ = await signed_in_manager(make_client)
    response = await client.get(path)
    assert response.status == 400, await response.text()


@pytest.mark.parametrize("text", ["好" * 100_000, "您好\x00"])
async def test_a_note_too_long_or_holding_a_nul_is_refused(make_client: AppFactory, text: str) -> None:
    client, csrf = await signed_in_manager(make_client)
    response = await client.post("/api/canned-replies", json={"text": text}, headers={"X-CSRF-Token": csrf})
    assert response.status == 400, await response.text()
