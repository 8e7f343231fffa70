"""Which language one message is written in: zh-CN, zh-TW or en, from the characters it uses.

Chinese and English are told apart by script (Chinese typed in pinyin is Chinese), and
traditional from simplified Chinese by what OpenCC's t2s conversion changes, so plain counting is
exact where a statistical language identifier guesses; a message too short to tell ("ok", "123",
"好的") keeps the session's locale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.understanding.markup import without_markup
from bot.understanding.normalise import Converter, Normalised, fold

ZH_CN = "zh-CN"
ZH_TW = "zh-TW"
EN = "en"

_MIN_ENGLISH_LETTERS = 5
_MIN_ENGLISH_WORDS = 2
_MIN_CHINESE_CHARACTERS = 4
"""Fewer Chinese characters than this: a Chinese conversation keeps its script ("好的", "谢谢",
"係", a yes with one traditional character, does not turn a simplified conversation traditional)."""
_LETTERS_AND_DIGITS = re.compile(r"[a-z0-9]+")
_SIMPLIFIED_TOO = frozenset("搵")
"""Traditional forms Guangdong writes in simplified text as well ("搵咗管理处三次", beside 揾): not
a sign of traditional writing."""
_PINYIN_WORD = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ao|an|ei|en|er|ia|ie|in|iu|ou|ua|ue|ui|un|uo|ve|vn"
    r"|a|e|i|o|u|v))+"
)
"""A word of pinyin syllables without tones ("dian", "dianti", "xiaoqu")."""
_PINYIN_MARK = re.compile(r"^[jqx]|^zh|iao|ian|iong|uai|uo")
"""What only pinyin writes ("jia", "dian", "huai"): a short English sentence of pinyin-shaped
words ("can he come") has none."""
_LONGEST_PINYIN_WORD = 24
_MIN_PINYIN_WORDS = 3
_PINYIN_SHARE = 0.8
"""A message of at least three words, this share of them pinyin ("wo jia ting dian le"), is
Chinese typed without characters: few English sentences are made of pinyin's syllables."""
_LONG_PINYIN_WORD = 6
"""Once the customer has written Chinese, a message every word of which is pinyin's syllables, one
of them this long ("yangguang huayuan 5 dong", "wangjing"), is Chinese typed in pinyin, a place's
name told so, though it has none of the syllables only pinyin writes; few English words this long
are made of pinyin's syllables."""
_MOSTLY_ENGLISH_WORDS = 6
_MOSTLY_ENGLISH_LETTERS_PER_CHARACTER = 8
"""English sentences with a Chinese name in them ("I live in 阳光花园 3栋, the water pressure is
super low every morning"): English, though a few English words in Chinese keep it Chinese, and so
does a clause written in Chinese ("my water heater broken 热水器不出热水 since yesterday")."""
_TRADITIONAL_SHARE = 0.1
"""At least this share of the Chinese characters must be traditional: one stray character in a
long simplified message does not make it traditional."""


_CHINESE = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")


def _chinese_characters(text: str) -> int:
    return len(_CHINESE.findall(text))


def _english_words(text: str) -> tuple[int, int]:
    """Latin letters, and words of two letters or more (text is already lower case). Letters
    inside a run of letters and digits are a code, not words: a case number ("TS202612056LNH5X")
    or an order number says nothing of the language."""
    letters = words = 0
    for token in _LETTERS_AND_DIGITS.findall(without_markup(text)):
        if token.isalpha():
            letters += len(token)
            words += len(token) >= 2
    return letters, words


def is_pinyin(text: str) -> bool:
    """``text`` (folded) is Chinese typed in pinyin: three words or more, most of pinyin's syllables."""
    words = [token for token in _LETTERS_AND_DIGITS.findall(text) if token.isalpha()]
    if len(words) < _MIN_PINYIN_WORDS:
        return False
    pinyin = [word for word in words if len(word) <= _LONGEST_PINYIN_WORD and _PINYIN_WORD.fullmatch(word)]
    return len(pinyin) >= _PINYIN_SHARE * len(words) and any(_PINYIN_MARK.search(word) for word in pinyin)


def _pinyin_shaped(text: str) -> bool:
    """``text`` (folded) has words, each of them pinyin's syllables, one of them long
    (:data:`_LONG_PINYIN_WORD`) or with a syllable only pinyin writes."""
    words = [token for token in _LETTERS_AND_DIGITS.findall(text) if token.isalpha()]
    if not words or not all(len(word) <= _LONGEST_PINYIN_WORD and _PINYIN_WORD.fullmatch(word) for word in words):
        return False
    return any(len(word) >= _LONG_PINYIN_WORD or _PINYIN_MARK.search(word) for word in words)


def _mostly_english(text: str, chinese: int) -> bool:
    letters, words = _english_words(text)
    return words >= _MOSTLY_ENGLISH_WORDS and letters >= _MOSTLY_ENGLISH_LETTERS_PER_CHARACTER * chinese


class ScriptSigns:
    """What tells the script a Chinese message is written in besides the traditional characters
    OpenCC's t2s changes: the Cantonese words of ``classification.cantonese_markers`` (written the
    same in both scripts) and the characters only simplified Chinese writes (what s2t changes)."""

    def __init__(self, cantonese_markers: Iterable[str], traditionaliser: Converter | None) -> None:
        markers = sorted({fold(marker) for marker in cantonese_markers if marker.strip()}, key=len, reverse=True)
        self._markers = re.compile("|".join(map(re.escape, markers))) if markers else None
        self._traditionaliser = traditionaliser

    def cantonese(self, folded: str) -> int:
        """How many Cantonese words ``folded`` (a :attr:`Normalised.folded` text) has."""
        return 0 if self._markers is None else sum(1 for _ in self._markers.finditer(folded))

    def simplified_characters(self, folded: str) -> int:
        """How many characters of ``folded`` only simplified Chinese writes, the Cantonese words
        aside (s2t turns the 郁 of "唔郁" into 鬱, yet Hong Kong writes it so); 0 without a
        simplified → traditional converter."""
        if self._traditionaliser is None:
            return 0
        if self._markers is not None:
            folded = self._markers.sub(lambda found: " " * len(found.group(0)), folded)
        converted = self._traditionaliser.convert(folded)
        if converted == folded:
            return 0
        if len(converted) != len(folded):
            return max(1, abs(len(converted) - len(folded)))
        return sum(1 for before, after in zip(folded, converted, strict=True) if before != after)


def answer_locale(
    message: Normalised,
    session_locale: str,
    settled: bool = False,
    signs: ScriptSigns | None = None,
    places: Iterable[str] = (),
) -> str:
    """The language to answer ``message`` in: its own, except that English words mixed with any
    Chinese ("我的WiFi router TP-LINK坏了", markup around "电梯坏了") keep a Chinese conversation
    Chinese; only a message with no Chinese at all turns it English (and English words beside
    Chinese, "一个月第三次了 so annoying", keep an English conversation English), and once the customer has
    been talking in Chinese (``settled``) only one of more than two English words ("ok thx",
    "my phone 186…" keep it Chinese), nor one of pinyin's syllables alone ("yangguang huayuan 5 dong":
    a place typed in pinyin). Before anything is told (not ``settled``), a message too
    short to tell otherwise ("冇水呀") is traditional by its Cantonese as a longer one would be.
    ``signs`` and ``places`` as for :func:`detect_locale`."""
    detected = detect_locale(message, session_locale, signs, places)
    if detected == session_locale == ZH_CN and not settled and _short_cantonese(message, signs):
        return ZH_TW
    if detected == EN and session_locale in (ZH_CN, ZH_TW):
        chinese = _chinese_characters(message.folded)
        if chinese and not _mostly_english(message.folded, chinese):
            return session_locale
        if settled and _english_words(message.folded)[1] <= _MIN_ENGLISH_WORDS:
            return session_locale
        if settled and not chinese and _pinyin_shaped(message.folded):
            return session_locale  # "yangguang huayuan 5 dong" after "电梯坏了三天了": a place in pinyin
    if detected in (ZH_CN, ZH_TW) and session_locale == EN:
        # "一个月第三次了 so annoying": a Chinese clause beside English keeps an English conversation
        # English, as English words in Chinese keep a Chinese one Chinese; only Chinese alone turns it.
        letters, words = _english_words(message.folded)
        if letters >= _MIN_ENGLISH_LETTERS and words >= _MIN_ENGLISH_WORDS:
            return session_locale
    return detected


def detect_locale(
    message: Normalised, session_locale: str, signs: ScriptSigns | None = None, places: Iterable[str] = ()
) -> str:
    """The message's locale, or ``session_locale`` when the message is too short to tell.

    Traditional Chinese when enough of its characters are traditional (its Cantonese words, by
    ``signs``, counting with them), or when it has as many traditional characters as simplified
    ones (often none: "收皮啦你哋 水管爆咗冇人理") and Cantonese words: a customer writing Cantonese
    reads traditional characters. Without ``signs``, no word counts as Cantonese.

    ``places`` are the places the message names, in simplified characters: a place keeps the
    characters it is written in wherever it was copied from, so in a message of both scripts
    ("我家在太古城金星閣15樓B室 楼上漏水") the script is told by the rest of it, when the rest has
    a character or a Cantonese word to tell it by; else, and in a message of one script ("陽光花園5棟
    樓上漏水", "太古城金星閣15樓B室 冇水呀"), by the whole."""
    chinese = _chinese_characters(message.folded)
    letters, words = _english_words(message.folded)
    english = letters >= _MIN_ENGLISH_LETTERS and words >= _MIN_ENGLISH_WORDS
    if chinese == 0:
        if english and is_pinyin(message.folded):
            return session_locale if session_locale in (ZH_CN, ZH_TW) else ZH_CN
        return EN if english else session_locale
    if english and letters >= 3 * chinese and words > _MIN_ENGLISH_WORDS:
        return EN
    if chinese < _MIN_CHINESE_CHARACTERS and session_locale in (ZH_CN, ZH_TW):
        # "係", "啱", "好的": too few characters to change the script the conversation is in.
        return session_locale
    if places and _mixed(message, signs):
        rest = without_places(message, places)
        if rest is not message and _tells_script(rest, signs):
            message = rest
    return _script(message, signs)


def _script(message: Normalised, signs: ScriptSigns | None) -> str:
    """ZH_TW or ZH_CN, by the message's characters and Cantonese words (:func:`detect_locale`)."""
    chinese = _chinese_characters(message.folded)
    traditional = _traditional(message)
    cantonese = signs.cantonese(message.folded) if signs is not None else 0
    if traditional > 0 and traditional + cantonese >= _TRADITIONAL_SHARE * chinese:
        return ZH_TW
    if _cantonese_decides(message, signs):
        return ZH_TW  # a tie ("收皮啦你哋 水管爆咗冇人理": none of either): Cantonese decides it
    return ZH_CN


def _traditional(message: Normalised) -> int:
    return max(0, message.traditional_characters - sum(1 for char in message.folded if char in _SIMPLIFIED_TOO))


def _cantonese_decides(message: Normalised, signs: ScriptSigns | None) -> bool:
    """Cantonese words, and as many traditional characters as simplified ones (often none)."""
    if signs is None or not signs.cantonese(message.folded):
        return False
    return _traditional(message) == signs.simplified_characters(message.folded)


def _short_cantonese(message: Normalised, signs: ScriptSigns | None) -> bool:
    """Too few Chinese characters for :func:`detect_locale` to tell, Cantonese decides them, beside
    no fewer traditional characters than simplified ones ("冇水呀", "部lift壞咗")."""
    if signs is None or not 0 < _chinese_characters(message.folded) < _MIN_CHINESE_CHARACTERS:
        return False
    simplified = signs.simplified_characters(message.folded)
    return bool(signs.cantonese(message.folded)) and _traditional(message) >= simplified


def _mixed(message: Normalised, signs: ScriptSigns | None) -> bool:
    """``message`` has traditional characters and simplified ones."""
    return signs is not None and _traditional(message) > 0 and signs.simplified_characters(message.folded) > 0


def _tells_script(message: Normalised, signs: ScriptSigns | None) -> bool:
    """``message`` has a traditional or a simplified character or a Cantonese word."""
    if _traditional(message):
        return True
    return signs is not None and bool(signs.cantonese(message.folded) or signs.simplified_characters(message.folded))


def without_places(message: Normalised, places: Iterable[str]) -> Normalised:
    """``message`` with each of ``places`` (in simplified characters) blanked out where it
    stands, spaces typed inside it or not ("太古城 金星閣"); ``message`` itself when it names none
    of them, or when its simplified reading does not keep the characters where they were."""
    if len(message.text) != len(message.folded):
        return message
    text, folded = message.text, message.folded
    for place in places:
        characters = "".join(fold(place).split())
        if not characters:
            continue
        found = re.search(r"\s*".join(map(re.escape, characters)), text)
        if found is not None:
            start, end = found.span()
            blank = " " * (end - start)
            text, folded = text[:start] + blank + text[end:], folded[:start] + blank + folded[end:]
    return message if text == message.text else Normalised(text=text, folded=folded)


class ShortQuestions:
    """A short English question that keeps a Chinese conversation Chinese ("what should i do"
    after an emergency told in Chinese): no Chinese in it, at most ``max_words`` English words,
    opening with one of ``openers`` or ending in a question mark, and none of ``language_words``
    ("can you speak english" is a switch asked for). Patterns compiled once per configuration."""

    __slots__ = ("_language", "_max_words", "_openers")

    def __init__(self, max_words: int, openers: Iterable[str], language_words: Iterable[str]) -> None:
        self._max_words = max_words
        self._openers = _words_pattern(openers, anchored=True)
        self._language = _words_pattern(language_words, anchored=False)

    def keeps(self, message: Normalised) -> bool:
        """Whether ``message`` is such a question."""
        text = without_markup(message.folded).strip()
        if not text or _CHINESE.search(text):
            return False
        if _english_words(text)[1] > self._max_words:
            return False
        if self._language is not None and self._language.search(text):
            return False
        asked = text.rstrip().endswith(("?", "？"))
        return asked or (self._openers is not None and self._openers.match(text) is not None)


def _words_pattern(words: Iterable[str], anchored: bool) -> re.Pattern[str] | None:
    folded = sorted({fold(word).strip() for word in words if word.strip()}, key=len, reverse=True)
    if not folded:
        return None
    alternatives = "|".join(re.escape(word) for word in folded)
    return re.compile((r"\W*" if anchored else r"(?<![a-z])") + f"(?:{alternatives})(?![a-z])")
