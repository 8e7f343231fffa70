"""Phone numbers shown to staff: in full to the conversation's owner and to supervisors and
managers, masked (138****5678) to every other agent. Applied by the API, never left to the page."""

from __future__ import annotations

import re
from typing import Any

from bot.staff.accounts import Role

# A mainland mobile (optionally +86) or a landline with its area code; digits next to other
# digits are not a phone (order numbers, case numbers).
_PHONE = re.compile(r"(?<!\d)(\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)|(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")


def sees_phones(staff: dict[str, Any], owner: str | None) -> bool:
    """Whether this staff member sees the conversation's phone numbers in full."""
    return staff["role"] != Role.AGENT or owner == f"agent:{staff['id']}"


def mask_phones(text: str | None) -> str | None:
    """The text with the middle digits of every phone number starred: 13812345678 → 138****5678."""
    if not text:
        return text

    def star(match: re.Match[str]) -> str:
        if match.group(2):
            return f"{match.group(1) or ''}{match.group(2)}****{match.group(4)}"
        return f"{match.group(5)}{'*' * len(match.group(6))}{match.group(7)}"

    return _PHONE.sub(star, text)
