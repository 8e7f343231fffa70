"""Message text made comparable: width, script, case, invisible characters and repeats.

Keywords from ``config/`` go through the same steps as customer messages, so a keyword written
with full-width punctuation or in traditional characters still matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15.1): what a
# renderer shows as nothing, yet splits words apart. Format characters (soft hyphen, zero-width
# space and joiners, direction marks, word joiner, byte-order mark, tags), variation selectors
# (Mongolian ones too), the Hangul fillers and the Khmer inherent vowels, the musical and
# shorthand format controls, and the code points Unicode keeps ignorable for the future.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
# Three or more of the same character count as three; digits are left alone (phone numbers).
# Three, not two: "!!!" in a keyword list means more than the "!!" of an urgent request.
_REPEATS = re.compile(r"([^\d\s])\1{3,}")
_SPACES = re.compile(r"\s+")
# Phones type typographic apostrophes ("don’t"); NFKC leaves them.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


class Converter(Protocol):
    """Traditional → simplified Chinese (OpenCC's ``t2s``)."""

    def convert(self, text: str) -> str: ...


def simplified_converter() -> Converter:
    """OpenCC's traditional → simplified converter: build it once (about 3 ms) and pass it in."""
    import opencc

    return opencc.OpenCC("t2s")


def traditional_converter() -> Converter:
    """OpenCC's simplified → traditional converter: to tell a message written the same in both
    scripts ("沙田第一城15座") from one in simplified characters."""
    import opencc

    return opencc.OpenCC("s2t")


def taiwan_converter() -> Converter:
    """OpenCC's Taiwan → mainland converter, words included ("寬頻" → "宽带", "訊號" → "信号").
    Only for traditional text: on simplified text it rewrites mainland words ("程序" → "进程")."""
    import opencc

    return opencc.OpenCC("tw2sp")


@dataclass(frozen=True, slots=True)
class Normalised:
    """A message ready for matching."""

    text: str
    """Folded, then converted to simplified Chinese: what keywords are matched against."""
    folded: str
    """Half-width, lower case, without invisible characters or long repeats; script unchanged."""

    @property
    def traditional_characters(self) -> int:
        """How many characters the simplified conversion changed (OpenCC converts phrase by
        phrase, but keeps the text's length for the characters it maps one to one)."""
        if self.text == self.folded:
            return 0
        if len(self.text) != len(self.folded):
            return max(1, abs(len(self.text) - len(self.folded)))
        return sum(1 for before, after in zip(self.folded, self.text, strict=True) if before != after)


def fold(text: str) -> str:
    """Unicode NFKC (full-width letters, digits and punctuation to half-width), invisible
    characters removed, typographic apostrophes and quotes made plain, lower case, runs of four
    or more of one character (not digits) cut to three, white space collapsed. Emoji stay: they can
    carry emotion."""
    # OpenCC takes UTF-8 only: a lone surrogate (from a broken client) becomes "?".
    text = unicodedata.normalize("NFKC", text).encode("utf-8", "replace").decode("utf-8")
    text = INVISIBLE.sub("", text).translate(_QUOTES).lower()
    text = _REPEATS.sub(r"\1\1\1", text)
    return _SPACES.sub(" ", text).strip()


def normalise(text: str, converter: Converter) -> Normalised:
    """``text`` folded (:func:`fold`) and converted to simplified Chinese."""
    folded = fold(text)
    return Normalised(text=converter.convert(folded), folded=folded)
