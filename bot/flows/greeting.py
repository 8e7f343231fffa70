"""The greeting that opens a conversation: time of day or festival, the customer's surname and
title when known, the organisation and work number; then the open case, or the invitation."""

from __future__ import annotations

import re

from bot.config import Intent, PhraseId
from bot.core.timeline import TimelineKind
from bot.flows.addressing import known_address
from bot.flows.data import TimerKind
from bot.flows.deadline import describe_moment
from bot.flows.turn import Turn

_FEWEST_TOLD_CHARS = 3
"""Chinese characters, or English words, that tell something after a hello."""
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def greet(turn: Turn, tell_open_case: bool = True, invite: bool = True, taking_more: bool = False) -> None:
    """The opening; ``invite``: then the invitation to tell the problem, unless the open case is told;
    ``taking_more``: the message is more of the open case, taken onto it next, so its line invites no
    new problem ("如有新的问题…" and then "好的，您补充的情况…" would read as two bots)."""
    service = turn.kit.config.service
    time_greeting = turn.text(turn.kit.calendar.time_greeting(turn.now))
    salutation = turn.kit.calendar.festival_greeting(turn.now, turn.locale) or time_greeting
    customer = turn.customer
    address = known_address(customer.surname, customer.title)
    if address is not None:
        salutation = turn.text(
            PhraseId.GREETING_KNOWN_CUSTOMER,
            surname=address.surname,
            title=turn.text(address.title),
            time_greeting=salutation,
        )
    turn.say(
        PhraseId.GREETING_OPENING,
        salutation=salutation,
        organisation=service.organisation.get(turn.locale),
        work_number=service.work_number,
    )
    open_case = customer.open_case if customer.open_case and not customer.open_case.by_typed_phone else None
    if open_case is not None and not tell_open_case:
        turn.audit(TimelineKind.GREETED, open_case=open_case.case_number)
        return
    if open_case is not None:
        deadline = describe_moment(
            open_case.deadline_at, turn.now, turn.kit.calendar.timezone, turn.kit.phrases.time_words(turn.locale)
        )
        overdue = open_case.deadline_at <= turn.now
        if taking_more:
            told = PhraseId.OPEN_CASE_OVERDUE_TAKING_MORE if overdue else PhraseId.OPEN_CASE_TAKING_MORE
        else:
            told = PhraseId.OPEN_CASE_OVERDUE if overdue else PhraseId.OPEN_CASE
        turn.say(told, case_number=open_case.case_number, deadline=deadline)
        turn.audit(TimelineKind.GREETED, open_case=open_case.case_number)
        return
    if invite:
        turn.say(PhraseId.INVITE_COMPLAINT)
    turn.audit(TimelineKind.GREETED)


def more_than_a_hello(turn: Turn, text: str) -> bool:
    """A hello with something told after it ("你好，我们这边水被停了"): what follows is the problem
    to record, though no category knows it."""
    rest = turn.kit.summary.without_greeting(text)
    if rest == text:
        return False
    if turn.changed:
        return True  # items given with the hello ("你好 我姓王") are the form's to take
    if turn.kit.understander.understand(rest, turn.locale).intents:
        return False
    words = _LATIN_WORD.findall(rest)
    chinese = sum(1 for char in rest if char.isalnum() and not char.isascii())
    return chinese >= _FEWEST_TOLD_CHARS or len(words) >= _FEWEST_TOLD_CHARS


def says_still_here(turn: Turn, text: str) -> bool:
    """The message only answers "您还在吗？" ("在", "我在呢", "still here": ``form.here_words``): the idle
    prompt was said and nothing since (its close is armed). "在" at the place question otherwise
    is a place begun and left, asked again as such."""
    return TimerKind.IDLE_CLOSE in turn.step.data.timers and turn.says_only(text, turn.kit.form.here_words)


def excuses_an_absence(turn: Turn, text: str) -> bool:
    """The customer excuses being away ("在吗 刚才手机没电了", "sorry, my phone died": ``form.away_words``)
    and tells nothing else of the problem: no more of the complaint (手机没电 is no power cut)."""
    if turn.changed or not turn.says_any(text, turn.kit.form.away_words):
        return False
    rest = turn.kit.understander.matchable(text)
    for word in sorted(turn.kit.form.away_words, key=len, reverse=True):
        rest = rest.replace(word.lower(), " ")
    return Intent.COMPLAINT not in turn.kit.understander.understand(rest, turn.locale).intents
