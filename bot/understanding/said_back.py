"""The one gate every slot value passes before the bot may say it back ("地点：…", "称呼：…"): a
value holding a forbidden phrase (``config/forbidden.yaml``, read by :class:`ForbiddenGuard`) is
never kept, whichever finder read it ("Rm 3, 5/F, You Must Be Wrong Building", "my name is Calm
Down"), the rules' or the model's. The bot speaks configured phrases only, and a customer's words
filled into one must not make it say what the standards forbid."""

from __future__ import annotations

from dataclasses import replace

from bot.understanding.guard import ForbiddenGuard
from bot.understanding.result import Slots


class SaidBack:
    """Built once with the guard; :meth:`slots` for every reading's slots."""

    def __init__(self, guard: ForbiddenGuard) -> None:
        self._guard = guard

    def sayable(self, value: str) -> bool:
        """``value`` holds no forbidden phrase, so the bot may say it back."""
        return self._guard.clean(value)

    def slots(self, slots: Slots) -> Slots:
        """``slots`` without the values the bot may not say back. A name refused takes the
        surname and honorific with it, a place its district and region: they were told together."""
        told = [value for value in (*_person(slots), *_place(slots)) if value is not None]
        if not told or self.sayable(" ".join(told)):
            return slots  # one check for all: most messages' values are clean (~0.2 ms a check)
        if any(value is not None and not self.sayable(value) for value in _person(slots)):
            slots = replace(slots, name=None, surname=None, honorific=None, withheld=True)
        if any(value is not None and not self.sayable(value) for value in _place(slots)):
            slots = replace(
                slots, address=None, district=None, district_said=False, region=None, district_words=None, withheld=True
            )
        return slots


def _person(slots: Slots) -> tuple[str | None, ...]:
    return slots.name, slots.surname, slots.honorific


def _place(slots: Slots) -> tuple[str | None, ...]:
    return slots.address, slots.district, slots.region, slots.district_words
