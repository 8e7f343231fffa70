"""Photos in a page under test: waiting for an <img> to load (issue 15)."""

from __future__ import annotations

import asyncio


async def _natural_width(locator: object) -> int:
    return int(await locator.evaluate("img => img.complete ? img.naturalWidth : 0"))  # type: ignore[attr-defined]


async def loaded_width(locator: object, timeout: float = 10) -> int:
    """The image's width once it has loaded. Polled from here: the page's policy forbids the eval
    that ``page.wait_for_function`` needs to poll a JavaScript expression inside the page."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (width := await _natural_width(locator)) == 0:
        assert loop.time() < deadline, "the image did not load"
        await asyncio.sleep(0.05)
    return width
