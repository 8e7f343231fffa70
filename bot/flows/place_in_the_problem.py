"""The case's place left out of the problem said back, where the customer told it as words of its
own beside the problem ("電梯壞了 台北市", "電梯壞了" then "台北" joined to it): the place has its own
line (地點：台北), and a place the understanding layer does not know is never said twice."""

from __future__ import annotations

from bot.flows.place_words import PLACE_ANSWER_EDGES
from bot.flows.turn import Turn


def description_without_the_place(turn: Turn) -> list[str]:
    """The description, each message of it without the case's place where that ends it or stands in
    a pause of its own, with the words saying where before it ("在", "住在": ``gazetteer.place_at_words``
    and ``address_triggers``); a message that is only the place stays as it is."""
    data = turn.step.data
    if not data.area:
        return data.description
    simplified = turn.kit.understander.simplified
    place = "".join(simplified(data.area).split())
    gazetteer = turn.kit.config.gazetteer
    before = sorted({*gazetteer.place_at_words, *gazetteer.address_triggers}, key=len, reverse=True)
    return [_without(entry, simplified(entry), place, before) for entry in data.description]


def _without(entry: str, read: str, place: str, before: list[str]) -> str:
    if len(read) != len(entry) or not place:
        return entry
    said = read.rstrip(PLACE_ANSWER_EDGES)
    if said.endswith(place) and len(said) > len(place):
        end = len(said) - len(place)
    elif said.startswith(place) and read[len(place) : len(place) + 1] in tuple(PLACE_ANSWER_EDGES):
        return entry[len(place) :].lstrip(PLACE_ANSWER_EDGES) or entry  # "台北市 電梯壞了"
    else:
        return entry
    kept = read[:end].rstrip(PLACE_ANSWER_EDGES)
    word = next((word for word in before if word and kept.endswith(word)), "")
    kept_to = len(kept) - len(word)
    return entry[:kept_to].rstrip(PLACE_ANSWER_EDGES) or entry
