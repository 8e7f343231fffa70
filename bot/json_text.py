"""JSON text on the hot path, by orjson (a C codec): a conversation's state is written and read
with every message, and every reply is a JSON frame. And the one strict reader of what clients
send: HTTP bodies and the frames of both websockets (the web chat's and the staff consoles')."""

from __future__ import annotations

import json
import math
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


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError("a number too large for a double")
    return number


def _within_64_bits(text: str) -> int:
    number = int(text)
    if not -(2**63) <= number < 2**64:  # what orjson reads
        raise ValueError("an integer over 64 bits")
    return number


def _with_lone_surrogates(data: str | bytes) -> Any:
    """``data`` read by the standard library, which keeps a lone surrogate escape ("\\ud800")
    and is made as strict as orjson otherwise; raises ValueError or RecursionError."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return json.loads(
        text,
        object_pairs_hook=_unique_names,
        parse_constant=_refuse_constant,
        parse_float=_finite,
        parse_int=_within_64_bits,
    )


def strict_loads(data: str | bytes, subject: str = "the body", *, lone_surrogates: bool = False) -> Any:
    """``data`` read as strict JSON (orjson): no NaN or Infinity, no number too large for a double
    (``1e999999``), no lone surrogate ("\\ud800", which no database can store), no nesting deeper
    than 1024 (nor than the interpreter's stack allows), no integer of over 4300 digits, and no
    name twice in one object (readers disagree on which one counts).

    ``lone_surrogates``: a lone surrogate escape is read (a provider's webhook carrying a
    customer's broken emoji; the text is cleaned before it is stored), all else as strictly.

    Raises :class:`NotStrictJson` saying what is wrong of ``subject`` ("the body must be JSON",
    "a frame must be JSON"); never anything else, whatever the text."""
    try:
        payload = orjson.loads(data)
    except (orjson.JSONDecodeError, UnicodeDecodeError) as error:
        if not lone_surrogates:
            raise NotStrictJson(f"{subject} must be JSON") from error
        try:
            return _with_lone_surrogates(data)
        except _RepeatedName as repeated:
            raise NotStrictJson(f"{subject} must be JSON with no name twice in one object") from repeated
        except (ValueError, RecursionError) as refused:
            raise NotStrictJson(f"{subject} must be JSON") from refused
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
