"""Whoever names a case by its number is not its customer for that alone: before a complaint joins
another customer's case (an appeal), or takes one back, the writer gives the whole phone left on the
case (its last 8 digits are read: the 4 the staff console hides from an agent who does not handle
the case, 138****5678, and the 4 it shows). The same person on another channel knows it; a stranger
who only has the number, or an agent who saw the case, does not, and their words go on as a
complaint of their own."""

from __future__ import annotations

import hmac
import unicodedata
from enum import StrEnum

from bot.config import Intent, PhraseId
from bot.core.case_numbers import case_numbers_in, without_case_numbers
from bot.core.timeline import TimelineKind
from bot.flows.data import SET_ASIDE_CASE
from bot.flows.records import AppealLink, CaseStatus, CaseWriter, HandoffRequest, State, UnverifiedMention
from bot.flows.slots import append_description, description_text
from bot.flows.turn import Turn

CASE_CHECK_TRIES = 2
"""Answers that may miss in a conversation: a third guess at the hidden digits is never checked.
Misses are also counted per case and per writer across conversations (``service.yaml``
``case_check``)."""
_PHONE_TAIL_DIGITS = 4
"""The fewest digits an answer gives to be an answer with a number at all."""
_WHOLE_PHONE_DIGITS = 7
"""The fewest digits of a whole phone: fewer ("5678", as other services ask for) are only part of
one, and the whole number is asked for once more without counting a miss, in the same words
whatever the digits, so it tells nothing."""
_DIGITS = frozenset("0123456789")


class CaseCheckFor(StrEnum):
    """What naming the case was for, done once the check passes."""

    APPEAL = "appeal"
    """A complaint repeating the case ("TS2026… 路灯还是没修好"): it joins the case."""
    APPEAL_NUMBER = "appeal_number"
    """The number given for an appeal ("我要申诉" then the number): it joins the case, else the
    appeal goes to the duty supervisor as a complaint."""
    WITHDRAWAL = "withdrawal"
    """The case taken back ("不用处理了 TS2026…")."""
    STATUS = "status"
    """Where the case stands asked ("投诉编号TS2026… 处理到哪了"): it is told."""


_ASKED_ABOUT = frozenset({CaseCheckFor.WITHDRAWAL, CaseCheckFor.STATUS})
"""What naming the case was for that adds nothing to the writer's complaint: the words that named
it are what the case's staff see."""


def tells_a_problem_instead(turn: Turn) -> bool:
    """Asked for the digits after asking where a case stands, the writer tells a problem and gives
    no digits ("我家漏水了"): the check ends, the case is only noted, and the message is read as usual."""
    data = turn.step.data
    understood = turn.understood
    if data.case_check is None or data.case_check_for != CaseCheckFor.STATUS or understood is None:
        return False
    return Intent.COMPLAINT in understood.intents and len(_digits_of(turn)) < _PHONE_TAIL_DIGITS


def _digits_of(turn: Turn) -> str:
    """The digits of the message, case numbers left out."""
    understood = turn.understood
    text = without_case_numbers(understood.text, turn.kit.config.service.case_prefix) if understood else ""
    return "".join(char for char in unicodedata.normalize("NFKC", text) if char in _DIGITS)


class CheckOutcome(StrEnum):
    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"
    ASKED_AGAIN = "asked_again"


def proven(turn: Turn, case: CaseStatus) -> bool:
    """The case named by its number is the writer's: storage knows it is, it is this
    conversation's own, or they gave its phone's digits in this conversation."""
    return (
        case.own
        or filed_here(turn, case.case_number)
        or (case.case_number is not None and case.case_number == turn.step.data.case_proven)
    )


def filed_here(turn: Turn, case_number: str | None) -> bool:
    """``case_number`` is the case this conversation filed, or the one it joined (proven then), or
    the first case of this conversation, set aside while another is taken down."""
    data = turn.step.data
    if case_number is None:
        return False
    return case_number in (data.case_number, data.appeal_of, set_aside_case(turn))


def set_aside_case(turn: Turn) -> str | None:
    """The number of this conversation's first case (the one it filed, or joined), set aside while
    another problem told after its hand-off is taken down as a case of its own."""
    kept = turn.step.data.extra.get(SET_ASIDE_CASE)
    number = (kept.get("case_number") or kept.get("appeal_of")) if isinstance(kept, dict) else None
    return number if isinstance(number, str) else None


def joined_case_phone_known(turn: Turn) -> bool:
    """The case this conversation joined was proven the writer's by its phone's last digits: that
    phone is on the case, the one its staff call back, and is not asked for again here."""
    data = turn.step.data
    return data.appeal_of is not None and data.appeal_of == data.case_proven


def unproven_number(turn: Turn) -> str | None:
    """A case number this message names that is not provably the writer's case: another customer's
    (open or resolved) or one no case has, asked about alike, so that typing numbers tells nothing
    of which cases exist. None when it names none, names the writer's own case, or only the case
    already not confirmed here."""
    understood = turn.understood
    if understood is None:
        return None
    said = sorted(case_numbers_in(understood.text, turn.kit.config.service.case_prefix))
    found = {case.case_number: case for case in turn.customer.named_cases}
    if any(
        filed_here(turn, number) or ((case := found.get(number)) is not None and proven(turn, case)) for number in said
    ):
        return None
    return next((number for number in said if number != turn.step.data.case_unproven), None)


def ask_case_check(turn: Turn, case_number: str, checked_for: CaseCheckFor, text: str) -> bool:
    """Ask for the last digits of the phone left on case ``case_number``, keeping what it was for.
    False when this conversation has no tries left: nothing is asked (the case is not confirmed)."""
    data = turn.step.data
    if data.case_check_misses >= CASE_CHECK_TRIES:
        return False
    data.case_check, data.case_check_for, data.case_check_text = case_number, checked_for.value, text
    turn.say(PhraseId.VERIFY_CASE_PHONE)
    turn.audit(TimelineKind.CASE_PHONE_ASKED, case_number=case_number)
    return True


def checked_case(turn: Turn) -> CheckOutcome:
    """The answer to ``verify_case_phone``: the case's whole phone (its last digits read, as many
    as :data:`CaseStatus.phone_tail` holds). A miss is asked again while tries are left; part of a
    number ("5678") hears the whole one asked for, once, uncounted; more of the problem instead
    ("路灯还是没修好") is kept and the phone asked for once more; any other answer without digits
    ("不知道", "为什么要这个") is not asked again. The digits are never said back. The check
    (``FlowData.case_check``) is over unless asked again."""
    data = turn.step.data
    case_number = data.case_check or ""
    case = named_status(turn, case_number)
    checked_for = CaseCheckFor(data.case_check_for or CaseCheckFor.APPEAL)
    understood = turn.understood
    digits = _digits_of(turn)
    if len(digits) < _PHONE_TAIL_DIGITS and checked_for is CaseCheckFor.STATUS and _no_phone_was_left(turn):
        # "当时没留电话": a case without a phone has nothing its customer knows that the console does
        # not show every agent (its place, problem and number are on its queue card), so nothing
        # said here proves it. The same words for any number (with a phone, without, or no case).
        turn.audit(TimelineKind.CASE_PHONE_CHECKED, case_number=case_number, confirmed=False)
        turn.say(PhraseId.CASE_CHECK_NO_PHONE_LEFT)
        not_confirmed(turn, case_number, None, data.case_check_text or "", exists=case is not None)
        return CheckOutcome.NOT_CONFIRMED
    if _PHONE_TAIL_DIGITS <= len(digits) < _WHOLE_PHONE_DIGITS and not data.case_check_reasked:
        data.case_check_reasked = True
        turn.say(PhraseId.VERIFY_CASE_PHONE_WHOLE)
        return CheckOutcome.ASKED_AGAIN
    if len(digits) >= _PHONE_TAIL_DIGITS:
        tail = case.phone_tail if case is not None else None
        # An unknown number, a case without a phone and one whose check is refused (its wrong
        # answers elsewhere spent its budget: storage gives no phone) miss as a wrong answer does.
        if tail is not None and len(digits) >= len(tail) and hmac.compare_digest(digits[-len(tail) :], tail):
            turn.audit(TimelineKind.CASE_PHONE_CHECKED, case_number=case_number, confirmed=True)
            data.case_proven = case_number
            data.case_check, data.case_check_reasked = None, False
            return CheckOutcome.CONFIRMED
        data.case_check_misses += 1
        turn.step.case_check_missed = case_number
        if data.case_check_misses < CASE_CHECK_TRIES:
            turn.audit(TimelineKind.CASE_PHONE_CHECKED, case_number=case_number, confirmed=False)
            turn.say(PhraseId.VERIFY_CASE_PHONE_AGAIN)
            return CheckOutcome.ASKED_AGAIN
    elif _tells_more(turn, checked_for):
        data.case_check_reasked = True
        more = understood.text if understood else ""
        if turn.step.state is State.HANDED_OFF:
            data.case_check_text = f"{data.case_check_text or ''} {more}".strip()  # not this conversation's case
        else:
            append_description(turn, more)
            turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
        turn.say(PhraseId.VERIFY_CASE_PHONE)
        return CheckOutcome.ASKED_AGAIN
    turn.audit(TimelineKind.CASE_PHONE_CHECKED, case_number=case_number, confirmed=False)
    # After the hand-off the description is this conversation's own case's: the words that named it.
    asked_about = checked_for in _ASKED_ABOUT or turn.step.state is State.HANDED_OFF
    told = data.case_check_text if asked_about else description_text(data)
    not_confirmed(turn, case_number, checked_for, told or "", exists=case is not None)
    return CheckOutcome.NOT_CONFIRMED


def _no_phone_was_left(turn: Turn) -> bool:
    """The answer to ``verify_case_phone`` says no phone was left on the case ("当时没留电话")."""
    understood = turn.understood
    form = turn.kit.form
    return understood is not None and turn.says_any(understood.text, [*form.no_phone_left_words, *form.no_phone_words])


def _tells_more(turn: Turn, checked_for: CaseCheckFor) -> bool:
    """An appeal's check answered with more of the problem and no digits, the first time."""
    understood = turn.understood
    if turn.step.data.case_check_reasked or checked_for in _ASKED_ABOUT or understood is None:
        return False
    return Intent.COMPLAINT in understood.intents


def not_confirmed(turn: Turn, case_number: str, checked_for: CaseCheckFor | None, text: str, exists: bool) -> None:
    """The writer could not be confirmed as the case's customer: they hear so (unless the case was
    never asked about, an emergency going on at once, or they were told why already: ``checked_for``
    None), the case's staff see
    the words on its timeline, and the case is not asked about again here."""
    data = turn.step.data
    data.case_check = data.case_check_for = data.case_check_text = None
    data.case_check_reasked = False
    data.case_unproven = case_number
    if checked_for is CaseCheckFor.WITHDRAWAL:
        turn.say(PhraseId.CASE_NOT_VERIFIED_WITHDRAWAL)
    elif checked_for is CaseCheckFor.STATUS:
        turn.say(PhraseId.CASE_NOT_VERIFIED_STATUS)
    elif checked_for is not None:
        turn.say(PhraseId.CASE_NOT_VERIFIED)
    if exists:
        turn.step.unverified_mention = UnverifiedMention(case_number, text)


def appeal_link(
    turn: Turn, case_number: str, text: str, escalation: HandoffRequest | None = None, withdrawn: bool = False
) -> AppealLink:
    """What this message does to the writer's case ``case_number`` of another conversation (see
    :class:`AppealLink`), with why it is theirs: only a case :func:`proven` theirs is ever linked,
    so one not proven by its phone's digits here is known as theirs."""
    checked = turn.step.data.case_proven == case_number
    writer = CaseWriter.PHONE_CHECKED if checked else CaseWriter.CUSTOMER
    return AppealLink(case_number, text, turn.step.data.phone, escalation, writer, withdrawn=withdrawn)


def named_status(turn: Turn, case_number: str) -> CaseStatus | None:
    """The case ``case_number`` as storage loaded it for this message."""
    return next((case for case in turn.customer.named_cases if case.case_number == case_number), None)


def proven_status(turn: Turn, case_number: str) -> CaseStatus | None:
    """The case ``case_number`` just proven the writer's by its phone: whole, as the next message
    will load it (its place, category and problem), not as it was told to an unproven writer."""
    case = named_status(turn, case_number)
    if case is None or case.once_proven is None or turn.step.data.case_proven != case_number:
        return case
    return case.once_proven


__all__ = [
    "CASE_CHECK_TRIES",
    "CaseCheckFor",
    "CheckOutcome",
    "appeal_link",
    "ask_case_check",
    "checked_case",
    "filed_here",
    "joined_case_phone_known",
    "named_status",
    "not_confirmed",
    "proven",
    "proven_status",
    "set_aside_case",
    "tells_a_problem_instead",
    "unproven_number",
]
