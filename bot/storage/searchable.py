"""Text as staff search reads it: in one script, simplified Chinese, whatever script it was written in.

A Hong Kong customer writes 金星閣, a mainland agent searches 金星阁, and a place may be stored in
mixed scripts (太古城金星閣15楼). Both the stored text and the query go through OpenCC's ``t2s``
(:mod:`bot.core.scripts`, the converter places are compared with too) in the storage layer: the
text when it is written (a column beside it, ``search_text`` on messages and ``area_search`` on
complaints), the query when it is searched. The database cannot run
OpenCC, so a column is what keeps the search index-friendly: ``coalesce(search_text, text)`` can
carry a trigram index (PostgreSQL ``pg_trgm``), where converting at query time could not. The
column is NULL where the text is already simplified (most messages), so it costs no space there.
"""

from __future__ import annotations

from bot.core.scripts import simplified


def searchable(text: str | None) -> str | None:
    """What the search column beside ``text`` holds: ``text`` in simplified Chinese when that
    differs from it, else None (the search reads ``text`` itself then)."""
    if text is None or text.isascii():
        return None
    converted = simplified(text)
    return converted if converted != text else None


__all__ = ["searchable", "simplified"]
