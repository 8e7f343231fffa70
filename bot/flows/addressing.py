"""How a customer known by surname and title is addressed (王先生, Mr. Wang: seed 002 称呼客户):
the greeting, and what the workers send later (the 回访, the waiting apology, a progress
follow-up) in the phrase's ``_named`` form, else the phrase without the name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

from bot.config import PhraseId

_TITLES = {"male": PhraseId.TITLE_MALE, "female": PhraseId.TITLE_FEMALE}

NAMED: dict[PhraseId, PhraseId] = {
    PhraseId.SATISFACTION_ASK_RATING: PhraseId.SATISFACTION_ASK_RATING_NAMED,
    PhraseId.SATISFACTION_ASK_RATING_SUMMARY: PhraseId.SATISFACTION_ASK_RATING_SUMMARY_NAMED,
    PhraseId.WAITING_APOLOGY: PhraseId.WAITING_APOLOGY_NAMED,
    PhraseId.PROGRESS_FOLLOW_UP: PhraseId.PROGRESS_FOLLOW_UP_NAMED,
}
"""Each phrase said to a customer by name, and its form with ``{surname}`` and ``{title}``."""


@dataclass(frozen=True, slots=True)
class Address:
    """A surname and the phrase of its title (``title_male``: 先生, Mr.)."""

    surname: str
    title: PhraseId


def known_address(surname: str | None, title: str | None) -> Address | None:
    """How the customer record says to address them (a surname confirmed with 先生 or 女士), or
    None when it does not: a surname alone takes no guessed title."""
    phrase = _TITLES.get(title or "")
    return Address(surname, phrase) if surname and phrase is not None else None


def addressed(phrase_id: PhraseId, address: Address | None) -> PhraseId:
    """``phrase_id``'s form that names the customer when they are known by name, else itself."""
    return NAMED.get(phrase_id, phrase_id) if address is not None else phrase_id


class NameVariables(TypedDict, total=False):
    """The placeholders of a ``_named`` phrase."""

    surname: str
    title: str


def name_variables(address: Address | None, title_text: Callable[[PhraseId], str]) -> NameVariables:
    """The ``{surname}`` and ``{title}`` of a ``_named`` phrase (none for a customer not known by
    name); ``title_text`` says the title phrase in the customer's language."""
    if address is None:
        return {}
    return {"surname": address.surname, "title": title_text(address.title)}
