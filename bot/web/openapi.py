"""The HTTP API described as OpenAPI 3.1, built from the router: every ``/api/`` route with its
method, path parameters, the roles that may call it (``requires``), the pydantic model its handler
reads the body with (``documented``) and the first line of its docstring."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel

Handler = TypeVar("Handler", bound=Callable[..., Any])
_OPERATION = "openapi_operation"
ROLES = "staff_roles"
"""The key under which ``requires`` leaves the roles on a handler."""
_PATH_PARAMETER = re.compile(r"{(\w+)}")
_SAFE = {"GET", "HEAD", "OPTIONS"}
_ROUTE_IN_DOCSTRING = re.compile(r"^``[A-Z]+ [^`]*``\s*(?:\{[^}]*\}(?:\s*or\s*\{[^}]*\})?\??\s*)?(?:as JSON)?:?\s*")
"""A docstring's opening "``POST /api/x`` {field, other}:" names what the document already says."""


@dataclass(frozen=True, slots=True)
class Operation:
    body: type[BaseModel] | None = None
    answer: type[BaseModel] | None = None
    status: int = 200


def documented(
    body: type[BaseModel] | None = None, answer: type[BaseModel] | None = None, status: int = 200
) -> Callable[[Handler], Handler]:
    """Name the models a handler reads its body with and answers with, for the document."""

    def mark(handler: Handler) -> Handler:
        handler.__dict__[_OPERATION] = Operation(body, answer, status)
        return handler

    return mark


def _described(route: web.AbstractRoute) -> bool:
    resource = route.resource
    return (
        route.method not in ("HEAD", "*")
        and resource is not None
        and resource.canonical.startswith("/api/")
    )


def api_routes(app: web.Application) -> list[tuple[str, str]]:
    """Every (method, path) of the API the document describes."""
    return [(route.method, route.resource.canonical) for route in app.router.routes() if _described(route)]  # type: ignore[union-attr]


class _Schemas:
    """Component schemas, each model once, referenced by name."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def reference(self, model: type[BaseModel]) -> dict[str, str]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        self.components.update(schema.pop("$defs", {}))
        self.components[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(route: web.AbstractRoute, schemas: _Schemas) -> dict[str, Any]:
    handler = route.handler
    marked: Operation = handler.__dict__.get(_OPERATION) or Operation()
    roles: list[str] | None = handler.__dict__.get(ROLES)
    doc = inspect.getdoc(handler) or ""
    path = route.resource.canonical  # type: ignore[union-attr]
    words = re.sub(r"\W+", "_", path.strip("/"))
    summary = _ROUTE_IN_DOCSTRING.sub("", doc.split("\n\n")[0].replace("\n", " "))
    operation: dict[str, Any] = {
        "operationId": f"{route.method.lower()}_{words}",
        "summary": summary[:1].upper() + summary[1:],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PATH_PARAMETER.findall(path)
        ],
    }
    if roles is not None:
        operation["security"] = [{"staffSession": []}]
        operation["x-roles"] = roles
        if route.method not in _SAFE:
            operation["parameters"].append(
                {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"}}
            )
    if marked.body is not None:
        operation["requestBody"] = {"required": True, **_json(schemas.reference(marked.body))}
    answer = _json(schemas.reference(marked.answer)) if marked.answer is not None else _json({"type": "object"})
    error = _json({"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]})
    operation["responses"] = {str(marked.status): {"description": "done", **answer}}
    if marked.body is not None:
        operation["responses"]["400"] = {"description": "the body is not valid; the error names the field", **error}
    if roles is not None:
        operation["responses"]["401"] = {"description": "not signed in", **error}
        operation["responses"]["403"] = {"description": "another role is needed, or the CSRF header is wrong", **error}
    return operation


def openapi_document(app: web.Application, title: str, version: str) -> dict[str, Any]:
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for route in app.router.routes():
        if _described(route):
            paths.setdefault(route.resource.canonical, {})[route.method.lower()] = _operation(route, schemas)  # type: ignore[union-attr]
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {
                "staffSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "bot_session",
                    "description": "Set by POST /api/login; state-changing requests also need X-CSRF-Token.",
                }
            },
        },
    }
