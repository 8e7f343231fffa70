"""Closing a conversation: idle (a prompt, then the close), harassment (a warning, then the
close), and a complaint the customer gives up."""

from __future__ import annotations

import datetime as dt

from bot.config import Intent, PhraseId
from bot.core.timeline import TimelineKind
from bot.flows.data import TimerKind
from bot.flows.records import COLLECTING, State
from bot.flows.turn import Turn

CLOSING_TIMERS = frozenset({TimerKind.IDLE_PROMPT, TimerKind.IDLE_CLOSE, TimerKind.HARASSMENT_CLOSE})


def on_harassment(turn: Turn) -> None:
    data = turn.step.data
    data.harassing = True
    warned_at = data.harassment_warned_at
    limit = dt.timedelta(seconds=turn.kit.config.timers.harassment_close_after)
    if warned_at is not None and turn.now - warned_at >= limit:
        turn.say(PhraseId.HARASSMENT_CLOSE)
        close(turn, "harassment")
        return
    turn.say(PhraseId.HARASSMENT_WARNING)
    turn.audit(TimelineKind.HARASSMENT_WARNED)
    if warned_at is None:
        data.harassment_warned_at = turn.now
        turn.arm(TimerKind.HARASSMENT_CLOSE, turn.kit.config.timers.harassment_close_after)


def withdrew(turn: Turn, intents: frozenset[Intent]) -> bool:
    """The customer gives the complaint up ("算了 不投诉了", "没事了") while it is being taken: the
    conversation ends politely and no case is opened; what they said stays in its messages. A
    bare "算了" or "不用了" (a refusal too) gives up only what nothing was said of yet: answering the
    phone question it refuses the phone, and a complaint already told needs the words ("不投诉了").
    True if handled."""
    if Intent.WITHDRAW not in intents:
        return False
    told = bool(turn.step.data.description)
    if Intent.REFUSE_CONTACT in intents and (told or turn.step.state in (State.AWAIT_PHONE, State.CORRECT_PHONE)):
        return False
    turn.say(PhraseId.WITHDRAWN_NOT_FILED if told else PhraseId.WITHDRAWN)
    close(turn, "withdrawn")
    return True


def close(turn: Turn, reason: str) -> None:
    for kind in list(turn.step.data.timers):
        turn.cancel(kind)
    turn.step.state = State.CLOSED
    turn.step.close_reason = reason
    turn.audit(TimelineKind.CLOSED, reason=reason)


def on_closing_timer(turn: Turn, kind: TimerKind) -> None:
    """One of ``CLOSING_TIMERS`` fired, still armed."""
    state = turn.step.state
    if kind is TimerKind.IDLE_PROMPT and state in COLLECTING:
        turn.say(PhraseId.IDLE_PROMPT)
        turn.audit(TimelineKind.IDLE_PROMPTED)
        turn.arm(TimerKind.IDLE_CLOSE, turn.kit.config.timers.idle_close_after)
    elif kind is TimerKind.IDLE_CLOSE and state in COLLECTING:
        turn.say(PhraseId.IDLE_CLOSE)
        close(turn, "idle")
    elif kind is TimerKind.HARASSMENT_CLOSE and turn.step.data.harassing:
        turn.say(PhraseId.HARASSMENT_CLOSE)
        close(turn, "harassment")
