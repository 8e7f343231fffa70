"""A number filled into a phrase, said with its noun in the right form: "1 hour", "2 hours"."""

from __future__ import annotations

import re
from collections.abc import Mapping

_FILLED_THEN_WORDS = re.compile(r"\{(\w+)\}((?:[ \u00a0]+[A-Za-z]+){1,2})")
"""A placeholder and the one or two words after it: the noun it counts ("{hours} hours") or an
adjective and the noun ("{simple_hours} working hours")."""

_WORD = re.compile(r"[A-Za-z]+")


def is_one(value: object) -> bool:
    """Whether a filled value is the number one (1, 1.0, "1", "1.0")."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        try:
            return float(value.strip()) == 1
        except ValueError:
            return False
    return False


def counted(template: str, singulars: Mapping[str, str], values: Mapping[str, object]) -> str:
    """``template`` with the noun after each placeholder filled with one in its singular form
    (``singulars``: "hours" → "hour"), so "{hours} hours" says "1 hour" when ``hours`` is 1."""
    if not singulars:
        return template

    def one(found: re.Match[str]) -> str:
        if not is_one(values.get(found.group(1))):
            return found.group(0)
        words = found.group(2)
        for word in _WORD.finditer(words):
            singular = singulars.get(word.group(0).lower())
            if singular is not None:
                if word.group(0)[0].isupper():
                    singular = singular[0].upper() + singular[1:]
                return "{" + found.group(1) + "}" + words[: word.start()] + singular + words[word.end() :]
        return found.group(0)

    return _FILLED_THEN_WORDS.sub(one, template)
