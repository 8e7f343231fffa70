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
    APPEAL = "appeal"
    TRANSFER = "transfer"
    AFTER_RESOLUTION = "after_resolution"
    """The customer wrote again after the case was resolved, with something the satisfaction
    callback could not place (no rating, no new complaint, not the problem back)."""
