"""A spot inside an estate or a building told with no estate, road or district ("小区门口", "我家楼下",
"电梯里", "地下车库"): which estate's is asked, and the estate told goes before it (阳光花园小区门口).
The gazetteer's words are compiled once per configuration."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import ServiceConfig
from bot.understanding.patterns import alternation


def _compiled(pattern: str, words: list[str]) -> re.Pattern[str] | None:
    lowered = [word.lower() for word in words if word.strip()]
    return re.compile(pattern.format(alternation(lowered))) if lowered else None


@dataclass(frozen=True, slots=True)
class SpotWords:
    spot: re.Pattern[str] | None
    """Any spot's word, lowered: ``estate_gates``, ``estate_spots``, ``basement_levels``."""
    beside: frozenset[str]
    """Those and the words that may stand with them and name no place, lowered: ``spot_sides``,
    ``spot_owners``, ``form.item_owners``, ``place_fillers``, ``place_locatives``, ``generic_estate_words``."""
    longest: int
    """The most characters of a word of ``beside``."""
    whose: re.Pattern[str] | None
    """Whose the spot is, opening it ("我们", "我家", "那个": ``form.item_owners``, ``spot_owners``,
    ``place_fillers``): never said back with it."""
    generic_at_start: re.Pattern[str] | None
    """A ``generic_estate_words`` word opening the spot ("小区门口")."""
    generic_at_end: re.Pattern[str] | None
    """One ending the estate told ("阳光花园小区")."""

    @classmethod
    def from_config(cls, config: ServiceConfig) -> SpotWords:
        gazetteer = config.gazetteer
        spots = [*gazetteer.estate_gates, *gazetteer.estate_spots, *gazetteer.basement_levels]
        whose = [*gazetteer.spot_owners, *config.classification.form.item_owners, *gazetteer.place_fillers]
        beside = {
            word.lower()
            for word in (
                *spots,
                *whose,
                *gazetteer.spot_sides,
                *gazetteer.place_locatives,
                *gazetteer.generic_estate_words,
            )
            if word.strip()
        }
        generic = gazetteer.generic_estate_words
        return cls(
            spot=_compiled("{}", spots),
            beside=frozenset(beside),
            longest=max(map(len, beside), default=0),
            whose=_compiled(r"^(?:(?:{})\s*)+", whose),
            generic_at_start=_compiled(r"^(?:{})\s*", generic),
            generic_at_end=_compiled(r"(?:{})$", generic),
        )


def names_a_spot(words: SpotWords, said: str) -> bool:
    """``said`` (simplified) holds a spot's word: "阳光花园南门", "小区门口"."""
    return words.spot is not None and words.spot.search(said.lower()) is not None


def names_no_place(words: SpotWords, said: str) -> bool:
    """``said`` (simplified) is made of spots and the words beside them and nothing else: no estate,
    road, district or number ("我们小区门口", "我们小区", "我们单元楼道里")."""
    return _made_of("".join(said.lower().split()), words.beside, words.longest)


def _made_of(said: str, words: frozenset[str], longest: int) -> bool:
    """``said`` is ``words`` one after another, however it splits ("单元楼道里" is 单元, 楼道, 里, though
    单元楼 is a word too)."""
    reached = [True] + [False] * len(said)
    for start in range(len(said)):
        if reached[start]:
            for end in range(start + 1, min(start + longest, len(said)) + 1):
                reached[end] = reached[end] or said[start:end] in words
    return reached[-1]


def only_a_spot(words: SpotWords, said: str) -> bool:
    """``said`` (simplified) names a spot and nothing of which estate it is in: "小区门口", "我们小区
    门口", "地下车库", "我家楼下", "电梯里", "单元门口", "南门"; not "阳光花园门口" or "3栋门口"."""
    return names_a_spot(words, said) and names_no_place(words, said)


def spot_as_said(words: SpotWords, spot: str, simplified: Callable[[str], str]) -> str:
    """``spot`` as the bot says it back: without whose it is ("我们小区门口" is 小区门口, "我家楼下"
    楼下, "就那个电梯里" 电梯里), in the customer's characters when they convert one for one."""
    read = simplified(spot)
    found = words.whose.match(read.lower()) if words.whose is not None else None
    if found is None or found.end() >= len(read):
        return spot.strip()
    return (spot if len(read) == len(spot) else read)[found.end() :].strip()


def spot_in_estate(
    words: SpotWords, estate: str, spot: str, building_named: bool, simplified: Callable[[str], str]
) -> str:
    """The spot (as said back) after the estate told: 阳光花园 with 小区门口 is 阳光花园小区门口; the
    estate word opening the spot goes when the estate ends with one or names its building
    (阳光花园小区 with 小区门口 is 阳光花园小区门口, 阳光花园3栋 with 小区门口 阳光花园3栋门口)."""
    estate, read = estate.strip(), simplified(spot)
    if words.generic_at_start is None or words.generic_at_end is None or len(read) != len(spot):
        return estate + spot
    opening = words.generic_at_start.match(read.lower())
    ends_so = words.generic_at_end.search(simplified(estate).lower()) is not None
    if opening is not None and opening.end() < len(spot) and (building_named or ends_so):
        spot = spot_as_said(words, spot[opening.end() :], simplified)  # "小区的西门口": 西门口
    return estate + spot
