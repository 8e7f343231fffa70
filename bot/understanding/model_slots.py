"""The slots a model claims, kept only when they are the customer's own words and look like what
they claim to be.

A slot may later be stored, shown to staff or filled into a standard phrase ("{surname}{title}",
the restatement's "{phone}" and "{area}"), so a value the model made up must never survive: every
kept value occurs in the customer's message (after width and traditional→simplified folding),
except the honorific, which comes from a closed list. A name is a short run of CJK or Latin
letters; a phone is a valid number whose digits the customer wrote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

import phonenumbers

from bot.understanding.phones import with_ascii_digits
from bot.understanding.result import Slots

ToSimplified = Callable[[str], str]

HONORIFICS: Mapping[str, str] = {
    "先生": "先生",
    "女士": "女士",
    "小姐": "小姐",
    "mr": "Mr",
    "mrs": "Mrs",
    "ms": "Ms",
    "miss": "Miss",
}
"""What the model may say as an honorific (folded) → the form kept."""

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿ"
_LATIN_WORD = f"[{_LATIN}]+(?:['-][{_LATIN}]+)*"
CJK_NAME = re.compile(f"[{_CJK}]{{2,4}}")
CJK_SURNAME = re.compile(f"[{_CJK}]{{1,2}}")
LATIN_NAME = re.compile(f"{_LATIN_WORD}(?: {_LATIN_WORD}){{0,2}}")
LATIN_SURNAME = re.compile(_LATIN_WORD)
MAX_LATIN_NAME = 40
MAX_LATIN_SURNAME = 25
PHONE_CHARACTERS = re.compile(r"[0-9+()\- ]{5,25}")
MAX_ADDRESS = 80
CJK_DISTRICT = re.compile(f"[{_CJK}]{{1,7}}[区县市旗镇乡]")
"""A district named in Chinese ends with its kind; the model may add that character to the
customer's words ("海淀" → "海淀区")."""
MAX_LATIN_DISTRICT = 30


class SlotChecker:
    """Turns the model's raw slot strings into :class:`Slots` grounded in one message."""

    def __init__(self, to_simplified: ToSimplified) -> None:
        self._to_simplified = to_simplified

    def check(self, raw: Mapping[str, str | None], text: str) -> Slots:
        folded_text = self._fold(text)
        name = self._grounded(raw.get("name"), folded_text, _plausible_name)
        surname = self._grounded(raw.get("surname"), folded_text, _plausible_surname)
        if name is not None and surname is not None and self._fold(surname) not in self._fold(name):
            surname = None
        district = self._district(raw.get("district"), folded_text)
        return Slots(
            phone=_phone(raw.get("phone"), _digits(text)),
            name=name,
            surname=surname,
            honorific=HONORIFICS.get(self._fold(raw.get("honorific") or "").rstrip(".")),
            address=self._grounded(raw.get("address"), folded_text, _plausible_address),
            district=district,
            district_said=district is not None,  # grounded: its words are in the message
        )

    def _normal(self, value: str) -> str:
        """NFKC, simplified, whitespace runs as one space, no zero-width or other format characters."""
        value = "".join(ch for ch in unicodedata.normalize("NFKC", value) if unicodedata.category(ch) != "Cf")
        return " ".join(self._to_simplified(value).split())

    def _fold(self, value: str) -> str:
        """The form grounding compares: NFKC, simplified, case-folded, without spaces."""
        return "".join(self._normal(value).casefold().split())

    def _grounded(self, value: str | None, folded_text: str, plausible: Callable[[str], bool]) -> str | None:
        if not value:
            return None
        normal = self._normal(value)
        if not normal or not plausible(normal) or self._fold(normal) not in folded_text:
            return None
        return normal

    def _district(self, value: str | None, folded_text: str) -> str | None:
        if not value:
            return None
        normal = self._normal(value)
        if CJK_DISTRICT.fullmatch(normal):
            said = normal[:-1] if len(normal) > 2 else normal  # "东区" is said whole
        elif len(normal) <= MAX_LATIN_DISTRICT and LATIN_NAME.fullmatch(normal):
            said = normal
        else:
            return None
        return normal if self._fold(said) in folded_text else None


def _plausible_name(value: str) -> bool:
    return bool(CJK_NAME.fullmatch(value)) or (len(value) <= MAX_LATIN_NAME and bool(LATIN_NAME.fullmatch(value)))


def _plausible_surname(value: str) -> bool:
    return bool(CJK_SURNAME.fullmatch(value)) or (
        len(value) <= MAX_LATIN_SURNAME and bool(LATIN_SURNAME.fullmatch(value))
    )


def _plausible_address(value: str) -> bool:
    return 2 <= len(value) <= MAX_ADDRESS and all(unicodedata.category(ch)[0] != "C" for ch in value)


def _digits(text: str) -> str:
    return "".join(ch for ch in with_ascii_digits(unicodedata.normalize("NFKC", text)) if ch.isdigit())


def _phone(value: str | None, text_digits: str) -> str | None:
    """Digits for a Chinese number ("13912345678", "01012345678"), E.164 for another country's;
    None unless valid and written by the customer."""
    if not value:
        return None
    value = unicodedata.normalize("NFKC", value).strip()
    if not PHONE_CHARACTERS.fullmatch(value):
        return None
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or str(number.national_number) not in text_digits:
        return None
    if number.country_code == 86:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return "".join(ch for ch in national if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
