"""What the complaint flow reads from storage and leaves for it to store: plain records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.config import Grade
from bot.core.ticket_reason import TicketReason
from bot.flows.data import TimerKind


class State(StrEnum):
    NEW = "new"
    AWAIT_DESCRIPTION = "await_description"
    AWAIT_PHONE = "await_phone"
    AWAIT_AREA = "await_area"
    CONFIRMING = "confirming"
    CHOOSE_CORRECTION = "choose_correction"
    CORRECT_DESCRIPTION = "correct_description"
    CORRECT_PHONE = "correct_phone"
    CORRECT_AREA = "correct_area"
    HANDED_OFF = "handed_off"
    RESOLVED = "resolved"
    AWAIT_RATING = "await_rating"
    AWAIT_COMMENT = "await_comment"
    CLOSED = "closed"


# issue 12 item 1 (status after hand-off): where a handed-off case stands.
class CaseStage(StrEnum):
    WAITING = "waiting"
    """In a queue, waiting for an agent to take it."""
    WITH_AGENT = "with_agent"
    """An agent owns the conversation."""
    RESOLVED = "resolved"


COLLECTING = frozenset(
    {
        State.NEW,
        State.AWAIT_DESCRIPTION,
        State.AWAIT_PHONE,
        State.AWAIT_AREA,
        State.CONFIRMING,
        State.CHOOSE_CORRECTION,
        State.CORRECT_DESCRIPTION,
        State.CORRECT_PHONE,
        State.CORRECT_AREA,
    }
)
"""The states that collect the complaint (before the hand-off); an open case of the customer's
matters to them (greeting, status question, appeal)."""


@dataclass(frozen=True, slots=True)
class CaseStatus:
    """Where a handed-off case stands, as storage found it when the batch was loaded: what a
    status question is answered with (seed 000 四(五)2)."""

    stage: CaseStage
    case_number: str | None = None
    """None when the customer asked for a person before describing a problem."""
    deadline_at: dt.datetime | None = None
    """The deadline in force (an extension moved it)."""
    extended: bool = False
    """A supervisor extended the deadline first promised."""
    agent_name: str | None = None
    """The owning agent's display name, when the stage is ``WITH_AGENT`` and they have one."""
    queue_position: int | None = None
    """While waiting: the position in the ticket's queue last announced to the customer."""
    with_supervisor: bool = False
    """While waiting: its ticket waits for the duty supervisor (an appeal, a threat, a leader asked
    for, danger: ``WITH_THE_DUTY_SUPERVISOR``), whichever conversation raised it."""
    area: str | None = None
    """The case's place; for a case named by its number, only when it is the customer's own."""
    customer_id: int | None = None
    """Whose case it is (storage's id), for storage to tell whether its place may be shown."""
    own: bool = False
    """For a case named by its number: the writer is provably its customer (the same customer, or
    the phone the writer's channel vouches for is the case's contact phone)."""
    phone_tail: str | None = None
    """For a case named by its number that is not ``own``: the last 8 digits of its contact phone
    (the whole of a shorter one), which whoever writes must give before acting on it, so that an agent
    seeing it masked (138****5678) cannot; never said. None when it has no phone, or
    when its check takes no more answers (``CaseCheckBudget``): any answer then misses."""
    category: str | None = None
    """For a case among ``CustomerView.open_cases``: what it is about, to tell which of the
    customer's cases a question names ("漏水的那个呢")."""
    problem: str | None = None
    """For a case among ``CustomerView.open_cases``: the problem as recorded, for the same."""
    resolved_at: dt.datetime | None = None
    """For a case among ``CustomerView.resolved_cases``: when it was resolved."""
    once_proven: CaseStatus | None = None
    """For a case named by its number that is not ``own``: the case whole (its place, category and
    problem, kept out of this one), acted on only once the writer gives its phone in this very
    message (:func:`bot.flows.case_check.proven_status`), as later messages load it."""


@dataclass(frozen=True, slots=True)
class OpenCase:
    """A complaint of the customer's, from another conversation, still waiting for its answer."""

    case_number: str
    deadline_at: dt.datetime
    status: CaseStatus | None = None
    """Where it stands (None when storage did not look: the greeting needs only the number and time)."""
    category: str | None = None
    """What the case is about, to tell a repeat of it (an appeal) from a new problem."""
    by_typed_phone: bool = False
    """Another customer's case, found by a phone typed in this conversation: nothing shows the
    phone is theirs, so its number, deadline and status are not told (the supervisor who calls
    that phone checks)."""


@dataclass(frozen=True, slots=True)
class CustomerView:
    surname: str | None = None
    title: str | None = None
    tier: str = "standard"
    phone: str | None = None
    phone_vouched: bool = False
    """The channel vouches for ``phone`` (an SMS sender's number): it tells who writes."""
    prior_categories: frozenset[str] = frozenset()
    open_case: OpenCase | None = None
    """The newest open case of the customer's (with those whose contact phone is the number their
    channel vouches for, an SMS sender's, whoever filed them), or of anyone known by a phone this
    conversation has (an SMS sender's number, a phone typed in web chat), or the case proven theirs
    here by its phone's last digits."""
    this_case: CaseStatus | None = None
    """This conversation's own hand-off, once it has one (loaded for handed-off conversations)."""
    named_cases: tuple[CaseStatus, ...] = ()
    """The cases whose numbers the customer's new messages give ("我的投诉TS2026…怎么样了"), from
    any conversation: a case number is told only to whoever filed the case."""
    open_cases: tuple[CaseStatus, ...] = ()
    """Every unresolved case of the customer's own (this conversation's and any other's, and any
    whose contact phone is the number their channel vouches for; never one found by a typed
    phone), oldest first, when there are two or more: a status question hears of
    each, or of the one it names (empty with one case or none: ``open_case``/``this_case`` tell it).
    A case of another customer's proven the writer's here by its phone's digits
    (``FlowData.case_proven``) is one of them, and their ``open_case`` when they have none."""
    proven_phone: str | None = None
    """The contact phone of the case proven the writer's here by its phone's last digits: the one
    its staff call, so the writer's new case is not asked for one (restated masked, never whole)."""
    resolved_cases: tuple[CaseStatus, ...] = ()
    """The customer's own resolved cases whose conversations have closed, newest resolution first (loaded
    while a conversation takes a complaint): "没解决" in a new conversation reopens the one resolved
    within ``followups.reopen_within`` it is about, instead of filing a new complaint."""


@dataclass(frozen=True, slots=True)
class ComplaintRecord:
    case_number: str
    description: str
    contact_phone: str | None
    area: str | None
    category: str
    grade: Grade
    customer_tier: str
    signals: tuple[str, ...]
    confirmed: bool
    deadline_at: dt.datetime
    promised_hours: float
    counted_in_working_days: bool = False
    contact_by_channel: bool = False
    """The customer refused a phone: contact them through the conversation's channel."""
    says_hours: bool = False
    """The promise may say "within N hours" (the due time is N wall-clock hours away, rounded)."""
    # issue 14 (reports)
    district: str | None = None
    """The area's district as the understanding layer normalises it (海淀 → 海淀区); None when unknown."""
    customer_surname: str | None = None
    """The surname the customer confirmed (称呼), remembered on the customer record."""
    customer_title: str | None = None
    """``"male"`` or ``"female"`` when the honorific says it (王先生), else the record's own for the same surname."""
    alternative_phone: str | None = None
    """Another number to try when ``contact_phone`` does not answer (``FlowData.alternative_phone``)."""
    contact_extension: str | None = None
    """The extension to ask for at ``contact_phone``, a landline (``FlowData.phone_extension``)."""
    alternative_extension: str | None = None
    """The extension to ask for at ``alternative_phone`` (``FlowData.alternative_extension``)."""
    other_categories: tuple[str, ...] = ()
    problem: str | None = None
    """The problem as the restatement says it (``Complaint.problem``)."""
    """The categories of other problems the description tells, for the staff; ``category`` alone
    routes, promises and counts the case."""
    model_suggestions: tuple[str, ...] = ()
    """Signals and intents only the model found, not acted on: for the staff to judge."""


@dataclass(frozen=True, slots=True)
class HandoffRequest:
    queue: str
    priority: int
    reason: TicketReason
    named_case: str | None = None
    """A case the customer named by its number with it, not proven theirs (danger does not wait for
    the check, "TS2026… 煤气味很重"): its staff see it on the ticket's notice and timeline."""


@dataclass(frozen=True, slots=True)
class SupervisorTold:
    """An agent holds the case and the customer asked for a leader or threatened (the media, 12345,
    a lawyer, violence): the duty supervisor is told, the agent keeps the case (首问负责)."""

    reason: TicketReason
    signals: tuple[str, ...]
    text: str


class CaseWriter(StrEnum):
    """Why the flow takes a case of another conversation as the writer's: decided by the flow
    alone (storage records the verdict, it does not judge again)."""

    CUSTOMER = "customer"
    """Known as the case's customer: the same customer record, or the phone their channel vouches
    for is the case's contact phone (``CaseStatus.own``; the customer's open case on record)."""
    PHONE_CHECKED = "phone_checked"
    """Not known as its customer, the writer gave the last digits of its contact phone here."""


@dataclass(frozen=True, slots=True)
class AppealLink:
    """A repeat of an unanswered complaint (申诉, seed 003), to become part of the open case: the
    case keeps its deadline, and its ticket goes to the supervisor queue (reason "appeal")."""

    case_number: str
    description: str
    contact_phone: str | None
    escalation: HandoffRequest | None
    """Where the case's ticket goes: the supervisor queue, most urgent. None for a later message of
    the appealing conversation, which has no ticket of its own: it joins the case's timeline only."""
    writer: CaseWriter
    """Why the case is the writer's (the flow links no other)."""
    withdrawn: bool = False
    """The customer takes the case back from another conversation ("我之前的投诉不用处理了"): the
    case's timeline says so (``withdrawn_after_handoff``) for the staff in charge to close it."""


@dataclass(frozen=True, slots=True)
class UnverifiedMention:
    """A case named by someone who could not be confirmed as its customer: its timeline shows the
    words for its staff; the case itself (ticket, promises, contact) is left as it was."""

    case_number: str
    text: str


@dataclass(frozen=True, slots=True)
class CaseContact:
    """A contact phone or a place given after the case was recorded (for the supervisor's call,
    and where to go: a gas leak handed over at once has no place yet)."""

    case_number: str
    phone: str | None
    replaces: bool = False
    """The customer corrected the phone the case has ("电话留错了，应该是…"): it is replaced."""
    alternative: bool = False
    """``phone`` is a number to try too ("打不通就打我老婆的139…"): the case's alternative phone."""
    extension: str | None = None
    """The extension typed after ``phone``, a landline's: the case's with the phone it comes with (the
    alternative's, for an alternative)."""
    area: str | None = None
    """A place for a case without one."""
    area_replaces: bool = False
    """The customer corrected the case's place ("地址改一下：阳光花园5栋"): it is replaced."""
    district: str | None = None
    """The place's district, as the complaint's own is (for the reports by area)."""
    more_of_the_problem: str | None = None
    """More of the problem, told after the case was recorded: added to its description."""
    another_category: str | None = None
    """The category of another problem told after the case was recorded: one of its other categories."""
    surname: str | None = None
    """The customer's surname told with the phone after the case was recorded ("我姓李 电话…"), for a
    customer known by none."""
    title: str | None = None
    """"male" or "female", with the surname."""
    more_signals: tuple[str, ...] = ()
    """Signals the customer told of themselves after the case was recorded ("我73岁了": elder): added to the case's."""
    confirmed: bool = False
    """The customer said yes to the restatement of a case recorded before it (an emergency's, a
    threat's: the supervisor has it at once): the case is no longer unconfirmed."""


@dataclass(frozen=True, slots=True)
class EscalatedDeadline:
    """A case already handed off, escalated now (a threat on it): its reply time brought forward to
    the escalation's (``deadlines.yaml``, counted from now) when that is sooner than the one in
    force, or that one has passed; the case's timers are armed for it."""

    case_number: str
    deadline_at: dt.datetime
    signals: tuple[str, ...]
    """The case's signals now, the escalation's among them: its extensions count on their clock."""
    grade: Grade | None = None
    """The case's grade with those signals: complex raises a simple case's ("这都第三次了" after the
    hand-off is a repeat, graded complex as a repeat told with the problem is); never lowered."""
    appealed: bool = False
    """The case of another conversation, joined by this one's appeal (proven the writer's)."""
    taken_back: bool = False
    """A withdrawal taken back: the case's timers are armed again though its time stays."""


@dataclass(frozen=True, slots=True)
class TimerChange:
    kind: TimerKind
    token: int
    due_at: dt.datetime | None
    """None cancels the timer."""


@dataclass(frozen=True, slots=True)
class SatisfactionRecord:
    """The customer's answer to the satisfaction callback; the pipeline stores it with the
    channel (method), the person ("bot") and the time."""

    rating: int | None
    comment: str | None
    resolved: bool
    """False: the customer says the problem is not resolved, and the case goes back to its owner."""
    case_number: str | None = None
    """The case rated, when the same step may register another one (a new case told in the comment);
    None: the conversation's latest case."""
