"""Why a conversation waits for a person: the reason a handoff ticket carries (the agent console
names each one)."""

from __future__ import annotations

from enum import StrEnum


class TicketReason(StrEnum):
    COMPLAINT = "complaint"
    CONSULTATION = "consultation"
    CUSTOMER_REQUEST = "customer_request"
    SUPERVISOR_REQUESTED = "supervisor_requested"
    THREAT = "threat"
    DANGER = "danger"
    """Danger to life or property now, or talk of self-harm."""
    BEYOND_AUTHORITY = "beyond_authority"
    STAFF_ATTITUDE = "staff_attitude"
    """The customer complains of how our staff treat them while an agent holds the case ("你们客服说这是
    规定没办法，这是什么态度？"): told to the supervisors, never only to the agent complained of."""
    APPEAL = "appeal"
    TRANSFER = "transfer"
    AFTER_RESOLUTION = "after_resolution"
    """The customer wrote again after the case was resolved, with something the satisfaction
    callback could not place (no rating, no new complaint, not the problem back)."""


WITH_THE_DUTY_SUPERVISOR = frozenset(
    {TicketReason.APPEAL, TicketReason.THREAT, TicketReason.SUPERVISOR_REQUESTED, TicketReason.DANGER}
)
"""A case whose ticket waits for one of these waits for the duty supervisor, not an agent: its
status says so to whoever asks (the appealing chat, the case's own, another proven its customer's)."""
