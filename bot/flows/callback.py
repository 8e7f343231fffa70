"""The satisfaction callback (回访) after a person resolved the case: the 1–5 rating, the comment,
the timeout, and the case reopened when the customer says it is not resolved; a new problem told
instead of the rating starts a new case, and what the callback cannot place goes to the staff."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from enum import Enum

from bot.config import Intent, PhraseId, Signal
from bot.core.messages import Option
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.addressing import addressed, known_address, name_variables
from bot.flows.another_problem import is_another_problem, same_matter
from bot.flows.case import ESCALATING_SIGNALS, GENERAL_QUEUE, open_ticket
from bot.flows.classify import normalise
from bot.flows.closing import close
from bot.flows.data import FlowData, TimerKind
from bot.flows.escalation import escalate, escalation_reason
from bot.flows.form import on_description
from bot.flows.records import COLLECTING, CaseStage, CaseStatus, SatisfactionRecord, State
from bot.flows.slots import append_description, description_text, keep_slots
from bot.flows.status import tell_status
from bot.flows.turn import FlowKit, Turn
from bot.understanding.tokens import is_chinese, is_content
from bot.understanding.understander import Understander

CALLBACK_STATES = frozenset({State.RESOLVED, State.AWAIT_RATING, State.AWAIT_COMMENT})
"""After a person resolved the case: waiting for, or in, the satisfaction callback (回访)."""
_RATINGS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_SCORES = range(1, 6)
_SUMMARY_END = "。.!！;；,，、 "
"""Left off the end of a resolution summary: the phrase puts its own full stop after it."""
_CLAUSE_END = re.compile(r"[,，。.!！;；\n]+")
SORRY_UP_TO = 3
"""A score this low or lower is answered with an apology, not thanks."""
_SCORE_WORDS = 3
"""The most words a score takes at the start of an answer ("4 stars", "i'd give 5")."""
_NUMBERED = re.compile(r"[1-5]|[一二两三四五]\s*(?:分|颗星|个星|星)")
"""A score said with a number ("5", "打五分"), not in words ("一般般" holds 一 but no score)."""
_LEADING_SCORE = re.compile(r"\s*([1-5一二两三四五])\s*(?:分|颗星|个星|星)")
_COMMENT_MIN_CHARS = 2
"""Characters beside a rating phrase that make the answer a comment too ("还行吧 就是太慢了")."""
_CHUNK_END = re.compile(r"[\s,，。.!！?？;；、~～]+")


def on_resolved(turn: Turn, summary: str | None = None) -> None:
    """Arm the callback: after the configured delay, within service hours (a case resolved at
    night is called back when the service opens, never at 1 a.m.), and within one working day
    (seed 002). ``summary``: how the staff resolved it, told with the callback's question."""
    for kind in list(turn.step.data.timers):
        turn.cancel(kind)
    turn.step.data.resolution_summary = told_summary(summary)
    turn.step.data.recorded_ack, turn.step.data.acked_at = False, None
    turn.step.data.callback_reasks = 0
    turn.step.data.extra.pop(_LAST_ASKED, None)
    turn.step.state = State.RESOLVED
    followups = turn.kit.config.followups
    calendar = turn.kit.calendar
    due = min(
        calendar.serving_at_or_after(turn.now + dt.timedelta(seconds=followups.callback_delay)),
        calendar.add_working_days(turn.now, 1),
    )
    turn.arm(TimerKind.SATISFACTION_CALLBACK, max(1, int((due - turn.now).total_seconds())))
    turn.audit(TimelineKind.CALLBACK_SCHEDULED, due_at=due.isoformat())


def told_summary(summary: str | None) -> str | None:
    """The staff's resolution summary as a phrase tells it: without its own full stop."""
    said = summary.strip().rstrip(_SUMMARY_END).strip() if summary else ""
    return said or None


def readable_summary(summary: str, locale: str) -> bool:
    """Whether a customer reading ``locale`` can read the staff's summary said as written: a
    Chinese reader any, another one only without Chinese characters (never Chinese text inside an
    English reply)."""
    return locale.startswith("zh") or not any(is_chinese(character) for character in summary)


def summary_for_customer(turn: Turn, summary: str) -> str:
    """The staff's resolution summary as this conversation's customer hears it: as written when they
    can read it; else what they reported, restated in their own words (the restatement's summary),
    with its category in their language (``resolution_untold``), or the category alone when that
    cannot be said in their language either (``resolution_untold_category``)."""
    locale = turn.locale
    if readable_summary(summary, locale):
        return summary
    data = turn.step.data
    category = turn.kit.rules.category(_category_told(turn)).name.get(locale)
    problem = told_summary(turn.kit.summary.summarise(data.description, locale)) if data.description else None
    if problem and readable_summary(problem, locale):
        return turn.text(PhraseId.RESOLUTION_UNTOLD, summary=problem, category=category)
    return turn.text(PhraseId.RESOLUTION_UNTOLD_CATEGORY, category=category)


def _category_told(turn: Turn) -> str:
    """The category of the conversation's case as its description reads."""
    told = description_text(turn.step.data)
    category = turn.kit.understander.understand(told, turn.locale).category if told else None
    return category or turn.kit.rules.fallback_category


def reopened_by_staff(data: FlowData) -> tuple[FlowData, list[TimerKind]]:
    """Staff reopened the resolved case: the callback (回访) is off. Returns the conversation's
    data without its timers (the callback's question, its answer window) or the score being asked
    for, and the timer kinds that were armed, to cancel; the conversation is handed off again."""
    reopened = data.copy()
    stopped = list(reopened.timers)
    reopened.timers.clear()
    reopened.rating, reopened.callback_reasks, reopened.resolution_summary = None, 0, None
    if TimerKind.SATISFACTION_TIMEOUT in stopped and reopened.case_number:
        reopened.extra[RATING_CALLED_OFF] = reopened.case_number  # the score was asked for
    return reopened, stopped


RATING_CALLED_OFF = "rating_called_off"
"""``FlowData.extra`` key: the case whose 回访 question (1 to 5) staff called off by reopening the
case while the score was awaited (:func:`rated_after_the_reopening`)."""


def rated_after_the_reopening(turn: Turn, text: str) -> bool:
    """The score the customer sends for the 回访 that staff called off by reopening the case ("5分"):
    never silence. The customer is thanked and told the case is being handled again, so no score is
    needed now (``rating_after_reopen``); the score stays their words for the agent, not a rating
    of a resolution that was undone. Only the next message is read so. True if it was a score."""
    case_number = turn.step.data.extra.pop(RATING_CALLED_OFF, None)
    if case_number is None:
        return False
    score, _ = _rating_and_comment(turn.kit, text)
    if score is None:
        return False
    turn.say(PhraseId.RATING_AFTER_REOPEN, case_number=case_number)
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    return True


def ask_rating(turn: Turn) -> None:
    turn.cancel(TimerKind.SATISFACTION_CALLBACK)
    turn.step.state = State.AWAIT_RATING
    options = tuple(Option(label=str(score), value=str(score)) for score in _SCORES)
    case_number = turn.step.data.case_number or "-"
    summary = turn.step.data.resolution_summary
    # The customer known by name is called back by it (王先生，您好), as they are greeted.
    address = known_address(turn.customer.surname, turn.customer.title)
    named = name_variables(address, turn.text)
    if summary:
        said = summary_for_customer(turn, summary)
        asked = addressed(PhraseId.SATISFACTION_ASK_RATING_SUMMARY, address)
        turn.say(asked, options=options, case_number=case_number, summary=said, **named)
    else:
        asked = addressed(PhraseId.SATISFACTION_ASK_RATING, address)
        turn.say(asked, options=options, case_number=case_number, **named)
    turn.step.data.extra[_LAST_ASKED] = PhraseId.SATISFACTION_ASK_RATING.value
    turn.arm(TimerKind.SATISFACTION_TIMEOUT, turn.kit.config.followups.answer_window)
    turn.audit(TimelineKind.CALLBACK_ASKED)


def on_callback(turn: Turn, text: str) -> None:
    """The satisfaction callback (回访, seed 000 四(五)): a message saying the problem is not
    fixed reopens the case at any step, before the question, instead of a score, or after
    it; otherwise a 1–5 score, then a comment."""
    data = turn.step.data
    if turn.only_insults:
        _insulted(turn, text)  # "你们这帮垃圾": anger, neither a score nor the problem back nor a new one
        return
    if Intent.NOT_RESOLVED in turn.intents or turn.says_any(text, turn.kit.config.followups.not_done_words):
        _reopen(turn, text)
        return
    told = _told_after_resolution(turn, text)
    if told is _Told.AGAIN:  # "昨晚又跳到十一点，根本没人管": the problem is back
        _reopen(turn, text)
        return
    if told is _Told.NEW:  # "快递柜一直占用消防通道" after 停水: a new case, not rated now
        _new_complaint(turn, text)
        return
    state = turn.step.state
    if Intent.STATUS_QUERY in turn.intents and state in (State.RESOLVED, State.AWAIT_RATING):
        # "处理得怎么样了?" after the resolution: it is resolved; then the callback's question.
        tell_status(turn, CaseStatus(CaseStage.RESOLVED, case_number=data.case_number))
        ask_rating(turn)
        return
    if state is State.RESOLVED:  # the customer wrote before the callback was due: it starts now
        if not _numbered_score(turn.kit, text):
            # "还行吧": before the question (and the resolution told with it), words are no rating.
            _ask_again_or_pass_on(turn)
            return
        # "4分吧 师傅态度还行 就是来得太晚": the answer before the question, taken as it.
        turn.cancel(TimerKind.SATISFACTION_CALLBACK)
        state = turn.step.state = State.AWAIT_RATING
    if state is State.AWAIT_RATING:
        score, comment = _rating_and_comment(turn.kit, text)
        if score is None and _goes_on_in_its_own_words(turn, text):
            _reopen(turn, text)  # "我都说了还在跳 你听不懂吗" after 广场舞跳到十点多: not fixed
            return
        if score is None:
            _ask_again_or_pass_on(turn, out_of_range=_out_of_range(turn.kit, text))
            return
        if comment and _still_wrong(turn, comment):  # "2分，师傅到现在都还没来": rated, and not resolved
            _reopen(turn, text, score)
            return
        if comment and _to_register(turn, comment):  # "5分 但是摔的那一跤谁负责 医药费呢"
            turn.audit(TimelineKind.RATED, rating=score)
            _rated_and_registered(turn, score, comment)
            return
        if comment:  # "5分,师傅很及时": the score and the comment at once
            turn.audit(TimelineKind.RATED, rating=score)
            turn.step.satisfaction = SatisfactionRecord(rating=score, comment=comment, resolved=True)
            _thank(turn, score, comment)
            close(turn, "satisfaction_recorded")
            return
        data.rating = score
        turn.step.state = State.AWAIT_COMMENT
        # "太差了", "1": sorry first, then what went wrong; thanks only for a good score.
        low = score <= SORRY_UP_TO
        turn.say(PhraseId.SATISFACTION_SORRY_ASK_COMMENT if low else PhraseId.SATISFACTION_ASK_COMMENT)
        turn.arm(TimerKind.SATISFACTION_TIMEOUT, turn.kit.config.followups.answer_window)
        turn.audit(TimelineKind.RATED, rating=score)
        return
    if _nothing_more(turn):  # "没有了 谢谢", "冇喇 唔該": the score given is the evaluation
        rating, data.rating = data.rating, None
        turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=None, resolved=True)
        _thank(turn, rating, "")
        close(turn, "satisfaction_recorded")
        return
    corrected = _correction(turn.kit, text)
    if corrected is not None and corrected[1] and _still_wrong(turn, corrected[1]):
        _reopen(turn, text, corrected[0])  # "改成3分吧，晚上还是有点吵": the new score, and not resolved
        return
    if corrected is None and _still_wrong(turn, text):
        _reopen(turn, text)  # "保安根本没调岗，今天早上还在东门骂人": the comment says it is not resolved
        return
    if corrected is None and _to_register(turn, text):
        rating, data.rating = data.rating, None
        _rated_and_registered(turn, rating, text)  # "不过我上周在那摔了一跤 医药费谁出": a new case
        return
    if corrected is not None and corrected[1] and _to_register(turn, corrected[1]):
        turn.audit(TimelineKind.RATED, rating=corrected[0], corrected_from=data.rating)
        data.rating = None
        _rated_and_registered(turn, corrected[0], corrected[1])
        return
    if corrected is not None:
        # "还行吧" then "其实挺满意的": the new score replaces the first, recorded once.
        score, comment = corrected
        turn.audit(TimelineKind.RATED, rating=score, corrected_from=data.rating)
        data.rating = None
        turn.step.satisfaction = SatisfactionRecord(rating=score, comment=comment or None, resolved=True)
        _thank(turn, score, comment)
        close(turn, "satisfaction_recorded")
        return
    rating, data.rating = data.rating, None
    turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=text, resolved=True)
    _thank(turn, rating, text)
    close(turn, "satisfaction_recorded")


def _insulted(turn: Turn, text: str) -> None:
    """Nothing but insults at the callback ("你们这帮垃圾", "you are all useless trash"): met with empathy
    (seed 002 四) and the rating question again; given as the comment, it is the comment of an unhappy
    customer, whatever the score, apologised for (``satisfaction_sorry``)."""
    data = turn.step.data
    if turn.step.state is State.AWAIT_COMMENT:
        rating, data.rating = data.rating, None
        turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=text, resolved=True)
        turn.say(PhraseId.SATISFACTION_SORRY)
        close(turn, "satisfaction_recorded")
        return
    turn.say(PhraseId.EMPATHY)
    _ask_again_or_pass_on(turn)


def _to_register(turn: Turn, comment: str) -> bool:
    """A comment that is no suggestion to thank for but something to take down: someone hurt or a
    loss to be paid for (``followups.harm_words``: "摔的那一跤谁负责 医药费呢"), a demand, danger or a
    threat read in it, or another problem told with ``new_problem_words``."""
    followups = turn.kit.config.followups
    understood = turn.kit.understander.understand(comment, turn.locale)
    if understood.signals & _TO_REGISTER or turn.says_any(comment, followups.harm_words):
        return True
    return Intent.COMPLAINT in understood.intents and turn.says_any(comment, followups.new_problem_words)


_TO_REGISTER = frozenset({*ESCALATING_SIGNALS, Signal.COMPENSATION})


def _rated_and_registered(turn: Turn, rating: int | None, comment: str) -> None:
    """The score is the resolved case's evaluation; what the comment tells is taken down as a new
    case, as a new problem told at the callback is (the customer hears the form, or the escalation)."""
    case_number = turn.step.data.case_number
    turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=comment, resolved=True, case_number=case_number)
    signals = turn.kit.understander.understand(comment, turn.locale).signals & _TO_REGISTER
    if not signals:
        _new_complaint(turn, comment)
        return
    # A demand, danger or a threat: to the duty supervisor at once, as at any step of a complaint.
    _start_a_new_case(turn)
    append_description(turn, comment)
    reason = escalation_reason(signals) if signals & ESCALATING_SIGNALS else TicketReason.BEYOND_AUTHORITY
    escalate(turn, reason=reason)


def _nothing_more(turn: Turn) -> bool:
    """The answer to the comment question says there is nothing to add (the goodbye intent:
    "没有了 谢谢", "冇喇 唔該", "nope thats all"), and no problem."""
    return Intent.GOODBYE in turn.intents and not turn.intents & {Intent.COMPLAINT, Intent.NOT_RESOLVED}


def _thank(turn: Turn, rating: int | None, comment: str) -> None:
    """Thanks for the evaluation; an apology instead when it was not a good one (a score up to
    ``SORRY_UP_TO``, or below full marks with a comment that complains: "4 stars but he was 2
    hours late"); thanks for the suggestion when a good score's comment criticises or suggests
    (``followups.suggestion_words``: "师傅态度挺好的 就是电梯修得太慢了 下次快点"), never the praise answer."""
    if rating is not None and rating <= SORRY_UP_TO:
        unhappy = True
    elif comment and (rating is None or rating < max(_SCORES)):
        understood = turn.kit.understander.understand(comment, turn.locale)
        complaint = Intent.COMPLAINT in understood.intents and Intent.PRAISE not in understood.intents
        unhappy = complaint or Signal.EMOTIONAL in understood.signals
    else:
        unhappy = False
    if unhappy:
        turn.say(PhraseId.SATISFACTION_SORRY)
    elif comment and _suggests(turn, comment):
        turn.say(PhraseId.SATISFACTION_SUGGESTION)
    else:
        turn.say(PhraseId.SATISFACTION_THANKS)


def _suggests(turn: Turn, comment: str) -> bool:
    understood = turn.kit.understander.understand(comment, turn.locale)
    if Intent.SUGGESTION in understood.intents:
        return True
    return turn.says_any(comment, turn.kit.config.followups.suggestion_words)


def _reopen(turn: Turn, text: str, score: int | None = None) -> None:
    """Not resolved: recorded as the customer's evaluation (with ``score``, or a score already
    given), and the case goes back to its previous owner (``Step.reopen``), promised again."""
    data = turn.step.data
    rating, data.rating = data.rating, None
    rating = score if score is not None else rating
    if rating is None:
        rating = _score_given_with(turn.kit, text)  # "2分，根本没解决": the low score counts too
    if rating is None and turn.step.state is not State.RESOLVED:  # before the question, words are no rating
        said = _said_in_words(turn.kit, text, _folded(turn.kit, text))[0]  # "唔满意 单车都仲未搵返": 2
        rating = said if said is not None and said <= SORRY_UP_TO else None
    turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=text, resolved=False)
    for kind in list(data.timers):
        turn.cancel(kind)
    turn.say(PhraseId.SATISFACTION_REOPENED)
    turn.step.state = State.HANDED_OFF
    # Reopened as staff reopen a case (``Tracker.reopen_case``, once the step is stored): graded
    # as a repeat (seed 000: complex), promised again with a concrete time counted from now (seed
    # 003: at least the reply time, told with ``case_reopened``) and tracked like the first promise.
    turn.step.reopen = True
    turn.audit(TimelineKind.REOPENED_BY_CUSTOMER)


def _still_wrong(turn: Turn, said: str) -> bool:
    """What the customer says beside (or after) their score tells the resolved problem is not
    resolved: the ``not_resolved`` intent, ``followups.not_done_words`` ("师傅到现在都还没来",
    "你们骗谁呢"), or a complaint about the same problem with ``again_words`` or
    ``followups.still_words`` ("晚上还是有点吵" after noise), or those words in a comment that reads
    as no other problem and neither praise nor thanks ("5分 但是那狗昨晚还在叫")."""
    followups = turn.kit.config.followups
    understood = turn.kit.understander.understand(said, turn.locale)
    if Intent.NOT_RESOLVED in understood.intents or turn.says_any(said, followups.not_done_words):
        return True
    if Intent.PRAISE in understood.intents or not understood.intents <= _WITH_AGAIN:
        return False  # "师傅一直很耐心", "还是要谢谢你们": a still word in praise or thanks
    if not turn.says_any(said, [*followups.again_words, *followups.still_words]):
        return False
    if understood.category is None:
        return True  # "那狗昨晚还在叫", "the bins are full again tho": the problem goes on, in other words
    told = description_text(turn.step.data)
    before = turn.kit.understander.understand(told, turn.locale).category if told else None
    return understood.category == before or same_matter(turn, understood, told)


def says_not_solved(turn: Turn, text: str, told: str) -> bool:
    """The callback's reading of a message about the problem ``told``, resolved: it is not solved
    (the ``not_resolved`` intent, ``followups.not_done_words``) or goes on in its own words
    (:func:`_goes_on_in_its_own_words`). Also read of a message in a later conversation about a
    case resolved lately (:mod:`bot.flows.reopen_earlier`)."""
    if Intent.NOT_RESOLVED in turn.intents or turn.says_any(text, turn.kit.config.followups.not_done_words):
        return True
    return _goes_on_in_its_own_words(turn, text, told)


def _goes_on_in_its_own_words(turn: Turn, text: str, told: str | None = None) -> bool:
    """No score, no complaint read, but a still or again word (``followups.still_words``,
    ``again_words``) followed by a word of the problem told (``told``, else this conversation's):
    "还在跳", "今晚还是跳到十点多" after "广场舞每天晚上跳到十点多"; not "我还在上班"."""
    told = description_text(turn.step.data) if told is None else told
    if not told or _asks_for_us(turn, text):
        return False
    understander, followups = turn.kit.understander, turn.kit.config.followups
    said = understander.matchable(text)
    told_words = {word for word in _words(understander, understander.matchable(told)) if is_content(word)}
    said_words = dict(_word_spans(understander, said))
    for still in (*followups.still_words, *followups.again_words):
        for found in re.finditer(re.escape(understander.matchable(still)), said):
            if said_words.get(found.end()) in told_words:
                return True
    return False


def _asks_for_us(turn: Turn, text: str) -> bool:
    """The message asks whether anyone is there ("are you still there?", "还在吗":
    ``form.presence_words``) and tells no problem: its "still" is not the problem going on."""
    return Intent.COMPLAINT not in turn.intents and turn.says_any(text, turn.kit.form.presence_words)


def _word_spans(understander: Understander, text: str) -> list[tuple[int, str]]:
    """Each word of ``text`` (cut as keywords are matched) by where it starts."""
    ends = understander.word_ends(text)
    return [(start, text[start:end]) for start, end in zip([0, *ends], ends, strict=False)]


def _words(understander: Understander, text: str) -> list[str]:
    return [word for _, word in _word_spans(understander, text)]


def _out_of_range(kit: FlowKit, text: str) -> bool:
    """A score out of the 1–5 range, with only ``rating_words`` beside it ("10分", "0", "打100分")."""
    rest = kit.rating_words.sub(" ", _folded(kit, text)) if kit.rating_words else _folded(kit, text)
    said = "".join(char for char in rest if char.isalnum())
    return said.isascii() and said.isdigit() and int(said) not in _SCORES


def _rating_and_comment(kit: FlowKit, text: str) -> tuple[int | None, str]:
    """The score of a rating answer, and the comment after it when its first clause is the
    score ("5分,师傅很及时"); (None, "") when it is not a rating."""
    rating = _score(kit, text)
    if rating is not None:
        return rating, ""
    parts = _CLAUSE_END.split(text.strip(), maxsplit=1)
    if len(parts) == 2 and parts[1].strip():
        rating = _score(kit, parts[0])
        if rating is not None:
            return rating, parts[1].strip()
    for clause_end in reversed(list(_CLAUSE_END.finditer(text.strip()))):
        # "meh, 3 I guess. took too long": the score told over the first clauses, the rest the comment.
        head, rest = text.strip()[: clause_end.start()], text.strip()[clause_end.end() :].strip()
        rating = _score(kit, head) if rest else None
        if rating is not None:
            return rating, rest
    words = text.split()
    for size in range(min(_SCORE_WORDS, len(words) - 1), 0, -1):  # "4 stars but he was 2 hours late"
        rating = _score(kit, " ".join(words[:size]))
        if rating is not None:
            return rating, " ".join(words[size:])
    said = _folded(kit, text)
    leading = _LEADING_SCORE.match(said)  # "5分师傅很好"
    if leading is not None and leading.end() < len(said):
        return _RATINGS[leading.group(1)], said[leading.end() :].strip()
    return _said_in_words(kit, text, said)


def _numbered_score(kit: FlowKit, text: str) -> bool:
    """Whether ``text`` rates with a number ("4分吧 师傅态度还行", "5"), not only in words ("还行吧")."""
    score, comment = _rating_and_comment(kit, text)
    if score is None:
        return False
    head = text.strip()[: len(text.strip()) - len(comment)] if comment and text.strip().endswith(comment) else text
    return _NUMBERED.search(_folded(kit, head)) is not None


def _correction(kit: FlowKit, text: str) -> tuple[int, str] | None:
    """An answer to the comment question that rates again: a rating alone ("满意", "5分",
    "其实挺满意的"), or one as its first clause ("5分,师傅很及时": the rest is the comment; a
    phrase keeps the whole answer as it). A comment naming a rating among other words ("师傅态度还行")
    is a comment. The new score and the comment; None when it does not rate again."""
    score = _rating_alone(kit, text)
    if score is not None:
        return score, ""
    parts = _CLAUSE_END.split(text.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[1].strip():
        return None
    numeric = _score(kit, parts[0])
    if numeric is not None:
        return numeric, parts[1].strip()
    score = _rating_alone(kit, parts[0])
    return None if score is None else (score, text.strip())


def _rating_alone(kit: FlowKit, text: str) -> int | None:
    """The score of an answer that is only a rating, said as a number or in words, with ``rating_words``."""
    score = _score(kit, text)
    if score is not None:
        return score
    score, comment = _said_in_words(kit, text, _folded(kit, text))
    return None if comment else score


def rating_phrase_scores(phrases: Mapping[int, Sequence[str]]) -> dict[str, int]:
    """``followups.rating_phrases`` as :func:`words_pattern` finds them (folded) → their score."""
    return {normalise(phrase): score for score, said in phrases.items() for phrase in said if normalise(phrase)}


def _said_in_words(kit: FlowKit, text: str, said: str) -> tuple[int | None, str]:
    """A rating said in words (``followups.rating_phrases``: "挺满意的" 4, "一般般吧" 3), the
    longest phrase found deciding, the lower score of two as long ("师傅态度还行 不太满意" is 2,
    not 3); the whole answer is the comment when it says more."""
    found = list(kit.rating_phrases.finditer(said)) if kit.rating_phrases is not None else []
    if not found:
        return None, ""
    scores = kit.rating_phrase_scores
    best = max(found, key=lambda match: (len(match.group()), -scores[match.group()]))
    rest = f"{said[: best.start()]} {said[best.end() :]}"
    return scores[best.group()], text.strip() if _says_more(kit, rest) else ""


def _says_more(kit: FlowKit, rest: str) -> bool:
    """Whether what an answer says beside its rating phrase is a comment: its pieces that are not
    only ``rating_words`` ("吧", "的啊") hold enough characters, counted whole, since a rating
    word is often part of a comment's word ("就是太慢了")."""
    told = 0
    for piece in _CHUNK_END.split(rest):
        stripped = kit.rating_words.sub("", piece) if kit.rating_words else piece
        if any(char.isalnum() for char in stripped):
            told += sum(1 for char in piece if char.isalnum())
    return told >= _COMMENT_MIN_CHARS


def _score(kit: FlowKit, text: str) -> int | None:
    """The one 1–5 score of an answer made of it and ``rating_words`` only ("5", "5分",
    "打五分吧", "4 stars"); None for anything else ("等了两天")."""
    rest = kit.rating_words.sub(" ", _folded(kit, text)) if kit.rating_words else _folded(kit, text)
    return _RATINGS.get("".join(char for char in rest if char.isalnum()))


def _folded(kit: FlowKit, text: str) -> str:
    """``text`` as a rating is read: as keywords are matched (simplified, Cantonese read as the
    Mandarin it means: "給3分吧" is 给3分吧, "唔滿意" 不满意), then without its trailing punctuation."""
    return normalise(kit.understander.matchable(text))


def on_callback_timer(turn: Turn, kind: TimerKind) -> None:
    """The callback's timers: the question is due, or its answer window ended."""
    state = turn.step.state
    if kind is TimerKind.SATISFACTION_CALLBACK and state is State.RESOLVED:
        ask_rating(turn)
    elif kind is TimerKind.SATISFACTION_TIMEOUT and state in (State.AWAIT_RATING, State.AWAIT_COMMENT):
        rating, turn.step.data.rating = turn.step.data.rating, None
        if rating is not None:
            turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=None, resolved=True)
        turn.say(PhraseId.SATISFACTION_UNANSWERED)
        close(turn, "callback_unanswered" if rating is None else "satisfaction_recorded")


def words_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """Any of ``words`` (folded), longest first; Latin words only as whole words."""
    folded = sorted({normalise(word) for word in words if normalise(word)}, key=len, reverse=True)
    if not folded:
        return None
    parts = [rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() else re.escape(word) for word in folded]
    return re.compile("|".join(parts))


def _score_given_with(kit: FlowKit, text: str) -> int | None:
    """A score given as the first clause of a message that says more ("2分，根本没解决", "1 star,
    still not fixed"), or leading it ("2分根本没解决"); None without one ("等了两天还是没修好")."""
    parts = _CLAUSE_END.split(text.strip(), maxsplit=1)
    if len(parts) == 2 and parts[1].strip():
        score = _score(kit, parts[0])
        if score is not None:
            return score
    leading = _LEADING_SCORE.match(_folded(kit, text))
    return _RATINGS[leading.group(1)] if leading is not None else None


class _Told(Enum):
    AGAIN = "again"
    """The resolved problem is back."""
    NEW = "new"
    """Another problem: a new case."""


_WITH_AGAIN = frozenset({Intent.COMPLAINT, Intent.CORRECTION, Intent.STATUS_QUERY})
"""Intents a message saying the problem is back may have beside ``again_words`` ("怎么又开始了")."""


def _told_after_resolution(turn: Turn, text: str) -> _Told | None:
    """While the rating is pending (before or at the question), a message that is no rating may
    tell a problem: another one (``new_problem_words``, or a complaint about another category or
    other things than the resolved case) or the resolved one back (``again_words``, or a complaint
    about it). A complaint about how the case was handled (``handling_categories``) is neither."""
    understood = turn.understood
    if understood is None or turn.step.state is State.AWAIT_COMMENT:
        return None
    before_the_question = turn.step.state is State.RESOLVED  # words are no rating yet ("还行吧 另外…")
    if _numbered_score(turn.kit, text) if before_the_question else _rating_and_comment(turn.kit, text)[0] is not None:
        return None
    followups = turn.kit.config.followups
    intents = turn.intents
    complaint = Intent.COMPLAINT in intents
    told = description_text(turn.step.data)
    if complaint and turn.says_any(text, followups.new_problem_words):
        return _Told.NEW
    if complaint and same_matter(turn, understood, told):
        return _Told.AGAIN  # "公摊费凭什么收我的" after 多收了公摊费: the result disputed
    if complaint and is_another_problem(turn, understood, told):
        return _Told.NEW
    if turn.says_any(text, followups.again_words) and intents <= _WITH_AGAIN and not _asks_for_us(turn, text):
        return _Told.AGAIN
    before = turn.kit.understander.understand(told, turn.locale).category if told else None
    # "保安还在骂人" after a complaint about that guard is the problem back, not about the handling.
    about_handling = understood.category in followups.handling_categories and understood.category != before
    if complaint and Intent.STATUS_QUERY not in intents and not about_handling:
        return _Told.AGAIN  # the resolved problem told again ("广场舞还在跳"): not fixed
    return None


def _new_complaint(turn: Turn, text: str) -> None:
    """Another problem told after the resolution: a new case, taken down as a first one is (the
    form: what is missing asked, then restated, promised and handed off). The callback is dropped;
    the new case's own resolution asks for a rating again. The contact and the customer's name are
    kept, and the place unless the message names another one."""
    _start_a_new_case(turn)
    on_description(turn, text)
    if turn.step.state in COLLECTING:
        turn.arm_idle()


def _start_a_new_case(turn: Turn) -> None:
    """The callback dropped for a new case: the contact and the customer's name kept, and the
    place unless the message names another one."""
    old = turn.step.data
    for kind in list(old.timers):
        turn.cancel(kind)
    # Kept until the new case is registered: "不是新问题，就是刚才那个" takes the customer back to it.
    turn.step.data = old.for_a_new_case(_RESOLVED_CASE, keep_place=turn.area is None)
    turn.step.state = State.AWAIT_DESCRIPTION
    if turn.understood is not None:
        keep_slots(turn, turn.understood)


def back_to_the_resolved_case(turn: Turn, text: str) -> bool:
    """While a new case started at the callback is still being taken down, the customer says it
    is the resolved one, not solved ("不对，不是新问题，就是刚才那个公摊费，你们根本没解决", "没解决",
    ``followups.same_case_words``): the new form is dropped and the resolved case reopened.
    True if handled."""
    data = turn.step.data
    kept = data.extra.get(_RESOLVED_CASE)
    if not isinstance(kept, dict) or data.case_number is not None:
        return False
    followups = turn.kit.config.followups
    if Intent.NOT_RESOLVED not in turn.intents and not turn.says_any(text, followups.same_case_words):
        return False
    for kind in list(data.timers):
        turn.cancel(kind)
    resolved = FlowData.from_json(kept)
    resolved.timer_seq = max(resolved.timer_seq, data.timer_seq)
    resolved.timers = {}
    turn.step.data = resolved
    turn.step.state = State.AWAIT_RATING
    _reopen(turn, text)
    return True


_RESOLVED_CASE = "resolved_case"
"""``FlowData.extra`` key: the resolved case's data while a new case told at its callback is taken down."""


def _ask_again_or_pass_on(turn: Turn, out_of_range: bool = False) -> None:
    """A message the callback cannot place hears the rating question, up to
    ``followups.rating_reasks`` times; the next is recorded and passed to the staff: the
    conversation waits in the queue again, never in a loop of the same question.

    The whole question is said once (at once, when the customer wrote before it was due); asked
    again, it is short (``satisfaction_rating_reask``; only the range for a score out of range,
    "10分"), and never the words said just before ("嗯" then "？": the short question, then the range)."""
    data = turn.step.data
    if data.callback_reasks >= turn.kit.config.followups.rating_reasks:
        data.callback_reasks, data.rating = 0, None
        data.extra.pop(_LAST_ASKED, None)
        turn.say(PhraseId.MESSAGE_RECORDED)
        open_ticket(turn, None, GENERAL_QUEUE, 1, TicketReason.AFTER_RESOLUTION)
        return
    data.callback_reasks += 1
    if turn.step.state is State.RESOLVED and _LAST_ASKED not in data.extra:
        ask_rating(turn)  # "你好" before the callback was due: the question, whole, the first time
        return
    shorter = [PhraseId.SATISFACTION_RATING_REASK, PhraseId.SATISFACTION_RATING_RANGE]
    if out_of_range:
        shorter.reverse()
    phrase = next(phrase for phrase in shorter if phrase.value != data.extra.get(_LAST_ASKED))
    turn.cancel(TimerKind.SATISFACTION_CALLBACK)
    turn.say(phrase, options=tuple(Option(label=str(score), value=str(score)) for score in _SCORES))
    data.extra[_LAST_ASKED] = phrase.value
    turn.step.state = State.AWAIT_RATING
    turn.arm(TimerKind.SATISFACTION_TIMEOUT, turn.kit.config.followups.answer_window)


_LAST_ASKED = "rating_asked"
"""``FlowData.extra`` key: the phrase the rating was last asked with, never said twice in a row."""
