"""The place question answered with an earlier case's place ("同一个地方", "跟上次一样", "还是那个地址",
"same as last time": ``followups.same_place_words``): the place of the case told first in this
conversation, else of the customer's open case, else of the resolved case this one follows or
their latest resolved one. With none known the words are no place: the question is asked again."""

from __future__ import annotations

from bot.core.timeline import TimelineKind
from bot.flows.closing import OPEN_CASE
from bot.flows.data import FlowData
from bot.flows.form import ask_next_missing
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
    known = _earlier_place(turn)
    if known is None:
        data.place_asks += 1  # "跟上次一样" with no earlier case known here: never the place itself
    else:
        area, written, case_number = known
        data.area, data.area_written = kept_place(area), written
        turn.audit(TimelineKind.AREA_RECEIVED, case_number=case_number)
    ask_next_missing(turn)
    return True


def _earlier_place(turn: Turn) -> tuple[str, str | None, str | None] | None:
    """The place of an earlier case of the customer's, as stored, as written, and its case number."""
    data = turn.step.data
    kept = data.extra.get(OPEN_CASE)
    told = FlowData.from_json(kept) if isinstance(kept, dict) else None
    if told is not None and told.area is not None:
        return told.area, told.area_written, told.case_number
    # A case of theirs from another conversation (their own, or proven theirs by its phone's
    # digits here; one an appeal here joined): its place as storage has it. Never one found by a
    # phone typed here, which nothing shows is theirs.
    open_case = turn.customer.open_case
    status = open_case.status if open_case is not None and not open_case.by_typed_phone else None
    if status is not None and status.area is not None:
        return status.area, None, status.case_number
    if data.follows_area is not None:
        return data.follows_area, None, data.follows_case
    resolved = next((case for case in turn.customer.resolved_cases if case.area is not None), None)
    if resolved is not None and resolved.area is not None:
        return resolved.area, None, resolved.case_number
    return None
