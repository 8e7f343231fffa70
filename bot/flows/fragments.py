"""A complaint typed one word per message ("我", "要", "投诉", "你们", "保安", "睡觉"): the words that
say nothing alone are held and joined, never acknowledged as recorded one by one."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable

from bot.config import Intent
from bot.flows.data import DESCRIPTION_MAX_CHARS
from bot.flows.greeting import says_still_here
from bot.flows.records import State
from bot.flows.turn import Turn
from bot.understanding.markup import without_markup
from bot.understanding.tokens import is_chinese

_NOT_COMPARED = re.compile(r"[\W_]+")
"""What ``str.isalnum`` is not: punctuation, spaces and marks are not compared."""


def is_fragment(turn: Turn, text: str) -> bool:
    """A message of at most ``form.fragment_max_chars`` letters or digits in which the rules find
    nothing (no intent, category, signal or item): a piece of one still being typed."""
    understood = turn.understood
    if understood is None or understood.intents or understood.category or understood.signals or turn.changed:
        return False
    if not turn.step.data.fragments and says_still_here(turn, text):
        return False  # "在" answering "您还在吗？": the question again, no piece of the problem ("我", "在" still is)
    if turn.says_any(text, turn.kit.form.cannot_type_words):
        return False  # "[语音]" over SMS: a voice the channel cannot carry, no piece of words
    said = turn.kit.understander.matchable(text).strip()
    if said in (word.lower() for word in turn.kit.form.not_the_problem_words):
        return False  # "老人": about the customer, answered as such, never a piece of the problem
    letters = sum(1 for char in without_markup(text) if char.isalnum())  # "<b></b>" is no piece of words
    return 0 < letters <= turn.kit.form.fragment_max_chars


def held_or_joined(turn: Turn, text: str, locale: str) -> str | None:
    """Before any problem is told: ``None`` when the message is a fragment, held for the next
    ("我", then "要"); else the message with the fragments held before it, read again as one
    ("我要" + "投诉" is "我要投诉")."""
    data = turn.step.data
    if turn.step.state is not State.AWAIT_DESCRIPTION or data.description or data.case_check is not None:
        return text  # "8000" answering for a case's phone is no piece of a problem
    if _nothing_more_after_a_status(turn, text):
        # "没有" answering "请问还有什么可以帮助您？" after where a case stands was told: a leave-taking.
        understood = turn.understood
        if understood is not None:
            turn.understood = dataclasses.replace(understood, intents=understood.intents | {Intent.GOODBYE})
        # No number, no phone, nothing new: the case looked for is not asked after any more.
        data.consultation = None
        return text
    if is_fragment(turn, text):
        data.fragments = (*data.fragments, text)
        return None
    if not data.fragments:
        return text
    whole = joined((*data.fragments, text))
    data.fragments = ()
    turn.understood = turn.kit.understander.understand(whole, locale)
    return whole


def _nothing_more_after_a_status(turn: Turn, text: str) -> bool:
    """ "没有", "没有了" answering a question asked before anything was told: where a case stands
    (请问还有什么可以帮助您？), no case found here (its number or phone, or a new problem, asked
    for) or the problem asked for again after a hello. Never held as a word being typed."""
    data = turn.step.data
    if data.fragments or data.withdrawing:
        return False
    if data.told_case is not None:
        if data.consultation is not None:
            return False
    elif data.consultation is None and not data.invites:
        return False
    said = turn.kit.understander.matchable(text).strip(" 。.!！~～")
    return said in (word.lower() for word in turn.kit.form.nothing_more_answers)


def joined(pieces: Iterable[str]) -> str:
    """The pieces as one text: Chinese runs on without a gap, other words keep a space between."""
    text = ""
    for piece in pieces:
        piece = piece.strip()
        if text and piece and not (is_chinese(text[-1]) and is_chinese(piece[0])):
            text += " "
        text += piece
    return text


def told_already(description: Iterable[str], text: str) -> bool:
    """``text`` is a part of the description already (the same message sent twice, "垃圾房几天没清了"
    a few seconds apart): the case says it once, as the restatement did."""
    said = compared(text)
    return bool(said) and any(len(part) >= len(said) and compared(part) == said for part in description)


# Every message is compared with each part of the description told so far: each part's form is kept.
@functools.lru_cache(maxsize=4096)
def compared(text: str) -> str:
    return _NOT_COMPARED.sub("", text).lower()


def join_to_description(turn: Turn, text: str) -> None:
    """A fragment told while the form asks its questions ("睡觉" after "你们保安") goes on the last
    thing told, not on a line of its own."""
    description = turn.step.data.description
    if told_already(description, text):
        return
    if not description:
        description.append(text)
    elif sum(map(len, description)) + len(text) <= DESCRIPTION_MAX_CHARS:
        last = description[-1].rstrip()
        ends = turn.kit.form.clause_end_words
        read = turn.kit.understander.simplified(last)
        if any(read.endswith(word) for word in ends if word) and is_chinese(text.strip()[:1] or " "):
            description[-1] = f"{last}，{text.strip()}"  # "好几天了" + "冷": a clause of its own
        else:
            description[-1] = joined((description[-1], text))
