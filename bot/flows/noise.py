"""Messages of only laughter or chat noise ("哈哈哈", "6666", "???", "[/发怒]"): no problem told."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.flows.summary import without_emoji_codes
from bot.understanding.markup import without_markup


def only_noise(text: str, noise_words: Iterable[str], matchable: Callable[[str], str]) -> bool:
    """``text`` holds no letter or digit besides ``noise_words`` (``form.noise_words``, each as
    often as typed) and WeChat's emoji codes: laughter, "6666", punctuation, emoji."""
    rest = matchable(without_emoji_codes(without_markup(text)))
    for word in sorted((word.lower() for word in noise_words if word), key=len, reverse=True):
        rest = rest.replace(word, " ")
    return not any(char.isalnum() for char in rest)
