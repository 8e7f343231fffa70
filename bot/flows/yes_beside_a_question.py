"""A yes or a no to the restatement with a question beside it ("对 你们几点下班", "是的，另外问下要收费吗",
"yes, what are your hours?", "不对 要收费吗"): the answer is taken as it would be alone (the case
confirmed and handed off, or a correction), and the question is answered too
(:mod:`bot.flows.asked_beside`); asked when ("嗯嗯 对的 什么时候来修"), by the promise's date.
"对了，你们几点下班" says "by the way" (``followups.addition_openers``), no yes: the question alone,
the restatement asked again."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bot.config import Intent
from bot.flows.records import State
from bot.flows.turn import Turn
from bot.understanding.service_voice import said, units

_ANSWERS = frozenset({Intent.YES, Intent.NO})
_ASKING = frozenset({Intent.QUESTION, Intent.STATUS_QUERY})
"""What a question beside the answer reads as: asked, or when it will be handled ("什么时候来修",
which the promise that follows a yes answers)."""
_AN_ANSWER_AND_POLITENESS = frozenset({Intent.YES, Intent.NO, Intent.THANKS, Intent.GREETING})
_NOT_BESIDE = frozenset({Intent.COMPLAINT, Intent.CORRECTION})
"""A problem or a fault named with the question: read as the message it is, never only its answer."""
_MOST_PIECES = 6
"""A yes beside a question is a few words; each piece is read on its own, so a longer message is
read as the message it is (a flood of "几点？" costs one reading)."""


@dataclass(frozen=True)
class AnsweredBeside:
    answers: frozenset[Intent]
    """The yes or the no the message says; none: "对了" (by the way) only opens the question."""
    answer: str
    """The message without its question ("对"): what the restatement's answer reads."""


def answer_beside_a_question(turn: Turn, text: str) -> AnsweredBeside | None:
    """At the restatement, a message of a question and, in pauses of their own, only a yes or only a
    no (with thanks or a hello, or an opener that adds): that answer; None for any other message."""
    understood = turn.understood
    if turn.step.state is not State.CONFIRMING or understood is None or turn.changed:
        return None
    if not understood.intents & _ASKING or understood.intents & _NOT_BESIDE:
        return None
    pieces = [(unit, after) for unit, after in units(text) if unit.strip()]
    if len(pieces) > _MOST_PIECES:
        return None
    openers = turn.kit.config.followups.addition_openers
    answers: set[Intent] = set()
    kept: list[tuple[str, str]] = []
    asks = False
    for unit, after in pieces:
        read = turn.read(f"{unit}{after}".strip()).intents  # "what are your hours?" asks by its mark
        if read & _ASKING:
            asks = True
        elif turn.says_only(unit, openers):
            continue  # "对了", "另外": by the way, no answer
        elif read and read <= _AN_ANSWER_AND_POLITENESS:
            answers |= read & _ANSWERS
            kept.append((unit, after))
        else:
            return None  # more than an answer beside the question: read as the message it is
    if not asks or len(answers) > 1:
        return None
    return AnsweredBeside(frozenset(answers), said(kept))


def take_the_answer(turn: Turn, beside: AnsweredBeside) -> None:
    """The message's yes or no as its intents say it, the question kept: no yes read from "对了"."""
    understood = turn.understood
    if understood is None:
        return
    turn.understood = dataclasses.replace(understood, intents=(understood.intents - _ANSWERS) | beside.answers)


__all__ = ["AnsweredBeside", "answer_beside_a_question", "take_the_answer"]
