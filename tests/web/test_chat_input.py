"""Web chat input that must never hurt: bad frames and bodies get a clear error, never a 500,
and one customer's bad text never fails another's message."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.channels.text_input import check_text
from bot.config import ServiceConfig
from bot.keys import resources
from bot.storage.models import Conversation, Message
from bot.web.responses import NotStrictJson, strict_json
from bot.web.unstorable import unstorable_at
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session, unpaced
from tests.input_strategies import JSON_VALUES, SENDABLE_CHARACTER, SHARED_APP, TEXTS

FRESH_ID = "<fresh uuid>"
MESSAGE_FRAMES = st.fixed_dictionaries(
    {"id": st.just(FRESH_ID) | JSON_VALUES, "text": TEXTS | JSON_VALUES},
    optional={"type": st.just("message") | JSON_VALUES, "extra": JSON_VALUES},
)


def _encode(frame: Any) -> tuple[str, str | None]:
    """The frame as JSON text (surrogates escaped), with a fresh UUID where asked; and that UUID."""
    fresh = None
    if isinstance(frame, dict) and frame.get("id") == FRESH_ID:
        fresh = str(uuid.uuid4())
        frame = {**frame, "id": fresh}
    return json.dumps(frame), fresh


async def _stored_texts(client: TestClient[Any, Any], client_id: str) -> list[str]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(Message.text).where(Message.provider_message_id.endswith(f":{client_id}")))
        return list(rows.scalars())


def _storable(text: object) -> bool:
    try:
        check_text(text, 2000)
    except ValueError:
        return False
    return True


async def _answer(socket: ClientWebSocketResponse) -> dict[str, Any]:
    """The server's answer to the last frame: its ack or error (message frames are skipped)."""
    while True:
        message = await asyncio.wait_for(socket.receive(), 10)
        assert message.type is WSMsgType.TEXT, f"socket ended: {message.type} {message.data!r}"
        frame = message.json()
        if frame.get("type") in ("ack", "error"):
            return frame


async def _assert_answer_matches(
    client: TestClient[Any, Any], frame: Any, fresh: str | None, answer: dict[str, Any]
) -> None:
    """An ack exactly for a well-formed message with storable text, stored as sent; else an error."""
    acceptable = (
        isinstance(frame, dict)
        and frame.get("type", "message") == "message"
        and fresh is not None
        and _storable(frame.get("text"))
    )
    if answer["type"] == "ack":
        assert acceptable and answer["id"] == fresh
        assert await _stored_texts(client, answer["id"]) == [frame["text"]]
    else:
        assert answer["message"] and not acceptable, answer
        if fresh is not None:
            assert await _stored_texts(client, fresh) == []


@pytest.fixture
async def chat(make_client: AppFactory, service_config: ServiceConfig) -> tuple[TestClient[Any, Any], str]:
    client = await make_client(config=unpaced(service_config))  # hundreds of frames on one socket
    token, _ = await new_session(client)
    return client, token


@SHARED_APP
@given(frame=MESSAGE_FRAMES | JSON_VALUES)
async def test_any_json_frame_is_acknowledged_and_stored_or_refused_with_a_reason(
    chat: tuple[TestClient[Any, Any], str], frame: Any
) -> None:
    client, token = chat
    socket = await client.ws_connect(f"/chat/ws?token={token}")
    try:
        raw, fresh = _encode(frame)
        await socket.send_str(raw)
        answer = await _answer(socket)
        try:
            strict_json(raw.encode())
        except NotStrictJson:  # "extra": Infinity beside a good message: the frame is refused whole
            assert answer == {"type": "error", "message": "a frame must be JSON"}, answer
            if fresh is not None:
                assert await _stored_texts(client, fresh) == []
            return
        await _assert_answer_matches(client, frame, fresh, answer)
    finally:
        await socket.close()


@SHARED_APP
@given(raw=st.text(alphabet=SENDABLE_CHARACTER, max_size=60))
async def test_any_text_frame_gets_an_answer_and_the_socket_stays_open(
    chat: tuple[TestClient[Any, Any], str], raw: str
) -> None:
    client, token = chat
    socket = await client.ws_connect(f"/chat/ws?token={token}")
    try:
        await socket.send_str(raw)
        answer = await _answer(socket)
        if answer["type"] == "ack":
            assert await _stored_texts(client, answer["id"]) == [json.loads(raw)["text"]]
        message_id = str(uuid.uuid4())
        await socket.send_json({"type": "message", "id": message_id, "text": "还在吗"})
        assert await _answer(socket) == {"type": "ack", "id": message_id}
    finally:
        await socket.close()


@SHARED_APP
@given(
    frame=MESSAGE_FRAMES | JSON_VALUES,
    content_type=st.sampled_from(
        ["application/json", "application/json; charset=utf-8", "application/json; charset=no-such", "text/plain", None]
    ),
)
async def test_any_http_message_body_is_stored_or_refused_never_a_500(
    chat: tuple[TestClient[Any, Any], str], frame: Any, content_type: str | None
) -> None:
    client, token = chat
    raw, fresh = _encode(frame)
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    response = await client.post("/chat/messages", data=raw.encode(), headers=headers)
    body = await response.json()
    if "no-such" in (content_type or ""):
        assert (response.status, body) == (415, {"error": "send JSON as UTF-8"})
        return
    try:
        strict_json(raw.encode())
    except NotStrictJson:  # NaN, a lone surrogate, a name twice: refused before any field is read
        assert response.status == 400 and body["error"].startswith("the body must be JSON"), body
        return
    assert response.status in (200, 400), body
    if unstorable_at(json.loads(raw)) is not None:  # a NUL in any name or string, "extra"'s too
        assert response.status == 400 and body["error"], body  # named where, or refused as no message first
        return
    answer = {"type": "error", "message": body["error"]} if response.status == 400 else body
    await _assert_answer_matches(client, frame, fresh, answer)


@SHARED_APP
@given(body=st.binary(max_size=60))
async def test_any_http_body_bytes_get_an_answer_never_a_500(
    chat: tuple[TestClient[Any, Any], str], body: bytes
) -> None:
    client, token = chat
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    response = await client.post("/chat/messages", data=body, headers=headers)
    assert response.status in (200, 400), await response.text()


@SHARED_APP
@given(after=st.text(alphabet=SENDABLE_CHARACTER, max_size=25) | st.integers(min_value=0, max_value=10**40).map(str))
async def test_any_after_gives_messages_or_400(chat: tuple[TestClient[Any, Any], str], after: str) -> None:
    client, token = chat
    response = await client.get("/chat/messages", params={"after": after}, headers={"Authorization": f"Bearer {token}"})
    valid = after == "" or (after.isascii() and after.isdigit() and int(after) < 2**63)
    assert response.status == (200 if valid else 400), await response.text()


@pytest.mark.parametrize("after", ["²", "1²", "٣", "9" * 40, str(2**63), "-1", " 1"])
async def test_after_that_is_not_a_message_id_is_refused(chat: tuple[TestClient[Any, Any], str], after: str) -> None:
    client, token = chat
    response = await client.get("/chat/messages", params={"after": after}, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 400
    assert "after" in (await response.json())["error"]


async def test_one_client_looping_bad_texts_never_fails_other_customers_messages(make_client: AppFactory) -> None:
    client = await make_client()
    bad_token, _ = await new_session(client)
    bad = await client.ws_connect(f"/chat/ws?token={bad_token}")
    bad_answers: list[dict[str, Any]] = []
    stop = asyncio.Event()

    closed_with: list[int] = []

    async def loop_bad_texts() -> None:
        # Raw frame text: the JSON escapes reach the server as NUL and as a lone surrogate.
        texts = ['"\\u0000"', '"\\ud800"', '"ok\\u0000ok"', '"\\udfff\\u200b"']
        while not stop.is_set():
            for text in texts:
                await bad.send_str(f'{{"type": "message", "id": "{uuid.uuid4()}", "text": {text}}}')
                message = await asyncio.wait_for(bad.receive(), 10)
                if message.type is WSMsgType.CLOSE:
                    closed_with.append(message.data)  # a socket that never stops is let go
                    return
                assert message.type is WSMsgType.TEXT
                if message.json().get("type") in ("ack", "error"):
                    bad_answers.append(message.json())

    async def bystander() -> ChatSocket:
        token, _ = await new_session(client)
        socket = await ChatSocket.open(client, token)
        await socket.until_bot_says("下午好")
        sent = [await socket.send(f"小区电梯坏了,停了一上午({n})") for n in range(3)]
        for message_id in sent:
            await socket.until_acked(message_id, timeout=30)
        await socket.until_bot_says("电话", timeout=30)
        return socket

    looping = asyncio.create_task(loop_bad_texts())
    try:
        sockets = await asyncio.gather(*(bystander() for _ in range(12)))
    finally:
        stop.set()
        await looping
    assert len(bad_answers) >= 4
    assert all(answer["type"] == "error" for answer in bad_answers), bad_answers
    assert closed_with in ([], [1008])  # refused frames without end close the socket, never anything else
    for socket in sockets:
        await socket.close()
    await bad.close()
    async with resources(client.app).sessions() as session:
        stored = (await session.execute(select(func.count()).where(Message.direction == "in"))).scalar_one()
    assert stored == 12 * 3


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"locale": NaN}', "the body must be JSON"),
        (b'{"locale": 1e999999}', "the body must be JSON"),
        (b'{"locale": "zh-CN", "locale": "en"}', "the body must be JSON with no name twice in one object"),
        (b'{"locale": "\\ud800"}', "the body must be JSON"),
        (b'{"locale": "' + b"z" * 36 + b'"}', "'locale' must be a string of at most 35 characters"),
        (b'{"locale": 5}', "'locale' must be a string of at most 35 characters"),
        (b'{"token": "' + b"t" * 65 + b'"}', "'token' must be a string of at most 64 characters"),
        (b'{"token": ["t"]}', "'token' must be a string of at most 64 characters"),
    ],
)
async def test_a_session_body_that_is_not_strict_json_or_has_a_field_too_long_is_refused_and_starts_nothing(
    make_client: AppFactory, body: bytes, error: str
) -> None:
    client = await make_client()
    response = await client.post("/chat/session", data=body, headers={"Content-Type": "application/json"})
    assert (response.status, await response.json()) == (400, {"error": error})
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Conversation))).scalar_one() == 0
    # A session asked for plainly still starts.
    assert (await client.post("/chat/session", json={"locale": "zh-Hant-TW"})).status == 201


async def test_a_session_body_far_larger_than_any_message_is_refused_unread(make_client: AppFactory) -> None:
    client = await make_client()
    body = b'{"locale": "' + b"z" * 900_000 + b'"}'
    response = await client.post("/chat/session", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 413
    assert (await response.json())["error"].startswith("the body is larger than")


async def test_a_message_body_with_a_name_twice_is_refused_not_stored(chat: tuple[TestClient[Any, Any], str]) -> None:
    client, token = chat
    message_id = str(uuid.uuid4())
    body = f'{{"id": "{message_id}", "text": "电梯坏了", "text": "没事了"}}'.encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    response = await client.post("/chat/messages", data=body, headers=headers)
    assert (response.status, await response.json()) == (
        400,
        {"error": "the body must be JSON with no name twice in one object"},
    )
    assert await _stored_texts(client, message_id) == []


def _frame_with(message_id: str, tail: str) -> str:
    return f'{{"type": "message", "id": "{message_id}", "text": "小区电梯坏了"{tail}}}'


@pytest.mark.parametrize(
    ("tail", "error"),
    [
        (', "x": ' + "9" * 20_000, "a frame must be JSON"),
        (', "x": NaN', "a frame must be JSON"),
        (', "x": 1e999999', "a frame must be JSON"),
        (', "text": "没事了"', "a frame must be JSON with no name twice in one object"),
        (', "x": ' + "[" * 1_500 + "]" * 1_500, "a frame must be JSON"),
        (', "x": ' + "[" * 1_000 + "]" * 1_000, "a frame must be JSON"),
    ],
    ids=["20000 digits", "NaN", "1e999999", "text twice", "nested 1500 deep", "nested 1000 deep"],
)
async def test_a_frame_the_http_body_reader_refuses_is_answered_the_same_and_the_socket_stays(
    chat: tuple[TestClient[Any, Any], str], caplog: pytest.LogCaptureFixture, tail: str, error: str
) -> None:
    client, token = chat
    message_id = str(uuid.uuid4())
    raw = _frame_with(message_id, tail)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    response = await client.post("/chat/messages", data=raw.encode(), headers=headers)
    assert (response.status, await response.json()) == (400, {"error": error.replace("a frame", "the body")})
    socket = await client.ws_connect(f"/chat/ws?token={token}")
    try:
        await socket.send_str(raw)
        assert await _answer(socket) == {"type": "error", "message": error}
        assert await _stored_texts(client, message_id) == []
        # The socket is kept, and the same message sent plainly is stored.
        await socket.send_str(_frame_with(message_id, ""))
        assert await _answer(socket) == {"type": "ack", "id": message_id}
        assert await _stored_texts(client, message_id) == ["小区电梯坏了"]
    finally:
        await socket.close()
    assert [record.getMessage() for record in caplog.records if record.levelname == "ERROR"] == []
