"""Closing a conversation: idle (a prompt, then the close), harassment (a warning, then the
close), and a complaint the customer gives up."""

from __future__ import annotations

import datetime as dt

from bot.config import Intent, PhraseId, Signal
from bot.core.timeline import TimelineKind
from bot.flows.asking import ask_current, yes_no_options
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


def withdrew(turn: Turn, intents: frozenset[Intent], text: str) -> bool:
    """The customer gives the complaint up ("算了 不投诉了", "没事了") while it is being taken.
    Before anything is told, the conversation ends politely; a complaint already told is only
    dropped once they confirm (a protest, "谁说我不投诉了？", is no goodbye). No case is opened;
    what they said stays in its messages. A bare "算了" or "不用了" (a refusal too) gives up only
    what nothing was said of yet: answering the phone question it refuses the phone. A demand
    ("不用处理了，赔我五百块") is not given up, unless the matter is settled ("已经退给我了").
    True if handled."""
    if Intent.WITHDRAW not in intents:
        return False
    data = turn.step.data
    told = bool(data.description)
    if Intent.REFUSE_CONTACT in intents and (told or turn.step.state in (State.AWAIT_PHONE, State.CORRECT_PHONE)):
        return False
    signals = turn.understood.signals if turn.understood is not None else frozenset()
    if Signal.COMPENSATION in signals and not turn.says_any(text, turn.kit.form.settled_words):
        return False
    if not told:
        turn.say(PhraseId.WITHDRAWN)
        close(turn, "withdrawn")
        return True
    data.withdrawing = True
    turn.say(PhraseId.WITHDRAW_CONFIRM, options=yes_no_options(turn))
    return True


def withdrew_after_hand_off(turn: Turn, intents: frozenset[Intent], text: str) -> bool:
    """After the hand-off, the customer no longer needs the case handled ("不用处理了 我自己找人
    修好了", "算了 不用了 已经修好了": settled, ``form.settled_words``): told that the staff in
    charge will close it, and the timeline says so for them. A bare "不用了" answers "还有什么可以
    帮您？" and gives nothing up. True if handled."""
    rule = turn.kit.config.classification.intents.get(Intent.WITHDRAW)
    if rule is None or Intent.COMPLAINT in intents:
        return False
    settled = turn.says_any(text, turn.kit.form.settled_words)
    gives_up = Intent.WITHDRAW in intents and turn.says_any(text, rule.keywords)
    if not (gives_up or (settled and turn.says_any(text, [*rule.keywords, *rule.whole_message]))):
        return False
    signals = turn.understood.signals if turn.understood is not None else frozenset()
    if Signal.COMPENSATION in signals and not settled:
        return False
    turn.audit(TimelineKind.WITHDRAWN_AFTER_HANDOFF, text=text)
    turn.say(PhraseId.WITHDRAWN_AFTER_HANDOFF)
    return True


def answered_withdrawal(turn: Turn, intents: frozenset[Intent]) -> bool:
    """The answer to "您确定不需要我们处理了吗？": a yes ends the conversation with no case, a no
    takes the complaint on where it was; anything else is read as usual. True if handled."""
    data = turn.step.data
    if not data.withdrawing:
        return False
    data.withdrawing = False
    if Intent.YES in intents and Intent.NO not in intents and Intent.COMPLAINT not in intents:
        turn.say(PhraseId.WITHDRAWN_NOT_FILED)
        close(turn, "withdrawn")
        return True
    if Intent.NO in intents and Intent.COMPLAINT not in intents and not turn.changed:
        ask_current(turn)
        return True
    if _takes_the_withdrawal_back(turn):
        ask_current(turn)  # "不对 我还是要投诉": a no; the words are no more of the problem
        return True
    return False


def _takes_the_withdrawal_back(turn: Turn) -> bool:
    """The answer says the complaint goes on (``form.keep_complaint_words``: "不对 我还是要投诉")
    and tells no problem of its own (no category but the fallback) nor an item."""
    understood = turn.understood
    if understood is None or turn.changed or Intent.WITHDRAW in understood.intents:
        return False  # "不要投诉了" holds 要投诉 and gives up all the same
    if not turn.says_any(understood.text, turn.kit.form.keep_complaint_words):
        return False
    return understood.category in (None, turn.kit.rules.fallback_category)


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
