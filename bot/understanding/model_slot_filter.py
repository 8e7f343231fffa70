"""The model's slots held to what the rules' own values pass before the bot may say them.

``model_slots`` keeps only values written in the message; the bot says a slot back ("地点：…",
"称呼：王先生"), so here a value is kept only when the rules would say it too: no clause in the
service's voice ("我们会赔偿您5000元" is no place: ``form.service_voice``), no forbidden phrase
("You Must Be Wrong Building": ``SaidBack``), no insult as a name or
surname ("傻逼物业", "垃圾物业": ``form.abuse_words`` and the aimed insults), and nothing that, read
by the rules, tells more than who or where (an intent, a category, a signal: "楼上漏水三天了" is the
problem, not the place), unless the rules' own place reader reads it as a place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Protocol

from bot.understanding.result import Slots, Understanding
from bot.understanding.service_voice import ServiceVoice, units


class ReadsByRules(Protocol):
    """The rules' reader (:class:`~bot.understanding.understander.Understander`)."""

    def understand(self, text: str, locale: str | None = None) -> Understanding: ...

    def slots(self, text: str) -> Slots: ...

    def matchable(self, text: str) -> str: ...


class ModelSlotFilter:
    """Built once with the rules' reader; :meth:`said` for every reading of the model."""

    def __init__(
        self,
        rules: ReadsByRules,
        service_voice: Iterable[str],
        insults: Iterable[str],
        sayable: Callable[[str], bool] | None = None,
    ) -> None:
        """``sayable``: the gate the rules' own slots pass (no forbidden phrase: ``SaidBack``)."""
        self._rules = rules
        self._sayable_by_rules = sayable
        self._voice = ServiceVoice(service_voice, rules.matchable)
        self._insults = tuple(insults)
        self._folded: tuple[str, ...] | None = None
        self._latin: re.Pattern[str] | None = None

    def said(self, slots: Slots, locale: str) -> Slots:
        """``slots`` (the model's) without the values the rules would not say back. A name or
        surname refused takes the other and the honorific with it: they were told together."""
        person = (slots.name, slots.surname)
        if not all(self._a_name(value, locale) for value in person if value is not None):
            slots = replace(slots, name=None, surname=None, honorific=None)
        if slots.address is not None and not self._a_place(slots.address, locale):
            slots = replace(slots, address=None)
        if slots.district is not None and not self._a_place(slots.district, locale):
            slots = replace(slots, district=None, district_said=False, district_words=None)
        return slots

    def _a_name(self, value: str, locale: str) -> bool:
        return self._sayable(value) and not _tells_something(self._rules.understand(value, locale))

    def _a_place(self, value: str, locale: str) -> bool:
        if not self._sayable(value):
            return False
        if self._rules.slots(value).address is not None:
            return True  # the rules' own place reader reads it as a place ("阳光花园5栋")
        return not _tells_something(self._rules.understand(value, locale))

    def _sayable(self, value: str) -> bool:
        if self._sayable_by_rules is not None and not self._sayable_by_rules(value):
            return False
        if any(self._voice.speaks(unit) for unit, _ in units(value)):
            return False
        return not self._insulting(self._rules.matchable(value))

    def _insulting(self, folded: str) -> bool:
        if self._folded is None:
            # Folded on first use: the rules' reader is complete only once built.
            self._folded = tuple(word for insult in self._insults if (word := self._rules.matchable(insult)))
            latin = "|".join(re.escape(word) for word in self._folded if word.isascii())
            self._latin = re.compile(rf"(?<![a-z])(?:{latin})(?![a-z])") if latin else None
        if self._latin is not None and self._latin.search(folded):
            return True  # "Mr Bastard", not "Cassandra" for "ass"
        return any(word in folded for word in self._folded if not word.isascii())


def _tells_something(understood: Understanding) -> bool:
    return bool(understood.intents or understood.category is not None or understood.signals)
