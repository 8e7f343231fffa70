"""The agent-side guard: forbidden phrases (服务忌语) and their paraphrases in what an agent types.

Matching is insensitive to width, script, case, punctuation, spaces, invisible characters and
accents: both the configured phrases and the agent's text are folded the same way before
comparing, so "喂，说话呀" (a Chinese keyboard's comma) is caught by the configured "喂,说话呀",
and "我不知道" typed with an invisible character inside (U+180B, a Mongolian variation selector
the browser shows as nothing) by the configured "我不知道". Paraphrases are the manager's
regular expressions over the folded text (which has no accents: "cafe", not "café").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.config import ForbiddenList
from bot.understanding.normalise import fold as fold_message

# Punctuation, symbols, separators, control and format characters; and combining marks that
# do not take space (Mn: accents, and marks stacked on a character that has no accented form,
# 我 + U+0301; Me: enclosing circles and keycaps), which leave the words readable.
_MARKS = ("Mn", "Me")
_DROPPED_CATEGORIES = ("P", "S", "Z", "C", *_MARKS)


_LOOKALIKES = str.maketrans(
    {
        # Cyrillic and Greek letters drawn as Latin ones: "I dоn't know" with a Cyrillic о.
        **dict(zip("аеорсухіјѕԁһӏАВЕКМНОРСТХІЈЅ", "aeopcyxijsdhlABEKMHOPCTXIJS", strict=True)),
        **dict(zip("αοερτνικΑΒΕΗΙΚΜΝΟΡΤΧΥΖ", "aoeptvikABEHIKMNOPTXYZ", strict=True)),
        # Apostrophe-like letters (they are not punctuation, which is dropped): "thatʼs".
        "ʼ": "'", "ʹ": "'", "ʻ": "'", "ˈ": "'",
        # Strokes drawn as 一: the katakana prolonged sound mark, the CJK stroke H.
        "ー": "一", "㇐": "一", "ㅡ": "一", "ᅳ": "一",
    }
)
"""Letters that look like others, each folded to the one it looks like, so that a forbidden
phrase typed with lookalikes ("cаlm down", "大声ー点儿") is still caught."""


def _without_marks(text: str) -> str:
    """``text`` with its accents and other non-spacing marks taken off: decomposed (NFD), so "é"
    becomes "e" and U+0301, the marks dropped, composed again (NFC: Hangul syllables come back)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) not in _MARKS))


def fold(text: str, to_simplified: Callable[[str], str]) -> str:
    """Customer messages' folding (:func:`bot.understanding.normalise.fold`: width, invisible
    characters, case, repeats), accents and other combining marks off, lookalike letters as the
    ones they look like, simplified, then letters and digits only. For matching only: what is
    stored and sent is the text as typed."""
    simplified = to_simplified(_without_marks(fold_message(text)).translate(_LOOKALIKES))
    return "".join(ch for ch in simplified if not unicodedata.category(ch).startswith(_DROPPED_CATEGORIES))


@dataclass(frozen=True, slots=True)
class GuardHit:
    """What the agent's text matched (the configured phrase, the folded words a paraphrase
    pattern caught, or the agent's words the model quoted) and the correct expression to use
    instead; ``by`` says whether the configured rules or the model's second opinion found it."""

    forbidden: str
    instead: str
    source: str
    pattern_id: str | None = None
    by: Literal["rules", "model"] = "rules"


class ForbiddenGuard:
    """Built once from ``config/forbidden.yaml``; :meth:`check` is cheap enough for every reply."""

    def __init__(self, forbidden: ForbiddenList, to_simplified: Callable[[str], str]) -> None:
        self._to_simplified = to_simplified
        self._phrases = [
            (folded, item.text, item.instead, item.source)
            for item in forbidden.forbidden
            if (folded := fold(item.text, to_simplified))
        ]
        self._patterns = [(re.compile(item.pattern), item.instead, item.source, item.id) for item in forbidden.patterns]

    def fold(self, text: str) -> str:
        return fold(text, self._to_simplified)

    def check(self, text: str) -> GuardHit | None:
        """The first forbidden phrase, then the first paraphrase, ``text`` contains; None if clean."""
        folded = self.fold(text)
        for folded_phrase, phrase, instead, source in self._phrases:
            if folded_phrase in folded:
                return GuardHit(forbidden=phrase, instead=instead, source=source)
        for pattern, instead, source, pattern_id in self._patterns:
            if found := pattern.search(folded):
                return GuardHit(forbidden=found.group(0), instead=instead, source=source, pattern_id=pattern_id)
        return None

    def check_all(self, text: str) -> list[GuardHit]:
        """Every forbidden phrase, then every paraphrase, ``text`` contains (each phrase once), in
        :meth:`check`'s order: its first item is :meth:`check`'s answer; empty if clean."""
        folded = self.fold(text)
        hits = [
            GuardHit(forbidden=phrase, instead=instead, source=source)
            for folded_phrase, phrase, instead, source in self._phrases
            if folded_phrase in folded
        ]
        for pattern, instead, source, pattern_id in self._patterns:
            for found in pattern.finditer(folded):
                # words a phrase already found holds are that phrase, not one more
                if found.group(0) and all(found.group(0) not in self.fold(hit.forbidden) for hit in hits):
                    words = found.group(0)
                    hits.append(GuardHit(forbidden=words, instead=instead, source=source, pattern_id=pattern_id))
        return hits

    def examples_missed(self, patterns: ForbiddenList) -> list[str]:
        """``id: example`` for each configured example its own pattern does not catch."""
        return [
            f"{item.id}: {example}"
            for item in patterns.patterns
            for example in item.examples
            if not re.search(item.pattern, self.fold(example))
        ]
