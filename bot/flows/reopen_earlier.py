"""A case resolved lately, said not to be solved in a later conversation: the customer's earlier
conversation was closed (idle, or after the resolution and its callback, 回访), and they write
again, on the same channel identity, "没解决", "还是没修好", "问题还在", "你们说修好了 根本没修".

Within ``followups.reopen_within`` of its resolution the case is reopened (seed 000 回访: a case
not actually solved goes back, graded complex with a new deadline, to its resolver or the
supervisors' queue), as the customer's "没解决" at the callback reopens it: the words are read the
callback's way (:func:`~bot.flows.callback.says_not_solved`), and the case is reopened by
``Tracker.reopen_earlier_case`` once the step is stored (same case number, a new reply time told
with ``case_reopened``). With two such cases and words naming neither, the customer is asked
which (``reopen_which_case``, the cases as choices); a message about another problem files a new
complaint as ever."""

from __future__ import annotations

import datetime as dt

from bot.config import Intent, PhraseId
from bot.core.case_numbers import case_numbers_in
from bot.core.messages import Option
from bot.core.timeline import TimelineKind
from bot.flows.another_problem import is_another_problem, same_matter
from bot.flows.callback import says_not_solved
from bot.flows.case import ESCALATING_SIGNALS
from bot.flows.greeting import greet
from bot.flows.records import CaseStage, CaseStatus, State
from bot.flows.status import named_by_subject, shares_problem_words
from bot.flows.turn import Turn

_CHOICES = "reopen_choices"
"""``FlowData.extra`` key: the case numbers the customer was asked to choose from."""
_TOLD = "reopen_told"
"""``FlowData.extra`` key: what the customer said of it when asked which case."""
_NOT_ABOUT_IT = frozenset({Intent.HUMAN, Intent.SUPERVISOR, Intent.WITHDRAW, Intent.STATUS_QUERY})
"""A person asked for, a complaint given up or a status question: read as ever, never a reopening."""


def reopened_earlier_case(turn: Turn, text: str) -> bool:
    """Before a complaint is taken down in this conversation: the message says a case of the
    customer's resolved lately is not solved, and reopens it (or asks which of two); or it answers
    that question. True if handled."""
    data = turn.step.data
    choices = data.extra.pop(_CHOICES, None)
    told = data.extra.pop(_TOLD, None)
    if not _may_reopen(turn):
        return False
    recent = _recent_cases(turn)
    if isinstance(choices, list):
        # The answer to which case: one named is reopened; anything else is read as ever, not asked again.
        asked = [case for case in recent if case.case_number in choices]
        chosen = _named(turn, asked)
        if len(chosen) == 1:
            _reopen(turn, chosen[0], f"{told} {text}" if isinstance(told, str) else text)
            return True
        return False
    numbers = _numbers(turn)
    if numbers and not numbers & {case.case_number for case in recent}:
        return False  # another case named by its number ("TS2026… 还是没修好"): checked and told as ever
    about = [case for case in recent if _not_solved(turn, text, case)]
    if not about:
        return False
    named = _named(turn, about)
    if len(named) == 1 or len(about) == 1:
        _reopen(turn, (named or about)[0], text)
        return True
    _ask_which(turn, named or about, text)
    return True


def _may_reopen(turn: Turn) -> bool:
    """Nothing is taken down in this conversation yet (no problem told, no case, no case named
    and checked), and the message is no danger, request for a person or status question."""
    data = turn.step.data
    if data.description or data.case_number or data.appeal_of or data.case_check or data.follows_case:
        return False
    understood = turn.understood
    if understood is None or understood.signals & ESCALATING_SIGNALS or understood.intents & _NOT_ABOUT_IT:
        return False
    return turn.customer.open_case is None or turn.customer.open_case.by_typed_phone


def _recent_cases(turn: Turn) -> list[CaseStatus]:
    """The customer's cases resolved within ``followups.reopen_within``, newest resolution first."""
    within = turn.kit.config.followups.reopen_within
    since = turn.now - dt.timedelta(seconds=within)
    return [
        case
        for case in turn.customer.resolved_cases
        if within and case.case_number and case.resolved_at is not None and case.resolved_at >= since
    ]


def _not_solved(turn: Turn, text: str, case: CaseStatus) -> bool:
    """The message says ``case`` is not solved, and tells no other problem (as the callback reads
    one): no category, or one naming the case's things ("电梯还是没修好" after "电梯坏了"), not
    another category nor other things of the same ("楼道灯还是不亮" after 停水)."""
    problem = case.problem or ""
    if not says_not_solved(turn, text, problem):
        return False
    understood = turn.understood
    assert understood is not None
    if shares_problem_words(turn, understood.text, case) or same_matter(turn, understood, problem):
        return True
    return not is_another_problem(turn, understood, problem)


def _named(turn: Turn, cases: list[CaseStatus]) -> list[CaseStatus]:
    """Those of ``cases`` the message names: by their numbers ("TS2026…", a choice's value), else
    by what they are about (category, place, the problem's words); empty when it names none."""
    understood = turn.understood
    if understood is None or not cases:
        return []
    numbers = _numbers(turn)
    said = understood.text.upper()
    by_number = [case for case in cases if case.case_number in numbers or (case.case_number or "-") in said]
    if by_number:
        return by_number
    return named_by_subject(turn, cases) if len(cases) > 1 else []


def _numbers(turn: Turn) -> set[str]:
    """The case numbers the message gives."""
    understood = turn.understood
    if understood is None:
        return set()
    return set(case_numbers_in(understood.text, turn.kit.config.service.case_prefix))


def _reopen(turn: Turn, case: CaseStatus, text: str) -> None:
    """The case reopened in this conversation: the customer hears it goes back to whoever handled
    it, then (from ``Tracker.reopen_earlier_case``) its number and new reply time."""
    data = turn.step.data
    for kind in list(data.timers):
        turn.cancel(kind)
    if turn.step.state is State.NEW:
        greet(turn, invite=False)
    assert case.case_number is not None
    data.case_number = case.case_number
    data.description = [case.problem] if case.problem else []
    data.area = data.area or case.area
    turn.say(PhraseId.SATISFACTION_REOPENED)
    turn.step.state = State.HANDED_OFF
    turn.step.reopen_case = case.case_number
    turn.audit(TimelineKind.REOPENED_BY_CUSTOMER, case_number=case.case_number, text=text)


def reopened_proven_case(turn: Turn, case: CaseStatus, text: str) -> bool:
    """A resolved case of another customer record ("TS2026… 还是没解决 狗还在叫", filed by SMS), just
    proven the writer's by its phone's last digits: words ``text`` saying it is not solved, within
    ``followups.reopen_within`` of its resolution, reopen it as the customer's own "没解决" does
    (read the same way, :func:`_not_solved`). It stays where it is (``Tracker.reopen_proven_case``:
    a repeat, its 回访 called off, the supervisors told, the new time told here); this
    conversation joins it (``appeal_of``), its phone the proven one, never asked for. True if
    reopened."""
    data = turn.step.data
    within = turn.kit.config.followups.reopen_within
    resolved_at = case.resolved_at
    if case.case_number is None or case.stage is not CaseStage.RESOLVED or resolved_at is None or not within:
        return False
    if resolved_at < turn.now - dt.timedelta(seconds=within):
        return False
    answer = turn.understood
    # The words that named the case are read, not the digits that answered the check.
    turn.understood = turn.kit.understander.understand(text, turn.locale)
    try:
        reading = turn.understood
        about_something_else = bool(reading.signals & ESCALATING_SIGNALS or reading.intents & _NOT_ABOUT_IT)
        not_solved = not about_something_else and _not_solved(turn, text, case)
    finally:
        turn.understood = answer
    if not not_solved:
        return False
    for kind in list(data.timers):
        turn.cancel(kind)
    if turn.step.state is State.NEW:
        greet(turn, invite=False)
    data.appeal_of = case.case_number
    data.area = data.area or case.area
    turn.say(PhraseId.SATISFACTION_REOPENED)
    turn.step.state = State.HANDED_OFF
    turn.step.reopen_proven_case = (case.case_number, text)
    turn.audit(TimelineKind.REOPENED_BY_CUSTOMER, case_number=case.case_number, text=text, phone_checked=True)
    return True


def _ask_which(turn: Turn, cases: list[CaseStatus], text: str) -> None:
    """Which of ``cases`` is not solved: each a choice, its number and its problem in brief."""
    data = turn.step.data
    if turn.step.state is State.NEW:
        greet(turn, invite=False)
        turn.step.state = State.AWAIT_DESCRIPTION
    options = tuple(Option(label=_label(turn, case), value=case.case_number or "") for case in cases)
    turn.say(PhraseId.REOPEN_WHICH_CASE, options=options, count=len(cases))
    data.extra[_CHOICES] = [case.case_number for case in cases]
    data.extra[_TOLD] = text
    turn.arm_idle()


def _label(turn: Turn, case: CaseStatus) -> str:
    """A choice: the case number, and its problem in the customer's words (or its category's name)."""
    problem = turn.kit.summary.summarise([case.problem], turn.locale) if case.problem else ""
    known = {category.id for category in turn.kit.rules.categories}
    if not problem and case.category in known:
        problem = turn.kit.rules.category(case.category).name.get(turn.locale)
    return f"{case.case_number} {problem}".strip()


__all__ = ["reopened_earlier_case", "reopened_proven_case"]
