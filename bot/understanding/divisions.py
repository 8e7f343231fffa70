"""China's administrative divisions in free text, from the ``cpca`` address parser.

Chosen over ``addressparser`` and ``jionlp`` on measured accuracy and cost
(``bench/address_parsers.py``). ``cpca`` reads its division table when imported, so it is imported
here, when the finder is built, never at module import.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from bot.understanding.places import Division

_LEVELS = (("省", False), ("市", False), ("区", True))


class CpcaDivisions:
    """The province, city and county-level division a text names, with where their words are."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            # cpca loads its table through pkg_resources, which warns that it is deprecated.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", UserWarning)
            import cpca

        # cpca's public ``transform`` builds a pandas DataFrame around this one record: ≈ 1.1 ms
        # of a message's understanding against 9 µs for the record itself (bench/understanding.py).
        # The private function is pinned by the lock file and by
        # tests/understanding/test_divisions.py, which compares it with ``transform``.
        self._one_record: Callable[[str, bool, dict[str, str]], dict[str, Any]] = cpca._get_one_addr

    def find(self, text: str) -> Sequence[Division]:
        record = self._one_record(text, True, {})
        found = []
        for level, county in _LEVELS:
            name, position = record.get(level), record.get(f"{level}_pos", -1)
            if isinstance(name, str) and name and isinstance(position, int) and position >= 0:
                found.append(Division(name, position, _written_end(text, name, position), county))
        return found


def _written_end(text: str, name: str, start: int) -> int:
    """Where the division's words end: its full name, or the short form the text uses (杭州 for 杭州市)."""
    for length in range(len(name), 1, -1):
        if text.startswith(name[:length], start):
            return start + length
    return start + len(name)
