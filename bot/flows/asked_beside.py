"""A question asked in a clause of its own beside the problem ("你们几点上班 楼上装修好吵") or beside
the item the form asks for ("13800138000 你们几点下班" at the phone question): the form takes the
message as it would without the question, and the question is answered too, never left unheard."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import FaqEntry, Intent, PhraseId
from bot.flows.asking import ask_current
from bot.flows.records import State
from bot.flows.side_answers import faq_answer, note_for_the_staff
from bot.flows.slots import only_announces_a_question
from bot.flows.turn import Turn
from bot.understanding.service_voice import units

_ITEM_QUESTIONS = frozenset(
    {State.AWAIT_PHONE, State.AWAIT_AREA, State.CORRECT_PHONE, State.CORRECT_AREA, State.CONFIRMING}
)
"""The form's questions for an item: the item given there with a question beside it is the answer."""
_ACKNOWLEDGEMENTS = frozenset(
    {
        PhraseId.GREETING_OPENING.value,
        PhraseId.DESCRIPTION_RECORDED.value,
        PhraseId.MESSAGE_RECORDED.value,
        PhraseId.CONFIRMED_THANKS.value,
    }
)
"""Replies that take in what the customer said: the answer to their question comes after them, before
the next question."""


@dataclass(frozen=True)
class AskedBeside:
    text: str
    """The whole message, as the staff read the question."""
    entry: FaqEntry | None
    """The FAQ entry that answers it; None: the staff answer it."""


def asked_beside(turn: Turn, text: str, state: State, beside_an_answer: bool = False) -> AskedBeside | None:
    """The question ``text`` asks beside the complaint it tells, or beside the item it gives at the
    form's question for one; None when it asks none so. A clause asks when it reads as a question and
    not a complaint ("装修要交押金吗" asks about the problem in its own words: the problem), is not in the
    service's voice and does more than announce a question ("请问"). The FAQ entry is the one the whole
    message matches (its ``unless`` words hold for the message), if an asking clause alone matches it too.
    ``beside_an_answer``: the message answers the restatement beside the question ("对 你们几点下班")."""
    intents = turn.intents
    if Intent.QUESTION not in intents:
        return None
    if Intent.COMPLAINT not in intents and not (turn.changed and state in _ITEM_QUESTIONS) and not beside_an_answer:
        return None
    faq = turn.kit.faq
    entry = faq.match(text)
    clauses = [f"{unit}{after}".strip() for unit, after in units(text)]  # "what are your hours?" asks by its mark
    if entry is not None and any(faq.match(unit) is entry and _asks(turn, unit) for unit in clauses):
        return AskedBeside(text, entry)
    # Its words found across clauses ("物业电话多少 电梯坏了几天了 没人处理") answer nothing asked.
    return AskedBeside(text, None) if any(_asks(turn, unit) for unit in clauses) else None


def _asks(turn: Turn, unit: str) -> bool:
    if not unit.strip() or turn.kit.service_voice.speaks(unit) or only_announces_a_question(turn, unit):
        return False
    intents = turn.kit.understander.understand(unit, turn.locale).intents
    return Intent.QUESTION in intents and Intent.COMPLAINT not in intents


def answer_asked_beside(turn: Turn, asked: AskedBeside, first_reply: int, noted: bool) -> None:
    """After the form took the message (its replies from ``first_reply`` on): the FAQ's answer, after the
    greeting and the problem's acknowledgement and before the next question; whom they reached
    (``greeting_answers``) first, and not at all when the greeting of this message said it. With no FAQ
    answer, the question is for the staff as mid-form (``message_recorded``), unless ``noted`` so already."""
    entry = asked.entry
    if entry is None:
        if not noted:
            note_for_the_staff(turn, asked.text, first_reply)
        return
    replies = turn.step.replies
    greeted = any(reply.phrase_id == PhraseId.GREETING_OPENING for reply in replies[first_reply:])
    if entry.greeting_answers and greeted:
        return  # "请问是物业吗 电梯坏了": the greeting names the service and the work number
    answer = faq_answer(turn, entry)
    if len(replies) == first_reply:
        replies.append(answer)  # heard out in silence: answered, and the question the form is at
        ask_current(turn)
        return
    before = {PhraseId.GREETING_OPENING.value} if entry.greeting_answers else _ACKNOWLEDGEMENTS
    position = first_reply
    while position < len(replies) and replies[position].phrase_id in before:
        position += 1
    replies.insert(position, answer)
