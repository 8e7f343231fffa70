"""The place of an earlier case of the customer's, for a place answered with it ("跟上次一样", "还是那个地址":
``followups.same_place_words``), before the hand-off (``earlier_place.py``) and after it."""

from __future__ import annotations

from bot.flows.data import SET_ASIDE_CASE, FlowData
from bot.flows.turn import Turn


def earlier_place(turn: Turn) -> tuple[str, str | None, str | None] | None:
    """The place of an earlier case of the customer's, as stored, as written, and its case number."""
    data = turn.step.data
    kept = data.extra.get(SET_ASIDE_CASE)
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
