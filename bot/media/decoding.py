"""The CPU work photos cost one process, bounded: header checks on a thread of their own, decodes
in a few slots with a short queue before them and a bounded wait for one.

A photo's bytes are checked by their header first (:func:`bot.media.images.check_header`: type
and size, no pixel decoded), so what is not an image, or would be too large once decoded, is
refused without waiting for a slot. Only then does a photo take a place: at most ``slots`` are
decoded and re-encoded at once and at most ``queue`` more wait, each at most ``wait_seconds``;
beyond that :class:`DecodeBusy` says when to come back. So the photos held in memory for the
decoder are at most ``slots + queue``, and one customer's burst makes another's photo wait
seconds at most, never minutes.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from bot.media.images import MAX_PIXELS, ImageHeader, PreparedImage, check_header, prepare

T = TypeVar("T")

HEADER_THREADS = 1
"""Header checks run one at a time, each in milliseconds (a PNG's compressed text chunks, which
Pillow inflates on opening, cost at most about 0.15 s and 64 MB): many at once would only add
their memory up."""


class DecodeBusy(Exception):
    """No decode slot for this photo: the queue was full, or no slot came free in time. Nothing
    was decoded; ask again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the photo decoders are busy: try again in {retry_after} s")
        self.retry_after = retry_after


class Decoding:
    """One process's photo decoding (``bot.resources.Resources.image_decoding``); ``close()``
    ends its threads."""

    def __init__(self, slots: int, queue: int, wait_seconds: float, max_pixels: int = MAX_PIXELS) -> None:
        self.max_pixels = max_pixels
        """Images larger are refused by their header, before any pixel is decoded."""
        self._slots = max(1, slots)
        self._capacity = self._slots + max(0, queue)
        self._wait = wait_seconds
        self._free = asyncio.Semaphore(self._slots)
        self._decoders = ThreadPoolExecutor(max_workers=self._slots, thread_name_prefix="image-decode")
        self._headers = ThreadPoolExecutor(max_workers=HEADER_THREADS, thread_name_prefix="image-header")
        self._placed = 0
        self._running = 0

    @property
    def slots(self) -> int:
        """Photos decoded at once."""
        return self._slots

    @property
    def retry_after(self) -> int:
        """Seconds a refused photo is told to wait: the longest wait for a slot."""
        return max(1, math.ceil(self._wait))

    @property
    def full(self) -> bool:
        """Whether a photo arriving now would be refused at once (checked before an upload is read)."""
        return self._placed >= self._capacity

    @property
    def running(self) -> int:
        """Decodes under way."""
        return self._running

    @property
    def waiting(self) -> int:
        """Photos holding a place in the queue, not yet decoding."""
        return self._placed - self._running

    async def check(self, data: bytes) -> ImageHeader:
        """:func:`~bot.media.images.check_header` off the event loop, taking no place; raises ``NotAnImage``."""
        return await asyncio.get_running_loop().run_in_executor(self._headers, check_header, data, self.max_pixels)

    async def prepare(self, data: bytes) -> PreparedImage:
        """:func:`~bot.media.images.prepare` in a decode slot (see :meth:`run`), within ``max_pixels``."""
        return await self.run(partial(prepare, max_pixels=self.max_pixels), data)

    async def run(self, work: Callable[[bytes], T], data: bytes) -> T:
        """``work(data)`` in a decode slot, once one is free. Raises :class:`DecodeBusy` at once
        when ``slots + queue`` photos are already placed, or after ``wait_seconds`` without a slot.

        The place and the slot are given back when ``work`` ends, even if the caller is cancelled
        before (a thread cannot be stopped): the bound holds for the threads, not just the callers.
        """
        if self.full:
            raise DecodeBusy(self.retry_after)
        self._placed += 1
        try:
            async with asyncio.timeout(self._wait):
                await self._free.acquire()
        except TimeoutError:
            self._placed -= 1
            raise DecodeBusy(self.retry_after) from None
        except BaseException:
            self._placed -= 1
            raise
        self._running += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self._decoders, work, data)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(lambda _: self._release())
        return await asyncio.shield(future)

    def _release(self) -> None:
        self._running -= 1
        self._placed -= 1
        self._free.release()

    def close(self) -> None:
        self._decoders.shutdown(wait=False, cancel_futures=True)
        self._headers.shutdown(wait=False, cancel_futures=True)
