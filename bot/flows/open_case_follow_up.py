"""More of the same problem from a customer with an open case of theirs in another conversation:
their own (a WeChat follower's earlier case, one left with the phone their channel vouches for), or
one they proved theirs by its phone's last digits (:mod:`bot.flows.case_check`). "楼上还在敲",
"还在漏", "又停了", "still leaking", before any problem of this conversation's own, goes on that
case, as a follow-up told after its hand-off would, never as a second complaint. The same problem is
one naming the case's category (and no other thing of it, nor another place), or the thing the case's
problem named (``bot/flows/things_named.py``: "楼道灯还在闪" of a case "楼道灯坏了", though it reads as
another category) and no other problem of its own category, or naming no category but saying the
problem goes on (``followups.still_words``, ``followups.again_words``). With two or more open cases it
is the one of the category the message names, when only one is of it, else the only one whose problem
names the thing it names. Complaining of how the case is handled ("还是没修好", "都第三次了", "我要申诉")
stays an appeal; so does the same problem told once the case's time has passed (seed 003: a repeat
of an unanswered complaint), never only noted on it. Another problem stays a complaint of its own."""

from __future__ import annotations

from bot.config import Intent, PhraseId, Signal
from bot.core.case_numbers import case_numbers_in
from bot.core.scripts import places_overlap
from bot.core.timeline import TimelineKind
from bot.flows.appeals import link_to_case
from bot.flows.case_check import appeal_link
from bot.flows.greeting import greet
from bot.flows.records import CaseContact, OpenCase, State
from bot.flows.slots import append_description, kept_place
from bot.flows.things_named import another_thing, same_thing
from bot.flows.turn import Turn
from bot.understanding.result import Understanding

_NOT_A_FOLLOW_UP = frozenset({Intent.QUESTION, Intent.STATUS_QUERY, Intent.HUMAN, Intent.SUPERVISOR})
"""A question, or a person asked for: answered as such, never only noted on the case."""


def followed_up_open_case(turn: Turn, text: str) -> bool:
    """Before any problem of this conversation's own is told, more of an open case of the writer's
    goes on it: its staff see the words on its timeline and description (as a message after its
    hand-off), the customer hears so with its number (``supplement_added``), and this conversation
    joins the case (``appeal_of``, no ticket raised). True if handled."""
    understood = turn.understood
    if understood is None or not _before_a_problem_of_its_own(turn):
        return False
    case = _case_told_of(turn, understood)
    if case is None or not _more_of_it(turn, understood, case):
        return False
    data = turn.step.data
    if case.deadline_at <= turn.now and understood.category != case.category:
        # "楼上还在敲" once the case's time has passed: the repeat is an appeal (seed 003), as the case's
        # category told then is on the complaint's own path.
        if turn.step.state is State.NEW:
            greet(turn, invite=False)
        append_description(turn, text)
        link_to_case(turn, case)
        return True
    for kind in list(data.timers):
        turn.cancel(kind)
    if turn.step.state is State.NEW:
        # Their own case told where it stands first, as to any return, inviting no new problem: this is more of it.
        greet(turn, invite=False, taking_more=True)
    status = case.status
    if status is not None and status.problem:
        append_description(turn, status.problem)  # what the case is about: more told later is judged by it
    append_description(turn, text)
    data.appeal_of = case.case_number
    data.area = data.area or (status.area if status is not None else None)
    turn.step.appeal = appeal_link(turn, case.case_number, text)
    turn.step.contact = CaseContact(case.case_number, None, more_of_the_problem=text)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED, case_number=case.case_number, follow_up=True)
    data.acked_at, data.recorded_ack = turn.now, False
    turn.say(PhraseId.SUPPLEMENT_ADDED, case_number=case.case_number)
    turn.step.state = State.HANDED_OFF
    return True


def _before_a_problem_of_its_own(turn: Turn) -> bool:
    """This conversation has told no problem nor case of its own yet."""
    data = turn.step.data
    if turn.step.state not in (State.NEW, State.AWAIT_DESCRIPTION):
        return False
    return not data.description and data.case_number is None and data.appeal_of is None


def _case_told_of(turn: Turn, understood: Understanding) -> OpenCase | None:
    """The writer's open case the message may be about: their one (never one found by a typed
    phone: nothing shows it is theirs), or of two or more the only one of the category it names."""
    customer = turn.customer
    if len(customer.open_cases) > 1:
        category = understood.category
        if category in (None, turn.kit.rules.fallback_category):
            return None  # "又开始了" beside two cases: which one is not known
        # "楼道灯还在闪" (物业服务) beside a 工程维修 case "楼道灯坏了" and a noise case: the one whose problem
        # names its thing, else the one of its category.
        said = turn.things_named(understood.text)
        same = [
            case
            for case in customer.open_cases
            if said and case.problem and same_thing(said, turn.things_named(case.problem))
        ]
        if len(same) != 1:
            same = [case for case in customer.open_cases if case.category == category]
        found = same[0] if len(same) == 1 else None
        if found is None or found.case_number is None or found.deadline_at is None:
            return None
        return OpenCase(found.case_number, found.deadline_at, status=found, category=found.category)
    case = customer.open_case
    return None if case is None or case.by_typed_phone else case


def _more_of_it(turn: Turn, understood: Understanding, case: OpenCase) -> bool:
    """The message tells more of ``case``'s problem, and nothing else the bot answers otherwise."""
    text = understood.text
    if understood.intents & _NOT_A_FOLLOW_UP or case_numbers_in(text, turn.kit.config.service.case_prefix):
        return False  # a case named by its number: its own handling (an appeal)
    if _complains_of_the_handling(turn, understood):
        return False  # seed 003: a repeat of an unanswered complaint is an appeal
    status = case.status
    here = status.area if status is not None else None
    if turn.area is not None and here is not None and not places_overlap(kept_place(turn.area), here):
        return False  # at another place: another problem
    problem = status.problem if status is not None else None
    things = turn.things_named(text)
    earlier_things = turn.things_named(problem) if problem else frozenset()
    if problem and another_thing(things, earlier_things):
        return False  # "电梯又坏了" beside a case "楼道灯坏了": another thing, another problem
    category = understood.category
    followups = turn.kit.config.followups
    goes_on = turn.says_any(text, followups.still_words) or turn.says_any(text, followups.again_words)
    if category in (None, turn.kit.rules.fallback_category):
        return goes_on
    said = turn.problem_words(category, text)
    earlier = turn.problem_words(category, problem) if problem else set()
    if category != case.category:
        # Its thing named ("楼道灯还在闪" of 楼道灯坏了), and no other problem of the category it reads as.
        if not (things and problem and same_thing(things, earlier_things)):
            return False
        return not said or bool(said & earlier)
    if case.deadline_at <= turn.now:
        return False  # its time passed: the repeat is an appeal (seed 003), on the complaint's own path
    if goes_on:
        return True  # "楼上还是很吵" after 楼上装修天天敲墙: it, still
    return not (said and earlier and not said & earlier)  # other things of the category: another problem


def _complains_of_the_handling(turn: Turn, understood: Understanding) -> bool:
    """The case said still not handled, the Nth time, mishandled or appealed ("还是没修好", "都第三次了",
    "你们根本不管", "我要申诉")."""
    if Signal.REPEAT in understood.signals:
        return True
    text = understood.text
    form = turn.kit.form
    return any(
        turn.says_any(text, words)
        for words in (turn.kit.rules.still_open_keywords, form.appeal_words, form.mishandling_words)
    )


__all__ = ["followed_up_open_case"]
