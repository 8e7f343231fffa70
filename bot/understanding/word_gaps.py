"""How far apart two words of one segmented message stand, answered at once.

The rules ask it of many pairs of keywords (a thing beside what is wrong with it, a signal after a
word of the past, beside a word of risk). Counted pair by pair over the words between, a long
message repeating both keywords ("电梯 不能用 电梯 不能用 …") costs the cube of its length; here the
counts are made in one pass, and each keyword is measured against its nearest partner only, since
one farther away on the same side has at least as many words and clause ends between."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from bot.understanding.tokens import Hit, Segmented, is_chinese, is_content

T = TypeVar("T")

CLAUSE_ENDS = frozenset(",.!?;:，。！？；：、…~")


def is_pause(index: int, segmented: Segmented) -> bool:
    """White space after a Chinese character and before a Chinese character or a letter: in text
    typed or dictated without punctuation a pause, as a comma is ("我要投诉 转人工")."""
    words = segmented.words
    if not words[index].isspace() or index == 0 or index + 1 == len(words):
        return False
    before, after = words[index - 1][-1], words[index + 1][0]
    return is_chinese(before) and (is_chinese(after) or (after.isascii() and after.isalpha()))


class WordGaps:
    """Running counts over one message's words: those that say something, and clause ends."""

    __slots__ = ("_breaks", "_content")

    def __init__(self, segmented: Segmented) -> None:
        content, breaks = [0], [0]
        for index, word in enumerate(segmented.words):
            content.append(content[-1] + is_content(word))
            breaks.append(breaks[-1] + (word in CLAUSE_ENDS or is_pause(index, segmented)))
        self._content, self._breaks = content, breaks

    def clause(self, index: int) -> int:
        """Which clause word ``index`` stands in, counted from 0 (a clause end or pause ends the one before it)."""
        return self._breaks[index]

    def same_clause(self, earlier: int, later: int) -> bool:
        """No clause end or pause between words ``earlier`` and ``later``."""
        return self._breaks[later] <= self._breaks[earlier + 1]

    def beside(self, word: Hit[T], hit: Hit[T], window: int) -> bool:
        """``word`` stands right before or after ``hit`` in its clause, with at most ``window`` other
        words between ("怕着火", "担心会起火", "火灾隐患", "起火的风险")."""
        if word.last < hit.first:
            earlier, later = word.last, hit.first
        elif word.first > hit.last:
            earlier, later = hit.last, word.first
        else:
            return False
        between = self._content[later] - self._content[earlier + 1]
        return between <= window and self.same_clause(earlier, later)

    def beside_any(self, words: NearestHits[T], hit: Hit[T], window: int) -> Hit[T] | None:
        """The nearest of ``words`` beside ``hit`` (the one before it first), or None."""
        for word in (words.before(hit.first), words.after(hit.last)):
            if word is not None and self.beside(word, hit, window):
                return word
        return None

    def ends_in_clause_before(self, words: NearestHits[T], hit: Hit[T]) -> bool:
        """One of ``words`` ends before ``hit``, in its clause ("上周 着火了": 上周 before 着火)."""
        word = words.before(hit.first)
        return word is not None and self.same_clause(word.last, hit.first)


class NearestHits(Generic[T]):
    """Hits found for one purpose, asked for the nearest one ending before or starting after a word."""

    __slots__ = ("_by_first", "_by_last", "_firsts", "_lasts")

    def __init__(self, hits: Iterable[Hit[T]]) -> None:
        self._by_last = sorted(hits, key=lambda hit: hit.last)
        self._by_first = sorted(self._by_last, key=lambda hit: hit.first)
        self._lasts = [hit.last for hit in self._by_last]
        self._firsts = [hit.first for hit in self._by_first]

    def before(self, first: int) -> Hit[T] | None:
        """The hit ending last before word ``first``."""
        index = bisect.bisect_left(self._lasts, first)
        return self._by_last[index - 1] if index else None

    def after(self, last: int) -> Hit[T] | None:
        """The hit starting first after word ``last``."""
        index = bisect.bisect_right(self._firsts, last)
        return self._by_first[index] if index < len(self._by_first) else None


class Barriers:
    """Hits that stand between two words when wholly inside them ("电梯里网用不了": 网 between the lift
    and what is wrong keeps them apart)."""

    __slots__ = ("_earliest_last_from", "_firsts")

    def __init__(self, hits: Iterable[Hit[Any]]) -> None:
        ordered = sorted(hits, key=lambda hit: hit.first)
        self._firsts = [hit.first for hit in ordered]
        earliest = [hit.last for hit in ordered]
        for index in range(len(earliest) - 2, -1, -1):
            earliest[index] = min(earliest[index], earliest[index + 1])
        self._earliest_last_from = earliest

    def between(self, earlier: int, later: int) -> bool:
        """A hit starts after word ``earlier`` and ends before word ``later``."""
        index = bisect.bisect_right(self._firsts, earlier)
        return index < len(self._firsts) and self._earliest_last_from[index] < later
