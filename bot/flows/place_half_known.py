"""A place told with the rest of it not known ("我住浦东 具体门牌不记得了", "住喺將軍澳 唔記得幾座"): the
district or estate said is the place, and the detail the customer cannot give is not insisted on."""

from __future__ import annotations

from bot.flows.slots import place_in_own_words
from bot.flows.summary import pauses
from bot.flows.turn import Turn


def place_beside_not_knowing(turn: Turn, text: str) -> str | None:
    """The place told in one pause of ``text`` beside another saying the rest is not known
    (``form.no_place_words``: "不记得", "唔记得", "不清楚"); None when no pause says so, when none
    is left beside it, or when what is left tells anything but where (a problem, a request, a name
    the place question never takes)."""
    understood = turn.understood
    if understood is None or understood.signals or understood.category is not None:
        return None
    parts = pauses(text)
    if len(parts) < 2:
        return None
    words = turn.kit.form.no_place_words
    told = [part for part in parts if not turn.says_any(part, words)]
    if len(told) != 1:
        return None
    said = told[0]
    read = turn.read(said)
    if read.intents or read.signals or read.category is not None:
        return None
    return place_in_own_words(turn, said)
