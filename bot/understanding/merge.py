"""One understanding from the rules' and the optional model's."""

from __future__ import annotations

from dataclasses import replace

from bot.config import Intent
from bot.understanding.result import Slots, Understanding

RULES_ONLY_INTENTS = frozenset({Intent.HARASSMENT})
"""Intents the model cannot add: a false one would warn the customer and close the conversation."""
ANSWER_INTENTS = frozenset({Intent.YES, Intent.NO})
"""Answers to the confirmation question: the rules' exact answer lists decide when they match (and
only they: ``model_trust.RULES_WORDS_ONLY`` keeps the model's alone a suggestion)."""


def merge(rules: Understanding, model: Understanding | None) -> Understanding:
    """The rules' understanding, completed by the model's where the rules found nothing.

    The rules are configured by managers and predictable, so wherever they found something they
    win; the model fills gaps and can only add to what the rules found, never take away:

    - ``text`` and ``locale``: the rules'.
    - ``intents``: the union, so the model never removes one the rules found (a request for a
      person or a supervisor stays). Except: the model never adds ``harassment`` (it warns and
      closes, a false positive hurts an innocent customer), and it adds ``yes`` or ``no`` only when
      the rules found neither and the model says exactly one of them, nor ``praise`` or ``thanks`` the
      rules read as sarcasm (``sarcastic``). Vetting
      (:meth:`~bot.understanding.model_trust.TrustRules.vet`) has already taken out the intents
      that end, drop or skip something and only the rules may find (``RULES_WORDS_ONLY``).
    - ``category``: the rules' when they found one, else the model's; ``other_categories``: the rules'.
    - ``grade``: the rules' (the model's is never taken: :mod:`~bot.understanding.model_trust`).
    - ``signals``: the union (each only draws more attention to the customer: empathy first, an
      apology, a supervisor, a higher queue place); the model's ones were vetted first
      (:meth:`~bot.understanding.model_trust.TrustRules.vet`), and what it may not decide alone
      is carried as ``suggested_signals`` / ``suggested_intents``.
    - ``slots``, field by field: the rules' value when they found one, else the model's. The
      phone is the rules' whenever they found one (they validate it against the service's
      pattern); the model's is used only when the rules found none (and it was already validated
      and found in the message, ``model_slots``); a second phone is only ever the rules'. A
      surname is not taken from the model when it does not belong to the name kept, nor a name
      that does not contain the surname kept.

    ``model`` None (no model configured, or it was slow, down or answered nonsense) returns
    ``rules`` unchanged.
    """
    if model is None:
        return rules
    added = model.intents - RULES_ONLY_INTENTS - ANSWER_INTENTS
    if rules.sarcastic:
        added -= {Intent.PRAISE, Intent.THANKS}  # "呵呵 你们真是太棒了": not meant, whatever the model read
    answers = model.intents & ANSWER_INTENTS
    if not (rules.intents & ANSWER_INTENTS) and len(answers) == 1:
        added |= answers
    return replace(
        rules,
        intents=rules.intents | added,
        category=rules.category if rules.category is not None else model.category,
        signals=rules.signals | model.signals,
        suggested_signals=model.suggested_signals - rules.signals,
        suggested_intents=model.suggested_intents - rules.intents,
        slots=merge_slots(rules.slots, model.slots),
    )


def merge_slots(rules: Slots, model: Slots) -> Slots:
    """Each field the rules' when set, else the model's; see :func:`merge`."""
    name = rules.name if rules.name is not None else model.name
    surname = rules.surname if rules.surname is not None else model.surname
    if rules.name is None and name is not None and rules.surname is not None and not _part_of(rules.surname, name):
        name = None
    if rules.surname is None and surname is not None and name is not None and not _part_of(surname, name):
        surname = None
    return Slots(
        phone=rules.phone if rules.phone is not None else model.phone,
        phone_extension=rules.phone_extension if rules.phone is not None else None,
        second_phone=rules.second_phone,
        second_phone_extension=rules.second_phone_extension,
        name=name,
        surname=surname,
        honorific=rules.honorific if rules.honorific is not None else model.honorific,
        address=rules.address if rules.address is not None else model.address,
        district=rules.district if rules.district is not None else model.district,
        district_said=rules.district_said if rules.district is not None else model.district_said,
        region=rules.region,
        district_words=rules.district_words if rules.district is not None else None,
        withheld=rules.withheld,
    )


def _part_of(surname: str, name: str) -> bool:
    return surname.casefold() in name.casefold()
