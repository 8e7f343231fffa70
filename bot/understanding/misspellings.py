"""Words customers type for others, read as the words they meant (``misspellings:`` in
``config/classification.yaml``): pinyin input slips ("宽代" for 宽带, "露水" for 漏水), and
English chat shorthand ("u" for you), which is read only as a word of its own."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from bot.understanding.word_pattern import words_pattern


class Misspellings:
    """Replaces each configured slip in a normalised text with the word meant, longest first."""

    def __init__(self, corrections: Mapping[str, str], normalise: Callable[[str], str]) -> None:
        meant = {normalise(wrong): normalise(right) for wrong, right in corrections.items()}
        self._meant = {wrong: right for wrong, right in meant.items() if wrong and wrong != right}
        latin = [wrong for wrong in self._meant if wrong.isascii() and wrong[0].isalnum()]
        chinese = [wrong for wrong in self._meant if wrong not in latin]
        # A slip written in Latin letters is a word of its own ("u" in "when will u fix it", never
        # the u of "fix up"); Chinese has no spaces to tell words by, so a Chinese slip matches anywhere.
        parts = [rf"(?<![a-z0-9]){words_pattern(latin)}(?![a-z0-9])"] if latin else []
        parts += [words_pattern(chinese)] if chinese else []
        self._pattern = re.compile("|".join(parts)) if parts else None

    def correct(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda found: self._meant[found.group()], text)

