"""The same message sent again and again while the form asks ("WHY IS THE LIFT STILL BROKEN?!" three times
within seconds): the second may be a double send, heard in silence as the rest of the problem is within
``timers.form_reask_after``; the third is a customer repeating themselves, who is told it is all received
and recorded (``repeat_acknowledged``) and asked the question again, once every ``_ACKNOWLEDGED_EVERY``
sends, never after each."""

from __future__ import annotations

from bot.flows.fragments import compared
from bot.flows.turn import Turn

_SAID_AGAIN = "said_again"
"""``FlowData.extra`` key: the message last sent again (as compared) and how many times it was."""
_ACKNOWLEDGED_EVERY = 3
"""The third sending of one message is acknowledged, then the sixth, the ninth…"""


def said_again_once_too_often(turn: Turn, text: str, told_before: bool) -> bool:
    """Count ``text`` sent again (``told_before``: the description holds it already); True when this
    sending is to be acknowledged rather than heard in silence."""
    extra = turn.step.data.extra
    if not told_before:
        extra.pop(_SAID_AGAIN, None)
        return False
    said = compared(text)
    kept = extra.get(_SAID_AGAIN)
    again = 1
    if isinstance(kept, list) and len(kept) == 2 and kept[0] == said and isinstance(kept[1], int):
        again = kept[1] + 1
    extra[_SAID_AGAIN] = [said, again]
    return (again + 1) % _ACKNOWLEDGED_EVERY == 0
