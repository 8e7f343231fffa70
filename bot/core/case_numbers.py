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
