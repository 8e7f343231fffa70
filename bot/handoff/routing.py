"""Applying the manager rules when the bot hands a conversation off to a person.

Runs inside the pipeline's processing transaction, where the engine asked for a ticket: it
gathers the facts (the complaint, the channel, the customer's tier, signals, business hours,
repeat complaint), lets :func:`bot.rules.decide` choose, opens or raises the ticket with
the decided queue and priority, sends the notifications, and, for first-contact ownership
(首问负责), gives the conversation straight to the agent who owned the customer's previous case.
What it wrote for the timeline and the staff events to publish after the commit come back.
A rule never makes the engine's most urgent request (P0: danger, threats, a supervisor asked
for) less urgent: "复杂投诉优先处理" (P1) does not delay the duty supervisor.

One client address filing more than ``channels.webchat.cases_per_address`` cases within
``cases_window_minutes`` (hundreds of anonymous sessions filing the same complaint) cannot push
everyone else back: each case beyond is still opened and answered, but held back behind every
other ticket (``HELD_BACK_PRIORITY``), marked on its timeline for the staff, and notifies nobody.
A P0 request is never held back: whoever is in danger is heard first; nor is an elder's, nor that
of someone ill (``webchat.never_held_back``), told before or after the hand-off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.config import ServiceConfig, Signal
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Step
from bot.flows.deadline import BusinessCalendar
from bot.flows.records import HandoffRequest
from bot.handoff.queue import HELD_BACK_PRIORITY
from bot.handoff.rulebook import RuleBook
from bot.rules import RoutingDecision, RoutingFacts, decide
from bot.storage import routing as routing_store
from bot.storage import store
from bot.storage.models import HandoffTicket
from bot.storage.notifications import SUPERVISORS, amend_notice, notices_of_case, notify, user_audience
from bot.storage.origins import cases_from_origin, origin_of, urgent_from_origin

AGENT_PREFIX = routing_store.AGENT_PREFIX
ACCOUNT_MANAGER_AUDIENCE = SUPERVISORS
"""There is no account-manager role: the supervisors get these, marked ``{"for": "account_manager"}``."""


@dataclass(slots=True)
class Routed:
    """What a handoff wrote besides the ticket: timeline rows and events for after the commit."""

    ticket_id: int
    queue: str
    priority: int
    timeline: list[dict[str, Any]] = field(default_factory=list)
    events: list[StaffEvent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _ComplaintFacts:
    case_number: str | None
    category: str | None
    grade: str | None
    signals: frozenset[str]
    text: str


class HandoffRouter:
    """One per process (the pipeline's); holds the cached rule book."""

    def __init__(self, config: ServiceConfig, calendar: BusinessCalendar, rulebook: RuleBook | None = None) -> None:
        self._config = config
        self._calendar = calendar
        self.rulebook = rulebook if rulebook is not None else RuleBook(config.rules)

    def hand_off(
        self,
        session: Session,
        conversation: store.LoadedConversation,
        complaint_id: int | None,
        step: Step,
        now: dt.datetime,
    ) -> Routed:
        """Open (or raise) the conversation's ticket as the rules decide; see the module docstring."""
        request = step.handoff
        assert request is not None
        rules = self.rulebook.current(session, now)
        complaint = self._complaint_facts(session, conversation.id, complaint_id, step)
        facts = self._facts(session, conversation, complaint_id, complaint, now)
        decision = decide(facts, rules.rules)
        priority = _routed_priority(decision.priority, request.priority)
        # An urgent case is bound by the address's escalations alone (escalations_per_address); any
        # other by its cases, unless it tells of an elder, an illness or a danger (never_held_back).
        from_origin = (
            self._too_many_from_origin(session, conversation, complaint_id, priority, now)
            if priority == _MOST_URGENT or not self._never_held_back(complaint.signals)
            else None
        )
        routed_request = HandoffRequest(
            queue=decision.queue if decision.queue is not None else request.queue,
            priority=priority if from_origin is None else HELD_BACK_PRIORITY,
            reason=request.reason,
        )
        ticket_id = store.open_or_raise_ticket(session, conversation.id, complaint_id, routed_request, now)
        ticket = session.get(HandoffTicket, ticket_id)
        assert ticket is not None
        routed = Routed(ticket_id, ticket.queue, ticket.priority)
        # The queue event comes from the live queue once it has the ticket (LiveQueue.changed).
        routed.events.append(StaffEvent(StaffEventKind.CONVERSATION, (conversation.id,)))
        if decision.matched:
            routed.timeline.append(
                self._row(
                    conversation.id,
                    complaint_id,
                    TimelineKind.ROUTED,
                    now,
                    rules=list(decision.matched),
                    version=rules.version,
                    queue=ticket.queue,
                    priority=ticket.priority,
                    requested={"queue": request.queue, "priority": request.priority},
                    outside_business_hours=facts.outside_business_hours,
                    repeat_complaint=facts.repeat_complaint,
                )
            )
        if from_origin is not None:
            window = self._config.channels.webchat.cases_window_minutes
            routed.timeline.append(
                self._row(
                    conversation.id,
                    complaint_id,
                    TimelineKind.MANY_CASES_FROM_ADDRESS,
                    now,
                    cases=from_origin,
                    window_minutes=window,
                    priority=ticket.priority,
                )
            )
        else:
            named = {"named_case": request.named_case} if request.named_case is not None else {}
            self._notify(session, decision, conversation, complaint_id, complaint, ticket, named, now, routed)
        if decision.route_to_previous_owner:
            self._to_previous_owner(session, conversation, complaint_id, complaint, ticket, now, routed)
        return routed

    def reconsider(
        self, session: Session, conversation: store.LoadedConversation, complaint_id: int, now: dt.datetime
    ) -> Routed | None:
        """Signals told of after the hand-off, while the case waits for an agent ("我有高血压", "你们客服态度
        太差了"): the rules run again over the case as stored now, and its waiting ticket is raised to the
        priority they decide, as it would have been had they been told before the hand-off (never lowered,
        never moved to another queue; a case held back behind everyone else stays so, unless it is now an
        elder's, someone ill's or in danger: ``webchat.never_held_back``); the notices they ask for are sent as at a
        hand-off. None when no ticket of the case waits."""
        ticket = routing_store.waiting_ticket_of_case(session, conversation.id, complaint_id)
        stored = routing_store.complaint_for_handoff(session, conversation.id, complaint_id)
        if ticket is None or stored is None:
            return None
        rules = self.rulebook.current(session, now)
        complaint = _ComplaintFacts(
            stored.case_number, stored.category, stored.grade, frozenset(stored.signals or ()), stored.description
        )
        decision = decide(self._facts(session, conversation, complaint_id, complaint, now), rules.rules)
        routed = Routed(ticket.id, ticket.queue, ticket.priority)
        decided = decision.priority
        held_back = ticket.priority == HELD_BACK_PRIORITY and not self._never_held_back(complaint.signals)
        if decided is not None and decided < ticket.priority and not held_back:
            before = ticket.priority
            ticket.priority, ticket.queued_at = decided, now  # no time yet to claim it at this priority
            routed.priority = ticket.priority
            routed.events.append(StaffEvent(StaffEventKind.CONVERSATION, (conversation.id,)))
            routed.timeline.append(
                self._row(
                    conversation.id,
                    complaint_id,
                    TimelineKind.ROUTED,
                    now,
                    rules=list(decision.matched),
                    version=rules.version,
                    queue=ticket.queue,
                    priority=ticket.priority,
                    raised_from=before,
                    after_handoff=True,
                )
            )
        if ticket.priority != HELD_BACK_PRIORITY:
            self._notify(session, decision, conversation, complaint_id, complaint, ticket, {}, now, routed)
        return routed

    def _facts(
        self,
        session: Session,
        conversation: store.LoadedConversation,
        complaint_id: int | None,
        complaint: _ComplaintFacts,
        now: dt.datetime,
    ) -> RoutingFacts:
        """What the rules decide on for this case of the conversation, now."""
        return RoutingFacts(
            category=complaint.category,
            grade=complaint.grade,
            channel=conversation.channel,
            tier=conversation.customer.tier,
            signals=complaint.signals,
            text=complaint.text,
            outside_business_hours=not self._calendar.within_business_hours(now),
            repeat_complaint=Signal.REPEAT.value in complaint.signals
            or self._earlier_complaint(session, conversation, complaint_id, complaint.category),
        )

    def _never_held_back(self, signals: frozenset[str]) -> bool:
        """An elder, someone ill or in danger (``webchat.never_held_back``): served in their turn, never
        behind every other customer for their address's many cases."""
        return any(signal.value in signals for signal in self._config.channels.webchat.never_held_back)

    # ------------------------------------------------------------------ facts

    def _complaint_facts(
        self, session: Session, conversation_id: int, complaint_id: int | None, step: Step
    ) -> _ComplaintFacts:
        # Signals detected after the complaint was recorded (a threat once handed off) live in the
        # flow data; the complaint row is the record for an escalation that did not rewrite it.
        flow_signals = frozenset(signal.value for signal in step.data.signals)
        flow_text = "\n".join(step.data.description)
        record = step.complaint
        if record is not None:
            return _ComplaintFacts(
                record.case_number,
                record.category,
                record.grade.value,
                frozenset(record.signals) | flow_signals,
                record.description or flow_text,
            )
        stored = routing_store.complaint_for_handoff(session, conversation_id, complaint_id)
        if stored is None:
            return _ComplaintFacts(None, None, None, flow_signals, flow_text)
        return _ComplaintFacts(
            stored.case_number,
            stored.category,
            stored.grade,
            frozenset(stored.signals or ()) | flow_signals,
            flow_text or stored.description,
        )

    def _too_many_from_origin(
        self,
        session: Session,
        conversation: store.LoadedConversation,
        complaint_id: int | None,
        priority: int,
        now: dt.datetime,
    ) -> int | None:
        """The cases filed from the conversation's origin (client address) within the window, this
        one included, when more than allowed; None otherwise or without an origin. An urgent one
        (danger, a leader asked for, a threat: anyone can type one, and each alerts the duty
        supervisors) counts the urgent cases of other conversations from the origin against
        ``escalations_per_address``; any other, every case against ``cases_per_address``."""
        if complaint_id is None:
            return None
        origin = origin_of(session, conversation.identity_id)
        if origin is None:
            return None
        limits = self._config.channels.webchat
        after = now - dt.timedelta(minutes=limits.cases_window_minutes)
        if priority == _MOST_URGENT:
            urgent = urgent_from_origin(session, origin, after, conversation.id) + 1
            return urgent if urgent > limits.escalations_per_address else None
        cases = cases_from_origin(session, origin, after)
        return cases if cases > limits.cases_per_address else None

    @staticmethod
    def _earlier_complaint(
        session: Session, conversation: store.LoadedConversation, complaint_id: int | None, category: str | None
    ) -> bool:
        """Whether the customer complained about the same category in an earlier conversation, or
        the case was linked at its filing to earlier ones (the same contact phone: ``repeat_of``)."""
        if category is None:
            return False
        return routing_store.complained_before(
            session, conversation.customer_id, category, conversation.id
        ) or routing_store.repeats_earlier(session, complaint_id)

    # ------------------------------------------------------------------ actions

    def _notify(
        self,
        session: Session,
        decision: RoutingDecision,
        conversation: store.LoadedConversation,
        complaint_id: int | None,
        complaint: _ComplaintFacts,
        ticket: HandoffTicket,
        named: dict[str, str],
        now: dt.datetime,
        routed: Routed,
    ) -> None:
        """``named``: the case the customer named, not proven theirs, when there is one."""
        ticket_id = ticket.id
        wanted = []
        if decision.notify_supervisor:
            wanted.append(("rule_supervisor", SUPERVISORS, {"for": "supervisor"}))
        if decision.notify_account_manager:
            wanted.append(("rule_account_manager", ACCOUNT_MANAGER_AUDIENCE, {"for": "account_manager"}))
        for kind, audience, extra in wanted:
            detail = {
                **extra,
                "rules": list(decision.matched),
                "case_number": complaint.case_number,
                "category": complaint.category,
                "tier": conversation.customer.tier,
                "queue": ticket.queue,
                "priority": ticket.priority,
                **named,
            }
            # One notice per case: handed off again (叫你们经理出来, then the complaint told, the
            # same minute), an unread notice of it says the rules and the case now known; a read
            # one stays, and only a rule not told yet notifies again.
            earlier = notices_of_case(session, kind, ticket_id, complaint_id)
            told = {str(rule) for notice in earlier for rule in (notice.detail or {}).get("rules") or ()}
            unread = next((notice for notice in reversed(earlier) if notice.read_at is None), None)
            before = (unread.detail or {}) if unread is not None else {}
            was = before.get("priority")
            raised = isinstance(was, int) and ticket.priority < was
            if unread is not None and raised and not set(decision.matched) <= told:
                # New rules make it more urgent: a new notice, dated now and naming the rules that
                # matched now, never the routine one made urgent under its old time and rules.
                unread = None
                earlier = []
            if unread is not None:
                rules = list(dict.fromkeys([*(before.get("rules") or ()), *decision.matched]))
                merged = {**detail, "rules": rules}
                merged["case_number"] = complaint.case_number or before.get("case_number")
                if raised:
                    # The ticket became urgent for a reason of its own (an appeal, a threat: told
                    # by their own urgent notice, with its time), not by these rules: the routine
                    # notice stays routine, as it was made, its case brought up to date.
                    merged["priority"], merged["queue"] = was, before.get("queue", merged["queue"])
                if merged != unread.detail:
                    routed.events.append(amend_notice(session, unread, merged, complaint_id))
                continue
            if earlier and set(decision.matched) <= told:
                continue
            digest = hashlib.sha1("\n".join(decision.matched).encode()).hexdigest()[:16]
            event = notify(
                session,
                kind,
                audience,
                now,
                conversation_id=conversation.id,
                complaint_id=complaint_id,
                ticket_id=ticket_id,
                detail=detail,
                dedupe_key=f"{kind}:{ticket_id}:{digest}",
            )
            if event is not None:
                routed.events.append(event)

    def _to_previous_owner(
        self,
        session: Session,
        conversation: store.LoadedConversation,
        complaint_id: int | None,
        complaint: _ComplaintFacts,
        ticket: HandoffTicket,
        now: dt.datetime,
        routed: Routed,
    ) -> None:
        """首问负责: the active agent who owned the customer's latest earlier case takes this one."""
        if ticket.status != "waiting":
            return
        agent = routing_store.previous_owner(session, conversation.customer_id, conversation.id)
        if agent is None or not agent.active:
            return
        owner = f"{AGENT_PREFIX}{agent.id}"
        moved = routing_store.move_if_version(session, conversation.id, conversation.ownership_version, owner)
        if not moved:
            return
        # Keep the in-memory copy in step, so the pipeline's save (which checks the version) succeeds
        # and the bot stays silent for the rest of the batch.
        conversation.owner, conversation.ownership_version = owner, conversation.ownership_version + 1
        routing_store.claim_for(session, ticket, agent.id, now)
        routed.timeline.append(
            self._row(
                conversation.id,
                complaint_id,
                TimelineKind.ROUTED_TO_PREVIOUS_OWNER,
                now,
                ticket_id=ticket.id,
                user_id=agent.id,
                username=agent.username,
            )
        )
        event = notify(
            session,
            "routed_to_you",
            user_audience(agent.id),
            now,
            conversation_id=conversation.id,
            complaint_id=complaint_id,
            ticket_id=ticket.id,
            detail={"case_number": complaint.case_number, "reason": "previous_owner"},
            dedupe_key=f"routed_to_previous_owner:{ticket.id}",
        )
        if event is not None:
            routed.events.append(event)

    @staticmethod
    def _row(
        conversation_id: int, complaint_id: int | None, kind: TimelineKind, now: dt.datetime, **detail: Any
    ) -> dict[str, Any]:
        return {
            "conversation_id": conversation_id,
            "complaint_id": complaint_id,
            "kind": kind,
            "actor": "rules",
            "detail": detail,
            "created_at": now,
        }


_MOST_URGENT = 0


def _routed_priority(decided: int | None, requested: int) -> int:
    return requested if decided is None or requested == _MOST_URGENT else decided
