"""Signals told over several messages ("电梯" / "又坏了" / "3号楼" / "里面困了人！！"): a burst of short
messages is read with what the customer told before it (``over_messages`` sets of the signals), also
the messages the description did not take ("我妈八十多了在用制氧机的" at the phone question)."""

from __future__ import annotations

import dataclasses

from bot.flows.records import COLLECTING, State
from bot.flows.turn import Turn

_ASIDE = "told_aside"
"""``FlowData.extra`` key: the last short messages that begin an ``over_messages`` set, kept whether
or not the description took them."""
_ASIDE_KEPT = 3
"""How many such messages are kept: a burst, not the conversation."""
_ASIDE_MAX_CHARS = 300
"""Longer messages are not kept aside (nor looked into): a burst is of short messages."""


def told_aside(turn: Turn) -> tuple[str, ...]:
    """The short messages told so far that begin an ``over_messages`` set (oldest first)."""
    kept = turn.step.data.extra.get(_ASIDE)
    return tuple(text for text in kept if isinstance(text, str)) if isinstance(kept, list) else ()


def read_with_what_was_told(turn: Turn, text: str) -> None:
    """Add to the message's signals those it completes with the problem told so far, and keep the
    message aside when it may begin such a set for the messages after it."""
    understood = turn.understood
    data = turn.step.data
    if understood is None or not (turn.step.state in COLLECTING or turn.step.state is State.HANDED_OFF):
        return
    aside = told_aside(turn)
    earlier = (*data.description, *data.fragments, *aside)
    understander = turn.kit.understander
    if len(text) <= _ASIDE_MAX_CHARS and understander.begins_over_messages(text):
        data.extra[_ASIDE] = [*aside, text][-_ASIDE_KEPT:]
    if not earlier:
        return
    told = understander.signals_over_messages(earlier, text) - understood.signals
    if told:
        turn.understood = dataclasses.replace(understood, signals=understood.signals | told)
