"""Text in one script, and places compared in it: 陽光花園5棟 is 阳光花园5栋.

A case's place is stored as the customer wrote it (traditional characters kept for a traditional
writer), while the flow reads places in simplified characters, and a customer may write one case's
place in one script and the next message in the other. Every comparison of two places goes through
:func:`same_place` or :func:`place_within`, which read both in simplified characters (OpenCC's
``t2s``), full width folded, case and spaces ignored; staff search reads text the same way
(:mod:`bot.storage.searchable`). One converter for the process, built on first use.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Protocol


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@cache
def _to_simplified() -> _Converter:
    # ≈ 3 ms to build; it holds no state between calls. Built on first use, so that processes that
    # never compare places nor search text do not load it.
    import opencc

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def simplified(text: str) -> str:
    """``text`` in simplified Chinese (Latin text as it is)."""
    return text if text.isascii() else _to_simplified().convert(text)


def place_key(place: str) -> str:
    """``place`` as places are compared: full width folded, in simplified characters, lower case,
    without spaces ("陽光花園 5棟" and "阳光花园5栋" are one key)."""
    folded = unicodedata.normalize("NFKC", place)
    return "".join(simplified(folded).casefold().split())


def same_place(one: str | None, other: str | None) -> bool:
    """``one`` and ``other`` name the same place, whatever script, width or case each is written in."""
    if one is None or other is None:
        return one is other
    return place_key(one) == place_key(other)


def place_within(part: str, whole: str) -> bool:
    """``part`` is ``whole`` or a part of it ("陽光花園" of 阳光花园5栋), in any script."""
    return place_key(part) in place_key(whole)


def places_overlap(one: str, other: str) -> bool:
    """Either place is the other or a part of it: one names where the other is."""
    return place_within(one, other) or place_within(other, one)


__all__ = ["place_key", "place_within", "places_overlap", "same_place", "simplified"]
