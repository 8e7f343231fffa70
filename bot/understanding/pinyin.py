"""Chinese typed in pinyin ("louxia zhuangxiu tai chao le", "dui"), read as the characters meant
(``pinyin:`` in ``config/classification.yaml``) so that the keyword rules see Chinese: a yes typed
as "shi de" is a yes, "zhuangxiu" a renovation. Only a message of pinyin alone is read so: one the
language reader takes for Chinese typed in pinyin, or one every word of which is a configured
pinyin word ("dui", "shi de": too short for the language reader); English is left as it is."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.understanding.language import is_pinyin

_WORD = re.compile(r"[a-z]+")


class PinyinReader:
    """Replaces the configured pinyin words of a pinyin message with their characters, the longest
    (in words) first, whole words only."""

    def __init__(self, words: Mapping[str, str]) -> None:
        meant = {" ".join(_WORD.findall(typed.lower())): chinese for typed, chinese in words.items()}
        self._meant = {typed: chinese for typed, chinese in meant.items() if typed and chinese}
        self._known = frozenset(word for typed in self._meant for word in typed.split())
        ordered = sorted(self._meant, key=lambda typed: (len(typed.split()), len(typed)), reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, typed.split())) for typed in ordered)
        self._pattern = re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])") if ordered else None

    def read(self, folded: str) -> str | None:
        """``folded`` (normalised: lower case, half width) with its pinyin words in characters, or
        None when it is not a message of pinyin (any Chinese character, an English word, nothing
        the configuration knows)."""
        if self._pattern is None or not folded.isascii():
            return None
        words = _WORD.findall(folded)
        if not words or not (is_pinyin(folded) or all(word in self._known for word in words)):
            return None
        read = self._pattern.sub(lambda found: f" {self._meant[' '.join(found.group().split())]} ", folded)
        return " ".join(read.split()) if read != folded else None


_DIGRAPHS = ("zh", "ch", "sh")


class MixedPinyin:
    """A configured word with one of its characters typed as its pinyin or the pinyin's initial
    ("d梯", "电t", "dian梯" for 电梯; "3号楼d梯坏了"), read as the word meant, in any message. Made
    from the ``pinyin:`` words of two characters or more whose syllables are one a character and
    at least two letters each ("shi a" makes no "是a": "a栋" is a building); a form two words share
    is read as neither. The letters must stand alone: never inside a Latin word ("电tv")."""

    def __init__(self, words: Mapping[str, str]) -> None:
        meant: dict[str, str | None] = {}
        for typed, chinese in words.items():
            syllables = _WORD.findall(typed.lower())
            if len(syllables) < 2 or len(syllables) != len(chinese) or any(len(s) < 2 for s in syllables):
                continue
            if not all("\u4e00" <= char <= "\u9fff" for char in chinese):
                continue
            for at, syllable in enumerate(syllables):
                # "s" or "sh" for 水 (shui), as an initial is typed either way.
                initials = {syllable[0], *(d for d in _DIGRAPHS if syllable.startswith(d))}
                for letters in {syllable, *initials}:
                    form = chinese[:at] + letters + chinese[at + 1 :]
                    meant[form] = chinese if meant.get(form, chinese) == chinese else None
        self._meant = {form: chinese for form, chinese in meant.items() if chinese is not None}
        forms = sorted(self._meant, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(rf"(?<![a-z]){re.escape(form)}(?![a-z])" for form in forms)) if forms else None
        )

    def read(self, text: str) -> str:
        """``text`` (normalised: lower case) with each mixed form read as its word."""
        if self._pattern is None or text.isascii() or not any("a" <= char <= "z" for char in text):
            return text
        return self._pattern.sub(lambda found: self._meant[found.group()], text)
