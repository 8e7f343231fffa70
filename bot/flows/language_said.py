"""Which language the customer says they will write in ("算了 我还是说中文吧 门禁坏了 进不去" in an English
chat): no giving up, no place and no problem; the rest of the message is the answer."""

from __future__ import annotations

from bot.config import Intent
from bot.flows.place_words import PLACE_ANSWER_EDGES
from bot.flows.summary import pauses
from bot.flows.turn import Turn


def without_the_language_said(turn: Turn, text: str) -> str | None:
    """``text`` without the pause saying which language the customer will write in
    (``form.language_words``) and, when they tell nothing (no complaint, category or item), the
    pauses before it ("算了"); None when it says no language. Empty when nothing else is told."""
    words = turn.kit.form.language_words
    if not words or not turn.says_any(text, words):
        return None
    parts = pauses(text)
    said = [index for index, part in enumerate(parts) if turn.says_any(part, words)]
    start = _where(text, parts, said[0])
    end = _where(text, parts, said[-1]) + len(parts[said[-1]])
    before = text[:start].strip(PLACE_ANSWER_EDGES)
    after = text[end:].strip(PLACE_ANSWER_EDGES)
    if before and not _tells_something(turn, before):
        before = ""  # "算了", "sorry": the other language given up, not the complaint
    return " ".join(part for part in (before, after) if part)


def _where(text: str, parts: list[str], index: int) -> int:
    """Where the pause ``parts[index]`` starts in ``text`` (the pauses are its substrings, in order)."""
    at = 0
    for part in parts[: index + 1]:
        at = text.find(part, at) + len(part)
    return at - len(parts[index])


def _tells_something(turn: Turn, said: str) -> bool:
    read = turn.read(said)
    slots = read.slots
    return Intent.COMPLAINT in read.intents or read.category is not None or bool(slots.phone or slots.address)
