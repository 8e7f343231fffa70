"""Phone numbers in one form, so the same phone is recognised across channels."""

from __future__ import annotations


def normalise_phone(phone: str) -> str:
    """Digits only, without the China country code: "+86 138-0013-8000" -> "13800138000".

    Landlines keep their area code ("029-88886666" -> "02988886666").
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits
