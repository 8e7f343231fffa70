"""The labelled understanding corpus (``corpus.yaml``), loaded into typed items with every label checked.

A label the product does not know (an intent or signal outside the enums, a category that is not
a configured id, a phone that is not a valid E.164 number, a misspelt field) is an error, never
skipped: a corpus that silently drops labels would measure nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import phonenumbers
import yaml

from bot.config import Intent, Signal
from bot.understanding.result import Slots, Understanding

CORPUS_PATH = Path(__file__).with_name("corpus.yaml")
LOCALES = ("zh-CN", "zh-TW", "en")
HONORIFICS = ("先生", "女士")
SLOT_NAMES = tuple(Slots().as_dict())
_REQUIRED = ("text", "locale", "intents", "category", "signals", "slots")
_OPTIONAL = ("note",)

_Label = TypeVar("_Label", Intent, Signal)


class CorpusError(ValueError):
    """The corpus file is malformed or carries a label the product does not know."""


@dataclass(frozen=True, slots=True)
class CorpusItem:
    """One labelled message: what a careful agent reads in ``text``."""

    text: str
    locale: str
    intents: frozenset[Intent]
    category: str | None
    signals: frozenset[Signal]
    slots: Slots
    note: str | None = None

    def expected(self) -> Understanding:
        """The labels as the understanding a perfect understander would return (grade unlabelled)."""
        return Understanding(
            text=self.text,
            locale=self.locale,
            intents=self.intents,
            category=self.category,
            signals=self.signals,
            slots=self.slots,
        )


def load_corpus(category_ids: Collection[str], path: Path = CORPUS_PATH) -> tuple[CorpusItem, ...]:
    """Read and validate the corpus.

    Args:
        category_ids: the configured category ids (``config/classification.yaml``).
        path: the corpus file.

    Raises:
        CorpusError: naming the item (its position and text) and the bad label.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CorpusError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise CorpusError(f"{path}: expected a mapping with an 'items' list")
    items: list[CorpusItem] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(document["items"], start=1):
        item = _item(raw, frozenset(category_ids), f"{path.name} item {position}")
        if item.text in seen:
            raise CorpusError(f"{path.name} item {position}: duplicate of item {seen[item.text]}: {item.text!r}")
        seen[item.text] = position
        items.append(item)
    return tuple(items)


def _item(raw: Any, category_ids: frozenset[str], where: str) -> CorpusItem:
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: expected a mapping, got {raw!r}")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{where}: 'text' must be a non-empty string")
    where = f"{where} ({text[:30]!r})"
    missing = [key for key in _REQUIRED if key not in raw]
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if missing or unknown:
        raise CorpusError(f"{where}: missing fields {missing}, unknown fields {unknown}")
    locale = raw["locale"]
    if locale not in LOCALES:
        raise CorpusError(f"{where}: locale {locale!r} is not one of {LOCALES}")
    intents = frozenset(_members(Intent, raw["intents"], f"{where}: intents"))
    signals = frozenset(_members(Signal, raw["signals"], f"{where}: signals"))
    category = raw["category"]
    if Intent.COMPLAINT in intents:
        if category not in category_ids:
            raise CorpusError(f"{where}: a complaint needs a category from {sorted(category_ids)}, got {category!r}")
    elif category is not None:
        raise CorpusError(f"{where}: category {category!r} on an item that is not a complaint")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise CorpusError(f"{where}: note must be a string")
    return CorpusItem(
        text=text,
        locale=locale,
        intents=intents,
        category=category,
        signals=signals,
        slots=_slots(raw["slots"], where),
        note=note,
    )


def _members(enum: type[_Label], raw: Any, where: str) -> list[_Label]:
    if not isinstance(raw, list):
        raise CorpusError(f"{where}: expected a list, got {raw!r}")
    members: list[_Label] = []
    for value in raw:
        if not isinstance(value, str):
            raise CorpusError(f"{where}: {value!r} is not a name (quote yes/no in YAML)")
        try:
            members.append(enum(value))
        except ValueError:
            raise CorpusError(f"{where}: unknown {enum.__name__} {value!r}") from None
    if len(members) != len(set(members)):
        raise CorpusError(f"{where}: repeated labels in {raw}")
    return members


def _slots(raw: Any, where: str) -> Slots:
    if not isinstance(raw, Mapping):
        raise CorpusError(f"{where}: slots must be a mapping")
    unknown = sorted(set(raw) - set(SLOT_NAMES))
    if unknown:
        raise CorpusError(f"{where}: unknown slots {unknown}")
    values: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            raise CorpusError(f"{where}: slot {name} must be a non-empty string, got {value!r}")
        values[name] = value
    phone = values.get("phone")
    if phone is not None and not _is_e164(phone):
        raise CorpusError(f"{where}: phone {phone!r} is not a valid E.164 number")
    honorific = values.get("honorific")
    if honorific is not None and honorific not in HONORIFICS:
        raise CorpusError(f"{where}: honorific {honorific!r} is not one of {HONORIFICS}")
    name, surname = values.get("name"), values.get("surname")
    if name is not None and surname is None:
        raise CorpusError(f"{where}: a name needs its surname")
    if name is not None and surname is not None and not (name.startswith(surname) or name.split()[-1] == surname):
        raise CorpusError(f"{where}: surname {surname!r} is not part of name {name!r}")
    return Slots(
        phone=phone,
        name=name,
        surname=surname,
        honorific=honorific,
        address=values.get("address"),
        district=values.get("district"),
    )


def _is_e164(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.is_valid_number(number) and formatted == phone
