"""Text no database can store, refused where every HTTP route reads what a client sends: a NUL
(PostgreSQL's ``text`` and ``jsonb`` refuse it, failing the request's statement; SQLite would keep
it) and an unpaired surrogate (no UTF-8 column holds one).

Two places see it all: :func:`bot.web.responses.json_body`, the one reader of JSON bodies (the
staff API's and the web chat's), refuses a body holding one in any name or string, nested or
not (and ``bot.media.uploads.read_upload`` in a photo upload's form fields); and
:func:`refuse_unstorable`, a middleware, refuses a query parameter or a path segment
holding one, before any route runs. Both answer ``400`` naming where (``{"error": "'username'
must not contain a NUL character", "field": "username", "code": "unstorable_character"}``).
Headers are the HTTP parser's: a NUL in one is its ``400`` before the app sees the request. A
provider's webhook body (a form, XML, Telegram's JSON) is cleaned instead
(``bot.channels.text_input``): a provider cannot fix a message and retries what was refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
CODE = "unstorable_character"
"""The error's ``code``, for the consoles to say it in the staff's language."""


def has_unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


def shown(text: str) -> str:
    """``text`` with what no database stores written as an escape (``a\\u0000b``): a name in an error."""
    return UNSTORABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def unstorable_at(value: Any) -> str | None:
    """Where the first name or string in ``value`` (a JSON value) holding what no database stores is,
    as a dotted path ("username", "rules.0.name", "body" for ``value`` itself); None when nowhere.
    Walked without recursion: a body may be nested as deep as its reader allows."""
    pending: list[tuple[tuple[str, ...], Any]] = [((), value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if has_unstorable(item):
                return ".".join(path) or "body"
        elif isinstance(item, dict):
            for name in item:
                if has_unstorable(name):
                    return ".".join((*path, shown(name)))
            pending.extend(((*path, name), inner) for name, inner in reversed(item.items()))
        elif isinstance(item, list):
            pending.extend(((*path, str(index)), inner) for index, inner in reversed(list(enumerate(item))))
    return None


class Unstorable(web.HTTPBadRequest):
    """The ``400`` for what no database stores (the sign-in catches it: still a failed sign-in)."""


def refusal(where: str, text: str | None = None) -> Unstorable:
    """``400`` saying that ``where`` holds what no database stores (a NUL unless ``text`` shows a surrogate)."""
    what = "a NUL character" if text is None or "\x00" in text else "an unpaired surrogate (not valid Unicode)"
    body = {"error": f"'{where}' must not contain {what}", "field": where, "code": CODE}
    return Unstorable(text=json.dumps(body, ensure_ascii=False), content_type="application/json")


@web.middleware
def refuse_unstorable(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
    """The middleware: a query parameter (its name or value) or a path segment holding what no
    database stores is a ``400`` before the route runs."""
    if has_unstorable(request.query_string) or has_unstorable(request.path):
        for name, value in request.query.items():
            if has_unstorable(name) or has_unstorable(value):
                raise refusal(shown(name), name + value)
        raise refusal("path")
    return handler(request)
