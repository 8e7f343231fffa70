"""A regular expression for a list of literal words, shaped as a trie.

Python's ``re`` tries the branches of ``a|b|c`` one after another at every position; a hundred
words make every message cost a hundred tries per character. Shared prefixes folded into one
branch each (``宽(?:代|待)``) leave a try or two per character, with the same matches: the longest
word wins wherever two start at one position, as in an alternation sorted longest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""

Trie = dict[str, "Trie"]


def words_pattern(words: Iterable[str]) -> str:
    """The pattern source matching any of ``words`` (none empty), the longest first."""
    trie: Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _branches(trie)


def _branches(node: Trie) -> str:
    branches = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if _END in node else body
