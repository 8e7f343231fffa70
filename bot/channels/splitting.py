"""Long texts cut into pieces a provider takes, at the most natural boundary that fits.

Providers measure differently: Telegram counts UTF-16 code units (an emoji outside the Basic
Multilingual Plane is two), WeChat's customer-service text is limited in UTF-8 bytes (a Chinese
character is three). A piece is cut at a paragraph or line end where one fits, else after a
sentence, else after a clause or a space, and only as a last resort inside a run of text, never
inside a character nor between an emoji and what joins it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Measure = Callable[[str], int]

_BOUNDARIES = (
    re.compile(r"\n\n+"),
    re.compile(r"\n"),
    re.compile(r"[。！？!?…；;]+[”’」』)）\"']*\s*|[.]+[”’\"')]*\s+"),
    re.compile(r"[，、,：:]\s*|\s+"),
)
"""Where a piece may end, best first: what a pattern matches stays with the piece before."""
_JOINING = re.compile(r"[\u200d\ufe0e\ufe0f\u0300-\u036f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
"""Characters that belong to the one before them (a zero-width joiner, a variation selector,
a combining mark, a skin tone, a flag's tag): never the first of a piece, nor after a joiner."""
_SHORTEST_SHARE = 2
"""A boundary is used only when the piece before it is at least 1/this of what would fit: a
line end in the first few characters is no reason to send a tiny message."""


def utf16_units(text: str) -> int:
    """Telegram's length: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    """WeChat's length: UTF-8 bytes."""
    return len(text.encode("utf-8"))


def split_text(text: str, limit: int, measure: Measure = len) -> list[str]:
    """Pieces of ``text`` of at most ``limit`` by ``measure``, in order; the whitespace a cut
    falls on is dropped, nothing else. A text within the limit is one piece."""
    pieces: list[str] = []
    while measure(text) > limit:
        fit = _longest_prefix(text, limit, measure)
        cut = _boundary(text, fit)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text or not pieces:
        pieces.append(text)
    return [piece for piece in pieces if piece] or [""]


def _longest_prefix(text: str, limit: int, measure: Measure) -> int:
    """How many characters of ``text`` fit in ``limit`` (at least one, to make progress)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _boundary(text: str, fit: int) -> int:
    """Where to cut within the first ``fit`` characters: after the best boundary far enough in."""
    for boundary in _BOUNDARIES:
        ends = [match.end() for match in boundary.finditer(text, 0, fit) if match.end() <= fit]
        usable = [end for end in ends if end * _SHORTEST_SHARE >= fit]
        if usable:
            return usable[-1]
    cut = fit
    while cut > 1 and (_JOINING.match(text, cut) or text[cut - 1] == "\u200d"):
        cut -= 1
    return cut
