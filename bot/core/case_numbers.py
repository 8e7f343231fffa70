"""Case numbers as the bot gives them ("TS20261205ABC234": prefix, local date, six characters that
cannot be misread) and as customers type them back (lower case, spaced, in groups as read out:
"TS2026 1205 B5QH A8", full width folded)."""

from __future__ import annotations

import functools
import re
import unicodedata

CASE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_SPACES = re.compile(r"\s")


def case_numbers_in(text: str, prefix: str) -> set[str]:
    """The case numbers ``text`` names, as stored ("ts 20261205 abc234" is TS20261205ABC234)."""
    folded = unicodedata.normalize("NFKC", text).upper()
    found = _pattern(prefix).findall(folded)
    return {f"{prefix}{_SPACES.sub('', day)}{_SPACES.sub('', suffix)}" for day, suffix in found}


def without_case_numbers(text: str, prefix: str) -> str:
    """``text`` folded (NFKC, upper case) without the case numbers it names, however spaced."""
    return _pattern(prefix).sub("", unicodedata.normalize("NFKC", text).upper())


def case_numbers_cut(text: str, prefix: str) -> str:
    """``text`` as written (case and width kept) with a space where each case number it names
    stands, however spaced: "TS20261206DZYGQP 垃圾又堆满了" is " 垃圾又堆满了"."""
    # Folded one character at a time, so that a match's span is the same in ``text``.
    folded = "".join(_folded(char) for char in text)
    spans = [found.span() for found in _pattern(prefix).finditer(folded)]
    for start, end in reversed(spans):
        text = f"{text[:start]} {text[end:]}"
    return text


def _folded(char: str) -> str:
    upper = unicodedata.normalize("NFKC", char).upper()
    return upper if len(upper) == 1 else char


@functools.lru_cache(maxsize=4)
def _pattern(prefix: str) -> re.Pattern[str]:
    """The prefix, eight digits and six letters, a space allowed between any of their groups as a
    customer copies or reads them out ("TS2026 1205 B5QH A8")."""
    day = r"\d{4}\s?\d{2}\s?\d{2}"
    suffix = rf"[{CASE_ALPHABET}](?:\s?[{CASE_ALPHABET}]){{5}}"
    return re.compile(rf"(?<![A-Z0-9]){re.escape(prefix.upper())}\s?({day})\s?({suffix})(?![A-Z0-9])")


MOST_CASE_NUMBERS_READ = 2
"""A message naming more case numbers than this names none: a customer gives one or two, a list of
them is someone guessing."""
MOST_UNKNOWN_CASE_NUMBERS = 3
"""Case numbers no case has that a conversation may name before its messages are no longer looked
up by case number."""


def case_numbers_looked_up(text: str, prefix: str) -> set[str]:
    """The case numbers of ``text`` that are looked up: none when it names more than
    :data:`MOST_CASE_NUMBERS_READ`."""
    numbers = case_numbers_in(text, prefix)
    return numbers if len(numbers) <= MOST_CASE_NUMBERS_READ else set()
