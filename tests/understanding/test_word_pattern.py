"""The trie-shaped pattern finds what an alternation sorted longest first finds (the misspellings'
slips, read in every message, are matched by it)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.understanding.word_pattern import words_pattern

# A small alphabet, so words share prefixes and overlap in the texts as slips do ("宽代", "宽待").
_CHARS = st.sampled_from("宽代待带漏露水a.b")
_WORDS = st.lists(st.text(_CHARS, min_size=1, max_size=4), min_size=1, max_size=12)


# Compiling two patterns per example: no deadline, so a loaded machine cannot fail it.
@settings(deadline=None)
@given(words=_WORDS, text=st.text(_CHARS, max_size=30))
def test_the_trie_finds_the_same_words_as_the_longest_first_alternation(words: list[str], text: str) -> None:
    alternation = "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))
    assert re.findall(words_pattern(words), text) == re.findall(alternation, text)


def test_the_longest_word_at_a_place_is_read() -> None:
    pattern = re.compile(words_pattern(["宽代", "宽", "宽代费", "露水"]))
    assert pattern.findall("宽代费太贵 宽代又断 宽 露水") == ["宽代费", "宽代", "宽", "露水"]
