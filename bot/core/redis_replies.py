"""redis-py annotates each command for its blocking and its asyncio client at once
(``Awaitable[int] | int``); :func:`awaited` says which one this code holds."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


def awaited(reply: Awaitable[T] | T) -> Awaitable[T]:
    """The asyncio client's reply, typed as the awaitable it is."""
    if not inspect.isawaitable(reply):
        raise TypeError(f"a blocking Redis client's reply where an asyncio one was expected: {reply!r}")
    return reply
