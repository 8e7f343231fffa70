"""CPU spent by one call, for the tests that guard against a text that makes a finder slow for long.

Measured on the calling thread with the garbage collector held: a pytest worker that has run
thousands of tests carries a large heap and other threads, and a full collection or a neighbour's
thread must not be billed to the text under test (one CI run saw 3.1 s where the call takes 0.2)."""

from __future__ import annotations

import gc
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def cpu_seconds(call: Callable[[], object]) -> float:
    gc.collect()
    gc.disable()
    try:
        started = time.thread_time()
        call()
        return time.thread_time() - started
    finally:
        gc.enable()


async def cpu_seconds_awaiting(awaitable: Awaitable[T]) -> tuple[T, float]:
    """What ``awaitable`` gives, and the CPU this thread spent meanwhile: the app under test runs on
    the test's event loop, so this bills it what it did to answer (and not the machine's load)."""
    gc.collect()
    gc.disable()
    try:
        started = time.thread_time()
        result = await awaitable
        return result, time.thread_time() - started
    finally:
        gc.enable()
