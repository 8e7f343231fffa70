"""Questions the customer asks back while the form is taken, and abuse repeated before any
problem: answered, never heard out in silence as more of the problem."""

from __future__ import annotations

import dataclasses

from bot.config import Intent, PhraseId, Signal
from bot.core.messages import OutboundMessage
from bot.core.timeline import TimelineKind
from bot.flows.form import ask_next_missing
from bot.flows.records import State
from bot.flows.slots import ends_as_a_question, only_insults, said_without_edges
from bot.flows.small_talk import only_asks_whom
from bot.flows.turn import Turn

_ASKED_BACK_AT = frozenset({State.AWAIT_PHONE, State.CONFIRMING})
"""Where an unrecognised question is a question of its own: asked for the phone ("你们不知道我住哪吗？")
or for the restatement's confirmation ("你们会派人抓猫吗？"). The place question reads its answers itself."""


def read_as_a_question(turn: Turn, text: str) -> None:
    """A message the rules read nothing in (no intent, category, signal or item) that ends as a
    question does ("你们会派人抓猫吗？", ``form.question_endings``), asked for the phone or the
    confirmation: a question (the ``question`` intent), answered by the FAQ or recorded for the staff
    (``message_recorded``) with the form's question again, never taken as more of the problem."""
    understood = turn.understood
    if turn.step.state not in _ASKED_BACK_AT or understood is None or turn.changed:
        return
    if understood.intents or understood.category is not None or understood.signals:
        return
    slots = understood.slots
    if slots.phone or slots.address or slots.name:
        return
    if not ends_as_a_question(turn, said_without_edges(text)) or turn.only_asks(text):
        return  # a bare "？" asks nothing of its own: the form's question is asked again
    turn.understood = dataclasses.replace(understood, intents=frozenset({Intent.QUESTION}))


def read_as_asking_whom(turn: Turn, text: str) -> None:
    """A message that only asks whom the customer reached ("是XX物业客服吗", "美女 你叫什么名字", "你几号",
    "is this customer service?"), before the hand-off: a question (the ``question`` intent), answered by
    the FAQ entries with ``greeting_answers`` (before any problem, the greeting, if not said yet), never
    a complaint about the service named nor more of the problem. Told beside a problem ("是物业吗 楼上
    天天装修"), the problem is the message."""
    understood = turn.understood
    if understood is None or turn.changed or understood.signals or understood.intents == {Intent.QUESTION}:
        return
    if not only_asks_whom(turn, turn.kit.summary.without_greeting(text)):
        return
    turn.understood = dataclasses.replace(
        understood, intents=frozenset({Intent.QUESTION}), category=None, other_categories=(), grade=None
    )


def read_as_insults(turn: Turn, text: str) -> None:
    """A message of nothing but insults ("废物 垃圾", ``form.abuse_words`` and ``form.insult_words``):
    anger at us, met as anger is, never a complaint, though an insult word alone may name one
    ("垃圾": the rubbish, property service)."""
    understood = turn.understood
    if understood is None or understood.slots.phone or understood.slots.address or not only_insults(turn, text):
        return
    turn.only_insults = True
    turn.understood = dataclasses.replace(
        understood,
        intents=understood.intents - {Intent.COMPLAINT},
        category=None,
        other_categories=(),
        grade=None,
        signals=understood.signals | {Signal.EMOTIONAL},
    )


def empathy_for_insults(turn: Turn, first_reply: int) -> None:
    """A message of nothing but insults that is answered ("你们这帮垃圾" while the case waits for a
    person, at the rating question) hears empathy first, from ``first_reply`` on: anger at us met as
    anger is (seed 002 四: stay calm, apologise, serve on)."""
    replies = turn.step.replies
    if turn.only_insults and len(replies) > first_reply:
        replies.insert(first_reply, OutboundMessage(text=turn.text(PhraseId.EMPATHY), phrase_id=PhraseId.EMPATHY.value))


def answered_how_contacted(turn: Turn) -> bool:
    """Asked for the phone after refusing it, the customer asks how we will reach them ("那你们怎么
    联系我？", ``form.how_contacted_words``): the contact is this conversation's channel
    (``phone_not_needed``), and the form goes on. True if handled."""
    data, understood = turn.step.data, turn.understood
    if turn.step.state is not State.AWAIT_PHONE or not data.phone_refusals or data.phone or understood is None:
        return False
    if Intent.COMPLAINT in understood.intents or turn.changed:
        return False
    if not turn.says_any(understood.text, turn.kit.form.how_contacted_words):
        return False
    refusals = max(data.phone_refusals, turn.kit.form.phone_refusals)
    if refusals != data.phone_refusals:
        data.phone_refusals = refusals
        turn.audit(TimelineKind.PHONE_REFUSED, times=refusals)
    ask_next_missing(turn)  # phone_not_needed, then the place or the restatement
    return True


def abused_again(turn: Turn) -> bool:
    """Nothing but abuse (``form.abuse_words``: "傻逼机器人 滚"), before any problem is told, after an
    earlier angry message met with empathy or a harassment warning: no longer a customer losing
    their temper but abuse, handled as harassment is (seed 001 (13): the warning, then the close)."""
    understood, data = turn.understood, turn.step.data
    if turn.step.state not in (State.NEW, State.AWAIT_DESCRIPTION) or data.description or understood is None:
        return False
    if understood.intents or understood.category is not None or understood.signals != {Signal.EMOTIONAL}:
        return False
    if turn.changed or (Signal.EMOTIONAL not in turn.earlier_signals and turn.step.data.harassment_warned_at is None):
        return False
    return turn.says_any(understood.text, turn.kit.form.abuse())
