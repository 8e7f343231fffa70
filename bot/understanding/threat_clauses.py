"""Where a threat starts in a pause of a customer's message, whatever it threatens: "再不来清理我就打12345
投诉你们", "再不修我就拿刀去物业办公室砍人", "再不解决我就不活了", "fix it or else" (``form.threat_conditions``,
``threat_consequences``, ``threat_openers``). The restatement leaves the threat out and keeps the problem."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.understanding.patterns import alternation

_NOT_LATIN = r"(?<![a-z'])"
"""An English word starts here: "unless" is no part of "unlessons"."""


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    listed = alternation(word.lower() for word in words if word)
    return re.compile(rf"{_NOT_LATIN}(?:{listed})") if listed else None


class ThreatClauses:
    """Built once from the form rules; :meth:`start` is cheap enough for every restatement."""

    def __init__(
        self,
        conditions: Iterable[str],
        consequences: Iterable[str],
        openers: Iterable[str],
        simplified: Callable[[str], str],
    ) -> None:
        self._conditions = _pattern(conditions)
        self._consequences = _pattern(consequences)
        self._openers = _pattern(openers)
        self._simplified = simplified

    def start(self, pause: str) -> int | None:
        """Where in ``pause`` (one clause or pause, as typed) its threat starts: at a condition with a
        consequence after it, or at an opener; None when it threatens nothing."""
        read = self._simplified(pause).lower()
        if len(read) != len(pause):
            read = pause.lower()  # the positions must be the typed text's
        found: list[int] = []
        if self._openers is not None and (opener := self._openers.search(read)) is not None:
            found.append(opener.start())
        if self._conditions is not None and self._consequences is not None:
            for condition in self._conditions.finditer(read):
                if self._consequences.search(read, condition.end()) is not None:
                    found.append(condition.start())
                    break
        return min(found) if found else None
