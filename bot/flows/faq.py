"""The manager-editable answers to common questions (``config/faq.yaml``)."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Faq, FaqEntry


class FaqMatcher:
    """Finds the entry that answers a question: the first whose every keyword group has a
    keyword in the question, and none of its ``unless`` words. Keywords and questions go through
    the same ``normalise``."""

    def __init__(self, faq: Faq, normalise: Callable[[str], str]) -> None:
        self._normalise = normalise
        self._entries = [
            (
                entry,
                [[normalise(keyword) for keyword in group] for group in entry.keywords],
                [normalise(word) for word in entry.unless],
            )
            for entry in faq.entries
        ]

    def match(self, question: str) -> FaqEntry | None:
        text = self._normalise(question)
        for entry, groups, unless in self._entries:
            if any(word in text for word in unless):
                continue
            if all(any(keyword in text for keyword in group) for group in groups):
                return entry
        return None


__all__ = ["FaqMatcher"]
