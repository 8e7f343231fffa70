"""The question each collecting state asks, asked again after a side answer or a message that
is not text."""

from __future__ import annotations

from bot.config import PhraseId
from bot.core.messages import Option
from bot.flows.records import State
from bot.flows.turn import Turn

_CORRECTION_LABELS = {
    "description": PhraseId.OPTION_DESCRIPTION,
    "phone": PhraseId.OPTION_PHONE,
    "area": PhraseId.OPTION_AREA,
}


def ask_current(turn: Turn) -> None:
    state = turn.step.state
    if state is State.CONFIRMING:
        turn.say(PhraseId.CONFIRM_QUESTION, options=yes_no_options(turn))
        return
    if state is State.CHOOSE_CORRECTION:
        ask_correction(turn)
        return
    if state in (State.NEW, State.AWAIT_DESCRIPTION):
        invite(turn)
        return
    question = {
        State.AWAIT_AREA: PhraseId.ASK_AREA,
        State.CORRECT_DESCRIPTION: PhraseId.ASK_CORRECT_DESCRIPTION,
        State.CORRECT_PHONE: PhraseId.ASK_CORRECT_PHONE,
        State.CORRECT_AREA: PhraseId.ASK_CORRECT_AREA,
    }.get(state)
    if state is State.AWAIT_PHONE:
        turn.say(said_as_last(turn, PhraseId.ASK_PHONE_AGAIN if turn.step.data.phone_refusals else PhraseId.ASK_PHONE))
    elif question is not None:
        turn.say(question)


def phone_question(turn: Turn, agreed: bool = False) -> PhraseId:
    """The form's phone question: the plain one and the one saying how to decline in turn (by how
    often it was asked), the latter once the customer has refused (they are not asked as if they
    had not) unless they have just agreed to give it; never the one asked last, so never the same
    words twice running (``phone_not_known`` asks plainly too: the way out follows it)."""
    data = turn.step.data
    declining = not agreed and (data.phone_refusals > 0 or data.phone_asks % 2 == 0)
    question = PhraseId.ASK_PHONE_AGAIN if declining else PhraseId.ASK_PHONE
    last = data.extra.get(_LAST_PHONE_QUESTION)
    if last == question.value or (last == PhraseId.PHONE_NOT_KNOWN.value and question is PhraseId.ASK_PHONE):
        question = PhraseId.ASK_PHONE if question is PhraseId.ASK_PHONE_AGAIN else PhraseId.ASK_PHONE_AGAIN
    return said_as_last(turn, question)


def said_as_last(turn: Turn, question: PhraseId) -> PhraseId:
    """``question`` is the phone question said now (a reassurance or a place noted asking for it too)."""
    turn.step.data.extra[_LAST_PHONE_QUESTION] = question.value
    return question


def last_phone_question(turn: Turn) -> PhraseId | None:
    """The phone question asked last, if any."""
    said = turn.step.data.extra.get(_LAST_PHONE_QUESTION)
    return PhraseId(said) if isinstance(said, str) and said in _PHRASE_IDS else None


_PHRASE_IDS = frozenset(phrase.value for phrase in PhraseId)
_LAST_PHONE_QUESTION = "last_phone_question"
"""``FlowData.extra`` key: the phone question asked last."""


def invite(turn: Turn) -> None:
    """The problem asked for: with the greeting, the invitation; after it ("你好", "？？？" right
    after the greeting), in other words, alternating: never the same text twice running."""
    greeted = (PhraseId.GREETING_OPENING, PhraseId.INVITE_COMPLAINT)
    if any(reply.phrase_id in greeted for reply in turn.step.replies):
        turn.say(PhraseId.INVITE_COMPLAINT)
        return
    data = turn.step.data
    data.invites += 1
    turn.say(PhraseId.INVITE_COMPLAINT_AGAIN if data.invites % 2 else PhraseId.ASK_DETAILS)


def yes_no_options(turn: Turn) -> tuple[Option, ...]:
    """Yes and no in the customer's language; pressed, each sends its own word."""
    yes, no = turn.text(PhraseId.OPTION_YES), turn.text(PhraseId.OPTION_NO)
    return (Option(label=yes, value=yes), Option(label=no, value=no))


def ask_correction(turn: Turn) -> None:
    options = tuple(
        Option(label=turn.text(_CORRECTION_LABELS[field_name]), value=keywords[0])
        for field_name, keywords in turn.kit.rules.correction_fields.items()
    )
    turn.say(PhraseId.ASK_CORRECTION, options=options)
