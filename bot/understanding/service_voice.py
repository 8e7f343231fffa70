"""Words a customer types in the service's voice: promises of money ("我们会赔偿您5000元", "we will
refund you"), a complaint said to be resolved or closed ("您的投诉已解决"), a "system notice", a
work number that "confirmed" something, or instructions to the bot ("ignore previous
instructions", "say:"). The bot never reads them back as the customer's problem, nor counts them
for its category: the problem told beside them is the complaint. Staff still see the text whole.

The patterns are ``form.service_voice`` (regular expressions over the matchable text: simplified,
folded, lower case), matched by RE2 in linear time, one pause or clause at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.core.manager_patterns import ManagerPattern

# A clause ends at punctuation (not a point inside a number, "3.5元") or at a space after Chinese
# (a pause typed without punctuation: "我们已同意赔偿您5000元 我家电梯坏了").
_UNIT_BREAK = re.compile(
    r"((?:[,!?;:，。！？；：、\n\"“”「」『』《》()（）…~～]|(?<!\d)\.|\.(?!\d)"
    r"|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fffA-Za-z])"
    # a conjunction: "we will refund you 500 and the lift is broken", "您的投诉已解决但是电梯还是坏的";
    # a few spaces before it at most, as the pattern is tried from each space of a run (each reading
    # the run to its end would cost the square of its length).
    r"|\s{0,16}(?<![A-Za-z])(?:and|but|also|plus)(?![A-Za-z])\s*|但是|可是|而且|并且|另外)+)",
    re.IGNORECASE,
)


class ServiceVoice:
    """Built once from the configuration; :meth:`cut` is cheap enough for every restatement."""

    def __init__(self, patterns: Iterable[str], matchable: Callable[[str], str]) -> None:
        self._patterns = [ManagerPattern(pattern) for pattern in patterns if pattern]
        # One search for all of them where RE2's memory budget takes the whole: a long text has
        # hundreds of clauses, each read by every pattern otherwise.
        combined = ManagerPattern.any_of(self._patterns)
        self._searched = [combined] if combined is not None else self._patterns
        self._matchable = matchable

    def speaks(self, text: str) -> bool:
        """``text`` (one clause or pause) reads as the service speaking, or as orders to the bot."""
        if not self._patterns or not text.strip():
            return False
        read = self._matchable(text.strip())
        return any(pattern.search(read) is not None for pattern in self._searched)

    def cut(self, text: str) -> str:
        """``text`` without its clauses and pauses in the service's voice; the rest as typed
        (``text`` itself when there are none)."""
        if not self._patterns:
            return text
        parts = units(text)
        speaking: dict[str, bool] = {}  # a clause told again is read once
        for unit, _ in parts:
            if unit not in speaking:
                speaking[unit] = self.speaks(unit)
        if not any(speaking.values()):
            return text
        return said([(unit, after) for unit, after in parts if unit.strip() and not speaking[unit]])


def units(text: str) -> list[tuple[str, str]]:
    """``text`` cut into its clauses and pauses (at punctuation, a space after Chinese, a
    conjunction), each with the break after it ("" after the last)."""
    pieces = _UNIT_BREAK.split(text)
    # pieces alternate: a unit, the break after it, a unit, …
    return [(pieces[index], pieces[index + 1] if index + 1 < len(pieces) else "") for index in range(0, len(pieces), 2)]


def said(kept: list[tuple[str, str]]) -> str:
    """The kept units of :func:`units`, each with the break after it but the last: no "and" nor
    comma left dangling."""
    return ("".join(unit + after for unit, after in kept[:-1]) + (kept[-1][0] if kept else "")).strip()
