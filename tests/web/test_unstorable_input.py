"""A NUL (which PostgreSQL cannot store) in anything a client sends the HTTP API is a clear 400
naming where it is, never a 500 nor a row holding it: in each string of every documented body,
in a name of a body, in a query parameter or a path segment of every route, and in a header. A
sign-in refused for one is still a failed sign-in: audited, and counted against its limits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import yaml
from aiohttp import FormData
from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import User
from bot.web.openapi import openapi_document
from tests.audit.support import attempt, logged
from tests.conftest import AppFactory
from tests.helpers import new_session
from tests.media.images import photo
from tests.media.uploads import claimed_case
from tests.staff import add_user, sign_in

NUL = "a\x00b"
PATH_VALUES = {"section": "phrases", "version": "1"}
QUERY_NAMES = (
    "actor", "action", "target", "from", "to", "before", "after", "limit", "q", "locale", "queue", "category",
    "channel", "group_by", "day", "hours", "case", "format", "messages", "timeline", "status", "token",
)  # fmt: skip
"""The query parameters the API reads (any other one is refused alike)."""


def _resolved(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _types(schema: dict[str, Any], components: dict[str, Any]) -> set[str]:
    """The JSON types a property takes ("any" for a property of any type)."""
    schema = _resolved(schema, components)
    if "anyOf" in schema:
        return set().union(*(_types(option, components) for option in schema["anyOf"]))
    if "enum" in schema or "const" in schema:
        choices = schema.get("enum", [schema.get("const")])
        return {"string"} if all(isinstance(value, str) for value in choices) else set()
    return {schema["type"]} if "type" in schema else {"any"}


def nul_bodies(body_schema: dict[str, Any], components: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """A body with a NUL in one place, and the field the refusal must name: each string property,
    each list's item, each object's value, and a name of the body itself."""
    for name, schema in _resolved(body_schema, components).get("properties", {}).items():
        types = _types(schema, components)
        if types & {"string", "any"}:
            yield {name: NUL}, name
        if "array" in types:
            yield {name: ["ok", NUL]}, f"{name}.1"
        if types & {"object", "any"}:
            yield {name: {"inner": [NUL]}}, f"{name}.inner.0"
    yield {NUL: "x"}, "a\\u0000b"


async def _conversation(client: Any) -> int:
    _, conversation_id = await new_session(client)
    return int(conversation_id)


async def _account_id(client: Any, username: str) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(User.id).where(User.username == username))).scalar_one())


async def test_every_documented_body_refuses_a_nul_in_each_of_its_strings_and_names(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    csrf = await sign_in(client, "boss")
    values = PATH_VALUES | {"id": str(await _conversation(client))}
    reply = {"title": "问候", "text": "您好"}
    added = await client.post("/api/canned-replies", json=reply, headers={"X-CSRF-Token": csrf})
    assert added.status in (200, 201), await added.text()
    ids = {"/api/users/": await _account_id(client, "boss"), "/api/canned-replies/": (await added.json())["id"]}
    document = openapi_document(client.app, "test", "0")
    components = document["components"]["schemas"]
    tried: set[str] = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation or path == "/api/login":
                continue
            owner = next((str(found) for prefix, found in ids.items() if path.startswith(prefix)), values["id"])
            url = path.format(**(values | {"id": owner}))
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            for body, field in nul_bodies(schema, components):
                response = await client.request(method, url, json=body, headers={"X-CSRF-Token": csrf})
                answer = await response.json()
                assert (response.status, answer.get("field"), answer.get("code")) == (
                    400,
                    field,
                    "unstorable_character",
                ), f"{method.upper()} {path} {body!r}: {response.status} {answer}"
                assert "NUL" in answer["error"]
            tried.add(f"{method.upper()} {path}")
    # the routes the pen test named, and a route of each body model kind, were walked
    assert {
        "POST /api/users",
        "POST /api/conversations/{id}/transfer",
        "POST /api/conversations/{id}/messages",
        "PUT /api/rules",
        "PUT /api/standards/{section}",
        "POST /api/canned-replies",
    } <= tried

    async with resources(client.app).sessions() as session:
        names = (await session.execute(select(User.username, User.display_name))).all()
    assert all("\x00" not in f"{username}{display_name}" for username, display_name in names)


async def test_every_route_refuses_a_nul_in_a_query_parameter_or_a_path_segment(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    values = PATH_VALUES | {"id": str(await _conversation(client))}
    routes = {
        (route.method, route.resource.canonical)
        for route in client.app.router.routes()
        if route.resource is not None and route.method != "HEAD"
    }
    for method, path in sorted(routes):
        url = path.format(**values) if "{" in path else path
        for name in QUERY_NAMES:
            response = await client.request(method, url, params={name: NUL})
            answer = await response.json()
            assert (response.status, answer.get("field")) == (400, name), f"{method} {path}?{name}: {answer}"
        response = await client.request(method, url, params={NUL: "1"})
        assert (response.status, (await response.json())["field"]) == (400, "a\\u0000b"), f"{method} {path}"
        if "{" in path:
            named = path.format(**dict.fromkeys(values, "a%00b"))
            response = await client.request(method, named)
            assert response.status == 400, f"{method} {named}: {await response.text()}"
    # what the pen test found
    response = await client.get("/api/audit", params={"actor": NUL})
    assert response.status == 400
    assert (await response.json())["error"] == "'actor' must not contain a NUL character"


async def test_a_nul_in_a_header_is_the_http_parsers_bad_request(make_client: AppFactory) -> None:
    client = await make_client()
    assert client.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    writer.write(b"GET /api/session HTTP/1.1\r\nHost: x\r\nUser-Agent: a\x00b\r\nConnection: close\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.0 400") or answer.startswith(b"HTTP/1.1 400"), answer[:200]


async def test_a_sign_in_holding_a_nul_is_refused_and_audited_as_a_failed_sign_in(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)

    response = await client.post("/api/login", json={"username": "pg\x00mgr", "password": "x"})
    assert response.status == 400
    assert (await response.json())["error"] == "'username' must not contain a NUL character"
    assert await attempt(client, "boss", "correct\x00horse") == 400

    entries = await logged(client, "sign_in_failed")
    assert [(entry.actor, entry.status, entry.detail.get("field")) for entry in entries] == [
        (None, 400, "username"),  # no account has a name with a NUL: only its length is kept
        ("boss", 400, "password"),
    ]
    assert entries[0].detail["username_chars"] == len("pg\x00mgr")

    # counted as failed sign-ins: the account's limit holds the next ones back
    statuses = [await attempt(client, "boss", "wrong\x00") for _ in range(30)]
    assert 429 in statuses, statuses


async def test_a_form_field_of_an_upload_holding_a_nul_is_refused(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, token, conversation_id = await claimed_case(client, "li.agent")
    for url, field, headers in (
        (f"/api/conversations/{conversation_id}/photos", "caption", {"X-CSRF-Token": csrf}),
        ("/chat/media", "id", {"Authorization": f"Bearer {token}"}),
    ):
        form = FormData()
        form.add_field(field, NUL)
        form.add_field("file", photo(), filename="photo.jpg", content_type="image/jpeg")
        response = await client.post(url, data=form, headers=headers)
        answer = await response.json()
        assert (response.status, answer.get("field"), answer.get("code")) == (400, field, "unstorable_character"), url


def _string_leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(dotted path, the dict or list holding it, its key) of every string in ``value``."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, inner in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(inner, str):
            yield where, value, key
        else:
            yield from _string_leaves(inner, where)


async def test_a_standard_imported_as_yaml_writing_a_nul_by_its_escape_is_refused(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    csrf = await sign_in(client, "boss")
    exported = await client.get("/api/standards/phrases", params={"format": "yaml"})
    section = yaml.safe_load(await exported.text())
    place, holder, key = max(_string_leaves(section), key=lambda leaf: len(leaf[1][leaf[2]]))  # a phrase's text
    holder[key] += "\x00"
    written = yaml.safe_dump(section, allow_unicode=True)
    assert "\\0" in written  # YAML's escape: the JSON body itself holds no NUL
    response = await client.put("/api/standards/phrases", json={"yaml": written}, headers={"X-CSRF-Token": csrf})
    answer = await response.json()
    assert (response.status, answer.get("field"), answer.get("code")) == (
        400,
        f"yaml:{place}",
        "unstorable_character",
    ), answer
