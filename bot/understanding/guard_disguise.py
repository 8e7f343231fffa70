"""Forbidden phrases typed in disguise, found in the guard's folded text (letters and digits only):
digits and Latin letters inside a Chinese phrase ("我不1知道", "我不abcd知道"), pinyin for one of its
characters ("我bu知道": ``forbidden.pinyin``), and digits for the letters of an English phrase ("I
d0n't kn0w"). Only inside a phrase: an ordinary reply with numbers, English words or a URL is read as
it is, since its Chinese characters are no forbidden phrase once letters and digits stand between.

Linear in the text: each phrase is followed through the text's runs (a Chinese character, or a run
of letters and digits) as a set of partial matches, never by backtracking.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_RUN = re.compile(r"[a-z0-9]+|[^a-z0-9]")

LEET: Mapping[str, str] = {
    "0": "o",
    "1": "il",
    "2": "z",
    "3": "e",
    "4": "a",
    "5": "s",
    "6": "gb",
    "7": "t",
    "8": "b",
    "9": "g",
}
"""Digits typed for the letters they are drawn like ("d0n't", "1mpossible", "c4lm")."""



class DisguisedPhrase:
    """One folded forbidden phrase and where it stands in a folded text, disguised or not."""

    def __init__(self, folded: str, pinyin: Mapping[str, frozenset[str]]) -> None:
        self.folded = folded
        self._latin = folded.isascii()
        if self._latin:
            classes = "".join(
                f"[{re.escape(ch)}{''.join(digit for digit, letters in LEET.items() if ch in letters)}]"
                for ch in folded
            )
            self._pattern: re.Pattern[str] | None = re.compile(classes)
        else:
            self._pattern = None
        self._pinyin = [pinyin.get(ch, frozenset()) for ch in folded]
        self._characters = set(folded)
        # At least half of a Chinese phrase's characters are typed as characters: pinyin for every
        # one of them would be any English text holding those syllables.
        self._most_pinyin = len(folded) // 2

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where (start, end in ``text``, folded as the guard folds) the phrase stands, in order."""
        if self._pattern is not None:
            return [found.span() for found in self._pattern.finditer(text)]
        # As many of its characters as must be typed as characters are in the text, or it is not.
        typed = sum(1 for ch in self._characters if ch in text)
        if typed < len(self._characters) - self._most_pinyin or typed == 0:
            return []
        return self._chinese_spans(text)

    def _is_pinyin(self, index: int, run: str) -> bool:
        syllables = self._pinyin[index]
        return bool(syllables) and (run in syllables or (run[-1] in "12345" and run[:-1] in syllables))

    def _chinese_spans(self, text: str) -> list[tuple[int, int]]:
        phrase, length, most_pinyin = self.folded, len(self.folded), self._most_pinyin
        found: list[tuple[int, int]] = []
        # (characters matched, pinyin used) -> the earliest start of such a partial match
        partial: dict[tuple[int, int], int] = {}
        for run in _RUN.finditer(text):
            word = run.group()
            han = len(word) == 1 and not word.isascii()
            starts = phrase[0] == word if han else most_pinyin > 0 and self._is_pinyin(0, word)
            if not partial and not starts:
                continue
            moved: dict[tuple[int, int], int] = {}
            steps: list[tuple[int, int, int]] = []
            for (matched, used), began in partial.items():
                if han:
                    if phrase[matched] == word:
                        steps.append((matched + 1, used, began))
                else:
                    steps.append((matched, used, began))  # letters or digits inside the phrase: nothing
                    if used < most_pinyin and self._is_pinyin(matched, word):
                        steps.append((matched + 1, used + 1, began))
            if starts:
                steps.append((1, 0 if han else 1, run.start()))
            complete: int | None = None
            for matched, used, began in steps:
                if matched == length:
                    complete = began if complete is None else min(complete, began)
                elif moved.get((matched, used), began + 1) > began:
                    moved[(matched, used)] = began
            if complete is not None:
                found.append((complete, run.end()))
                moved = {}  # the next match starts after this one
            partial = moved
        return found
