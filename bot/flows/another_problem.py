"""Another problem told once a case is recorded: after its resolution (the 回访) it is a new case;
while the case is with the staff ("还有 小区门口的路灯也坏了" after "请问还有什么可以帮助您？") it is
added to the case, for whoever works it, and the customer hears so with the case's number."""

from __future__ import annotations

from bot.config import Intent, PhraseId
from bot.core.timeline import TimelineKind
from bot.flows.records import CaseContact
from bot.flows.slots import append_description, description_text
from bot.flows.turn import Turn
from bot.understanding.result import Understanding


def is_another_problem(turn: Turn, understood: Understanding, told: str, same_category: bool = True) -> bool:
    """The complaint is about another category than the problem ``told`` before, or, when
    ``same_category``, in the same one but naming only other things (its keywords: "快递" and
    "消防通道", not "广场舞"). A complaint about how the case is handled
    (``followups.handling_categories``) is about that case."""
    category = understood.category
    followups, rules = turn.kit.config.followups, turn.kit.rules
    if category is None or category == rules.fallback_category or category in followups.handling_categories:
        return False
    if not told:
        return True
    before = turn.kit.understander.understand(told, turn.locale).category
    if before != category:
        return True
    if not same_category:
        return False
    said, earlier = _problem_words(turn, category, understood.text), _problem_words(turn, category, told)
    return bool(said) and bool(earlier) and not said & earlier


def same_matter(turn: Turn, understood: Understanding, told: str) -> bool:
    """The complaint names the thing the problem ``told`` before was about, though it reads as
    another category: a keyword of its category (not a weak one) is in both ("公摊费凭什么收我的"
    after "物业费账单里多收了公摊费": 公摊)."""
    category = understood.category
    if not told or category is None or category == turn.kit.rules.fallback_category:
        return False
    return bool(_problem_words(turn, category, understood.text) & _problem_words(turn, category, told))


def _problem_words(turn: Turn, category: str, text: str) -> set[str]:
    """The keywords of ``category`` (not its weak ones: where or who) that ``text`` holds."""
    rule = turn.kit.rules.category(category)
    matchable = turn.kit.understander.matchable(text)
    weak = {word.lower() for word in rule.weak_keywords}
    return {word.lower() for word in rule.keywords if word.lower() not in weak and word.lower() in matchable}


def added_to_the_case(turn: Turn, text: str) -> bool:
    """While the recorded case waits or is worked, a complaint about another problem
    (``followups.new_problem_words``, another category, or other things of the same one after an
    ``addition_openers`` word) goes on the case's description and other categories. True if added."""
    data, understood = turn.step.data, turn.understood
    case_number = data.case_number
    if case_number is None or data.appeal_of is not None or understood is None:
        return False
    if Intent.COMPLAINT not in turn.intents or Intent.STATUS_QUERY in turn.intents:
        return False
    followups = turn.kit.config.followups
    opens_an_addition = (
        turn.kit.understander.matchable(text)
        .lstrip()
        .startswith(tuple(word.lower() for word in followups.addition_openers if word))
    )
    another = turn.says_any(text, followups.new_problem_words) or is_another_problem(
        turn, understood, description_text(data), same_category=opens_an_addition
    )
    if not another:
        return False
    before = len(data.description)
    append_description(turn, text)
    category = understood.category if understood.category != turn.kit.rules.fallback_category else None
    if len(data.description) > before or category is not None:
        turn.step.contact = CaseContact(case_number, None, more_of_the_problem=text, another_category=category)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED, another_problem=True, category=category)
    data.acked_at, data.recorded_ack = turn.now, False  # the next other message is acknowledged later
    turn.say(PhraseId.ANOTHER_PROBLEM_ADDED, case_number=case_number)
    return True
