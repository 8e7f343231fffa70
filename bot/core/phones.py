"""Phone numbers in one form, so the same phone is recognised across channels."""

from __future__ import annotations

import phonenumbers

SPOKEN_DIGITS = "零〇○一幺壹二两兩贰貳三叁參四肆五伍六陆陸七柒八捌九玖"
"""The characters a phone may be spelt with digit by digit (voice input, elderly customers,
financial numerals that cannot be misread: "幺捌陆"), each its digit in :data:`SPOKEN_AS_ASCII`."""
SPOKEN_AS_ASCII = str.maketrans(SPOKEN_DIGITS, "000111222223334455666778899")


def normalise_phone(phone: str) -> str:
    """Digits only, without the China country code: "+86 138-0013-8000" -> "13800138000".

    Landlines keep their area code ("029-88886666" -> "02988886666"); a number of another country
    keeps its "+" ("+886 912 345 678" -> "+886912345678"), as the engine stores it.
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    international = phone.lstrip().startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("86") and (international or len(digits) == 13):
        national = digits[2:]
        # A mobile is eleven digits from 1; a landline gets back its trunk 0 ("+86 10 …" is 010…).
        return national if national.startswith("1") and len(national) == 11 else "0" + national
    return "+" + digits if international else digits


def masked_phone(phone: str) -> str:
    """A stored phone (:func:`normalise_phone`) with all but its last four digits starred, its
    country code kept whole: "13912345678" -> "139****5678", "02988886666" -> "029****6666",
    "+85291234567" -> "+852 ****4567", "+14155550123" -> "+1 ******0123"."""
    if not phone.startswith("+"):
        return _masked_national(phone)
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return "+" + _masked_national(phone[1:])
    country = str(number.country_code)
    national = phone[1 + len(country) :]
    if country == "86":
        return _masked_national(normalise_phone(phone))
    return f"+{country} {_masked_national(national)}"


def _masked_national(digits: str) -> str:
    """A mainland mobile or a landline keeps its first three digits (139, 029); a shorter number
    (Hong Kong's eight) only its last four."""
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits
