"""Telegram webhook input that must never hurt: whatever is posted gets 200 (stored, or
ignored so Telegram stops retrying) or 400 (not an update), never a 500, nothing half-stored."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.channels.text_input import TRUNCATION_MARK, clean_text, is_blank
from bot.config import load_config
from bot.json_text import NotStrictJson, strict_loads
from bot.keys import resources
from bot.settings import PROJECT_ROOT, TelegramBotSettings
from bot.storage.models import ChannelIdentity, Customer, Message
from tests.channels.telegram_helpers import SECRET, TOKEN, update
from tests.conftest import AppFactory
from tests.input_strategies import ANY_CHARACTER, JSON_VALUES, PROVIDER_TEXTS, SHARED_APP, UNSTORABLE

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
LIMIT = load_config(PROJECT_ROOT / "config").channels.max_provider_text_chars
UPDATE_IDS = itertools.count(1000)
# Paths to the fields of an update the bot reads, for putting anything there.
FIELDS = [
    ("message",),
    ("message", "chat"),
    ("message", "chat", "id"),
    ("message", "from"),
    ("message", "from", "first_name"),
    ("message", "from", "last_name"),
    ("message", "from", "language_code"),
    ("message", "text"),
    ("message", "caption"),
    ("message", "date"),
    ("message", "photo"),
    ("message", "voice"),
    ("message", "location"),
    ("message", "location", "latitude"),
]


async def _telegram_app(make_client: AppFactory) -> TestClient[Any, Any]:
    # Nothing is delivered in these tests: the Bot API address is never called.
    return await make_client(telegram=TelegramBotSettings(TOKEN, SECRET, "http://127.0.0.1:9"))


@pytest.fixture
async def client(make_client: AppFactory) -> TestClient[Any, Any]:
    return await _telegram_app(make_client)


async def _stored(client: TestClient[Any, Any], update_id: int) -> list[str]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(Message.text).where(Message.provider_message_id == f"update:{update_id}"))
        return list(rows.scalars())


async def _count(client: TestClient[Any, Any], model: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


def _expected_text(text: str) -> str | None:
    cleaned = clean_text(text)
    if is_blank(cleaned):
        return None
    return cleaned if len(cleaned) <= LIMIT else cleaned[: LIMIT - 1] + TRUNCATION_MARK


def _strict_json(text: str) -> bool:
    """Whether the one strict reader reads ``text`` (as the webhook does, lone surrogates too)."""
    try:
        strict_loads(text, lone_surrogates=True)
    except NotStrictJson:
        return False
    return True


def _with(payload: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    target = payload
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return payload


@pytest.mark.parametrize("message", ["电梯坏了", ["电梯坏了"], 5, 1.5, True, {}, {"text": "电梯坏了"}])
async def test_a_message_that_is_not_a_message_object_is_acknowledged_and_ignored(
    client: TestClient[Any, Any], message: Any
) -> None:
    response = await client.post("/channels/telegram", json={"update_id": 1, "message": message}, headers=HEADERS)
    assert response.status == 200 and await response.json() == {"ok": True}
    assert await _count(client, Message) == 0 and await _count(client, Customer) == 0


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("message", "chat", "id"), "777001"),
        (("message", "chat", "id"), 10**30),
        (("message", "chat"), "private"),
        (("message", "text"), 42),
        (("message", "text"), {"t": 1}),
        (("message", "from", "first_name"), 7),
        (("message", "from", "language_code"), ["zh"]),
        (("message", "from"), "Li"),
        (("message", "date"), "yesterday"),
        (("message", "date"), 10**20),
        (("message", "photo"), "big"),
        (("message", "location"), {"latitude": "north"}),
    ],
)
async def test_a_message_with_fields_of_the_wrong_type_is_acknowledged_and_ignored(
    client: TestClient[Any, Any], path: tuple[str, ...], value: Any
) -> None:
    response = await client.post("/channels/telegram", json=_with(update(2, "电梯坏了"), path, value), headers=HEADERS)
    assert response.status == 200
    assert await _count(client, Message) == 0 and await _count(client, Customer) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2]",
        b'{"update_id": "1"}',
        b'{"update_id": true}',
        b'{"update_id": 1e3}',
        b'{"update_id": 99999999999999999999999}',
        b"\xff\xfe{",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
async def test_a_body_that_is_not_an_update_gets_400(client: TestClient[Any, Any], body: bytes) -> None:
    response = await client.post(
        "/channels/telegram", data=body, headers={**HEADERS, "Content-Type": "application/json"}
    )
    assert response.status == 400 and "not a Telegram update" in (await response.json())["error"]


@pytest.mark.parametrize("text", ["电梯坏了", "电梯坏了\ud800"], ids=["text", "broken-emoji-text"])
@pytest.mark.parametrize(
    ("field", "why"),
    [
        ('"text": "楼上漏水", ', "name twice"),  # readers disagree on which text counts
        ('"x": NaN, ', "must be JSON"),
        ('"x": 1e999999, ', "must be JSON"),
        ('"x": ' + "9" * 5000 + ", ", "must be JSON"),
        ('"x": ' + "9" * 400 + ", ", "must be JSON"),
        ('"x": ' + "[" * 2000 + "]" * 2000 + ", ", "must be JSON"),
    ],
    ids=["repeated-name", "nan", "huge-number", "huge-integer", "integer-over-64-bits", "deep-nesting"],
)
async def test_an_update_that_is_not_strict_json_gets_400_and_the_next_one_is_heard(
    client: TestClient[Any, Any], text: str, field: str, why: str
) -> None:
    """Read as every other endpoint reads its body (a broken emoji's lone surrogate aside, which
    is cleaned as ever): a clear 400 saying why, nothing stored, and the next update heard."""
    bad, good = next(UPDATE_IDS), next(UPDATE_IDS)
    body = json.dumps(update(bad, text)).replace('"text": ', field + '"text": ', 1)
    headers = {**HEADERS, "Content-Type": "application/json"}
    response = await client.post("/channels/telegram", data=body.encode(), headers=headers)
    assert response.status == 400
    error = (await response.json())["error"]
    assert error.startswith("not a Telegram update") and why in error
    assert await _stored(client, bad) == []
    response = await client.post("/channels/telegram", json=update(good, text), headers=HEADERS)
    assert response.status == 200 and await _stored(client, good) == ["电梯坏了"]


async def test_a_body_in_an_unknown_charset_gets_400(client: TestClient[Any, Any]) -> None:
    headers = {**HEADERS, "Content-Type": "application/json; charset=no-such"}
    response = await client.post("/channels/telegram", data=json.dumps(update(3, "hi")).encode(), headers=headers)
    assert response.status == 400


async def test_a_secret_header_with_non_ascii_bytes_is_refused_not_a_500(client: TestClient[Any, Any]) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s\u00e9cret"}
    response = await client.post("/channels/telegram", json=update(4, "hi"), headers=headers)
    assert response.status == 403


async def test_text_is_stored_cleaned_cut_to_the_limit_or_not_at_all_when_blank(client: TestClient[Any, Any]) -> None:
    for update_id, text in [(10, "电梯\x00坏了\ud800"), (11, "长" * 100_000), (12, "\x00 \u200b\ud800"), (13, "")]:
        response = await client.post("/channels/telegram", json=update(update_id, text), headers=HEADERS)
        assert response.status == 200
    assert await _stored(client, 10) == ["电梯坏了"]
    [long] = await _stored(client, 11)
    assert len(long) == LIMIT and long.endswith(TRUNCATION_MARK) and long.startswith("长" * (LIMIT - 1))
    assert await _stored(client, 12) == [] and await _stored(client, 13) == []


async def test_a_long_or_unclean_sender_name_is_stored(client: TestClient[Any, Any]) -> None:
    payload = update(20, "电梯坏了")
    payload["message"]["from"].update(first_name="李" * 64 + "\x00", last_name="\ud800" + "明" * 64)
    assert (await client.post("/channels/telegram", json=payload, headers=HEADERS)).status == 200
    async with resources(client.app).sessions() as session:
        name = (await session.execute(select(Customer.display_name))).scalar_one()
    assert name is not None and name.startswith("李" * 64) and len(name) <= 100 and not UNSTORABLE.search(name)


async def test_text_and_a_name_reversed_by_direction_controls_are_stored_in_the_order_they_were_typed(
    client: TestClient[Any, Any],
) -> None:
    payload = update(21, "\u202e了坏梯电\u202c")
    payload["message"]["from"].update(first_name="\u202e明李\u202c", last_name="\u2067王\u2069")
    assert (await client.post("/channels/telegram", json=payload, headers=HEADERS)).status == 200
    assert await _stored(client, 21) == ["了坏梯电"]
    async with resources(client.app).sessions() as session:
        name = (await session.execute(select(Customer.display_name))).scalar_one()
    assert name == "明李 王"


async def test_copies_of_a_new_customers_first_update_on_two_instances_are_stored_and_answered_once(
    make_client: AppFactory,
) -> None:
    instances = [await _telegram_app(make_client), await _telegram_app(make_client)]
    for round_ in range(5):
        first = update(100 + 2 * round_, "电梯坏了")
        second = update(101 + 2 * round_, "停了一上午")
        for payload in (first, second):
            payload["message"]["chat"]["id"] = 5000 + round_
        posts = [
            instances[index % 2].post("/channels/telegram", json=payload, headers=HEADERS)
            for index, payload in enumerate([first, first, first, second])
        ]
        assert [response.status for response in await asyncio.gather(*posts)] == [200] * 4
        assert len(await _stored(instances[0], 100 + 2 * round_)) == 1
        assert len(await _stored(instances[0], 101 + 2 * round_)) == 1
    assert await _count(instances[0], ChannelIdentity) == 5 and await _count(instances[0], Customer) == 5


@SHARED_APP
@given(text=PROVIDER_TEXTS, name=st.text(alphabet=ANY_CHARACTER, min_size=1, max_size=80))
async def test_any_text_from_anyone_is_stored_cleaned_or_ignored_never_a_500(
    client: TestClient[Any, Any], text: str, name: str
) -> None:
    update_id = next(UPDATE_IDS)
    payload = update(update_id, text)
    payload["message"]["from"]["first_name"] = name
    response = await client.post("/channels/telegram", json=payload, headers=HEADERS)
    assert response.status == 200, await response.text()
    expected = _expected_text(text)
    if text.strip().split(" ")[0] == "/start":
        expected = ""
    assert await _stored(client, update_id) == ([] if expected is None else [expected])


@SHARED_APP
@given(path=st.sampled_from(FIELDS), value=JSON_VALUES, text=PROVIDER_TEXTS)
async def test_any_value_in_any_field_gives_200_or_400_never_a_500(
    client: TestClient[Any, Any], path: tuple[str, ...], value: Any, text: str
) -> None:
    update_id = next(UPDATE_IDS)
    payload = _with(update(update_id, text), path, value)
    response = await client.post("/channels/telegram", json=payload, headers=HEADERS)
    if not _strict_json(json.dumps(payload)):  # NaN, Infinity, an integer over 64 bits
        assert response.status == 400 and await _stored(client, update_id) == []
        return
    assert response.status == 200, await response.text()
    stored = await _stored(client, update_id)
    longest = resources(client.app).config.channels.max_provider_text_chars
    assert len(stored) <= 1 and not any(UNSTORABLE.search(item) or len(item) > longest for item in stored)


@SHARED_APP
@given(payload=JSON_VALUES | st.fixed_dictionaries({"update_id": JSON_VALUES}, optional={"message": JSON_VALUES}))
async def test_any_json_body_gives_200_or_400_never_a_500(client: TestClient[Any, Any], payload: Any) -> None:
    response = await client.post("/channels/telegram", json=payload, headers=HEADERS)
    is_update = (
        isinstance(payload, dict) and type(payload.get("update_id")) is int and abs(payload["update_id"]) < 2**63
    )
    assert response.status == (200 if is_update else 400), await response.text()


def _in_chat(payload: dict[str, Any], chat: dict[str, Any], sender_id: int) -> dict[str, Any]:
    payload["message"]["chat"] = chat
    payload["message"]["from"]["id"] = sender_id
    return payload


@pytest.mark.parametrize(
    "chat",
    [
        {"id": -1001234, "type": "supergroup", "title": "小区业主群"},
        {"id": -4321, "type": "group", "title": "小区业主群"},
        {"id": -1005678, "type": "channel", "title": "物业通知"},
    ],
)
async def test_messages_in_a_group_are_acknowledged_and_not_taken_as_anyones_complaint(
    client: TestClient[Any, Any], chat: dict[str, Any]
) -> None:
    said = ["电梯坏了", "13800138000", "阳光花园5栋", "对"]
    for number, text in enumerate(said):
        payload = _in_chat(update(3000 + number, text), chat, 8000 + number)
        response = await client.post("/channels/telegram", json=payload, headers=HEADERS)
        assert response.status == 200 and await response.json() == {"ok": True}
    assert await _count(client, Message) == 0 and await _count(client, Customer) == 0


def _button_press(update_id: int, chat: dict[str, Any]) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "from": {"id": 8100, "is_bot": False, "first_name": "Zhao"},
            "chat_instance": "-2",
            "data": "对",
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": chat,
                "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
                "text": "…",
            },
        },
    }


async def test_a_button_pressed_in_a_group_is_answered_and_not_taken_as_an_answer(client: TestClient[Any, Any]) -> None:
    payload = _button_press(3100, {"id": -1001234, "type": "supergroup", "title": "小区业主群"})
    response = await client.post("/channels/telegram", json=payload, headers=HEADERS)
    assert response.status == 200
    assert await response.json() == {"method": "answerCallbackQuery", "callback_query_id": "cq3100"}
    assert await _count(client, Message) == 0


async def test_a_button_pressed_in_the_private_chat_is_the_customers_answer(client: TestClient[Any, Any]) -> None:
    payload = _button_press(3101, {"id": 8100, "type": "private", "first_name": "Zhao"})
    assert (await client.post("/channels/telegram", json=payload, headers=HEADERS)).status == 200
    assert await _stored(client, 3101) == ["对"]


@pytest.mark.parametrize(
    ("latitude", "longitude", "stored"),
    [
        (31.2304, 121.4737, "[location 31.2304,121.4737]"),
        (91, 0, "[location]"),
        (-90.5, 10, "[location]"),
        (0, 181, "[location]"),
        (True, False, "[location]"),
    ],
)
async def test_a_location_off_the_earth_is_stored_without_coordinates(
    client: TestClient[Any, Any], latitude: Any, longitude: Any, stored: str
) -> None:
    update_id = next(UPDATE_IDS)
    payload = update(update_id, "")
    del payload["message"]["text"]
    payload["message"]["location"] = {"latitude": latitude, "longitude": longitude}
    # Infinity, NaN and a 400-digit number are refused with the body (test_an_update_that_is_not_strict_json…).
    body = json.dumps(payload).encode()
    response = await client.post(
        "/channels/telegram", data=body, headers={**HEADERS, "Content-Type": "application/json"}
    )
    assert response.status == 200, await response.text()
    assert await _stored(client, update_id) == [stored]
