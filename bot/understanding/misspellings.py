"""Words customers type for others, read as the words they meant (``misspellings:`` in
``config/classification.yaml``): pinyin input slips ("宽代" for 宽带, "露水" for 漏水)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping


class Misspellings:
    """Replaces each configured slip in a normalised text with the word meant, longest first."""

    def __init__(self, corrections: Mapping[str, str], normalise: Callable[[str], str]) -> None:
        meant = {normalise(wrong): normalise(right) for wrong, right in corrections.items()}
        self._meant = {wrong: right for wrong, right in meant.items() if wrong and wrong != right}
        ordered = sorted(self._meant, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def correct(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda found: self._meant[found.group()], text)
