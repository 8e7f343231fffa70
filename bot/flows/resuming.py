"""Going on with a complaint the customer left half told: their conversation was closed for their
silence before anything was handed off, and they wrote again soon after
(``timers.resume_after_idle_close``). Storage opened the new conversation with what they had told
(``FlowData.carried_over``); here it is greeted, told that nothing needs repeating, and asked only
what is still missing."""

from __future__ import annotations

from bot.config import Intent, PhraseId
from bot.core.messages import MessageKind, words_of
from bot.core.timeline import TimelineKind
from bot.flows.case import classify
from bot.flows.data import PLACE_ASKS_DONE
from bot.flows.greeting import greet, more_than_a_hello
from bot.flows.records import State
from bot.flows.slots import description_text
from bot.flows.turn import Turn
from bot.understanding.result import Slots, Understanding

_ONLY_POLITE = frozenset({Intent.GREETING, Intent.THANKS, Intent.APOLOGY})


def resumes(turn: Turn) -> bool:
    """The conversation opens with a form carried over from the customer's earlier one."""
    return turn.step.state is State.NEW and turn.step.data.resumed_from is not None


def resume(turn: Turn) -> None:
    """The greeting and what is kept ("您之前反映的…我们还记着"); the conversation then stands at the
    form's next question, not asked yet: the message that opened it may answer it."""
    data = turn.step.data
    earlier, data.resumed_from = data.resumed_from, None
    greet(turn, invite=False)
    problem = turn.kit.summary.summarise(data.description, turn.locale)
    if not problem:
        # Nothing of the customer's words fit to say back: the category names it, as the restatement does.
        category = classify(turn, description_text(data)).category
        problem = turn.kit.rules.category(category).name.get(turn.locale)
    turn.say(PhraseId.FORM_RESUMED, problem=problem, verbatim=(problem,))
    turn.audit(TimelineKind.FORM_RESUMED, conversation_id=earlier)
    turn.step.state = _question_due(turn)


def only_polite(turn: Turn, kind: MessageKind, text: str, understood: Understanding | None) -> bool:
    """The opening message says only hello, thanks or sorry ("在吗", "你好"): it answers nothing,
    so what is missing is asked (the restatement, when nothing is)."""
    words = words_of(kind, text.strip())
    if words is None:
        return False
    if understood is None:
        understood = turn.kit.understander.understand(words, turn.locale)
    if not understood.intents or not understood.intents <= _ONLY_POLITE or understood.signals:
        return False
    return understood.slots == Slots() and not more_than_a_hello(turn, words)


def _question_due(turn: Turn) -> State:
    """The state whose question comes next for the form as it stands (as ``ask_next_missing`` asks)."""
    data = turn.step.data
    if not data.phone and not data.contact_by_channel:
        return State.AWAIT_PHONE
    if not data.area and data.place_asks < PLACE_ASKS_DONE and not data.follows_area:
        return State.AWAIT_AREA
    return State.CONFIRMING
