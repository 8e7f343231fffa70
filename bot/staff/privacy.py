"""Phone numbers shown to staff: in full to whoever handles the conversation (its owner, and the
agent who resolved one of its cases: ``bot.storage.conversations.handlers_of``) and to supervisors
and managers, masked (138****5678) to every other agent. Applied by the API, never left to the page."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Collection
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumber

from bot.core.phones import SPOKEN_DIGITS
from bot.staff.accounts import Role
from bot.understanding.normalise import INVISIBLE
from bot.understanding.phones import grouped_phone_runs, shaped_as_its_country_s

# A mainland mobile (optionally +86) or a landline with its area code; digits next to other
# digits are not a phone (order numbers, case numbers).
_PHONE = re.compile(r"(?<!\d)(\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)|(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")
# A Hong Kong mobile as typed without +852 ("我電話係 9123 4567"): eight digits from 5, 6, 7 or 9.
# Not beside a numeral: "一六62276575八" is a mainland mobile partly spelt, starred whole below.
_HONG_KONG_MOBILE = re.compile(rf"(?<![\d{SPOKEN_DIGITS}])([5679]\d{{3}})([- ]?)(\d{{4}})(?![\d{SPOKEN_DIGITS}])")
# A phone spelt in Chinese numerals, wholly or partly, as the bot reads one ("一三八一二三四五六七八",
# "138一二三四5678", "一三八-一二三四-五六七八"): seven or more digits of either kind, one separator
# at most between two of them.
_SPLIT_MOBILE = re.compile(r"1[3-9](?:[\s\-]?\d){9}")
_SPELT_PHONE = re.compile(rf"[0-9{SPOKEN_DIGITS}](?:[\s\-]?[0-9{SPOKEN_DIGITS}]){{6,}}")
_HIDDEN_AT_LEAST = 4
_LOCAL_NUMBER_ALONE = re.compile(r"\s*([2-9]\d{2,3}[ \-.]?\d{4})\s*")
# Digits and what a written phone may hold between them (+86 (029) 8888-6666, full-width digits).
_NUMBER_STRETCH = re.compile(r"[+＋(（]*\d[\d\s\-‐‑–—－.．()（）]*")
_GROUP = re.compile(r"\d+")
_NUMBER_LEADS = "+＋(（"
_FEWEST_PHONE_DIGITS = 7
_MOST_PHONE_DIGITS = 15
_MOST_GROUPS = 4
"""Groups of digits one written number spans at most ("+86 138 1234 5678")."""
_PARSES = 32
_STEPS = 256
"""Groups of digits read in one text at most, and numbers parsed: past either, the rest is starred."""
_REMEMBERED_TEXTS = 4096
"""Digits a masked number hides at least: an 8-digit number keeps only its last four."""
# What hides a phone from the matchers but not from a reader: characters that show as nothing
# ("138\u200b1234\u200b5678"), single spaces between digits ("1 3 8 1 2 3 4 5 6 7 8") and the
# pauses voice input writes between the groups of a number read out ("幺三八，零零幺幺，二二三三",
# "138，0011，2233"), as the bot reads one.
_PAUSE = re.compile(r"[,，、;；]\s?")
_FOLDABLE = re.compile(rf"{INVISIBLE.pattern}|\d\s\d|[\d{SPOKEN_DIGITS}]{_PAUSE.pattern}[\d{SPOKEN_DIGITS}]")


def sees_phones(staff: dict[str, Any], handlers: Collection[str | None]) -> bool:
    """Whether this staff member sees the phone numbers of a conversation these staff handle
    (``bot.storage.conversations.handlers_of``; none for a waiting ticket) in full."""
    return staff["role"] != Role.AGENT or f"agent:{staff['id']}" in handlers


def mask_phones(text: str | None) -> str | None:
    """The text with the middle digits of every phone number starred: 13812345678 → 138****5678.

    Numbers written as the bot reads them are found by phonenumbers (spaces, dashes, brackets,
    full-width digits, +86: "186 1234 9876", "(029)88886666"); the pattern catches the rest."""
    if not text:
        return text
    return _masked(text)


_NUMBER_RUN = re.compile(r"[0-9*]+")
"""Digits and stars together in a folded reading: one number as the bot reads it."""


@functools.lru_cache(maxsize=_REMEMBERED_TEXTS)
def _masked(text: str) -> str:
    """:func:`mask_phones` of a non-empty text; remembered, since the consoles fetch the same
    messages again on every change. The text is read as written and, when something could hide a
    phone in it (:data:`_FOLDABLE`, digits of another width or script: "①③⑨…", "𝟏𝟑𝟗…", a number
    told in groups as the bot reads one: "139。8765。4321"), read again folded; a digit starred by
    either reading is starred, except within a number the folded reading found, starred as that
    reading says; the rest of the text stays as written."""
    masked = _starred(text)
    wide = _widened(text)
    if wide == text and not _FOLDABLE.search(text) and not grouped_phone_runs(text):
        return masked
    folded, positions = _folded(wide)
    out = list(masked)
    starred = _starred(folded)
    for run in _NUMBER_RUN.finditer(starred):
        # A number the folded reading found is starred as that reading says, over the whole run:
        # the as-written reading may have read part of it as another number ("1\u206055839116…" as
        # the landline 55839116) and starred other digits.
        if "*" in run.group():
            for index in range(run.start(), run.end()):
                out[positions[index]] = "*" if starred[index] == "*" else text[positions[index]]
    return "".join(out)


def _widened(text: str) -> str:
    """``text`` with each character NFKC folds to one character so folded ("①" and "𝟏" are 1,
    "－" is -), as the bot reads a message: of the same length, so each character keeps its place."""
    if text.isascii():
        return text
    return "".join(_one_folded(ch) for ch in text)


def _one_folded(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` without the characters that show as nothing, the single spaces between two digits,
    the pauses (:data:`_PAUSE`) between two digits or numerals and the separators within a number
    told in groups (:func:`bot.understanding.phones.grouped_phone_runs`), and where each character
    left is in ``text``."""
    kept: list[int] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if INVISIBLE.match(ch):
            index += 1
            continue
        if ch.isspace() and kept and text[kept[-1]].isdigit() and _digit_next(text, index + 1):
            index += 1
            continue
        pause = _PAUSE.match(text, index)
        if pause is not None and kept and _is_digit(text[kept[-1]]) and _numeral_next(text, pause.end()):
            index = pause.end()
            continue
        kept.append(index)
        index += 1
    once = "".join(text[index] for index in kept)
    separators = {
        place for start, end in grouped_phone_runs(once) for place in range(start, end) if not _is_digit(once[place])
    }
    if separators:
        kept = [index for place, index in enumerate(kept) if place not in separators]
    return "".join(text[index] for index in kept), kept


def _numeral_next(text: str, start: int) -> bool:
    """Whether the first character from ``start`` on that shows is a digit or a numeral."""
    for ch in text[start:]:
        if not INVISIBLE.match(ch):
            return _is_digit(ch)
    return False


def _digit_next(text: str, start: int) -> bool:
    """Whether the first character from ``start`` on that shows is a digit."""
    for ch in text[start:]:
        if not INVISIBLE.match(ch):
            return ch.isdigit()
    return False


def _starred(text: str) -> str:
    """The phones of ``text`` starred. Every starring keeps the text's length, so spans found
    before one stay where they were."""
    alone = _LOCAL_NUMBER_ALONE.fullmatch(text)
    if alone is not None:
        # A local landline kept as typed ("88123456"), as the bot reads a number answering alone.
        digits = sum(ch.isdigit() for ch in alone.group(1))
        return text[: alone.start(1)] + _star_middle(alone.group(1), digits, 0) + text[alone.end(1) :]
    numbers, unread = _numbers_written(text)
    for start, end, number in numbers:
        national = len(phonenumbers.national_significant_number(number))
        # A landline keeps its area code (029), a mobile its first three digits (138); a short
        # number (Hong Kong's eight digits) keeps no more than its last four.
        head = phonenumbers.length_of_geographical_area_code(number) or 3
        head = max(0, min(head, national - 4 - _HIDDEN_AT_LEAST))
        text = text[:start] + _star_middle(text[start:end], national, head) + text[end:]
    for start, end in unread:
        digits = sum(ch.isdigit() for ch in text[start:end])
        text = text[:start] + _star_middle(text[start:end], digits, 3 if digits >= 11 else 0) + text[end:]

    def star(match: re.Match[str]) -> str:
        if match.group(2):
            return f"{match.group(1) or ''}{match.group(2)}****{match.group(4)}"
        return f"{match.group(5)}{'*' * len(match.group(6))}{match.group(7)}"

    text = _PHONE.sub(star, text)
    text = _HONG_KONG_MOBILE.sub(lambda match: f"****{match.group(2)}{match.group(3)}", text)
    return _SPELT_PHONE.sub(_star_spelt, text)


def _numbers_written(text: str) -> tuple[list[tuple[int, int, PhoneNumber]], list[tuple[int, int]]]:
    """The phone numbers written in ``text`` with separators ("186 1234 9876", "(029)8888-6666",
    "+86 138…"), as (start, end, number): in each stretch of digits and separators, from each
    group of digits on, the most groups (up to four) that make a valid number. Only numbers
    written as a customer's phone is (a trunk 0, a mobile's 1, a country code) are parsed, at most
    :data:`_PARSES` of them, from at most :data:`_STEPS` groups: the stretches left when they run
    out are returned unread, to be starred whole (a message of more numbers than anyone tells
    must not hold an agent's view up)."""
    found: list[tuple[int, int, PhoneNumber]] = []
    unread: list[tuple[int, int]] = []
    parses = steps = 0
    for stretch in _NUMBER_STRETCH.finditer(text):
        if _beside_a_numeral(text, stretch.start(), stretch.end()):
            continue  # part of a number partly spelt ("1九10102946四"): starred whole by _SPELT_PHONE
        offset = stretch.start()
        groups = [(offset + group.start(), offset + group.end()) for group in _GROUP.finditer(stretch.group())]
        if sum(end - start for start, end in groups) < _FEWEST_PHONE_DIGITS:
            continue
        if parses >= _PARSES or steps >= _STEPS:
            unread.append(stretch.span())
            continue
        index = 0
        while index < len(groups) and parses < _PARSES and steps < _STEPS:
            steps += 1
            first = groups[index][0]
            while first > stretch.start() and text[first - 1] in _NUMBER_LEADS:
                first -= 1
            for last in range(min(len(groups), index + _MOST_GROUPS), index, -1):
                written = text[first : groups[last - 1][1]]
                if not _written_as_a_phone(written):
                    continue
                parses += 1
                number = _valid_number(written)
                if number is not None:
                    found.append((first, groups[last - 1][1], number))
                    index = last
                    break
                if parses >= _PARSES:
                    break
            else:
                index += 1
        if index < len(groups):
            unread.append((groups[index][0], stretch.end()))
    return found, unread


def _beside_a_numeral(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1] in SPOKEN_DIGITS) or (end < len(text) and text[end] in SPOKEN_DIGITS)


def _written_as_a_phone(written: str) -> bool:
    digits = "".join(ch for ch in written if ch.isdigit())
    if not _FEWEST_PHONE_DIGITS <= len(digits) <= _MOST_PHONE_DIGITS:
        return False
    return written.startswith(("+", "＋", "00", "００")) or digits.startswith(("0", "1", "86", "０", "１", "８６"))


def _valid_number(written: str) -> PhoneNumber | None:
    try:
        number = phonenumbers.parse(written, "CN")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return number
    # "+852 9111 2222": a number the bot takes with its country code, starred as a valid one is.
    international = written.startswith(("+", "＋", "00", "００"))
    return number if international and shaped_as_its_country_s(number) else None


def _star_spelt(match: re.Match[str]) -> str:
    """A run holding a Chinese numeral, or a mobile split in more groups than a number is read in
    ("138-12-34-56-78"), its digits starred as a phone's are; another run of ASCII digits is left
    alone (it was read above: not a phone, an order number perhaps)."""
    spelt = match.group()
    if not any(ch in SPOKEN_DIGITS for ch in spelt) and not _SPLIT_MOBILE.fullmatch(spelt):
        return spelt
    digits = sum(1 for ch in spelt if _is_digit(ch))
    return _star_middle(spelt, digits, 3 if digits >= 11 else 0)


def _is_digit(ch: str) -> bool:
    """An ASCII or full-width digit, or a Chinese numeral spelling one."""
    return ch.isdigit() or ch in SPOKEN_DIGITS


def _star_middle(raw: str, national_digits: int, head: int) -> str:
    """``raw`` (a phone as written) with its digits starred but the national number's first
    ``head`` and the last four; the separators stay as written."""
    digits = sum(1 for ch in raw if _is_digit(ch))
    keep_head = digits - national_digits + head
    keep_tail = digits - 4
    seen, out = 0, []
    for ch in raw:
        if _is_digit(ch):
            out.append(ch if seen < keep_head or seen >= keep_tail else "*")
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


Shown = Callable[[str | None], str | None]


def shown_phones(staff: dict[str, Any], handlers: Collection[str | None]) -> Shown:
    """How this staff member sees the text of a conversation these staff handle: as written, or
    with phones masked."""
    return _as_written if sees_phones(staff, handlers) else mask_phones


def _as_written(text: str | None) -> str | None:
    return text


def mask_within(value: Any, shown: Shown = mask_phones) -> Any:
    """``value`` (JSON: a timeline or notification detail) with every string in it, however deep,
    passed through ``shown``."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        return {key: mask_within(item, shown) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_within(item, shown) for item in value]
    return value
