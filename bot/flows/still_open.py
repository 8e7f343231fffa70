"""A customer saying their case is still not handled ("TS2026… 电梯还是没修好", "还是没来水！！"): words
of that case, not another problem, though they read as another category (电梯 alone reads as
物业服务, the lift case was 工程维修); a different thing named ("TS2026… 楼上噪音太吵了") is still
another problem."""

from __future__ import annotations

from bot.config import Intent, PhraseId, Signal
from bot.core.case_numbers import case_numbers_in
from bot.core.timeline import TimelineKind
from bot.flows.records import CaseContact, CaseStage
from bot.flows.slots import append_description, description_text
from bot.flows.status import tell_status, this_case
from bot.flows.turn import Turn
from bot.understanding.result import Understanding


def says_still_not_handled(turn: Turn, understood: Understanding | None = None) -> bool:
    """The message (or ``understood``) says the problem is still there or still not handled: the
    ``not_resolved`` intent ("还是没修好", "还是没来水"), the repeat signal, or ``still_open_keywords``."""
    understood = understood or turn.understood
    if understood is None:
        return False
    if Intent.NOT_RESOLVED in understood.intents or Signal.REPEAT in understood.signals:
        return True
    folded = turn.kit.understander.matchable(understood.text)
    return any(keyword.lower() in folded for keyword in turn.kit.rules.still_open_keywords if keyword)


def of_the_same_thing(turn: Turn, understood: Understanding, case_category: str | None, problem: str | None) -> bool:
    """Words saying a case is still not handled are about it, not another problem: they name no
    category of their own, or the case's, or how it is handled (``followups.handling_categories``),
    or the thing the case's problem names (a keyword of their category in both: 电梯)."""
    category = understood.category
    rules = turn.kit.rules
    if category in (None, rules.fallback_category, case_category):
        return True
    if category in turn.kit.config.followups.handling_categories:
        return True
    said = turn.problem_words(category, understood.text)
    if not said:
        return True  # only where or who (电梯 of 物业服务): no other thing wrong named
    return bool(problem) and bool(said & turn.problem_words(category, problem or ""))


def urged_on_this_case(turn: Turn, text: str) -> bool:
    """After the hand-off, the customer says this conversation's case is still not handled, by its
    number or without one while it is their only open case ("TS2026… 电梯还是没修好"), or praises or thanks
    in sarcasm ("呵呵 你们真是太棒了", "谢谢你们啊 效率真高", ``Understanding.sarcastic``): the words go on
    the case for its staff, and the customer hears an apology for the wait and where the case
    stands (its number, who has it, its time). Never another problem's new case, never its phone's
    digits asked. True if handled."""
    data, understood = turn.step.data, turn.understood
    case_number = data.case_number
    if case_number is None or data.appeal_of is not None or understood is None:
        return False
    if Intent.STATUS_QUERY in understood.intents:
        return False  # "怎么还没人来修": a status question, answered as one
    if not (says_still_not_handled(turn) or understood.sarcastic):
        return False  # "呵呵 你们真是太棒了", "你们效率真高啊 三天了都没人来": not meant, the wait complained of
    said = case_numbers_in(understood.text, turn.kit.config.service.case_prefix)
    if said - {case_number}:
        return False  # another case named: its own handling
    if not said and len(turn.customer.open_cases) > 1:
        return False  # which of their cases is not told: read as usual
    told = description_text(data)
    case_category = turn.kit.understander.understand(told, turn.locale).category if told else None
    if not of_the_same_thing(turn, understood, case_category, told):
        return False
    append_description(turn, text)
    turn.step.contact = CaseContact(case_number, None, more_of_the_problem=text)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED, case_number=case_number, still_open=True)
    status = this_case(turn)
    if status.stage is not CaseStage.RESOLVED:
        turn.say(PhraseId.STATUS_APOLOGY)
    tell_status(turn, status, apologise=False)
    data.acked_at, data.recorded_ack = turn.now, False
    return True


__all__ = ["of_the_same_thing", "says_still_not_handled", "urged_on_this_case"]
