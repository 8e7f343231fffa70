"""Scoring understandings against their labels: the arithmetic behind bench/understanding.py.

Every figure compares a predicted :class:`Understanding` with the expected one (the corpus labels):

- per intent and per signal: precision and recall over the items;
- category accuracy over the items labelled ``complaint``;
- per slot: ``correct / (labelled + spurious)``, so a slot filled where the text gives none
  (an order number taken for a phone) counts against it as much as a missed one; the overall
  slot accuracy pools every slot the same way. Phones compare as E.164 digits, other slots after
  NFKC, traditional→simplified, case folding and dropping spaces and punctuation; honorifics
  compare as 先生/女士 (小姐, Ms, Mrs, Miss → 女士; Mr → 先生);
- locale accuracy over all items;
- the requests that must never fire on a plain complaint: items labelled ``complaint`` but not
  ``X`` where ``X`` is predicted, for X in human, supervisor, status_query.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import opencc
import phonenumbers

from bot.config import Intent, Signal
from bot.understanding.result import Understanding

GUARDED_INTENTS = (Intent.HUMAN, Intent.SUPERVISOR, Intent.STATUS_QUERY)
SLOT_NAMES = ("phone", "name", "surname", "honorific", "address", "district")
_HONORIFICS = {
    "先生": "先生",
    "女士": "女士",
    "小姐": "女士",
    "mr": "先生",
    "ms": "女士",
    "mrs": "女士",
    "miss": "女士",
}


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives of one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        predicted = self.tp + self.fp
        return self.tp / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        labelled = self.tp + self.fn
        return self.tp / labelled if labelled else None


@dataclass(frozen=True, slots=True)
class SlotScore:
    """One slot over the corpus. ``labelled = correct + wrong + missed``."""

    labelled: int = 0
    correct: int = 0
    wrong: int = 0
    missed: int = 0
    spurious: int = 0

    @property
    def accuracy(self) -> float | None:
        judged = self.labelled + self.spurious
        return self.correct / judged if judged else None

    def __add__(self, other: SlotScore) -> SlotScore:
        return SlotScore(
            self.labelled + other.labelled,
            self.correct + other.correct,
            self.wrong + other.wrong,
            self.missed + other.missed,
            self.spurious + other.spurious,
        )


@dataclass(frozen=True, slots=True)
class Ratio:
    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class Scores:
    items: int
    intents: dict[Intent, Counts]
    signals: dict[Signal, Counts]
    category: Ratio
    slots: dict[str, SlotScore]
    locale: Ratio
    complaint_false_positives: dict[Intent, list[str]] = field(default_factory=dict)
    """For each guarded intent, the texts of complaint items where it was wrongly predicted."""

    @property
    def slots_overall(self) -> SlotScore:
        total = SlotScore()
        for score in self.slots.values():
            total = total + score
        return total


class SlotNormaliser:
    """Brings a slot value to the form both sides are compared in."""

    def __init__(self) -> None:
        self._to_simplified = opencc.OpenCC("t2s")

    def __call__(self, name: str, value: str | None) -> str | None:
        if value is None:
            return None
        if name == "phone":
            return normalise_phone(value)
        folded = self._to_simplified.convert(unicodedata.normalize("NFKC", value)).casefold()
        folded = "".join(ch for ch in folded if not unicodedata.category(ch).startswith(("P", "Z", "C")))
        if name == "honorific":
            return _HONORIFICS.get(folded, folded)
        return folded or None


def normalise_phone(value: str) -> str:
    """The E.164 digits of ``value`` (China as the default region); its bare digits if unparsable."""
    text = unicodedata.normalize("NFKC", value)
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in text if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def _counts(pairs: Sequence[tuple[frozenset[object], frozenset[object]]], label: object) -> Counts:
    tp = fp = fn = 0
    for expected, predicted in pairs:
        if label in predicted:
            if label in expected:
                tp += 1
            else:
                fp += 1
        elif label in expected:
            fn += 1
    return Counts(tp, fp, fn)


def score(pairs: Iterable[tuple[Understanding, Understanding]]) -> Scores:
    """Score ``(expected, predicted)`` pairs.

    Per-label figures cover the labels that occur among the expected understandings.
    """
    pairs = list(pairs)
    normalise = SlotNormaliser()
    intent_sets = [(e.intents, p.intents) for e, p in pairs]
    signal_sets = [(e.signals, p.signals) for e, p in pairs]
    intents = {intent: _counts(intent_sets, intent) for intent in Intent if any(intent in e.intents for e, _ in pairs)}
    signals = {signal: _counts(signal_sets, signal) for signal in Signal if any(signal in e.signals for e, _ in pairs)}
    complaints = [(e, p) for e, p in pairs if Intent.COMPLAINT in e.intents]
    category = Ratio(sum(1 for e, p in complaints if p.category == e.category), len(complaints))
    slots: dict[str, SlotScore] = {}
    for name in SLOT_NAMES:
        labelled = correct = wrong = missed = spurious = 0
        for e, p in pairs:
            want = normalise(name, e.slots.as_dict()[name])
            got = normalise(name, p.slots.as_dict()[name])
            if want is None:
                spurious += got is not None
                continue
            labelled += 1
            if got is None:
                missed += 1
            elif got == want:
                correct += 1
            else:
                wrong += 1
        slots[name] = SlotScore(labelled, correct, wrong, missed, spurious)
    locale = Ratio(sum(1 for e, p in pairs if e.locale == p.locale), len(pairs))
    false_positives = {
        intent: [e.text for e, p in complaints if intent in p.intents and intent not in e.intents]
        for intent in GUARDED_INTENTS
    }
    return Scores(
        items=len(pairs),
        intents=intents,
        signals=signals,
        category=category,
        slots=slots,
        locale=locale,
        complaint_false_positives=false_positives,
    )
