"""A phone question answered with the number given already or the one written from ("我电话不是给过你们了吗",
"还是那个号码", "就用这个手机号", "你们系统里有我的号码", "same number as before"): a number known for the
customer is the contact and said back; none known, the customer hears so and is asked once more.
Never more of the problem, never a place. So at each phone question: the form's, the correction's
(``CORRECT_PHONE``) and the duty supervisor's."""

from __future__ import annotations

from bot.config import Intent, PhraseId
from bot.core.phones import masked_phone
from bot.core.timeline import TimelineKind
from bot.flows.appeals import (
    PHONE_ASKED_AGAIN,
    on_escalation_phone,
    phone_for_supervisor_asked,
    phone_for_the_supervisor,
)
from bot.flows.asking import said_as_last
from bot.flows.case import said_with_extension
from bot.flows.confirmation import restate
from bot.flows.form import ask_next_missing, promise_call_back
from bot.flows.records import State
from bot.flows.turn import Turn
from bot.understanding.phones import said_phone


def answered_phone_given(turn: Turn, text: str) -> bool:
    """At the form's phone question or the correction's, the message says the number was given
    already or is the one written from (``form.phone_given_words``): the number known is taken, or
    the bot says it has none. True if so."""
    state = turn.step.state
    if state not in (State.AWAIT_PHONE, State.CORRECT_PHONE) or not _says_the_phone_is_known(turn, text):
        return False
    if state is State.CORRECT_PHONE:
        if _take_the_channels_number(turn) or _take_the_known_number(turn):
            restate(turn)
        else:
            _not_known(turn)
        return True
    if _take_the_known_number(turn):
        if turn.step.data.call_back_offered and not turn.step.data.description:
            promise_call_back(turn)
        else:
            ask_next_missing(turn)
    elif turn.step.data.extra.get(_NOT_KNOWN_SAID) is True:
        # Said again: asked as after any answer without a number, so at most ``form.phone_asks_most`` times.
        ask_next_missing(turn, evaded=True)
    else:
        turn.step.data.phone_asks += 1
        _not_known(turn)
    return True


def answered_phone_given_to_the_supervisor(turn: Turn, text: str) -> bool:
    """At the duty supervisor's phone question, the same words: the number put aside for another is
    the one the supervisor calls; none known, the customer hears so once, and said again, the
    supervisor contacts them here. True if so."""
    if not phone_for_supervisor_asked(turn) or not _says_the_phone_is_known(turn, text):
        return False
    data = turn.step.data
    if data.alternative_phone:
        phone, extension = data.alternative_phone, data.alternative_extension
        data.phone_extension, data.alternative_phone, data.alternative_extension = extension, None, None
        from_channel = phone in (turn.customer.phone, turn.customer.proven_phone)
        data.phone_from_channel = from_channel
        phone_for_the_supervisor(turn, phone, masked_phone(phone) if from_channel else said_phone(phone))
    elif data.escalation_phone_asks < PHONE_ASKED_AGAIN:
        data.escalation_phone_asks = PHONE_ASKED_AGAIN
        turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
        turn.say(PhraseId.PHONE_NOT_KNOWN)
    else:
        on_escalation_phone(turn, text)  # asked twice: the supervisor contacts them here
    return True


def _says_the_phone_is_known(turn: Turn, text: str) -> bool:
    """The message says the number is given already or known (``form.phone_given_words``), with no
    number, no signal, nothing saying that number is gone or to be changed, and no problem told
    beside those words ("你们系统里有我的号码" names a system, no problem with it)."""
    understood = turn.understood
    if understood is None or turn.changed or turn.phone or understood.signals:
        return False
    form = turn.kit.form
    if not turn.says_any(text, form.phone_given_words):
        return False
    if any(
        turn.says_any(text, words)
        for words in (form.out_of_service_words, form.contact_replaced_words, form.phone_change_words)
    ):
        return False  # "上次留的那个号码停机了": not the number to call
    if Intent.COMPLAINT not in understood.intents and understood.category is None:
        return True
    beside = _beside_the_words(turn, text)
    if not beside:
        return True
    alone = turn.kit.understander.understand(beside, turn.locale)
    return Intent.COMPLAINT not in alone.intents and alone.category is None


def _beside_the_words(turn: Turn, text: str) -> str:
    """What the message says outside the ``form.phone_given_words`` in it ("你们" of "你们系统里有我的号码"),
    as keywords are matched, without punctuation or spaces."""
    said = turn.kit.understander.matchable(text)
    covered = [False] * len(said)
    for word in turn.kit.form.phone_given_words:
        lowered = word.lower()
        start = said.find(lowered) if lowered else -1
        while start >= 0:
            covered[start : start + len(lowered)] = [True] * len(lowered)
            start = said.find(lowered, start + 1)
    return "".join(char for char, inside in zip(said, covered, strict=True) if not inside and char.isalnum())


def _not_known(turn: Turn) -> None:
    turn.step.data.extra[_NOT_KNOWN_SAID] = True
    turn.say(said_as_last(turn, PhraseId.PHONE_NOT_KNOWN))


_NOT_KNOWN_SAID = "phone_not_known_said"
"""``FlowData.extra`` key: the customer was told no number of theirs is known here (said once)."""


def _take_the_channels_number(turn: Turn) -> bool:
    """At the correction, the number the channel vouches for (an SMS sender's) replaces the one
    restated: the number written from. True if there is one."""
    data, customer = turn.step.data, turn.customer
    if not customer.phone_vouched or not customer.phone:
        return False
    data.phone, data.phone_extension, data.phone_from_channel = customer.phone, None, True
    return _take_the_known_number(turn)


def _take_the_known_number(turn: Turn) -> bool:
    """The number known for the customer made the contact and said back: the channel's or the
    customer record's (set for this message, masked as the restatement masks it), or the one put
    aside this conversation for another not given ("我换个号码", then "还是那个号码"). True if any."""
    data, customer = turn.step.data, turn.customer
    if data.phone:
        from_channel = data.phone_from_channel
    elif data.alternative_phone:
        data.phone, data.phone_extension = data.alternative_phone, data.alternative_extension
        from_channel = data.phone in (customer.phone, customer.proven_phone)
        data.phone_from_channel = from_channel
    else:
        return False
    if data.alternative_phone == data.phone:
        data.alternative_phone, data.alternative_extension = None, None
    data.contact_by_channel = False
    turn.audit(TimelineKind.CONTACT_RECEIVED, replaced=False)
    said = masked_phone(data.phone) if from_channel else said_with_extension(turn, data.phone, data.phone_extension)
    turn.say(PhraseId.CONTACT_NOTED, phone=said)
    return True
