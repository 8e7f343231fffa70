"""Keyword rules from config: side intents, signals, category, grade and phone numbers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.config import Classification, Grade, Intent, KeywordRule, PhraseId, Signal
from bot.understanding.phones import with_ascii_digits

_TRAILING_PUNCTUATION = " \t\r\n。.!!??~～,,、…"
_PHONE_CANDIDATE = re.compile(r"\+?\d[\d\- ]{5,18}\d")
_NUMBER_AFTER_INTRO = re.compile(r"[\s:：]*[+(]?\d[\d\s()\-]*\d[\d\s()\-]*\d")
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[\s\-]?\d)+(?!\d)")
_MOBILE_START = re.compile(r"1[3-9]")
_MOBILE_DIGITS = 11


def normalise(text: str) -> str:
    return text.strip().strip(_TRAILING_PUNCTUATION).lower()


_LOWERED: dict[int, tuple[KeywordRule, tuple[str, ...]]] = {}


def _keywords(rule: KeywordRule) -> tuple[str, ...]:
    """The rule's keywords case-folded, once per rule object (kept alive with it, so ids are not reused)."""
    cached = _LOWERED.get(id(rule))
    if cached is None or cached[0] is not rule:
        cached = _LOWERED[id(rule)] = (rule, tuple(keyword.lower() for keyword in rule.keywords))
    return cached[1]


def _matches_folded(rule: KeywordRule, folded: str) -> bool:
    if not folded:
        return False
    if rule.max_chars is not None and len(folded) > rule.max_chars:
        return False
    keywords = _keywords(rule)
    if rule.exact:
        return folded in keywords
    return any(keyword in folded for keyword in keywords)


def matches(rule: KeywordRule, text: str) -> bool:
    """Whether ``text`` satisfies ``rule`` (length cap, then exact or substring keywords)."""
    return _matches_folded(rule, normalise(text))


def detect_intents(text: str, rules: Classification) -> frozenset[Intent]:
    folded = normalise(text)
    return frozenset(intent for intent, rule in rules.intents.items() if _matches_folded(rule, folded))


def detect_signals(text: str, rules: Classification) -> frozenset[Signal]:
    folded = normalise(text)
    return frozenset(signal for signal, rule in rules.signals.items() if _matches_folded(rule, folded))


@dataclass(frozen=True, slots=True)
class Classified:
    category: str
    grade: Grade
    signals: frozenset[Signal]
    other_categories: tuple[str, ...] = ()


def classify(
    description: str,
    rules: Classification,
    known_signals: frozenset[Signal] = frozenset(),
    prior_categories: frozenset[str] = frozenset(),
) -> Classified:
    """Pick the category with the most keyword hits, grade it and collect its signals.

    A complaint is complex when its category is complex by default, when it carries a
    complexity keyword, is long, repeats an earlier complaint of the same category, or
    threatens media, legal or regulatory action.
    """
    text = description.lower()
    best_id, best_hits = rules.fallback_category, 0
    for category in rules.categories:
        hits = sum(1 for keyword in category.keywords if keyword.lower() in text)
        if hits > best_hits:
            best_id, best_hits = category.id, hits
    signals = set(known_signals) | detect_signals(description, rules)
    if best_id in prior_categories:
        signals.add(Signal.REPEAT)
    complex_by_content = (
        rules.category(best_id).default_grade is Grade.COMPLEX
        or any(keyword.lower() in text for keyword in rules.complex_keywords)
        or len(description) >= rules.complex_min_chars
        or bool(signals & set(rules.complex_signals))
    )
    grade = Grade.COMPLEX if complex_by_content else Grade.SIMPLE
    return Classified(category=best_id, grade=grade, signals=frozenset(signals))


def find_phone(text: str, pattern: str) -> str | None:
    """The first phone number in ``text`` that fits ``pattern``, without spaces."""
    compiled = re.compile(pattern)
    candidates: list[str] = _PHONE_CANDIDATE.findall(text.replace("－", "-"))
    for candidate in candidates:
        compact = candidate.replace(" ", "")
        if compiled.fullmatch(compact) or compiled.fullmatch(compact.replace("-", "")):
            return compact
    return None


def looks_like_phone_attempt(text: str, intros: Sequence[str] = ()) -> bool:
    """Mostly digits, or digits right after one of ``intros`` ("我的电话是12345", "my number is
    (415) 555-0134"): the customer tried to give a number, even if it is not valid; a number said
    digit by digit ("幺三九零零零七零幺三", one digit short) counts."""
    if mobile_digits_off(text):
        return True  # "my numbr is 1391234567": a mobile, one digit short
    text = with_ascii_digits(unicodedata.normalize("NFKC", text))
    digits = sum(map(str.isdigit, text))
    if digits < 3:
        return False  # no number after an intro either: it takes three digits
    if digits >= 5 and digits >= len(normalise(text).replace(" ", "").replace("-", "")) * 0.6:
        return True
    lowered = text.lower()
    for intro in intros:
        start = lowered.find(intro.lower())
        if start >= 0 and _NUMBER_AFTER_INTRO.match(lowered, start + len(intro)):
            return True
    return False


def mobile_digits_off(text: str) -> int:
    """How many digits a number of ``text`` that starts as a mobile does (1 and 3 to 9) is off a
    mobile's eleven: -1 for ten ("1391234567"), 1 for twelve; 0 when there is none so."""
    text = with_ascii_digits(unicodedata.normalize("NFKC", text))
    for run in _DIGIT_RUN.finditer(text):
        digits = "".join(ch for ch in run.group() if ch.isdigit())
        off = len(digits) - _MOBILE_DIGITS
        if abs(off) == 1 and _MOBILE_START.match(digits):
            return off
    return 0


def invalid_phone_phrase(text: str) -> PhraseId:
    """What answers a number that is none: a mobile a digit short or long is told so
    (``phone_digit_short``, ``phone_digit_long``), any other the formats we take (``invalid_phone``)."""
    off = mobile_digits_off(text)
    if off:
        return PhraseId.PHONE_DIGIT_SHORT if off < 0 else PhraseId.PHONE_DIGIT_LONG
    return PhraseId.INVALID_PHONE
