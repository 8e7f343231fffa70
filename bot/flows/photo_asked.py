"""A photo asked after when none reached the conversation: the customer is told so, after the hand-off
("我发的照片你们收到没") not that the message went to an agent, and before any problem ("我啱啱send咗张相俾你
你哋收到未") never taken down as the problem."""

from __future__ import annotations

from bot.config import Intent, PhraseId
from bot.core.timeline import TimelineKind
from bot.flows.greeting import greet
from bot.flows.records import State
from bot.flows.slots import ends_as_a_question, said_without_edges
from bot.flows.turn import Turn


def answered_photo_not_received(turn: Turn, text: str) -> bool:
    """After the hand-off, ``form.photo_asked_words`` with no photo received in the conversation:
    ``photo_not_received``, and the staff see the message. True if handled."""
    if turn.step.data.photos or not turn.says_any(text, turn.kit.form.photo_asked_words):
        return False
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    turn.say(PhraseId.PHOTO_NOT_RECEIVED)
    return True


def photo_asked_before_a_problem(turn: Turn, text: str) -> bool:
    """Before any problem, a message ending asking whether a photo arrived, none having come: greeted if
    not yet, ``photo_not_received`` (send it again, or say what is wrong), nothing recorded and no
    contact asked for. True if handled."""
    data, understood = turn.step.data, turn.understood
    if turn.step.state not in (State.NEW, State.AWAIT_DESCRIPTION) or data.description or data.photos:
        return False
    if understood is None or Intent.COMPLAINT in understood.intents or understood.category is not None:
        return False
    if understood.signals or turn.changed or not _asks_after_a_photo(turn, text):
        return False
    if not ends_as_a_question(turn, turn.kit.understander.matchable(said_without_edges(text))):
        return False  # "照片发了 你们看到没 车顶凹成这样" goes on to tell its problem
    if turn.step.state is State.NEW:
        greet(turn, invite=False)
        turn.step.state = State.AWAIT_DESCRIPTION
    turn.say(PhraseId.PHOTO_NOT_RECEIVED)
    return True


def _asks_after_a_photo(turn: Turn, text: str) -> bool:
    """``form.photo_asked_words``, or a photo named beside ``form.received_asked_words``."""
    form = turn.kit.form
    if turn.says_any(text, form.photo_asked_words):
        return True
    return turn.says_any(text, form.media_words) and turn.says_any(text, form.received_asked_words)


__all__ = ["answered_photo_not_received", "photo_asked_before_a_problem"]
