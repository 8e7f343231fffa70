"""The phone question answered with the number given already ("我电话不是给过你们了吗", "还是那个号码",
"same number as before"): a number known for the customer is the contact and said back; none
known, the customer hears so and is asked once more. Never more of the problem."""

from __future__ import annotations

from bot.config import Intent, PhraseId
from bot.core.phones import masked_phone
from bot.core.timeline import TimelineKind
from bot.flows.asking import said_as_last
from bot.flows.case import said_with_extension
from bot.flows.form import ask_next_missing, promise_call_back
from bot.flows.records import State
from bot.flows.turn import Turn


def answered_phone_given(turn: Turn, text: str) -> bool:
    """At the phone question, the message says the number was given already
    (``form.phone_given_words``), with no number, no problem and nothing saying that number is
    gone or to be changed: the number known is taken, or the bot says it has none. True if so."""
    understood = turn.understood
    if turn.step.state is not State.AWAIT_PHONE or understood is None or turn.changed or turn.phone:
        return False
    if Intent.COMPLAINT in understood.intents or understood.category is not None or understood.signals:
        return False
    form = turn.kit.form
    if not turn.says_any(text, form.phone_given_words):
        return False
    if any(
        turn.says_any(text, words)
        for words in (form.out_of_service_words, form.contact_replaced_words, form.phone_change_words)
    ):
        return False  # "上次留的那个号码停机了": not the number to call
    if _take_the_known_number(turn):
        if turn.step.data.call_back_offered and not turn.step.data.description:
            promise_call_back(turn)
        else:
            ask_next_missing(turn)
    elif turn.step.data.extra.get(_NOT_KNOWN_SAID) is True:
        # Said again: asked as after any answer without a number, so at most ``form.phone_asks_most`` times.
        ask_next_missing(turn, evaded=True)
    else:
        data = turn.step.data
        data.extra[_NOT_KNOWN_SAID] = True
        data.phone_asks += 1
        turn.say(said_as_last(turn, PhraseId.PHONE_NOT_KNOWN))
    return True


_NOT_KNOWN_SAID = "phone_not_known_said"
"""``FlowData.extra`` key: the customer was told no number of theirs is known here (said once)."""


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
