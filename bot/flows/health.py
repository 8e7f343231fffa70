"""A health condition told after the hand-off ("我有心脏病 天天睡不着" while the case waits): cared for,
and kept on the case (its description and its ``health`` signal, as the agent's card shows them),
never met with silence as one more message for the agent."""

from __future__ import annotations

from bot.config import PhraseId, Signal
from bot.core.timeline import TimelineKind
from bot.flows.records import CaseContact
from bot.flows.slots import append_description
from bot.flows.status import this_case
from bot.flows.summary import pauses
from bot.flows.turn import Turn


def told_of_their_health_after_hand_off(turn: Turn, text: str) -> bool:
    """True if the message told, for the first time, a health condition about the case recorded:
    the rest of it, if anything, tells no problem of another category than the case's."""
    understood, data = turn.understood, turn.step.data
    if understood is None or Signal.HEALTH not in understood.signals - turn.earlier_signals:
        return False
    case_number = data.case_number or data.appeal_of
    if case_number is None or tells_another_problem(turn, text, case_category(turn), Signal.HEALTH):
        return False
    append_description(turn, text)
    turn.step.contact = CaseContact(
        case_number, None, more_of_the_problem=text, more_signals=(Signal.HEALTH.value,)
    )
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    turn.say(PhraseId.HEALTH_NOTED)
    return True


def case_category(turn: Turn) -> str | None:
    """The case's category as storage loaded it, else as the problem told in this conversation reads."""
    loaded = this_case(turn).category
    if loaded is not None:
        return loaded
    told = " ".join(turn.step.data.description)
    return turn.kit.understander.understand(told, turn.locale).category if told else None


def tells_another_problem(turn: Turn, text: str, category: str | None, signal: Signal) -> bool:
    """Besides the pauses telling ``signal`` (a health condition, "我有心脏病"), a problem of a category
    other than ``category`` (the case's): "我有心脏病 电梯也坏了" after a noise case tells a new one, for
    its own path."""
    understand = turn.kit.understander.understand
    rest = " ".join(part for part in pauses(text) if signal not in understand(part, turn.locale).signals)
    told = understand(rest, turn.locale).category if rest else None
    return told not in (None, category, turn.kit.rules.fallback_category)
