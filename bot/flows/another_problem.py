"""Another problem told once a case is recorded: after its resolution (the 回访) it is a new case;
while the case is with the staff ("还有 小区门口的路灯也坏了" after "请问还有什么可以帮助您？") it is
added to the case when it is of the case's category and at its place, for whoever works it, and
the customer hears so with the case's number; of another category or place it is a case of its own,
taken down, restated, promised and handed off as the first was (each complaint recorded, restated
and promised with its own deadline: the service standards, §1)."""

from __future__ import annotations

from bot.config import Intent, PhraseId, Signal
from bot.core.scripts import places_overlap
from bot.core.timeline import TimelineKind
from bot.flows.appeals import PHONE_ASKS_DONE
from bot.flows.case import ESCALATING_SIGNALS
from bot.flows.closing import OPEN_CASE
from bot.flows.escalation import escalate, escalation_reason, safety_first
from bot.flows.form import on_description
from bot.flows.records import COLLECTING, CaseContact, State
from bot.flows.slots import append_description, description_text, keep_slots, kept_place
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
    said, earlier = turn.problem_words(category, understood.text), turn.problem_words(category, told)
    return bool(said) and bool(earlier) and not said & earlier


def same_matter(turn: Turn, understood: Understanding, told: str) -> bool:
    """The complaint names the thing the problem ``told`` before was about, though it reads as
    another category: a keyword of its category (not a weak one) is in both ("公摊费凭什么收我的"
    after "物业费账单里多收了公摊费": 公摊), or, naming none, a smell is told in both
    (``followups.smell_words``)."""
    category = understood.category
    if not told or category is None or category == turn.kit.rules.fallback_category:
        return False
    said = turn.problem_words(category, understood.text)
    if said & turn.problem_words(category, told):
        return True
    # "电梯口那边味道最重" after "楼道里好大煤气味": where the smell told of is strongest, nothing else named.
    smells = turn.kit.config.followups.smell_words
    return not said and turn.says_any(understood.text, smells) and turn.says_any(told, smells)


def added_to_the_case(turn: Turn, text: str) -> bool:
    """While the recorded case waits for a person, a complaint about another problem
    (``followups.new_problem_words``, another category, or other things of the same one after an
    ``addition_openers`` word): of the case's category and at its place it goes on the case's
    description; otherwise it is a case of its own (:func:`_take_as_a_case_of_its_own`). More of the
    case told after a ``supplement_openers`` word ("补充一下 楼上那家一直不开门") goes on its
    description whatever its category (:func:`_supplement`). True if handled."""
    data, understood = turn.step.data, turn.understood
    appealed = data.case_number is None and data.appeal_of is not None
    case_number = data.case_number or data.appeal_of
    if case_number is None or (data.appeal_of is not None and not appealed) or understood is None:
        return False
    if Intent.STATUS_QUERY in turn.intents:
        return False
    followups = turn.kit.config.followups
    supplement = _opens_with(turn, text, followups.supplement_openers) and Intent.QUESTION not in turn.intents
    if supplement and _at_the_case_s_place(turn):
        if appealed:
            return False  # more of the case this conversation joined: its staff read it there
        _supplement(turn, text, case_number)
        return True
    if Intent.COMPLAINT not in turn.intents:
        return False
    opens_an_addition = _opens_with(turn, text, followups.addition_openers)
    told = description_text(data)
    category = understood.category if understood.category != turn.kit.rules.fallback_category else None
    announced = turn.says_any(text, followups.new_problem_words)
    # "the smell is strongest near the lift lobby" after "gas smell in the corridor": the thing told
    # before, read as another category (an odour), is more of the case, never a case of its own.
    another = (
        announced
        or (
            is_another_problem(turn, understood, told, same_category=opens_an_addition)
            and not same_matter(turn, understood, told)
        )
        or (opens_an_addition and category is not None and not _at_the_case_s_place(turn))
    )
    if not another:
        return False
    # Announced as another matter, about other things ("另外还有个事 小区门口的路灯坏了" after 停水, both
    # 工程维修): the customer said it is not this case, though its category and place are.
    separate = announced and is_another_problem(turn, understood, told, same_category=True)
    if (separate or not _of_the_case(turn, category, told)) and _settled(turn):
        _take_as_a_case_of_its_own(turn, text, case_number, category)
        return True
    if appealed:
        return False  # more of the case this conversation joined: its staff read it there
    before = len(data.description)
    append_description(turn, text)
    if len(data.description) > before or category is not None:
        turn.step.contact = CaseContact(case_number, None, more_of_the_problem=text, another_category=category)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED, another_problem=True, category=category)
    data.acked_at, data.recorded_ack = turn.now, False  # the next other message is acknowledged later
    turn.say(PhraseId.ANOTHER_PROBLEM_ADDED, case_number=case_number)
    return True


def another_matter_announced(turn: Turn, text: str) -> bool:
    """Another matter announced after the hand-off (``followups.new_problem_words``: "另外 我家楼下的水管爆了",
    "另外还有个事 阳光花园的电梯也坏了") of another category than the case, about other things of
    it, or at another place it names: a case of its own at once, before the case's own escalations
    are looked at, so danger told in it (a burst pipe) is the new case's emergency, never the first
    case's, and the place it names is the new case's. True if handled."""
    data, understood = turn.step.data, turn.understood
    case_number = data.case_number
    if case_number is None or data.appeal_of is not None or understood is None or not _settled(turn):
        return False
    if Intent.COMPLAINT not in turn.intents or Intent.STATUS_QUERY in turn.intents:
        return False
    if not turn.says_any(text, turn.kit.config.followups.new_problem_words):
        return False
    category = understood.category
    rules = turn.kit.rules
    if category is None or category == rules.fallback_category:
        return False
    if category in turn.kit.config.followups.handling_categories:
        return False
    told = description_text(data)
    before = turn.kit.understander.understand(told, turn.locale).category if told else None
    # Of the case's category, it is another matter when it names another place or other things
    # ("另外 我家楼下的水管爆了" after "燃气灶打不着火", both 工程维修): never the first case's.
    if category == before and not _names_another_place(turn, text) and not is_another_problem(turn, understood, told):
        return False
    signals = understood.signals
    # The message's signals are the new case's, never the first case's (read onto it already).
    data.signals = tuple(sorted(turn.earlier_signals))
    estates = [] if turn.area is not None else turn.kit.understander.estates_named(text)
    _take_as_a_case_of_its_own(turn, text, case_number, category, signals=signals, place=next(iter(estates), None))
    return True


def _names_another_place(turn: Turn, text: str) -> bool:
    """The message names a place, or an estate ("阳光花园的电梯也坏了"), other than the case's."""
    here = turn.step.data.area
    if here is None:
        return False
    if turn.area is not None:
        return not _at_the_case_s_place(turn)
    return any(not places_overlap(estate, here) for estate in turn.kit.understander.estates_named(text))


def _opens_with(turn: Turn, text: str, openers: list[str]) -> bool:
    return turn.kit.understander.matchable(text).lstrip().startswith(tuple(word.lower() for word in openers if word))


def _supplement(turn: Turn, text: str, case_number: str) -> None:
    """More of the case ("补充一下 楼上那家一直不开门 物业敲过门了", ``followups.supplement_openers``):
    on its description for whoever works it, and the customer hears so with the case's number."""
    data = turn.step.data
    before = len(data.description)
    append_description(turn, text)
    if len(data.description) > before:
        turn.step.contact = CaseContact(case_number, None, more_of_the_problem=text)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
    data.acked_at, data.recorded_ack = turn.now, False
    turn.say(PhraseId.SUPPLEMENT_ADDED, case_number=case_number)


def _of_the_case(turn: Turn, category: str | None, told: str) -> bool:
    """The other problem is the case's to handle: of its category (the same people and deadline)
    and at its place (no other place named: "还有 电梯也坏了" after a leak at 阳光花园5栋)."""
    before = turn.kit.understander.understand(told, turn.locale).category if told else None
    return category is not None and category == before and _at_the_case_s_place(turn)


def _settled(turn: Turn) -> bool:
    """The case is promised and nothing is asked for it (the duty supervisor's phone, a place for
    the restatement still owed): another case may be taken down beside it. Until then another
    problem goes on the case, whose questions and promise come first."""
    data = turn.step.data
    return data.owed_promise is None and data.escalation_phone_asks in (0, PHONE_ASKS_DONE)


def _at_the_case_s_place(turn: Turn) -> bool:
    """The message names no place, or the case's (or a part of it: "阳光花园" for 阳光花园5栋)."""
    place, here = turn.area, turn.step.data.area
    if place is None or here is None:
        return True
    return places_overlap(kept_place(place), here)


def new_case_beside_this_one(turn: Turn, text: str) -> None:
    """After the hand-off, words not confirmed as more of another customer's case they named (its
    phone's digits missed; the customer was told they are taken as a complaint of their own): taken
    down as a case of its own beside this conversation's, as another problem is."""
    case_number = turn.step.data.case_number
    if case_number is None:
        return
    _take_as_a_case_of_its_own(turn, text, case_number, None, announce=False)


def _take_as_a_case_of_its_own(
    turn: Turn,
    text: str,
    case_number: str,
    category: str | None,
    announce: bool = True,
    signals: frozenset[Signal] = frozenset(),
    place: str | None = None,
) -> None:
    """Another problem of another category or place: taken down as a first complaint is (the form:
    what is missing asked, then restated, promised with its own deadline and case number, and
    handed off as the routing rules say). The phone and the name are kept; the place only when the
    message names it or the customer says it is the same place (``followups.same_place_words``).
    The case told first stays with the staff; given up or left before it is registered, the
    conversation goes back to it (``closing.back_to_the_open_case``)."""
    old = turn.step.data
    for kind in list(old.timers):
        turn.cancel(kind)
    joined = old.appeal_of is not None and old.appeal_of == old.case_proven
    turn.step.data = data = old.for_a_new_case(OPEN_CASE, keep_place=False)
    if not data.phone and turn.customer.proven_phone and joined:
        # The case an appeal here joined, proven theirs by its phone's digits: that phone is theirs.
        data.phone, data.phone_from_channel = turn.customer.proven_phone, True
    danger = bool(signals & ESCALATING_SIGNALS)
    if danger:
        turn.earlier_signals = frozenset()
        safety_first(turn)  # how to stay safe before anything else
    if announce:
        turn.say(PhraseId.ANOTHER_PROBLEM_NEW_CASE, case_number=case_number)
    turn.audit(TimelineKind.ANOTHER_CASE_STARTED, case_number=case_number, category=category)
    turn.step.state = State.AWAIT_DESCRIPTION
    if turn.understood is not None:
        keep_slots(turn, turn.understood)
    if data.area is None and place is not None:
        data.area = kept_place(place)  # "阳光花园的电梯也坏了": the estate named is the new case's place
    problem = without_openers(turn, text)
    if signals:
        data.signals = tuple(sorted(signals))
    if danger:
        turn.earlier_signals = signals  # the advice is said: not again
        # Danger now in the new matter ("另外 我家楼下的水管爆了"): its safety advice at once, and the
        # new case is the duty supervisor's emergency, as when told first.
        append_description(turn, problem)
        escalate(turn, reason=escalation_reason(signals))
    else:
        on_description(turn, problem)
    if turn.step.state in COLLECTING:
        turn.arm_idle()


_OPENER_EDGES = " \t,，、:：;；.。!！"


def without_openers(turn: Turn, text: str) -> str:
    """The problem without the words that said it is another one ("另外还有个事 小区门口的路灯坏了"
    is "小区门口的路灯坏了"; ``followups.addition_openers``, ``new_problem_words`` at its start): the
    new case's problem is restated as the customer told it, not as an addition to another."""
    followups = turn.kit.config.followups
    openers = sorted(
        {word.lower() for word in (*followups.addition_openers, *followups.new_problem_words) if word},
        key=len,
        reverse=True,
    )
    matchable = turn.kit.understander.matchable
    said = text.strip(_OPENER_EDGES)
    # Only the next few characters are read for each opener: a run of them ("另外另外…") read
    # again whole for each would cost the square of its length.
    window = 2 * len(openers[0]) + 1 if openers else 0
    at = 0
    while at < len(said):
        start = matchable(said[at : at + window])
        opener = next((word for word in openers if start.startswith(word) and _whole_word(start, len(word))), None)
        if opener is None or matchable(said[at : at + len(opener)]) != opener:
            break
        at += len(opener)
        while at < len(said) and said[at] in _OPENER_EDGES:
            at += 1
    return said[at:] or text


def _whole_word(text: str, end: int) -> bool:
    """A Latin opener ends where a word does ("also the gate", not "also" in "alsobroken")."""
    return not (text[end - 1 : end].isascii() and text[end : end + 1].isalnum() and text[end : end + 1].isascii())
