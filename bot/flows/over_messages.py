"""Signals told over several messages ("电梯" / "又坏了" / "3号楼" / "里面困了人！！"): a burst of short
messages is read with what the customer told before it (``over_messages`` sets of the signals)."""

from __future__ import annotations

import dataclasses

from bot.flows.records import COLLECTING, State
from bot.flows.turn import Turn


def read_with_what_was_told(turn: Turn, text: str) -> None:
    """Add to the message's signals those it completes with the problem told so far."""
    understood = turn.understood
    data = turn.step.data
    if understood is None or not (turn.step.state in COLLECTING or turn.step.state is State.HANDED_OFF):
        return
    earlier = (*data.description, *data.fragments)
    if not earlier:
        return
    told = turn.kit.understander.signals_over_messages(earlier, text) - understood.signals
    if told:
        turn.understood = dataclasses.replace(understood, signals=understood.signals | told)
