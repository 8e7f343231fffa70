"""Which language one message is written in: zh-CN, zh-TW or en, from the characters it uses.

Chinese and English are told apart by script, and traditional from simplified Chinese by what
OpenCC's t2s conversion changes, so plain counting is exact where a statistical language
identifier guesses; a message too short to tell ("ok", "123", "好的") keeps the session's locale.
"""

from __future__ import annotations

import re

from bot.understanding.normalise import Normalised

ZH_CN = "zh-CN"
ZH_TW = "zh-TW"
EN = "en"

_MIN_ENGLISH_LETTERS = 5
_MIN_ENGLISH_WORDS = 2
_MIN_CHINESE_CHARACTERS = 4
"""Fewer Chinese characters than this: a Chinese conversation keeps its script ("好的", "谢谢",
"係", a yes with one traditional character, does not turn a simplified conversation traditional)."""
_LETTERS_AND_DIGITS = re.compile(r"[a-z0-9]+")
_CANTONESE = frozenset("哋啲嘅咗喺冇嚟畀睇乜嘢咁噉佢嗰啱攞揾搵嚿嘞喇咩𨋢")
"""Characters written only in Cantonese, the same in both scripts: beside a traditional one they
tell a message written as Hong Kong writes ("你哋啲清潔工成日唔清垃圾", one 潔 among fifteen);
alone they do not (Guangdong writes Cantonese in simplified characters)."""
_SIMPLIFIED_TOO = frozenset("搵")
"""Traditional forms Guangdong writes in simplified text as well ("搵咗管理处三次", beside 揾): not
a sign of traditional writing."""
_TRADITIONAL_SHARE = 0.1
"""At least this share of the Chinese characters must be traditional: one stray character in a
long simplified message does not make it traditional."""


def _is_chinese(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"


def _english_words(text: str) -> tuple[int, int]:
    """Latin letters, and words of two letters or more (text is already lower case). Letters
    inside a run of letters and digits are a code, not words: a case number ("TS202612056LNH5X")
    or an order number says nothing of the language."""
    letters = words = 0
    for token in _LETTERS_AND_DIGITS.findall(text):
        if token.isalpha():
            letters += len(token)
            words += len(token) >= 2
    return letters, words


def answer_locale(message: Normalised, session_locale: str, settled: bool = False) -> str:
    """The language to answer ``message`` in: its own, except that English words mixed with any
    Chinese ("我的WiFi router TP-LINK坏了", markup around "电梯坏了") keep a Chinese conversation
    Chinese; only a message with no Chinese at all turns it English, and once the customer has
    been talking in Chinese (``settled``) only one of more than two English words ("ok thx",
    "my phone 186…" keep it Chinese)."""
    detected = detect_locale(message, session_locale)
    if detected == EN and session_locale in (ZH_CN, ZH_TW):
        if any(_is_chinese(char) for char in message.folded):
            return session_locale
        if settled and _english_words(message.folded)[1] <= _MIN_ENGLISH_WORDS:
            return session_locale
    return detected


def detect_locale(message: Normalised, session_locale: str) -> str:
    """The message's locale, or ``session_locale`` when the message is too short to tell."""
    chinese = sum(1 for char in message.folded if _is_chinese(char))
    letters, words = _english_words(message.folded)
    english = letters >= _MIN_ENGLISH_LETTERS and words >= _MIN_ENGLISH_WORDS
    if chinese == 0:
        return EN if english else session_locale
    if english and letters >= 3 * chinese and words > _MIN_ENGLISH_WORDS:
        return EN
    if chinese < _MIN_CHINESE_CHARACTERS and session_locale in (ZH_CN, ZH_TW):
        # "係", "啱", "好的": too few characters to change the script the conversation is in.
        return session_locale
    traditional = message.traditional_characters - sum(1 for char in message.folded if char in _SIMPLIFIED_TOO)
    if traditional > 0:
        traditional += sum(1 for char in message.folded if char in _CANTONESE)
    if traditional > 0 and traditional >= _TRADITIONAL_SHARE * chinese:
        return ZH_TW
    return ZH_CN
