"""Closing a conversation: idle (a prompt, then the close), harassment (a warning, then the
close), and a complaint the customer gives up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.config import Intent, PhraseId, Signal
from bot.core.case_numbers import case_numbers_in
from bot.core.timeline import TimelineKind
from bot.flows.asking import ask_current, yes_no_options
from bot.flows.case_check import (
    CaseCheckFor,
    appeal_link,
    ask_case_check,
    named_status,
    not_confirmed,
    proven,
    unproven_number,
)
from bot.flows.data import SET_ASIDE_CASE, FlowData, TimerKind
from bot.flows.records import COLLECTING, CaseStage, State
from bot.flows.slots import RESTATED, append_description
from bot.flows.summary import pauses
from bot.flows.turn import Turn

WITHDRAWN = "withdrawn_after_handoff"
"""``FlowData.extra`` key: the conversation's case given up after the hand-off (its number), which
the customer may take back (:mod:`bot.flows.taken_back`)."""

CLOSING_TIMERS = frozenset({TimerKind.IDLE_PROMPT, TimerKind.IDLE_CLOSE, TimerKind.HARASSMENT_CLOSE})


def on_harassment(turn: Turn) -> None:
    data = turn.step.data
    data.harassing = True
    warned_at = data.harassment_warned_at
    limit = dt.timedelta(seconds=turn.kit.config.timers.harassment_close_after)
    if warned_at is not None and turn.now - warned_at >= limit:
        turn.say(PhraseId.HARASSMENT_CLOSE)
        close(turn, "harassment")
        return
    turn.say(PhraseId.HARASSMENT_WARNING)
    turn.audit(TimelineKind.HARASSMENT_WARNED)
    # On the way to a close: no idle prompt after "请您关闭窗口".
    turn.cancel(TimerKind.IDLE_PROMPT)
    turn.cancel(TimerKind.IDLE_CLOSE)
    if warned_at is None:
        data.harassment_warned_at = turn.now
        turn.arm(TimerKind.HARASSMENT_CLOSE, turn.kit.config.timers.harassment_close_after)


def moved_on_from_harassment(turn: Turn) -> bool:
    """After a harassment warning, a message that is neither harassment nor abuse: a problem told
    ("好吧,我是想说楼道灯坏了"), danger, a person asked for, or any answer once a complaint is being
    taken, ends the way to the close (seed 001 (13)); chatter ("在吗") does not."""
    understood, data = turn.understood, turn.step.data
    if data.description:
        return True
    if understood is None:
        return False
    moving_on = {Intent.COMPLAINT, Intent.HUMAN, Intent.SUPERVISOR}
    return (
        understood.category is not None
        or bool(understood.intents & moving_on)
        or bool(understood.signals - {Signal.EMOTIONAL})
    )


def withdrew(turn: Turn, intents: frozenset[Intent], text: str) -> bool:
    """The customer gives the complaint up ("算了 不投诉了", "没事了") while it is being taken.
    Before anything is told, the conversation ends politely; a complaint already told is only
    dropped once they confirm (a protest, "谁说我不投诉了？", is no goodbye). No case is opened;
    what they said stays in its messages. A bare "算了" or "不用了" (a refusal too) gives up only
    what nothing was said of yet: answering the phone question it refuses the phone. A demand
    ("不用处理了，赔我五百块") is not given up, unless the matter is settled ("已经退给我了").
    True if handled."""
    if Intent.WITHDRAW not in intents:
        return False
    data = turn.step.data
    told = bool(data.description)
    if Intent.REFUSE_CONTACT in intents and (told or turn.step.state in (State.AWAIT_PHONE, State.CORRECT_PHONE)):
        return False
    signals = turn.understood.signals if turn.understood is not None else frozenset()
    if Signal.COMPENSATION in signals and not turn.says_any(text, turn.kit.form.settled_words):
        return False
    if not told:
        _withdrew_before_telling(turn, text)
        return True
    data.withdrawing = True
    data.recorded_at = None  # a question of its own: what answers it is answered, never heard out
    turn.say(PhraseId.WITHDRAW_CONFIRM, options=yes_no_options(turn))
    return True


def _withdrew_before_telling(turn: Turn, text: str) -> None:
    """Giving up before telling a problem: an earlier case of the customer's is taken back when
    one is known (the one the message names by number, else the open case on record): its staff
    are told on its timeline and the conversation ends, no case opened. Naming an earlier
    complaint ("我之前的投诉不用处理了") with none known here, the number is asked for; a plain
    "算了 不投诉了" is said goodbye to."""
    if _took_back_named_case(turn, text):
        return
    case_number = _own_case_taken_back(turn, text)
    if case_number is not None:
        withdraw_case(turn, case_number, text)
        return
    earlier = turn.says_any(text, turn.kit.form.earlier_complaint_words)
    if earlier or case_numbers_in(text, turn.kit.config.service.case_prefix):
        turn.step.data.withdrawing = True  # the number, answered, takes that case back
        turn.say(PhraseId.WITHDRAW_ASK_CASE_NUMBER, case_prefix=turn.kit.config.service.case_prefix)
        turn.step.state = State.AWAIT_DESCRIPTION
        return
    turn.say(PhraseId.WITHDRAWN)
    close(turn, "withdrawn")


def _took_back_named_case(turn: Turn, text: str) -> bool:
    """A case taken back by its number: the writer's own at once; any other number (another's
    case, or none's) only once the case's phone's digits are given (asked for here). True if handled."""
    named = _named_open_case(turn, text)
    if named is not None:
        withdraw_case(turn, named, text)
        return True
    number = unproven_number(turn)
    if number is None:
        return False
    if not ask_case_check(turn, number, CaseCheckFor.WITHDRAWAL, text):
        not_confirmed(turn, number, CaseCheckFor.WITHDRAWAL, text, exists=named_status(turn, number) is not None)
        turn.say(PhraseId.ANYTHING_ELSE)
    turn.step.state = State.AWAIT_DESCRIPTION
    return True


def _own_case_taken_back(turn: Turn, text: str) -> str | None:
    """The customer's open case on record, when the message takes an earlier complaint back."""
    case = turn.customer.open_case
    if case is None or case.by_typed_phone or not _names_an_earlier_complaint(turn, text):
        return None
    return case.case_number


def _named_open_case(turn: Turn, text: str) -> str | None:
    """The number of the unresolved case of the customer's (:func:`proven`) that ``text`` names,
    when storage found it."""
    said = case_numbers_in(text, turn.kit.config.service.case_prefix)
    return next(
        (
            case.case_number
            for case in turn.customer.named_cases
            if case.case_number in said and case.stage is not CaseStage.RESOLVED and proven(turn, case)
        ),
        None,
    )


def _names_an_earlier_complaint(turn: Turn, text: str) -> bool:
    """More than a bare "算了" or "不用了": a withdraw keyword ("撤销投诉"), a case number, or a
    complaint taken back (``complaint.withdrawal_together``: "帮我把投诉撤了")."""
    rule = turn.kit.config.classification.intents.get(Intent.WITHDRAW)
    if rule is not None and turn.says_any(text, [word for word in rule.keywords if word not in rule.whole_message]):
        return True
    if case_numbers_in(text, turn.kit.config.service.case_prefix):
        return True
    return _taken_back_together(turn, text)


def _taken_back_together(turn: Turn, text: str) -> bool:
    """``text`` has a word of every group of one ``complaint.withdrawal_together`` set ("帮我把投诉撤了",
    "我不要你们处理了")."""
    return any(
        all(turn.says_any(text, group) for group in groups)
        for groups in turn.kit.config.classification.complaint.withdrawal_together
    )


def withdraw_case(turn: Turn, case_number: str, text: str) -> None:
    """The customer takes back their case ``case_number`` of another conversation."""
    turn.step.appeal = appeal_link(turn, case_number, text, withdrawn=True)
    turn.audit(TimelineKind.WITHDRAWN_AFTER_HANDOFF, text=text, case_number=case_number)
    turn.say(PhraseId.WITHDRAWN_AFTER_HANDOFF)
    close(turn, "withdrawn")


def withdrew_after_hand_off(turn: Turn, intents: frozenset[Intent], text: str) -> bool:
    """After the hand-off, the customer no longer needs the case handled ("不用处理了 我自己找人
    修好了", "算了 不用了 已经修好了": settled, ``form.settled_words``): told that the staff in
    charge will close it, and the timeline says so for them. A bare "不用了" answers "还有什么可以
    帮您？" and gives nothing up. True if handled."""
    rule = turn.kit.config.classification.intents.get(Intent.WITHDRAW)
    if rule is None:
        return False
    settled = turn.says_any(text, turn.kit.form.settled_words)
    explicit = [word for word in rule.keywords if word not in rule.whole_message]
    if Intent.COMPLAINT in intents and not (settled and turn.says_any(text, explicit)):
        # "Actually it's fixed now, security towed the car. I want to withdraw my complaint.":
        # the problem told as settled, and the complaint taken back in so many words.
        return False
    # "算了 我不要你们处理了 我自己找人修": we are not wanted any more, in so many words.
    gives_up = Intent.WITHDRAW in intents and (turn.says_any(text, rule.keywords) or _taken_back_together(turn, text))
    if not (gives_up or (settled and turn.says_any(text, [*rule.keywords, *rule.whole_message]))):
        return False
    signals = turn.understood.signals if turn.understood is not None else frozenset()
    if Signal.COMPENSATION in signals and not settled:
        return False
    data = turn.step.data
    if data.appeal_of is not None:
        # The appealed case lives in another conversation: its staff are told there.
        turn.step.appeal = appeal_link(turn, data.appeal_of, text, withdrawn=True)
    elif data.case_number is not None:
        data.extra[WITHDRAWN] = data.case_number
    turn.audit(TimelineKind.WITHDRAWN_AFTER_HANDOFF, text=text)
    turn.say(PhraseId.WITHDRAWN_AFTER_HANDOFF)
    return True


def answered_withdrawal(turn: Turn, intents: frozenset[Intent], restate: Callable[[Turn], None]) -> bool:
    """The answer to "您确定不需要我们处理了吗？": a yes ends the conversation with no case, a no
    takes the complaint on where it was (what it tells beside goes into the problem, restated with
    ``restate`` when the summary was being confirmed); anything else is read as usual. True if handled."""
    data = turn.step.data
    if not data.withdrawing:
        return False
    data.withdrawing = False
    text = turn.understood.text if turn.understood is not None else ""
    if not data.description and _took_back_named_case(turn, text):
        # The number asked for ("请您告诉我要撤销的投诉编号"): that case is taken back (checked first
        # when it is not provably the customer's).
        return True
    if Intent.YES in intents and Intent.NO not in intents and Intent.COMPLAINT not in intents:
        turn.say(PhraseId.WITHDRAWN_NOT_FILED)
        close(turn, "withdrawn")
        return True
    if Intent.NO in intents and Intent.COMPLAINT not in intents and not turn.changed:
        ask_current(turn)
        return True
    if _takes_the_withdrawal_back(turn):
        more = _told_beside(turn, text)
        if not more:
            ask_current(turn)  # "不对 我还是要投诉": a no; the words are no more of the problem
            return True
        # "不行 还是要投诉 孩子的手缝了三针": what is told beside goes into the problem, read again
        # for its category and urgency when restated.
        append_description(turn, more)
        turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
        if turn.step.state in RESTATED:
            restate(turn)
        else:
            # "还是投诉吧 路灯坏了晚上黑漆漆的" at the phone question: said to be recorded, then asked again.
            turn.say(PhraseId.DESCRIPTION_RECORDED)
            data.recorded_at = turn.now
            ask_current(turn)
        return True
    return False


_ANSWER_ONLY = frozenset({Intent.NO, Intent.YES, Intent.NOT_RESOLVED, Intent.CORRECTION, Intent.REFUSE_CONTACT})
"""Intents of a pause that only answers "您确定不需要我们处理了吗？" ("不行" reads as a refusal, "不是")."""
_FEWEST_TOLD = 2
"""Letters of a pause that tell more than an answer."""


def _told_beside(turn: Turn, text: str) -> str:
    """The pauses of an answer taking a withdrawal back that tell more than it (neither
    ``form.keep_complaint_words`` nor only a no): "孩子的手缝了三针" of "不行 还是要投诉 孩子的手缝了三针"."""
    told: list[str] = []
    for part in pauses(text):
        if turn.says_any(part, turn.kit.form.keep_complaint_words):
            continue
        intents = turn.kit.understander.understand(part, turn.locale).intents
        if intents and intents <= _ANSWER_ONLY:
            continue
        if sum(1 for char in part if char.isalnum()) >= _FEWEST_TOLD:
            told.append(part.strip())
    return " ".join(told)


def _takes_the_withdrawal_back(turn: Turn) -> bool:
    """The answer says the complaint goes on (``form.keep_complaint_words``: "不对 我还是要投诉"), with
    or without more of the problem ("还是投诉吧 路灯坏了晚上黑漆漆的"), and gives no item (a phone or
    a place given is read as usual)."""
    understood = turn.understood
    if understood is None or turn.changed or Intent.WITHDRAW in understood.intents:
        return False  # "不要投诉了" holds 要投诉 and gives up all the same
    return turn.says_any(understood.text, turn.kit.form.keep_complaint_words)


def close(turn: Turn, reason: str) -> None:
    if back_to_the_open_case(turn, reason):
        return
    for kind in list(turn.step.data.timers):
        turn.cancel(kind)
    turn.step.state = State.CLOSED
    turn.step.close_reason = reason
    turn.audit(TimelineKind.CLOSED, reason=reason)


OPEN_CASE = SET_ASIDE_CASE
"""``FlowData.extra`` key: the data of the case still with the staff while another problem the
customer told after its hand-off is taken down as a case of its own."""


def back_to_the_open_case(turn: Turn, reason: str) -> bool:
    """Another problem's form given up or left (withdrawn, idle, goodbye) before it was registered:
    the conversation does not close, since the case told first is still with the staff; it goes
    back to that case. True if it did."""
    data = turn.step.data
    kept = data.extra.get(OPEN_CASE)
    if not isinstance(kept, dict) or data.case_number is not None:
        return False
    for kind in list(data.timers):
        turn.cancel(kind)
    case = FlowData.from_json(kept)
    case.timer_seq, case.timers = max(case.timer_seq, data.timer_seq), {}
    turn.step.data = case
    turn.step.state = State.HANDED_OFF
    turn.audit(TimelineKind.ANOTHER_PROBLEM_DROPPED, reason=reason, case_number=case.case_number)
    return True


def on_closing_timer(turn: Turn, kind: TimerKind) -> None:
    """One of ``CLOSING_TIMERS`` fired, still armed."""
    state = turn.step.state
    if kind is TimerKind.IDLE_PROMPT and state in COLLECTING:
        turn.say(PhraseId.IDLE_PROMPT)
        turn.audit(TimelineKind.IDLE_PROMPTED)
        turn.arm(TimerKind.IDLE_CLOSE, turn.kit.config.timers.idle_close_after)
    elif kind is TimerKind.IDLE_CLOSE and state in COLLECTING:
        if back_to_the_open_case(turn, "idle"):
            return  # another problem left untold: the conversation stays with the case told first
        turn.say(PhraseId.IDLE_CLOSE)
        close(turn, "idle")
    elif kind is TimerKind.HARASSMENT_CLOSE and turn.step.data.harassing:
        turn.say(PhraseId.HARASSMENT_CLOSE)
        close(turn, "harassment")
