"""JSON text on the hot path, by orjson (a C codec): a conversation's state is written and read
with every message, and every reply is a JSON frame. And the one strict reader of what clients
send: HTTP bodies and the frames of both websockets (the web chat's and the staff consoles')."""

from __future__ import annotations

import json
from typing import Any

import orjson

# Integer and enum keys become strings, as the standard library's encoder makes them.
_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> str:
    """Compact JSON text with Chinese as UTF-8 rather than ``\\uXXXX`` escapes (half the size)."""
    return orjson.dumps(value, option=_OPTIONS).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


class NotStrictJson(ValueError):
    """JSON text a client sent that is not read; the message says why, for the client."""


class _RepeatedName(Exception):
    pass


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _RepeatedName
    return found


def strict_loads(data: str | bytes, subject: str = "the body") -> Any:
    """``data`` read as strict JSON (orjson): no NaN or Infinity, no number too large for a double
    (``1e999999``), no lone surrogate ("\\ud800", which no database can store), no nesting deeper
    than 1024 (nor than the interpreter's stack allows), no integer of over 4300 digits, and no
    name twice in one object (readers disagree on which one counts).

    Raises :class:`NotStrictJson` saying what is wrong of ``subject`` ("the body must be JSON",
    "a frame must be JSON"); never anything else, whatever the text."""
    try:
        payload = orjson.loads(data)
    except (orjson.JSONDecodeError, UnicodeDecodeError) as error:
        raise NotStrictJson(f"{subject} must be JSON") from error
    if isinstance(payload, dict | list):
        # orjson keeps the last of repeated names silently: the standard library's reader sees them.
        try:
            json.loads(data, object_pairs_hook=_unique_names)
        except _RepeatedName as error:
            raise NotStrictJson(f"{subject} must be JSON with no name twice in one object") from error
        # Nesting orjson allows but the interpreter's stack does not; an integer of over 4300 digits.
        except (ValueError, RecursionError) as error:
            raise NotStrictJson(f"{subject} must be JSON") from error
    return payload
