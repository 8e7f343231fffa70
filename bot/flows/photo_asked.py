"""After the hand-off, a photo asked after ("我发的照片你们收到没") when none reached the conversation:
the customer is told so, not that the message went to an agent."""

from __future__ import annotations

from bot.config import PhraseId
from bot.core.timeline import TimelineKind
from bot.flows.turn import Turn


def answered_photo_not_received(turn: Turn, text: str) -> bool:
    """``form.photo_asked_words`` with no photo received in the conversation: ``photo_not_received``,
    and the staff see the message. True if handled."""
    if turn.step.data.photos or not turn.says_any(text, turn.kit.form.photo_asked_words):
        return False
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    turn.say(PhraseId.PHOTO_NOT_RECEIVED)
    return True
