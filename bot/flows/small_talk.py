"""Small talk before any problem is told: trying the service ("test", "测试一下"), asking whether
anyone is there ("有人吗"), or whom the customer reached ("是物业吗", "你叫什么名字", "is this customer
service?": the ``faq.yaml`` entries with ``greeting_answers``). Nothing of it is recorded as the problem."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.config import Intent, ServiceConfig

if TYPE_CHECKING:  # the flow's kit holds these words: the turn is imported only for its type
    from bot.flows.turn import Turn

MOST_SMALL_TALK_LEFT = 3
"""Letters (a Latin word counting two) a message may hold beside the small talk words and still be
only small talk ("你这个" of "你这个机器人听得懂人话吗")."""
MOST_NAME_LEFT = 8
"""The same beside a question whom the customer reached, which may name the estate or the company
they think they reached ("是翠湖天地物业客服吗")."""
_LATIN_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class SmallTalkWords:
    """Built once from the configuration, read as messages are (lower case, simplified), longest first."""

    said: tuple[str, ...]
    """``form.small_talk_words``, ``form.presence_words`` and the asking words below."""
    asking_whom: tuple[str, ...]
    """The keywords of the FAQ entries asking whom the customer reached (``greeting_answers``)."""
    taken_off: tuple[str, ...]
    """``said`` and ``form.forms_of_address`` ("美女", "师傅"): what is taken off before the rest is read."""

    @classmethod
    def from_config(cls, config: ServiceConfig, matchable: Callable[[str], str]) -> SmallTalkWords:
        form = config.classification.form
        asking = [
            word for entry in config.faq.entries if entry.greeting_answers for group in entry.keywords for word in group
        ]

        def read(words: list[str]) -> tuple[str, ...]:
            return tuple(sorted({said for word in words if (said := matchable(word).strip())}, key=len, reverse=True))

        said = [*form.small_talk_words, *form.presence_words, *asking]
        return cls(said=read(said), asking_whom=read(asking), taken_off=read([*said, *form.forms_of_address]))


def only_small_talk(turn: Turn, text: str) -> bool:
    """Before any problem, ``text`` (its greeting already taken off) only tries the service, asks
    whether anyone is there or whom the customer reached (:class:`SmallTalkWords`): what is left beside
    those words and a form of address tells no problem and holds a few letters at most (before any
    problem, a name more beside a question whom they reached)."""
    words = turn.kit.small_talk
    if turn.changed or not words.said or not turn.says_any(text, words.said):
        return False
    rest = turn.kit.understander.matchable(text)
    for word in words.taken_off:
        rest = rest.replace(word, " ")
    if Intent.COMPLAINT in turn.kit.understander.understand(rest, turn.locale).intents:
        return False
    before_any_problem = not turn.step.data.description  # mid-form, a name beside it may be the place asked for
    most = MOST_NAME_LEFT if before_any_problem and turn.says_any(text, words.asking_whom) else MOST_SMALL_TALK_LEFT
    latin = len(_LATIN_WORD.findall(rest))
    return sum(1 for char in rest if char.isalnum() and not char.isascii()) + 2 * latin <= most


def only_asks_whom(turn: Turn, text: str) -> bool:
    """``text`` (its greeting taken off) only asks whom the customer reached ("是XX物业客服吗", "美女
    你叫什么名字", "is this customer service?": the asking words of :class:`SmallTalkWords`), with at
    most a form of address or the name of whom they think they reached beside it."""
    asking = turn.kit.small_talk.asking_whom
    return bool(asking) and turn.says_any(text, asking) and only_small_talk(turn, text)
