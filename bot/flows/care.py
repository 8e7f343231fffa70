"""After talk of self-harm the conversation stays in the care path: whatever the customer says next
while the duty supervisor is reaching them ("没人管我") hears care and the helpline again, never the
complaint's boilerplate ("您反映的情况，我已记录下来…") nor its questions. In a chat an agent holds,
words that nobody cares ("没人管我") hear care all the same."""

from __future__ import annotations

from bot.config import Intent, PhraseId, Signal
from bot.core.timeline import TimelineKind
from bot.flows.turn import Turn

_CARE_SAID = "care_said"
"""``FlowData.extra`` key: the care phrase said last, so the next message hears the next one."""
_CARE_PHRASES = (PhraseId.SELF_HARM_CARE, PhraseId.QUEUE_URGENT_CARE, PhraseId.URGENT_WAITING_CARE)
"""Said in turn, never the same words twice running: care and the helpline, that the duty supervisor
is reaching them, and sorry for the wait with the helpline again."""
_NEXT = {phrase.value: _CARE_PHRASES[(index + 1) % len(_CARE_PHRASES)] for index, phrase in enumerate(_CARE_PHRASES)}


def in_care(turn: Turn) -> bool:
    """Talk of self-harm was told in this conversation, and no danger of another kind (whose path
    asks what the emergency needs)."""
    signals = turn.step.data.signals
    return Signal.SELF_HARM in signals and Signal.DANGER not in signals


def stayed_in_care(turn: Turn) -> bool:
    """A message after talk of self-harm that gives no phone and refuses none ("没人管我", "算了 没事了
    你们别管了"): cared for again, the staff seeing it on the timeline; a phone given is read as
    anywhere. True if handled."""
    if not in_care(turn) or turn.phone or Intent.REFUSE_CONTACT in turn.intents:
        return False
    data = turn.step.data
    if data.place_asked_after_hand_off and data.area is None:
        return False  # "阳光花园3栋" answering the place question the duty supervisor's path asked
    care_again(turn)
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    return True


def cared_for_in_a_held_chat(turn: Turn) -> bool:
    """While an agent holds the chat, after talk of self-harm in it, words that nobody cares ("没人管我",
    "根本没人理我", ``form.nobody_cares_words``): care and the helpline again, never silence while the
    agent reads; the message is on the timeline for the agent and the supervisors, who were told of
    the self-harm. Anything else there stays the agent's. True if handled."""
    understood = turn.understood
    if understood is None or not in_care(turn):
        return False
    if not turn.says_any(understood.text, turn.kit.form.nobody_cares_words):
        return False
    care_again(turn)
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    return True


def care_again(turn: Turn) -> None:
    """Care and the helpline once more, in the next of ``_CARE_PHRASES`` (never the words said last)."""
    data = turn.step.data
    last = data.extra.get(_CARE_SAID)
    phrase = _NEXT.get(last, _CARE_PHRASES[0]) if isinstance(last, str) else _CARE_PHRASES[0]
    turn.say(phrase)
    data.extra[_CARE_SAID] = phrase.value


def mark_care_said(turn: Turn) -> None:
    """``self_harm_care`` was said in this turn (by the safety path): care again hears other words."""
    turn.step.data.extra[_CARE_SAID] = PhraseId.SELF_HARM_CARE.value


def cared_for_again(turn: Turn, first: int) -> bool:
    """Talk of self-harm in the message after the safety path said its part from reply ``first`` on:
    when that held no care (told again within ``timers.safety_repeat_after``), care and the helpline
    in the next words (:func:`care_again`), never only that the duty supervisor has it. True if so."""
    understood = turn.understood
    if understood is None or Signal.SELF_HARM not in understood.signals:
        return False
    if any(reply.phrase_id == PhraseId.SELF_HARM_CARE.value for reply in turn.step.replies[first:]):
        return False
    care_again(turn)
    return True
