"""JSON text on the hot path, by orjson (a C codec): a conversation's state is written and read
with every message, and every reply is a JSON frame."""

from __future__ import annotations

from typing import Any

import orjson

# Integer and enum keys become strings, as the standard library's encoder makes them.
_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> str:
    """Compact JSON text with Chinese as UTF-8 rather than ``\\uXXXX`` escapes (half the size)."""
    return orjson.dumps(value, option=_OPTIONS).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)
