"""The restatement (复述): the problem, the place, the phone and the name, one line each, as the
customer reads them back before the promise (seed 000 §四, seed 003: restate, then confirm)."""

from __future__ import annotations

from bot.config import PhraseId
from bot.core.phones import masked_phone
from bot.flows.classify import Classified
from bot.flows.place_in_the_problem import description_without_the_place
from bot.flows.slots import place_as_written
from bot.flows.turn import Turn
from bot.understanding.phones import said_phone


def say_restatement(turn: Turn, classified: Classified) -> None:
    """Say the structured summary (``restate``); never the customer's text echoed whole."""
    data = turn.step.data
    category = _categories_said(turn, classified)
    summary = turn.kit.summary.summarise(description_without_the_place(turn), turn.locale)
    not_given = turn.text(PhraseId.NOT_GIVEN)
    written = place_as_written(turn)
    problem = turn.text(PhraseId.RESTATE_PROBLEM, category=category, summary=summary) if summary else category
    if data.photos:
        problem = turn.text(PhraseId.RESTATE_PHOTOS, problem=problem, count=data.photos)  # "（附照片2张）"
    turn.say(
        PhraseId.RESTATE,
        problem=problem,
        area=written or data.area or not_given,
        phone=_phone_said(turn) or not_given,
        name=_name_said(turn) or not_given,
        verbatim=(summary, written or ""),
    )


def _categories_said(turn: Turn, classified: Classified) -> str:
    """The main problem's category, then those of the other problems told with it."""
    rules = turn.kit.rules
    said = rules.category(classified.category).name.get(turn.locale)
    for other in classified.other_categories:
        said = turn.text(
            PhraseId.RESTATE_MORE_CATEGORIES, categories=said, category=rules.category(other).name.get(turn.locale)
        )
    return said


def _phone_said(turn: Turn) -> str | None:
    """The contact as restated. A phone the customer typed is shown whole, so a mistyped digit
    can be caught; one the channel or an earlier conversation gave is masked (139****5678):
    the customer did not type it here, and whoever holds the chat need not learn it."""
    data = turn.step.data
    if data.contact_by_channel and not data.phone:
        return turn.text(PhraseId.CONTACT_BY_CHANNEL)
    phone = data.phone
    if phone and data.phone_from_channel and len(phone) >= 8:
        return masked_phone(phone)
    if not phone:
        return phone
    said = said_phone(phone)
    if data.phone_extension:
        said = turn.text(PhraseId.RESTATE_PHONE_EXTENSION, phone=said, extension=data.phone_extension)
    if data.alternative_phone:
        alternative = said_phone(data.alternative_phone)
        if data.alternative_extension:
            alternative = turn.text(
                PhraseId.RESTATE_PHONE_EXTENSION, phone=alternative, extension=data.alternative_extension
            )
        return turn.text(PhraseId.RESTATE_PHONES, phone=said, alternative=alternative)
    return said


def _name_said(turn: Turn) -> str | None:
    """How the customer is addressed: 王先生 from what they said, else the customer record."""
    data, customer = turn.step.data, turn.customer
    surname, title = data.surname, data.honorific
    if surname is None and customer.surname:
        surname = customer.surname
    if title is None and surname == customer.surname and customer.title in ("male", "female"):
        title = turn.text(PhraseId.TITLE_MALE if customer.title == "male" else PhraseId.TITLE_FEMALE)
    if surname is None:
        return data.name  # "my name is John Smith"
    if title is None:
        # 王芳 as said; a surname alone takes both titles rather than a guessed one.
        return data.name or turn.text(PhraseId.RESTATE_SURNAME, surname=surname)
    return turn.text(PhraseId.RESTATE_NAME, surname=surname, title=title)
