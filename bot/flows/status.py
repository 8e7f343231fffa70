"""The status answer after hand-off (seed 000 四(五)2, issue 12 item 1): one message with the case
number, where the case stands and the time promised, from the phrases ``status_*``; and when
the flow gives it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from bot.config import Intent, PhraseId, Signal
from bot.core.case_numbers import case_numbers_in, case_numbers_looked_up, without_case_numbers
from bot.core.messages import OutboundMessage
from bot.core.phrases import Phrases
from bot.core.scripts import place_key, places_overlap
from bot.core.timeline import TimelineKind
from bot.flows.case_check import (
    CaseCheckFor,
    ask_case_check,
    named_status,
    not_confirmed,
    proven,
    unproven_number,
)
from bot.flows.deadline import BusinessCalendar, describe_moment
from bot.flows.greeting import greet
from bot.flows.records import CaseContact, CaseStage, CaseStatus, State
from bot.flows.side_answers import open_consultation
from bot.flows.slots import description_text
from bot.flows.turn import Turn

_SPACES = re.compile(r" {2,}")
_NOT_WORDS = re.compile(r"[^\w ]+|_")
_MORE_THAN_A_NUMBER = 6
"""Letters besides a case number that tell more of the case ("我之前投诉过" is 6)."""


def status_text(
    status: CaseStatus,
    locale: str,
    now: dt.datetime,
    phrases: Phrases,
    calendar: BusinessCalendar,
    supervisor: bool = False,
) -> str:
    """``status_answer`` filled with its parts; a part left out (no case number yet, nothing
    promised, resolved) leaves no gap. ``supervisor``: the duty supervisor has the case, said of
    it while it waits (:func:`with_the_supervisor`)."""

    def say(phrase_id: PhraseId, **variables: object) -> str:
        return phrases.render(phrase_id, locale, **variables)

    case = say(PhraseId.STATUS_CASE_NUMBER, case_number=status.case_number) if status.case_number else ""
    deadline = ""
    missed = False
    if status.deadline_at is not None and status.stage is not CaseStage.RESOLVED:
        moment = describe_moment(status.deadline_at, now, calendar.timezone, phrases.time_words(locale))
        if status.deadline_at <= now:
            # Missed: said as missed (the breach escalated it), never promised again.
            deadline = say(PhraseId.STATUS_DEADLINE_PASSED, deadline=moment)
            missed = True
        else:
            extended = PhraseId.STATUS_DEADLINE_EXTENDED if status.extended else PhraseId.STATUS_DEADLINE
            deadline = say(extended, deadline=moment)
    # A missed case waiting was escalated to the duty supervisor (status_deadline_passed says so):
    # a place in the queue it waited in ("下一位就是您") no longer tells when someone comes.
    stage = "" if missed and status.stage is CaseStage.WAITING else _stage(status, locale, phrases, supervisor)
    text = say(PhraseId.STATUS_ANSWER, case=case, stage=stage, deadline=deadline)
    return _SPACES.sub(" ", text).strip()


def _stage(status: CaseStatus, locale: str, phrases: Phrases, supervisor: bool = False) -> str:
    """Where the case stands: resolved, with an agent (named when they have a display name), or
    waiting (with the duty supervisor, or next, at a position, or not yet placed)."""
    if status.stage is CaseStage.RESOLVED:
        return phrases.render(PhraseId.STATUS_RESOLVED, locale)
    if status.stage is CaseStage.WITH_AGENT:
        if status.agent_name:
            return phrases.render(PhraseId.STATUS_WITH_AGENT, locale, agent=status.agent_name)
        return phrases.render(PhraseId.STATUS_WITH_STAFF, locale)
    if supervisor:
        return phrases.render(PhraseId.STATUS_WITH_SUPERVISOR, locale)
    if status.queue_position is None:
        return phrases.render(PhraseId.STATUS_WAITING_UNPLACED, locale)
    if status.queue_position <= 1:
        return phrases.render(PhraseId.STATUS_WAITING_NEXT, locale)
    return phrases.render(PhraseId.STATUS_WAITING, locale, position=status.queue_position)


def with_the_supervisor(turn: Turn, status: CaseStatus) -> bool:
    """While it waits, the case is with the duty supervisor, not in the agents' queue ("已转给客服代表"):
    its ticket waits for them (``CaseStatus.with_supervisor``, whichever conversation asks), or this
    conversation handed it (or the case it appealed) to them in this very batch (a threat, danger, a
    manager asked for: ``escalation_phone_asks``), before storage shows it."""
    if status.with_supervisor:
        return True
    data = turn.step.data
    own = status.case_number in (data.case_number, data.appeal_of)
    return turn.step.state is State.HANDED_OFF and data.escalation_phone_asks > 0 and own


def this_case(turn: Turn) -> CaseStatus:
    """This conversation's hand-off as storage loaded it (for an appeal, the case it joined);
    without that, what the flow knows."""
    loaded = turn.customer.this_case
    if loaded is not None:
        return loaded
    data = turn.step.data
    return CaseStatus(CaseStage.WAITING, case_number=data.case_number or data.appeal_of)


def status_of_open_case(turn: Turn, intents: frozenset[Intent], state: State) -> bool:
    """A status question opening a conversation of a customer whose earlier case is still open
    gets that case's status, not a new complaint form (seed 000 四(五)2). True if handled.

    A case number alone ("TS20261205ABC234") asks the same of that case. A message describing a
    problem as well is left to the complaint handling, unless it only asks when the open case's
    problem ends ("停水了 什么时候来水")."""
    said = said_case_numbers(turn)
    if not said and asks_after_one_of_the_cases(turn):
        intents = (intents - {Intent.COMPLAINT}) | {Intent.STATUS_QUERY}  # "漏水的那个呢"
    told = _told_case(turn) if not said and Intent.STATUS_QUERY in intents else None
    asks_where_it_stands = _asks_where_the_open_case_stands(turn, intents, said)
    if Intent.COMPLAINT in intents and not asks_where_it_stands:
        return False
    if Intent.STATUS_QUERY not in intents and not said:
        return False
    if Intent.STATUS_QUERY not in intents and (Intent.NOT_RESOLVED in intents or _says_more_than_a_number(turn)):
        return False  # "TS2026… 还没修好", "编号TS2026… 杂物越堆越多了": more of that case (an appeal)
    if state not in (State.NEW, State.AWAIT_DESCRIPTION) or turn.step.data.description:
        return False
    if state is State.NEW:
        greet(turn, tell_open_case=False)
        if turn.step.replies[-1].phrase_id == PhraseId.INVITE_COMPLAINT:
            turn.step.replies.pop()  # the customer has said what they want
    if said:
        # "我的投诉TS2026…处理得怎么样了": the number the bot gave, from any conversation.
        status_by_number(turn, said)
        if asks_where_it_stands:
            _more_of_the_case(turn, _own_open_case(turn, said))
        turn.step.state = State.AWAIT_DESCRIPTION
        return True
    if told is not None:
        # "多久能修好" after "TS2026… 还没修好 到底什么时候来人": the case told about then.
        told_by_number(turn, told)
        turn.step.state = State.AWAIT_DESCRIPTION
        return True
    open_case = turn.customer.open_case
    if (open_case is None or open_case.by_typed_phone) and _asks_how_long(turn):
        return False  # "多久能处理?" before any complaint: the FAQ's reply time answers it
    if open_case is None or open_case.by_typed_phone:
        turn.step.data.consultation = turn.understood.text if turn.understood is not None else ""
        turn.step.state = State.AWAIT_DESCRIPTION
        if turn.phone:
            # "我之前反映的电梯问题 电话139… 处理到哪了": the number to look it up by is given.
            turn.audit(TimelineKind.STATUS_TOLD, case_number=None, stage="no_case")
            open_consultation(turn)
            return True
        # Nothing of theirs on record here (a case may have come by phone or in person):
        # say so, and how to find it, rather than open a complaint form on a question.
        turn.say(PhraseId.STATUS_NO_CASE)
        turn.audit(TimelineKind.STATUS_TOLD, case_number=None, stage="no_case")
        # Looked up by a person, as an unanswered question is (seed 001 (16)), once they
        # leave a phone.
        return True
    status = open_case.status or CaseStatus(
        CaseStage.WAITING, case_number=open_case.case_number, deadline_at=open_case.deadline_at
    )
    asked = cases_asked_about(turn, status)
    tell_status_of_the_cases(turn, status)
    turn.say(PhraseId.ANYTHING_ELSE)
    if asks_where_it_stands:
        _more_of_the_case(turn, asked[0] if len(asked) == 1 else status)
    turn.step.state = State.AWAIT_DESCRIPTION
    return True


def said_case_numbers(turn: Turn) -> set[str]:
    """The case numbers this message names, found by storage or not."""
    understood = turn.understood
    if understood is None:
        return set()
    return case_numbers_in(understood.text, turn.kit.config.service.case_prefix)


def status_by_number(turn: Turn, said: set[str]) -> None:
    """Where the case the message names stands, told only to its customer: the writer's own case
    (:func:`proven`) at once; any other number (another's case, or one no case has, alike, so that
    typing numbers tells nothing of which cases exist) once the last digits of the case's phone
    are given, asked for here. Not confirmed, nothing of the case is said."""
    own = next(
        (case for case in turn.customer.named_cases if case.case_number in said and proven(turn, case)), None
    )
    if own is not None:
        told_by_number(turn, own)
        return
    text = turn.understood.text if turn.understood is not None else ""
    number = unproven_number(turn)
    if number is not None and ask_case_check(turn, number, CaseCheckFor.STATUS, text):
        return
    # No tries left here, or the number was not confirmed here already: it is not asked about again.
    number = number or min(said)
    not_confirmed(turn, number, CaseCheckFor.STATUS, text, exists=named_status(turn, number) is not None)
    turn.say(PhraseId.ANYTHING_ELSE)


def told_by_number(turn: Turn, case: CaseStatus) -> None:
    """The status of a case of the writer's (:func:`proven`) named by its number, remembered for
    the next status question of this conversation."""
    turn.step.data.told_case = case.case_number
    tell_status(turn, case)
    turn.say(PhraseId.ANYTHING_ELSE)


def _told_case(turn: Turn) -> CaseStatus | None:
    """The case this conversation was told about by its number earlier, as storage found it again
    (still the writer's: only their own case is told)."""
    told = turn.step.data.told_case
    if told is None:
        return None
    return next(
        (case for case in turn.customer.named_cases if case.case_number == told and proven(turn, case)), None
    )


def _asks_where_the_open_case_stands(turn: Turn, intents: frozenset[Intent], said: set[str]) -> bool:
    """A problem told with a status question about the customer's own open case, by its number
    ("TS2026… 处理到哪了 漏水还在漏") or not ("停水了 什么时候来水"), asks where that case stands, the
    problem still there or not, while its time has not passed and the message does not complain
    of the handling (:func:`_complains_of_the_handling`); otherwise it repeats the case (an appeal).
    Without an open case of theirs it is a new complaint; beside one of another category, another."""
    understood = turn.understood
    if understood is None or Intent.STATUS_QUERY not in intents:
        return False
    if said:
        named = _own_open_case(turn, said)
        deadline_at = named.deadline_at if named is not None else None
    else:
        case = turn.customer.open_case
        if case is None or case.by_typed_phone:
            return False
        rules = turn.kit.rules
        category = understood.category
        # With several open cases, the one of the problem told ("停水了 什么时候来水").
        of_it = [one for one in turn.customer.open_cases if one.category == category]
        if of_it:
            deadline_at = of_it[0].deadline_at
        elif category not in (None, rules.fallback_category) and case.category not in (None, category):
            return False
        else:
            deadline_at = case.deadline_at
    return deadline_at is not None and deadline_at > turn.now and not _complains_of_the_handling(turn)


def _complains_of_the_handling(turn: Turn) -> bool:
    """The message complains of how the case is handled, not only of the problem: it appeals
    (``form.appeal_words``), says it is the Nth time (the repeat signal), asks for a supervisor,
    holds ``form.mishandling_words`` ("你们根本不管"), or says it is still not handled
    (``still_open_keywords``: "还是没来水！！ 到底什么时候来水" is the appeal "还是没来水！！" is)."""
    understood = turn.understood
    if understood is None:
        return False
    form = turn.kit.form
    if Signal.REPEAT in understood.signals or Intent.SUPERVISOR in understood.intents:
        return True
    folded = turn.kit.understander.matchable(understood.text)
    if any(keyword.lower() in folded for keyword in turn.kit.rules.still_open_keywords if keyword):
        return True
    return turn.says_any(understood.text, [*form.appeal_words, *form.mishandling_words])


def _own_open_case(turn: Turn, said: set[str]) -> CaseStatus | None:
    """The writer's own (:func:`proven`) unresolved case among those the message names."""
    return next(
        (
            case
            for case in turn.customer.named_cases
            if case.case_number in said and case.stage is not CaseStage.RESOLVED and proven(turn, case)
        ),
        None,
    )


def _more_of_the_case(turn: Turn, case: CaseStatus | None) -> None:
    """The problem told with the status question ("漏水还在漏") goes on the case for its staff; a
    question alone adds nothing."""
    understood = turn.understood
    if case is None or case.case_number is None or understood is None or Intent.COMPLAINT not in understood.intents:
        return
    turn.step.contact = CaseContact(case.case_number, None, more_of_the_problem=understood.text)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED, case_number=case.case_number)


def _says_more_than_a_number(turn: Turn) -> bool:
    """The message tells something besides the case number it names ("我之前投诉过 编号TS… 杂物
    越堆越多了"), not only the number ("TS…", "TS… 谢谢")."""
    understood = turn.understood
    if understood is None:
        return False
    text = without_case_numbers(understood.text, turn.kit.config.service.case_prefix)
    return sum(1 for char in text if char.isalnum()) >= _MORE_THAN_A_NUMBER


def _asks_how_long(turn: Turn) -> bool:
    """A general question of how long a complaint takes ("多久能处理?", "多久?"), not about a case
    of theirs ("我的投诉处理得怎么样了"): what the FAQ's ``about_the_case`` entry answers."""
    understood = turn.understood
    if understood is None:
        return False
    entry = turn.kit.faq.match(understood.text)
    if entry is not None and entry.about_the_case:
        return True
    rule = turn.kit.config.classification.intents.get(Intent.STATUS_QUERY)
    alone = {word.lower() for word in rule.whole_message} if rule is not None else set()
    return _NOT_WORDS.sub("", turn.kit.understander.matchable(understood.text)) in alone


def count_unknown_case_numbers(turn: Turn) -> None:
    """Counts the case numbers this message names that storage found no case for."""
    understood = turn.understood
    if understood is None:
        return
    said = case_numbers_looked_up(understood.text, turn.kit.config.service.case_prefix)
    if said:
        found = {case.case_number for case in turn.customer.named_cases}
        turn.step.data.unknown_case_numbers += len(said - found)


def named_case(turn: Turn) -> CaseStatus | None:
    """The case this message names by number, when storage found it."""
    understood = turn.understood
    if understood is None or not turn.customer.named_cases:
        return None
    said = case_numbers_in(understood.text, turn.kit.config.service.case_prefix)
    return next((case for case in turn.customer.named_cases if case.case_number in said), None)


def asks_about_the_case(turn: Turn) -> bool:
    """After the hand-off: a status question, or a question the FAQ marks as about the case
    ("多久能处理?", ``about_the_case``), which the case's own status answers; or, with several open
    cases, a question after one of them (:func:`asks_after_one_of_the_cases`)."""
    understood = turn.understood
    if understood is None:
        return False
    if Intent.STATUS_QUERY in understood.intents or turn.only_asks(understood.text):
        return True
    if a_case_number_asking(turn, understood.text) or asks_after_one_of_the_cases(turn):
        return True
    if Intent.QUESTION not in understood.intents:
        return False
    entry = turn.kit.faq.match(understood.text)
    return entry is not None and entry.about_the_case


def a_case_number_asking(turn: Turn, text: str) -> bool:
    """A case number alone, or with words that alone ask where a case stands ("TS2026… 进度",
    "ts2026…?"): the customer asks about that case."""
    prefix = turn.kit.config.service.case_prefix
    if not case_numbers_in(text, prefix):
        return False
    rest = _NOT_WORDS.sub("", without_case_numbers(text, prefix)).strip()
    return not rest or Intent.STATUS_QUERY in turn.kit.understander.understand(rest, turn.locale).intents


def tell_status(turn: Turn, status: CaseStatus, apologise: bool = True) -> None:
    """Where the case stands; to a customer asking in anger or saying they have waited too long
    (``form.waited_words``: "都一天了还没人联系我"), after an apology for the wait (unless
    ``apologise`` is False: said once before several cases)."""
    if apologise and status.stage is not CaseStage.RESOLVED and _waited_too_long(turn):
        turn.say(PhraseId.STATUS_APOLOGY)
    supervisor = with_the_supervisor(turn, status)
    text = status_text(status, turn.locale, turn.now, turn.kit.phrases, turn.kit.calendar, supervisor)
    turn.step.replies.append(OutboundMessage(text=text, phrase_id=PhraseId.STATUS_ANSWER.value))
    turn.audit(
        TimelineKind.STATUS_TOLD,
        case_number=status.case_number,
        stage=status.stage.value,
        position=status.queue_position,
        extended=status.extended,
    )


def tell_status_of_the_cases(turn: Turn, status: CaseStatus) -> None:
    """Where the case ``status`` stands; for a customer with two or more open cases
    (``CustomerView.open_cases``, ``status`` one of them), where each stands, one ``status_answer``
    apiece after ``status_cases`` (how many), or only those the question names by what they are
    about ("漏水的那个呢": :func:`cases_asked_about`)."""
    if _told_no_such_case(turn, status):
        return
    cases = cases_asked_about(turn, status)
    if len(cases) == 1:
        tell_status(turn, cases[0])
        return
    if any(case.stage is not CaseStage.RESOLVED for case in cases) and _waited_too_long(turn):
        turn.say(PhraseId.STATUS_APOLOGY)
    turn.say(PhraseId.STATUS_CASES, count=len(cases))
    for case in cases:
        tell_status(turn, case, apologise=False)


def _told_no_such_case(turn: Turn, status: CaseStatus) -> bool:
    """The question names a problem none of the customer's cases is about ("话费多扣的那个处理到哪了"
    beside a street-light case: a category's own problem words none of them shares, no number, no
    place of theirs): they hear there is no such case and which cases they have
    (``status_no_such_case``), never another case's status. True if told."""
    understood = turn.understood
    if understood is None or said_case_numbers(turn):
        return False
    category = understood.category
    handling = turn.kit.config.followups.handling_categories
    if category in (None, turn.kit.rules.fallback_category) or category in handling:
        return False
    said = turn.problem_words(category, understood.text)
    if not said:
        return False  # only where or who ("电梯那个呢"): no other thing wrong named
    theirs = list(turn.customer.open_cases)
    if status.case_number not in {case.case_number for case in theirs}:
        theirs = [status]
    cases = [_with_what_it_is_about(turn, case) for case in theirs]
    if any(_may_be_about(turn, understood.text, category, said, case) for case in cases):
        return False
    listed = _label(turn, cases[0])
    for case in cases[1:]:  # "TS1 路灯坏了、TS2 停水", as the phrase book joins case numbers
        label = _label(turn, case)
        listed = turn.kit.phrase(PhraseId.CASE_NUMBERS_MORE, turn.locale, case_numbers=listed, case_number=label)
    turn.say(PhraseId.STATUS_NO_SUCH_CASE, cases=listed)
    turn.audit(TimelineKind.STATUS_TOLD, case_number=None, stage="no_such_case", asked_of=category)
    return True


def _with_what_it_is_about(turn: Turn, case: CaseStatus) -> CaseStatus:
    """``case`` with its problem and category: this conversation's own case is known by its words."""
    data = turn.step.data
    if case.problem or case.case_number is None or case.case_number != data.case_number or not data.description:
        return case
    problem = description_text(data)
    category = case.category or turn.kit.understander.understand(problem, turn.locale).category
    return dataclasses.replace(case, problem=problem, category=category)


def _may_be_about(turn: Turn, text: str, category: str, said: set[str], case: CaseStatus) -> bool:
    """The question may be about ``case``: nothing tells what it is about, it is of the category
    asked about, its problem holds a word the question's category names, or the question names its place."""
    if case.category is None or case.category == category or not case.problem:
        return True
    if said & turn.problem_words(category, case.problem) or shares_problem_words(turn, text, case):
        return True
    return bool(case.area) and _names_the_place(text, turn.area, case.area or "")


def _label(turn: Turn, case: CaseStatus) -> str:
    """A case as listed: its number, and its problem in the customer's words (or its category's name)."""
    problem = turn.kit.summary.summarise([case.problem], turn.locale) if case.problem else ""
    known = {category.id for category in turn.kit.rules.categories}
    if not problem and case.category in known:
        problem = turn.kit.rules.category(case.category).name.get(turn.locale)
    return f"{case.case_number or ''} {problem}".strip()


def cases_asked_about(turn: Turn, status: CaseStatus) -> list[CaseStatus]:
    """The cases a status question is about: ``status`` alone, unless the customer has two or more
    open cases, ``status`` among them; then those the message names by their category, place or
    problem words ("漏水的那个呢", "停水了 什么时候来水"), else all of them, oldest first."""
    cases = list(turn.customer.open_cases)
    if len(cases) < 2 or status.case_number not in {case.case_number for case in cases}:
        return [status]
    return named_among(turn, cases) or cases


def named_among(turn: Turn, cases: list[CaseStatus]) -> list[CaseStatus]:
    """Those of ``cases`` the message names: by their numbers ("TS2026… 处理到哪了"), else by what
    they are about (:func:`named_by_subject`); empty when it names none of them in particular."""
    said = said_case_numbers(turn)
    by_number = [case for case in cases if case.case_number in said]
    return by_number or named_by_subject(turn, cases)


def named_by_subject(turn: Turn, cases: list[CaseStatus]) -> list[CaseStatus]:
    """Those of ``cases`` the message names by what they are about, narrowed step by step: their
    category, then their place, then the problem's own words (a keyword of the category in both);
    empty when it names none of them in particular (all or none would match)."""
    understood = turn.understood
    if understood is None:
        return []
    rules = turn.kit.rules
    category = understood.category if understood.category != rules.fallback_category else None
    pool = cases
    if category is not None:
        pool = [case for case in pool if _of_the_category_named(turn, understood.text, category, case)] or pool
    place = turn.area
    if len(pool) > 1:
        # The case's place as its customer wrote it (陽光花園5棟), the message's read (阳光花园5栋): one place.
        pool = [case for case in pool if case.area and _names_the_place(understood.text, place, case.area)] or pool
    if len(pool) > 1:
        pool = [case for case in pool if shares_problem_words(turn, understood.text, case)] or pool
    return pool if len(pool) < len(cases) else []


def _of_the_category_named(turn: Turn, text: str, category: str, case: CaseStatus) -> bool:
    """The case is of the category the message is about, and of the thing it names when it names
    one its problem does not ("电梯那个呢" names no 路灯 case, though both are 物业服务): a case not
    named so is not told alone, whichever it may be."""
    if case.category != category:
        return False
    known = {rule.id for rule in turn.kit.rules.categories}
    said = _category_words(turn, category, text, weak=True) if category in known else set()
    if not said or not case.problem:
        return True
    return bool(said & _category_words(turn, category, case.problem, weak=True))


def _names_the_place(text: str, place: str | None, area: str) -> bool:
    """The message names the case's place ``area``: the place read from it overlaps it, or, with
    no place read ("阳光花园那个怎么样了": an estate alone, no building), a name of
    :data:`_PLACE_NAME_CHARS` characters or more of ``area`` is in it, in either script."""
    if place is not None:
        return places_overlap(place, area)
    said, where = place_key(text), place_key(area)
    for start in range(len(where)):
        for end in range(len(where), start, -1):
            part = where[start:end]
            long_enough = len(part) >= (_PLACE_NAME_LATIN if part.isascii() else _PLACE_NAME_CHARS)
            if not long_enough:
                break
            if not part.isdigit() and part in said:
                return True
    return False


_PLACE_NAME_CHARS = 3
"""The fewest Chinese characters of a case's place that name it in a status question ("翠湖天地"
names 翠湖天地3栋; "花园" or "小区" names no one place)."""
_PLACE_NAME_LATIN = 8
"""The same, in Latin letters ("sunshine", not "road")."""


def shares_problem_words(turn: Turn, text: str, case: CaseStatus) -> bool:
    """``text`` holds a keyword of the case's category that its problem holds too ("路灯" of
    "小区门口的路灯坏了"), though it reads as a status question of no category."""
    known = {category.id for category in turn.kit.rules.categories}
    if case.category is None or case.category not in known or not case.problem:
        return False  # a category a manager has since removed has no keywords to tell it by
    return bool(_category_words(turn, case.category, text) & _category_words(turn, case.category, case.problem))


def _category_words(turn: Turn, category: str, text: str, weak: bool = False) -> set[str]:
    """The keywords of ``category``, and the things of its paired words, that ``text`` holds: not
    its weak ones (where or who: "电梯", "保安"), unless ``weak``."""
    rule = turn.kit.rules.category(category)
    matchable = turn.kit.understander.matchable(text)
    left_out = set() if weak else {word.lower() for word in rule.weak_keywords}
    # The things of its paired words count ("燃气灶" of "燃气灶打不着火").
    words = (*rule.keywords, *rule.things, *(rule.weak_keywords if weak else ()))
    return {word.lower() for word in words if word.lower() not in left_out and word.lower() in matchable}


def asks_after_one_of_the_cases(turn: Turn) -> bool:
    """A customer with two or more open cases asks after one of them by what it is about
    ("漏水的那个呢", "what about the leak": ``followups.which_case_words``), naming it, or ends
    the message so though it names neither ("电梯那个呢" after 停水 and 路灯: "that one" is one of
    theirs, and both are told): a status question, though it reads as a complaint."""
    understood = turn.understood
    cases = list(turn.customer.open_cases)
    if understood is None or len(cases) < 2:
        return False
    followups = turn.kit.config.followups
    which = followups.which_case_words
    folded = turn.kit.understander.matchable
    said = _NOT_WORDS.sub("", folded(understood.text)).strip()
    if not turn.says_any(understood.text, which):
        # "燃气灶那个" after the list of their cases: one of them, by what it is about.
        ending = tuple(folded(word) for word in followups.which_case_endings if word)
        return bool(ending) and said.endswith(ending) and bool(named_among(turn, cases))
    if named_among(turn, cases):
        return True
    return said.endswith(tuple(folded(word) for word in which if word and not word.isascii()))


def asked_after_a_case_by_its_place(turn: Turn) -> bool:
    """After the hand-off, a place alone with a word asking after a case ("金色家园的呢", "金色家园那个呢",
    "金色家园那边怎么样了": ``followups.which_case_words`` or a status question) asks where the case
    at that place stands: the customer's open cases there are told, or that none is there; never
    the place of the case, nor more of it. True if handled."""
    understood = turn.understood
    if understood is None or turn.step.data.case_number is None:
        return False
    if understood.category not in (None, turn.kit.rules.fallback_category):
        return False
    if not turn.says_any(understood.text, turn.kit.config.followups.which_case_words):
        return False
    place = turn.area or next(iter(turn.kit.understander.estates_named(understood.text)), None)
    if place is None:
        return False
    own = this_case(turn)
    own_area = own.area or turn.step.data.area
    cases = [(case, case.area) for case in turn.customer.open_cases] or [(own, own_area)]
    there = [case for case, area in cases if area and places_overlap(place, area)]
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    if not there:
        turn.say(PhraseId.STATUS_NO_CASE_AT_PLACE, area=place, verbatim=(place,))
        return True
    for case in there:
        tell_status(turn, case, apologise=False)
    return True


def _waited_too_long(turn: Turn) -> bool:
    """Words saying so, each time; anger, the first time it shows (asked again with "？？？", the
    apology already given is not said again)."""
    understood = turn.understood
    if understood is None:
        return False
    if turn.says_any(understood.text, turn.kit.form.waited_words):
        return True
    return Signal.EMOTIONAL in understood.signals and Signal.EMOTIONAL not in turn.earlier_signals


__all__ = [
    "a_case_number_asking",
    "cases_asked_about",
    "count_unknown_case_numbers",
    "named_case",
    "said_case_numbers",
    "status_by_number",
    "status_of_open_case",
    "status_text",
    "tell_status",
    "tell_status_of_the_cases",
    "this_case",
    "told_by_number",
    "with_the_supervisor",
]
