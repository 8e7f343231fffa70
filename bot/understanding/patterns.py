"""Regular-expression building blocks shared by the understanding layer's finders."""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """``words`` as one regex alternation, each escaped, the longest first so it wins ("小区" before "区")."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda word: (-len(word), word)))
