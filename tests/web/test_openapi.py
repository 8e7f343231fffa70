"""The staff API is published as OpenAPI 3.1 at /api/openapi.json, built from the router and the
pydantic models the handlers read their bodies with: every API route is in it."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from bot.web.openapi import api_routes
from tests.conftest import AppFactory
from tests.promises.support import promised_case, staff


def _schema(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][reference.rsplit("/", 1)[1]]


async def test_every_api_route_of_the_router_is_in_the_document(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await client.get("/api/openapi.json")).status == 401  # staff only
    await staff(client, "li.agent", Role.AGENT)
    response = await client.get("/api/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document["openapi"] == "3.1.0"

    routes = api_routes(client.app)
    assert len(routes) >= 25
    for method, path in routes:
        operation = document["paths"][path][method.lower()]
        assert operation["summary"], (method, path)
        assert not operation["summary"].startswith("``"), (method, path)  # the route itself is not repeated
        if "{id}" in path:
            assert {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}} in operation[
                "parameters"
            ]
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert documented == set(routes)  # and nothing that is not a route


async def test_bodies_roles_and_the_csrf_header_are_described(make_client: AppFactory) -> None:
    client = await make_client()
    await staff(client, "li.agent", Role.AGENT)
    document = await (await client.get("/api/openapi.json")).json()

    reply = document["paths"]["/api/conversations/{id}/messages"]["post"]
    body = _schema(document, reply)
    assert body["required"] == ["text"]
    assert body["properties"]["override"]["type"] == "boolean"
    assert reply["x-roles"] == ["agent", "supervisor", "manager"]
    assert any(parameter["name"] == "X-CSRF-Token" for parameter in reply["parameters"])
    assert set(reply["responses"]) >= {"201", "400", "401", "403"}

    extend = document["paths"]["/api/conversations/{id}/extend"]["post"]
    assert extend["x-roles"] == ["supervisor", "manager"]
    hours = _schema(document, extend)["properties"]["hours"]
    assert hours["exclusiveMinimum"] == 0 and hours["maximum"] == 720

    login = document["paths"]["/api/login"]["post"]
    assert "x-roles" not in login and set(_schema(document, login)["required"]) == {"username", "password"}
    queue = document["paths"]["/api/queue"]["get"]
    assert not any(parameter["name"] == "X-CSRF-Token" for parameter in queue["parameters"])


async def test_a_body_the_model_refuses_gets_400_naming_the_field(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    headers, _ = await staff(client, "zhang.supervisor", Role.SUPERVISOR)

    for payload, named in (
        ({"hours": "3", "reason": "等配件"}, "'hours'"),
        ({"hours": 0, "reason": "等配件"}, "'hours'"),
        ({"hours": 3, "reason": "   "}, "'reason' must be a non-empty string"),
        ({"hours": 3, "reason": "\u202e\u200b"}, "'reason' must be a non-empty string"),  # shows nothing
        ({"hours": 3}, "'reason'"),
    ):
        refused = await client.post(f"/api/conversations/{conversation_id}/extend", json=payload, headers=headers)
        assert refused.status == 400, payload
        assert (await refused.json())["error"].startswith(named), payload
    extended = await client.post(
        f"/api/conversations/{conversation_id}/extend", json={"hours": 3, "reason": "等配件"}, headers=headers
    )
    assert extended.status == 200
    await socket.close()


async def test_signing_in_without_a_password_names_the_field(make_client: AppFactory) -> None:
    client = await make_client()
    response = await client.post("/api/login", json={"username": "agent"})
    assert response.status == 400
    assert (await response.json())["error"].startswith("'password'")
