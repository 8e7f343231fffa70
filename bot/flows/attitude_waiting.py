"""Our staff's attitude complained of while the case waits in the queue, handed off and held by no agent
yet ("你们客服态度太差了"): the standard apology for our staff's error (seed 001 (9): reported to the
supervisor as it was told), and the complaint kept on the case, its ``staff_error`` signal and the
service-attitude category among its others, so that the manager rules rank and tell it as they would
have at the hand-off. Held by an agent, the same words reach the duty supervisor (``held.py``)."""

from __future__ import annotations

from bot.config import PhraseId, Signal
from bot.core.timeline import TimelineKind
from bot.flows.health import case_category, tells_another_problem
from bot.flows.records import CaseContact
from bot.flows.slots import append_description
from bot.flows.turn import Turn

_ON_THE_CASE = "staff_attitude_on_case"
"""``FlowData.extra`` key: the case our staff's manner, complained of while it waited, was put on."""


def told_of_staff_attitude_while_waiting(turn: Turn, text: str) -> bool:
    """True if the message complained of our staff's manner (``staff_error``) about the waiting case: the
    apology said; the first time, the words, the signal and the category go on the case."""
    understood, data = turn.understood, turn.step.data
    if understood is None or Signal.STAFF_ERROR not in understood.signals:
        return False
    case_number = data.case_number or data.appeal_of
    if case_number is None or tells_another_problem(turn, text, case_category(turn), Signal.STAFF_ERROR):
        return False  # "你们客服态度太差了 电梯也坏了": another problem, for its own path
    data.signals = tuple(sorted({*data.signals, Signal.STAFF_ERROR}))
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    turn.say(PhraseId.STAFF_ERROR_APOLOGY)
    if data.extra.get(_ON_THE_CASE) == case_number:
        return True  # told again: the case has it already
    data.extra[_ON_THE_CASE] = case_number
    append_description(turn, text)
    turn.step.contact = CaseContact(
        case_number,
        None,
        more_of_the_problem=text,
        another_category=understood.category,
        more_signals=(Signal.STAFF_ERROR.value,),
    )
    return True
