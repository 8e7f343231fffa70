"""A question the customer did not understand ("什么电话 是要我打电话给你们吗", "什么意思 我不懂"):
explained in simpler words, as the standards' re-explain step asks, never taken as more of the
problem nor answered as recorded."""

from __future__ import annotations

from bot.config import Intent, PhraseId
from bot.flows.asking import yes_no_options
from bot.flows.records import State
from bot.flows.turn import Turn

_EXPLANATIONS = {
    State.AWAIT_PHONE: PhraseId.EXPLAIN_PHONE,
    State.CORRECT_PHONE: PhraseId.EXPLAIN_PHONE,
    State.AWAIT_AREA: PhraseId.EXPLAIN_AREA,
    State.CORRECT_AREA: PhraseId.EXPLAIN_AREA,
    State.CONFIRMING: PhraseId.EXPLAIN_CONFIRM,
}


def explained_again(turn: Turn, text: str) -> bool:
    """The message says the pending question was not understood (``form.not_understood_words``)
    and gives no item and no problem: its explanation is said. True if so."""
    phrase = _EXPLANATIONS.get(turn.step.state)
    understood = turn.understood
    if phrase is None or understood is None or turn.changed or Intent.COMPLAINT in understood.intents:
        return False
    if understood.signals:
        return False  # "你们这个机器人听不懂人话是吧": anger at the bot, met with empathy, not a lesson
    if Intent.REFUSE_CONTACT in understood.intents:
        return False  # "我话咗唔留电话啊 你听唔明咩": the bot is the one who did not understand
    if not turn.says_any(text, turn.kit.form.not_understood_words):
        return False
    options = yes_no_options(turn) if turn.step.state is State.CONFIRMING else ()
    turn.say(phrase, options=options)
    return True
