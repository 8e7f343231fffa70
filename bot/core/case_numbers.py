"""Case numbers as the bot gives them ("TS20261205ABC234": prefix, local date, six characters that
cannot be misread) and as customers type them back (lower case, spaced, full width folded)."""

from __future__ import annotations

import re
import unicodedata

CASE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def case_numbers_in(text: str, prefix: str) -> set[str]:
    """The case numbers ``text`` names, as stored ("ts 20261205 abc234" is TS20261205ABC234)."""
    folded = unicodedata.normalize("NFKC", text).upper()
    pattern = rf"(?<![A-Z0-9]){re.escape(prefix.upper())}\s?(\d{{8}})\s?([{CASE_ALPHABET}]{{6}})(?![A-Z0-9])"
    return {f"{prefix}{day}{suffix}" for day, suffix in re.findall(pattern, folded)}


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
