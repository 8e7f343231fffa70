"""The kinds of timeline rows (``timeline_events.kind``): every writer names one of these.

The stored value is the member's string. The agent console labels each kind
(``EVENT_NAMES`` in ``bot/web/static/console.js``); a test keeps the two in step.
"""

from __future__ import annotations

from enum import StrEnum


class TimelineKind(StrEnum):
    # The complaint flow (actor "bot"), one per step it takes.
    GREETED = "greeted"
    SIGNALS_DETECTED = "signals_detected"
    MODEL_SUGGESTED = "model_suggested"
    """The optional model found signals or intents nothing in the customer's words hints at: shown,
    not acted on (``model_trust``)."""
    SIDE_THANKS = "side_thanks"
    SIDE_GOODBYE = "side_goodbye"
    SIDE_APOLOGY = "side_apology"
    SIDE_SUGGESTION = "side_suggestion"
    SIDE_OUT_OF_SCOPE = "side_out_of_scope"
    SIDE_PRAISE = "side_praise"
    FAQ_ANSWERED = "faq_answered"
    CONSULTATION_ASKED = "consultation_asked"
    DESCRIPTION_RECEIVED = "description_received"
    CONTACT_RECEIVED = "contact_received"
    ALTERNATIVE_CONTACT_RECEIVED = "alternative_contact_received"
    AREA_RECEIVED = "area_received"
    RESTATED = "restated"
    RESTATEMENT_REJECTED = "restatement_rejected"
    CORRECTED = "corrected"
    CONFIRMED = "confirmed"
    CONFIRMATION_UNCLEAR = "confirmation_unclear"
    CLASSIFIED = "classified"
    PROMISED = "promised"
    # Handed to the duty supervisor before the phone or the place was known: the case's reply time is
    # set (and tracked) at once, and said once they are (``promised``).
    DEADLINE_SET = "deadline_set"
    HANDED_OFF = "handed_off"
    ESCALATED = "escalated"
    MESSAGE_AFTER_HANDOFF = "message_after_handoff"
    WITHDRAWN_AFTER_HANDOFF = "withdrawn_after_handoff"
    WITHDRAWAL_TAKEN_BACK = "withdrawal_taken_back"
    IDLE_PROMPTED = "idle_prompted"
    FORM_RESUMED = "form_resumed"
    HARASSMENT_WARNED = "harassment_warned"
    CLOSED = "closed"
    CALLBACK_SCHEDULED = "callback_scheduled"
    CALLBACK_ASKED = "callback_asked"
    RATED = "rated"
    REOPENED_BY_CUSTOMER = "reopened_by_customer"
    LOCALE_SWITCHED = "locale_switched"
    # issue 12 item 1: a status question answered (detail: case number, stage).
    STATUS_TOLD = "status_told"
    # issue 12 item 3: a repeat linked to the open case (申诉); on the case's own conversation too.
    APPEAL_LINKED = "appeal_linked"
    APPEAL_RECEIVED = "appeal_received"
    SAME_PHONE_OPEN_CASE = "same_phone_open_case"
    # A case number named by a writer not known as its customer: its contact phone's last digits
    # asked for (detail "case_number") and checked ("confirmed"); not confirmed, the case's own
    # timeline gets the mention (detail: the words, the conversation and channel they came from).
    CASE_PHONE_ASKED = "case_phone_asked"
    CASE_PHONE_CHECKED = "case_phone_checked"
    UNVERIFIED_CASE_MENTION = "unverified_case_mention"
    # On the case's own timeline: its check took ``case_check.misses_per_case`` wrong answers within
    # the window (detail "case_number", "failures", "window_hours", "until_at"); every answer is
    # refused until then, and its handler and the supervisors are notified (``case_check_locked``).
    CASE_CHECK_LOCKED = "case_check_locked"
    # A new case naming a resolved one by its number (detail "case_number"): it follows that case.
    FOLLOWS_CASE = "follows_case"
    # Another problem told after the hand-off, of another category or place (detail "case_number":
    # the case still with the staff): taken down as a case of its own; dropped, given up or left
    # before it was registered (detail "reason"), the conversation goes back to that case.
    ANOTHER_CASE_STARTED = "another_case_started"
    ANOTHER_PROBLEM_DROPPED = "another_problem_dropped"
    ESCALATION_PHONE_ASKED = "escalation_phone_asked"
    # issue 12 item 5 (the form): a refused phone; the channel identity as the contact.
    PHONE_REFUSED = "phone_refused"
    CONTACT_BY_CHANNEL = "contact_by_channel"
    # The pipeline: an agent took the conversation over before the bot's replies were saved.
    BOT_REPLY_DROPPED = "bot_reply_dropped"
    # The manager rules (actor "rules").
    ROUTED = "routed"
    ROUTED_TO_PREVIOUS_OWNER = "routed_to_previous_owner"
    # One of more than ``cases_per_address`` cases from one client address within the window (detail
    # "cases", "window_minutes"): queued behind every other ticket, no rule notifications.
    MANY_CASES_FROM_ADDRESS = "many_cases_from_address"
    # Case timers and the promise's follow-ups.
    DEADLINE_REMINDER = "deadline_reminder"
    WAITING_APOLOGY = "waiting_apology"
    DEADLINE_BREACHED = "deadline_breached"
    DEADLINE_EXTENDED = "deadline_extended"
    PROGRESS_FOLLOW_UP = "progress_follow_up"
    CUSTOMER_CONFIRMED = "customer_confirmed"
    REOPENED = "reopened"
    # Staff actions.
    CLAIMED = "claimed"
    AGENT_REPLIED = "agent_replied"
    NOTE = "note"
    TRANSFERRED = "transferred"
    RESOLVED = "resolved"
    # Some of the conversation's cases resolved, another still open (detail "case_number",
    # "summary", "open_cases", "message_id"); the conversation stays with its agent.
    CASE_RESOLVED = "case_resolved"
    # A supervisor or manager set the customer's tier (detail "previous_tier", "tier", "username").
    CUSTOMER_TIER_CHANGED = "customer_tier_changed"
    # Staff corrected the case's form (detail "case_number", "changes": [{"field", "from", "to"}],
    # "username"): the old value stays readable, nothing is overwritten unseen.
    COMPLAINT_CORRECTED = "complaint_corrected"
    # SMS opt-out (回复TD退订; actor "customer"): the number opted out, back in (detail "by":
    # "word" or "message"); a message not sent to a number that opted out (actor "worker").
    SMS_OPTED_OUT = "sms_opted_out"
    SMS_OPTED_IN = "sms_opted_in"
    NOT_SENT_OPTED_OUT = "not_sent_opted_out"
    # Deliveries (actor "worker").
    DELIVERY_FALLBACK = "delivery_fallback"
    DELIVERY_FAILED = "delivery_failed"
    POSSIBLY_DUPLICATED = "possibly_duplicated"


__all__ = ["TimelineKind"]
