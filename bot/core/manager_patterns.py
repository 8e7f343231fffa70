"""Regular expressions that managers write (the forbidden paraphrase ``patterns``), matched in
linear time.

Python's ``re`` backtracks: a pattern such as ``([a-p]+[a-p]+)+z`` takes twice as long with each
more character of a text it almost matches, and the guard reads every text the bot or an agent
sends, customers' words quoted in it too; one such pattern saved in the standards editor would
stall the whole server. RE2 (the ``google-re2`` package, Google's own bindings) never backtracks:
a search takes time proportional to the text, whatever the pattern, and a pattern too large for
its memory budget does not compile. What it refuses is what needs backtracking: look-around
(``(?=…)``, ``(?<!…)``) and back-references (``\\1``); ``\\d``, ``\\w`` and ``\\b`` are ASCII only.
"""

from __future__ import annotations

import re2

MAX_PATTERN_CHARS = 500
"""A paraphrase pattern is a few alternatives of a few words (the shipped ones are under 100
characters); a longer one is refused when saved."""

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is said to the manager, not logged by RE2 on stderr


class PatternError(ValueError):
    """A manager's pattern that RE2 cannot take; the message says why."""


class ManagerPattern:
    """One manager-written regular expression, compiled by RE2."""

    def __init__(self, pattern: str) -> None:
        """Raises:
        PatternError: the pattern is too long, not valid, or uses what RE2 does not do."""
        if len(pattern) > MAX_PATTERN_CHARS:
            raise PatternError(f"at most {MAX_PATTERN_CHARS} characters")
        try:
            self._compiled = re2.compile(pattern, _OPTIONS)
        except re2.error as error:
            said = error.args[0] if error.args else error
            reason = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
            raise PatternError(
                f"not a valid regular expression: {reason} (look-around such as (?=…) or (?<!…) and "
                "back-references such as \\1 are not supported: they make matching slow)"
            ) from None
        self.pattern = pattern

    @classmethod
    def any_of(cls, patterns: list[ManagerPattern]) -> ManagerPattern | None:
        """One pattern matching where any of ``patterns`` does, to ask "any?" in one search; None
        when there are none or RE2's memory budget refuses the whole (each still works alone)."""
        if not patterns:
            return None
        joined = "|".join(f"(?:{pattern.pattern})" for pattern in patterns)
        combined = cls.__new__(cls)
        try:
            combined._compiled = re2.compile(joined, _OPTIONS)
        except re2.error:
            return None
        combined.pattern = joined
        return combined

    def search(self, text: str) -> str | None:
        """The first words of ``text`` the pattern matches, or None."""
        found = self._compiled.search(text)
        return None if found is None else str(found.group(0))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where in ``text`` the pattern matches words, left to right, without overlaps."""
        return [found.span() for found in self._compiled.finditer(text) if found.group(0)]

    def find_all(self, text: str) -> list[str]:
        """Every match in ``text``, left to right, without overlaps (empty ones too)."""
        return [str(found.group(0)) for found in self._compiled.finditer(text)]


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a manager pattern, or None when it can."""
    try:
        ManagerPattern(pattern)
    except PatternError as error:
        return str(error)
    return None
