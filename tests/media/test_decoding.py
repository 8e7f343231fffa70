"""The bound on one process's photo decoding: ``slots`` at once, ``queue`` waiting, a bounded wait,
and a bound that holds for the threads even when their callers give up."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.media.decoding import DecodeBusy, Decoding
from tests.helpers import eventually


async def decode_held(decoding: Decoding, release: threading.Event) -> asyncio.Task[bool]:
    """A decode that holds its slot until ``release`` is set; returned once it holds it."""
    held = asyncio.create_task(decoding.run(lambda _: release.wait(), b""))

    async def started() -> bool:
        return decoding.running == 1

    await eventually(started)
    return held


async def test_slots_then_a_short_queue_then_busy_at_once() -> None:
    decoding = Decoding(slots=1, queue=1, wait_seconds=30)
    release = threading.Event()
    try:
        running = asyncio.create_task(decoding.run(lambda data: release.wait() and data, b"first"))
        waiting = asyncio.create_task(decoding.run(bytes.upper, b"second"))

        async def placed() -> bool:
            return (decoding.running, decoding.waiting) == (1, 1)

        await eventually(placed)
        assert decoding.full
        with pytest.raises(DecodeBusy) as busy:
            await decoding.run(bytes.upper, b"third")
        assert busy.value.retry_after == 30
        release.set()
        assert await running == b"first"
        assert await waiting == b"SECOND"
        assert (decoding.running, decoding.waiting, decoding.full) == (0, 0, False)
    finally:
        release.set()
        decoding.close()


async def test_the_wait_for_a_slot_is_bounded() -> None:
    decoding = Decoding(slots=1, queue=5, wait_seconds=0.2)
    release = threading.Event()
    try:
        running = await decode_held(decoding, release)
        with pytest.raises(DecodeBusy) as busy:
            await decoding.run(bytes.upper, b"late")
        assert busy.value.retry_after == 1
        assert decoding.waiting == 0  # its place is given back
        release.set()
        await running
    finally:
        release.set()
        decoding.close()


async def test_a_caller_that_gives_up_keeps_its_slot_until_its_decode_ends() -> None:
    decoding = Decoding(slots=1, queue=0, wait_seconds=30)
    release = threading.Event()
    try:
        gave_up = await decode_held(decoding, release)
        gave_up.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gave_up
        # The thread still decodes: no second decode starts beside it.
        assert decoding.running == 1 and decoding.full
        with pytest.raises(DecodeBusy):
            await decoding.run(bytes.upper, b"next")
        release.set()

        async def given_back() -> bool:
            return not decoding.full

        await eventually(given_back)
        assert await decoding.run(bytes.upper, b"next") == b"NEXT"
    finally:
        release.set()
        decoding.close()
