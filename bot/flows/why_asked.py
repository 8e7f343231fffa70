"""A phone question answered only with why ("为什么？", "为啥", "why?", ``form.why_asked_answers``): the
customer hears what the phone is for (so the staff handling the case can tell them the result) and
that they may decline, in the words of ``ask_phone_again`` (``explain_phone`` when that was said
last: never the same words twice running). A question, no refusal; nothing goes on the problem."""

from __future__ import annotations

from bot.config import PhraseId
from bot.core.timeline import TimelineKind
from bot.flows.appeals import PHONE_ASKED_AGAIN, phone_for_supervisor_asked
from bot.flows.asking import last_phone_question, said_as_last
from bot.flows.records import State
from bot.flows.turn import Turn


def answered_why_the_phone(turn: Turn, text: str) -> bool:
    """At the form's phone question, the correction's or the duty supervisor's, the message only
    asks why: what the phone is for, and the way out, are said. True if so."""
    state = turn.step.state
    supervisors = state is State.HANDED_OFF and phone_for_supervisor_asked(turn)
    if not (supervisors or state in (State.AWAIT_PHONE, State.CORRECT_PHONE)):
        return False
    if turn.understood is None or turn.changed or turn.phone or turn.understood.intents or turn.understood.signals:
        return False
    if not turn.says_only(text, turn.kit.form.why_asked_answers):
        return False
    if supervisors:
        data = turn.step.data
        data.escalation_phone_asks = max(data.escalation_phone_asks, PHONE_ASKED_AGAIN)
        turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    again = last_phone_question(turn) is PhraseId.ASK_PHONE_AGAIN
    turn.say(said_as_last(turn, PhraseId.EXPLAIN_PHONE if again else PhraseId.ASK_PHONE_AGAIN))
    return True
