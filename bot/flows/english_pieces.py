"""An English place told in pieces ("15/F", then "Taikoo Shing Tower 3"): put together as Hong Kong
writes addresses, the smallest part first and a comma after each ("15/F, Tower 3, Taikoo Shing"),
never run together ("15/FTaikoo Shing Tower 3")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import Gazetteer
from bot.flows.place_words import PLACE_ANSWER_EDGES
from bot.understanding.english_places import english_parts
from bot.understanding.patterns import alternation

_FLAT, _FLOOR, _BUILDING = 0, 1, 2
"""How large a part is: a flat or room, a floor (no unit word: "15/F"), a building, block or tower."""
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, slots=True)
class EnglishPieces:
    parts: re.Pattern[str] | None
    """One flat, room, block or floor in English (``english_parts``), its unit word in ``unit``."""
    buildings: frozenset[str]
    """``gazetteer.english_building_units``, lowered."""
    joiner: re.Pattern[str] | None
    """A unit joiner opening what is left of a place once its parts are out ("of Taikoo Shing")."""

    @classmethod
    def from_config(cls, gazetteer: Gazetteer) -> EnglishPieces:
        joiners = alternation(gazetteer.english_unit_joiners)
        return cls(
            parts=english_parts(gazetteer) if gazetteer.english_unit_words else None,
            buildings=frozenset(word.lower() for word in gazetteer.english_building_units),
            joiner=re.compile(rf"^(?i:{joiners})\s+") if joiners else None,
        )

    def only_parts(self, place: str) -> bool:
        """``place`` is flats, floors or blocks written in English and nothing else ("15/F", "Block B",
        "Flat 12A, 15/F"): no estate, street or district."""
        if self.parts is None or self.parts.search(place) is None:
            return False
        return not any(char.isalnum() for char in self.parts.sub(" ", place))

    def joined(self, old: str, new: str) -> str | None:
        """``new``, written in Latin letters, told after ``old``, only English parts ("15/F"): every
        part, the smallest first (the flat, the floor, the block; one of ``new`` in place of one of
        ``old`` as large), then the rest of ``new`` ("15/F" and "Taikoo Shing Tower 3" are "15/F,
        Tower 3, Taikoo Shing"); ``new`` in Chinese goes first, as Chinese writes the estate before the
        floor ("太古城15/F"). None when ``old`` names more than parts."""
        if self.parts is None or not self.only_parts(old):
            return None
        if _HAN.search(new) is not None:
            return new + old
        told = list(self.parts.finditer(new))
        sizes = {self._size(part) for part in told}
        pieces = [part for part in self.parts.finditer(old) if self._size(part) not in sizes] + told
        pieces.sort(key=self._size)
        names = [self._name(rest) for rest in self.parts.sub(",", new).split(",")]
        return ", ".join([*(part.group().strip() for part in pieces), *(name for name in names if name)])

    def _size(self, part: re.Match[str]) -> int:
        unit = (part.group("unit") or "").lower()
        if not unit:
            return _FLOOR
        return _BUILDING if unit in self.buildings else _FLAT

    def _name(self, rest: str) -> str:
        name = rest.strip(PLACE_ANSWER_EDGES)
        if self.joiner is not None:
            name = self.joiner.sub("", name)
        return name
