"""The place question answered with an earlier case's place ("同一个地方", "跟上次一样", "还是那个地址",
"same as last time": ``followups.same_place_words``): the place of the case told first in this
conversation, else of the customer's open case, else of the resolved case this one follows or
their latest resolved one. With none known the words are no place: the question is asked again."""

from __future__ import annotations

from bot.core.timeline import TimelineKind
from bot.flows.form import ask_next_missing
from bot.flows.place_of_an_earlier_case import earlier_place
from bot.flows.records import State
from bot.flows.slots import kept_place
from bot.flows.turn import Turn


def same_place_as_before(turn: Turn, text: str) -> bool:
    """At the form's place question, the customer says it is where an earlier case was: that
    place, and the form goes on (the restatement says it); none known, asked again. True if handled."""
    data = turn.step.data
    if turn.step.state is not State.AWAIT_AREA or data.area is not None or turn.changed:
        return False
    if not turn.says_any(text, turn.kit.config.followups.same_place_words):
        return False
    known = earlier_place(turn)
    if known is None:
        data.place_asks += 1  # "跟上次一样" with no earlier case known here: never the place itself
    else:
        area, written, case_number = known
        data.area, data.area_written = kept_place(area), written
        turn.audit(TimelineKind.AREA_RECEIVED, case_number=case_number)
    ask_next_missing(turn)
    return True
