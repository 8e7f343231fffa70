"""One message telling more of a returning customer's open case and another problem ("楼道灯坏了 电梯也坏了",
"灯还是不亮 另外楼下垃圾没人清" beside a case "楼道灯坏了"): the clauses naming the case's thing go on
that case (its description, ``supplement_added`` with its number), and the rest is a new complaint,
taken as if told alone. A clause naming no thing goes with the clause before it; one naming another
thing (``bot/flows/things_named.py``), or none but telling a problem of another category, is the
other problem's."""

from __future__ import annotations

from bot.config import Intent, PhraseId
from bot.core.case_numbers import case_numbers_in
from bot.core.timeline import TimelineKind
from bot.flows.greeting import greet
from bot.flows.records import CaseContact, OpenCase, State
from bot.flows.summary import pauses
from bot.flows.things_named import another_thing, same_thing
from bot.flows.turn import Turn

_ASKING = frozenset({Intent.QUESTION, Intent.STATUS_QUERY, Intent.HUMAN, Intent.SUPERVISOR})
"""The case's part asked after, or a person asked for: the whole message is read as it is today."""


def split_beside_open_case(turn: Turn, text: str) -> str | None:
    """Before any problem of this conversation's own, a message of more of the writer's one open case
    and another problem: the case's part noted on it and said so; returns the other problem's words,
    to be read as the message. None (nothing done) for any other message."""
    case = _the_open_case(turn)
    understood = turn.understood
    if case is None or understood is None or understood.intents & _ASKING:
        return None
    status = case.status
    problem = status.problem if status is not None else None
    if not problem or case_numbers_in(text, turn.kit.config.service.case_prefix):
        return None
    case_things = turn.things_named(problem)
    if not case_things:
        return None
    parts = pauses(text)
    if len(parts) < 2:
        return None
    ours: list[str] = []
    others: list[str] = []
    last: list[str] | None = None
    for part in parts:
        things = turn.things_named(part)
        if things and same_thing(things, case_things) and not another_thing(things, case_things):
            last = ours
        elif another_thing(things, case_things) or (not things and _another_problem(turn, part, case)):
            last = others
        if last is None:
            return None  # words before anything is named: whose they are is not known
        last.append(part)
    if not ours or not others:
        return None
    _note_on_the_case(turn, case, " ".join(ours))
    return " ".join(others)


def _the_open_case(turn: Turn) -> OpenCase | None:
    """The writer's only open case, theirs (not one a typed phone found), before this conversation
    told a problem or named a case of its own."""
    data = turn.step.data
    if turn.step.state not in (State.NEW, State.AWAIT_DESCRIPTION) or data.description:
        return None
    if data.case_number is not None or data.appeal_of is not None:
        return None
    customer = turn.customer
    case = customer.open_case
    if case is None or case.by_typed_phone or len(customer.open_cases) > 1:
        return None
    return case


def _another_problem(turn: Turn, part: str, case: OpenCase) -> bool:
    """A clause naming no thing tells a problem of a category other than the case's ("楼下垃圾没人清")."""
    read = turn.kit.understander.understand(part, turn.locale)
    category = read.category
    return (
        Intent.COMPLAINT in read.intents
        and category is not None
        and category != turn.kit.rules.fallback_category
        and category != case.category
    )


def _note_on_the_case(turn: Turn, case: OpenCase, said: str) -> None:
    if turn.step.state is State.NEW:
        greet(turn, invite=False)
        turn.step.state = State.AWAIT_DESCRIPTION
    turn.step.contact = CaseContact(case.case_number, None, more_of_the_problem=said)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED, case_number=case.case_number, follow_up=True, text=said)
    turn.say(PhraseId.SUPPLEMENT_ADDED, case_number=case.case_number)


__all__ = ["split_beside_open_case"]
