"""The service configuration managers edit: phrases, rules, deadlines, timers, calendar.

Everything here is loaded from YAML files under ``config/`` and validated once at start-up.
A bad file stops start-up with :class:`ConfigError`, naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import graphlib
import string
import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.manager_patterns import MAX_PATTERN_CHARS, pattern_problem
from bot.core.messages import ChannelName, MenuAction, MenuChoice
from bot.core.ticket_reason import TicketReason
from bot.rules import RuleSet, Vocabulary, check_vocabulary


class ConfigError(Exception):
    """A configuration file is missing, unreadable or invalid."""


class Grade(StrEnum):
    SIMPLE = "simple"
    COMPLEX = "complex"


class Clock(StrEnum):
    """How the hours of an hour-based deadline are counted (``deadlines.yaml`` ``clock``)."""

    WALL = "wall"
    """Hours on the wall clock; a due time outside service hours moves to the next opening."""
    BUSINESS_HOURS = "business_hours"
    """Hours counted only within service hours on working days (nights, weekends and holidays skipped)."""
    AROUND_THE_CLOCK = "around_the_clock"
    """Hours on the wall clock at any hour, never moved into service hours: for what the duty staff
    answer at night and on holidays too (danger now)."""


class Signal(StrEnum):
    EMOTIONAL = "emotional"
    MEDIA_LEGAL = "media_legal"
    VIOLENCE = "violence"
    STAFF_ERROR = "staff_error"
    REPEAT = "repeat"
    ELDER = "elder"
    COMPENSATION = "compensation"
    PREPARED = "prepared"
    DANGER = "danger"
    """Danger to life or property now: gas, fire, someone trapped or hurt."""
    SELF_HARM = "self_harm"
    HEALTH = "health"
    """The customer (or one they speak for) is ill, disabled, pregnant or recovering: a vulnerable
    customer, served first as an elder is, whose condition is said back with the problem."""


class Intent(StrEnum):
    """Side intents recognised at any point of the conversation."""

    GREETING = "greeting"
    COMPLAINT = "complaint"
    STATUS_QUERY = "status_query"
    QUESTION = "question"
    PRAISE = "praise"
    THANKS = "thanks"
    APOLOGY = "apology"
    SUGGESTION = "suggestion"
    HUMAN = "human"
    SUPERVISOR = "supervisor"
    OUT_OF_SCOPE = "out_of_scope"
    HARASSMENT = "harassment"
    YES = "yes"
    NO = "no"
    REFUSE_CONTACT = "refuse_contact"
    CORRECTION = "correction"
    # issue 12 item 9 (callback): the resolved problem is not fixed
    NOT_RESOLVED = "not_resolved"
    # The customer gives the complaint up ("算了 不投诉了", "没事了", "never mind").
    WITHDRAW = "withdraw"
    # Taking leave once nothing more is needed ("再见", "拜拜", "没有了 谢谢").
    GOODBYE = "goodbye"


class PhraseId(StrEnum):
    """Every phrase the bot can say. Each locale file must define all of them."""

    GREETING_MORNING = "greeting_morning"
    GREETING_AFTERNOON = "greeting_afternoon"
    GREETING_EVENING = "greeting_evening"
    GREETING_OPENING = "greeting_opening"
    GREETING_KNOWN_CUSTOMER = "greeting_known_customer"
    INVITE_COMPLAINT = "invite_complaint"
    EMPATHY = "empathy"
    DESCRIPTION_RECORDED = "description_recorded"
    REPEAT_ACKNOWLEDGED = "repeat_acknowledged"
    ASK_PHONE = "ask_phone"
    INVALID_PHONE = "invalid_phone"
    PHONE_DIGIT_SHORT = "phone_digit_short"
    PHONE_DIGIT_LONG = "phone_digit_long"
    PHONE_PIECES_MORE = "phone_pieces_more"
    ASK_PHONE_NUMBER = "ask_phone_number"
    PHONE_NOT_KNOWN = "phone_not_known"
    PLACE_PIECES_MORE = "place_pieces_more"
    ASK_AREA = "ask_area"
    ASK_AREA_AGAIN = "ask_area_again"
    EXPLAIN_PHONE = "explain_phone"
    EXPLAIN_AREA = "explain_area"
    EXPLAIN_CONFIRM = "explain_confirm"
    ASK_ESTATE = "ask_estate"
    RESTATE = "restate"
    CONFIRM_QUESTION = "confirm_question"
    CONFIRM_QUESTION_AGAIN = "confirm_question_again"
    RESTATE_PHOTOS = "restate_photos"
    CONFIRM_UNCLEAR_HANDOFF = "confirm_unclear_handoff"
    ASK_CORRECTION = "ask_correction"
    RESTATED_CHECK = "restated_check"
    ASK_CORRECT_DESCRIPTION = "ask_correct_description"
    ASK_CORRECT_PHONE = "ask_correct_phone"
    ASK_CORRECT_AREA = "ask_correct_area"
    CONFIRMED_THANKS = "confirmed_thanks"
    PROMISE = "promise"
    PROMISE_BY_DATE = "promise_by_date"
    PROMISE_WITHIN_AN_HOUR = "promise_within_an_hour"
    PROMISE_MINUTES = "promise_minutes"
    PROMISE_URGENT = "promise_urgent"
    OPEN_CASE = "open_case"
    OPEN_CASE_OVERDUE = "open_case_overdue"
    OPEN_CASE_TAKING_MORE = "open_case_taking_more"
    OPEN_CASE_OVERDUE_TAKING_MORE = "open_case_overdue_taking_more"
    CASE_NUMBER = "case_number"
    HANDOFF_FOLLOW_UP = "handoff_follow_up"
    MESSAGE_RECORDED = "message_recorded"
    DESCRIBE_IN_WORDS = "describe_in_words"
    DESCRIBE_IN_WORDS_AGAIN = "describe_in_words_again"
    INVITE_COMPLAINT_AGAIN = "invite_complaint_again"
    OFFER_CALL_BACK = "offer_call_back"
    CALL_BACK_PROMISED = "call_back_promised"
    EDITS_NOT_READ = "edits_not_read"
    STALE_BUTTON = "stale_button"
    STAFF_ERROR_APOLOGY = "staff_error_apology"
    SUGGESTION_THANKS = "suggestion_thanks"
    CUSTOMER_APOLOGISED = "customer_apologised"
    CUSTOMER_THANKED = "customer_thanked"
    OUT_OF_SCOPE = "out_of_scope"
    HARASSMENT_WARNING = "harassment_warning"
    HARASSMENT_CLOSE = "harassment_close"
    HUMAN_REQUESTED = "human_requested"
    ESCALATED_SUPERVISOR = "escalated_supervisor"
    SAFETY_FIRST = "safety_first"
    SAFETY_ELECTRIC = "safety_electric"
    SAFETY_FIRE = "safety_fire"
    SAFETY_GAS = "safety_gas"
    SAFE_NOW_NOTED = "safe_now_noted"
    SAFETY_LIFT = "safety_lift"
    SAFETY_WATER = "safety_water"
    SAFETY_LOCKED_OUT = "safety_locked_out"
    SAFETY_LIFE_SUPPORT = "safety_life_support"
    SAFETY_INJURED = "safety_injured"
    SAFETY_CHILD = "safety_child"
    SAFETY_CHILD_WATER = "safety_child_water"
    SAFETY_CHILD_CAR = "safety_child_car"
    SAFETY_VIOLENCE = "safety_violence"
    SAFETY_MANHOLE = "safety_manhole"
    SELF_HARM_CARE = "self_harm_care"
    URGENT_HANDOFF = "urgent_handoff"
    URGENT_ASK_PLACE = "urgent_ask_place"
    URGENT_ASK_PHONE = "urgent_ask_phone"
    PLACE_NOTED = "place_noted"
    PLACE_CORRECTED = "place_corrected"
    FORM_RESUMED = "form_resumed"
    PLACE_NOTED_ASK_PHONE = "place_noted_ask_phone"
    PLACE_NOTED_BY_CHANNEL = "place_noted_by_channel"
    CONTACT_NOTED = "contact_noted"
    IDLE_PROMPT = "idle_prompt"
    IDLE_CLOSE = "idle_close"
    PLEASE_WAIT = "please_wait"
    PRESENCE_WAIT = "presence_wait"
    HELLO_AGAIN = "hello_again"
    PHOTO_NOT_RECEIVED = "photo_not_received"
    ANYTHING_ELSE = "anything_else"
    GOODBYE = "goodbye"
    WE_APOLOGISE = "we_apologise"
    NOT_UNDERSTOOD = "not_understood"
    WAITING_APOLOGY = "waiting_apology"
    WAITING_APOLOGY_NAMED = "waiting_apology_named"
    DEADLINE_EXTENDED = "deadline_extended"
    QUESTION_LATER = "question_later"
    TITLE_MALE = "title_male"
    TITLE_FEMALE = "title_female"
    WAIT_TIME = "wait_time"
    WAIT_TIME_MINUTES = "wait_time_minutes"
    WAIT_TIME_AN_HOUR = "wait_time_an_hour"
    PROGRESS_FOLLOW_UP = "progress_follow_up"
    SATISFACTION_ASK_RATING = "satisfaction_ask_rating"
    SATISFACTION_ASK_RATING_SUMMARY = "satisfaction_ask_rating_summary"
    # The same three, said to a customer known by surname and title (王先生): seed 002 称呼客户.
    PROGRESS_FOLLOW_UP_NAMED = "progress_follow_up_named"
    SATISFACTION_ASK_RATING_NAMED = "satisfaction_ask_rating_named"
    SATISFACTION_ASK_RATING_SUMMARY_NAMED = "satisfaction_ask_rating_summary_named"
    SATISFACTION_ASK_COMMENT = "satisfaction_ask_comment"
    SATISFACTION_SORRY_ASK_COMMENT = "satisfaction_sorry_ask_comment"
    SATISFACTION_RATING_RANGE = "satisfaction_rating_range"
    SATISFACTION_RATING_REASK = "satisfaction_rating_reask"
    SATISFACTION_THANKS = "satisfaction_thanks"
    SATISFACTION_SORRY = "satisfaction_sorry"
    SATISFACTION_SUGGESTION = "satisfaction_suggestion"
    SATISFACTION_REOPENED = "satisfaction_reopened"
    RATING_AFTER_REOPEN = "rating_after_reopen"
    REOPEN_WHICH_CASE = "reopen_which_case"
    CASE_REOPENED = "case_reopened"
    # Some of a conversation's cases resolved, the others still open; a case number list.
    CASE_RESOLVED = "case_resolved"
    CASE_RESOLVED_OTHERS_OPEN = "case_resolved_others_open"
    # The {summary} of a resolution told when the staff's is in another language than the customer's.
    RESOLUTION_UNTOLD = "resolution_untold"
    RESOLUTION_UNTOLD_CATEGORY = "resolution_untold_category"
    CASE_NUMBERS_MORE = "case_numbers_more"
    DEADLINE_EXTENDED_CASE = "deadline_extended_case"
    SATISFACTION_UNANSWERED = "satisfaction_unanswered"
    QUEUE_POSITION = "queue_position"
    QUEUE_NEXT = "queue_next"
    QUEUE_AFTER_HOURS = "queue_after_hours"
    # Waiting in the queue with a promised time sooner than the estimate, or one already passed.
    QUEUE_POSITION_BY_DEADLINE = "queue_position_by_deadline"
    QUEUE_POSITION_NO_ESTIMATE = "queue_position_no_estimate"
    # Danger now or talk of self-harm (queue.served_first): never a place and a wait in a queue.
    QUEUE_URGENT = "queue_urgent"
    QUEUE_URGENT_CARE = "queue_urgent_care"
    # An emergency held back behind many from the same network address (escalations_per_address):
    # the truth, that no one may call at once, and whom to call now.
    QUEUE_URGENT_HELD = "queue_urgent_held"
    URGENT_WAITING_APOLOGY = "urgent_waiting_apology"
    URGENT_WAITING_CARE = "urgent_waiting_care"
    URGENT_DEADLINE_PASSED = "urgent_deadline_passed"
    URGENT_DEADLINE_PASSED_CARE = "urgent_deadline_passed_care"
    PRAISE_THANKS = "praise_thanks"
    CONSULTATION_TAKEN = "consultation_taken"
    # issue 12 item 1: the status answer and the acknowledgement after hand-off
    STATUS_ANSWER = "status_answer"
    STATUS_CASE_NUMBER = "status_case_number"
    STATUS_WAITING = "status_waiting"
    STATUS_WAITING_NEXT = "status_waiting_next"
    STATUS_WAITING_UNPLACED = "status_waiting_unplaced"
    STATUS_WITH_AGENT = "status_with_agent"
    STATUS_WITH_STAFF = "status_with_staff"
    STATUS_RESOLVED = "status_resolved"
    STATUS_DEADLINE = "status_deadline"
    STATUS_DEADLINE_EXTENDED = "status_deadline_extended"
    STATUS_DEADLINE_PASSED = "status_deadline_passed"
    HANDOFF_ACK = "handoff_ack"
    PLACE_NOTED_ASK_PHONE_FORM = "place_noted_ask_phone_form"
    STATUS_APOLOGY = "status_apology"
    STATUS_CASES = "status_cases"
    ANOTHER_PROBLEM_ADDED = "another_problem_added"
    SUPPLEMENT_ADDED = "supplement_added"
    ANOTHER_PROBLEM_NEW_CASE = "another_problem_new_case"
    STATUS_NO_CASE = "status_no_case"
    STATUS_NO_SUCH_CASE = "status_no_such_case"
    STATUS_NO_CASE_AT_PLACE = "status_no_case_at_place"
    CASE_NUMBER_LATER = "case_number_later"
    # issue 12 item 3: appeals (申诉) and the supervisor's callback number
    APPEAL_LINKED = "appeal_linked"
    APPEAL_LINKED_OVERDUE = "appeal_linked_overdue"
    APPEAL_LINKED_ESCALATED = "appeal_linked_escalated"
    ESCALATION_ASK_PHONE = "escalation_ask_phone"
    SUPERVISOR_ASK_DETAILS = "supervisor_ask_details"
    ESCALATION_PHONE_NOTED = "escalation_phone_noted"
    SUPERVISOR_TOLD = "supervisor_told"
    SUPERVISOR_TOLD_ASK_PHONE = "supervisor_told_ask_phone"
    CONTACT_CORRECTED = "contact_corrected"
    ALTERNATIVE_NOTED = "alternative_noted"
    ESCALATION_WITHOUT_PHONE = "escalation_without_phone"
    ESCALATION_REASSURE = "escalation_reassure"
    ESCALATION_REASSURE_BRIEF = "escalation_reassure_brief"
    # With the duty supervisor: where the case stands, its number and time, never the same words twice running.
    STATUS_WITH_SUPERVISOR = "status_with_supervisor"
    ESCALATION_REASSURE_CASE = "escalation_reassure_case"
    # A case already handed off escalated (a threat on it): its reply time brought forward, told.
    ESCALATED_DEADLINE = "escalated_deadline"
    ESCALATED_WITHIN_AN_HOUR = "escalated_within_an_hour"
    # issue 12 item 5 (the form): a structured restatement, a refused phone
    RESTATE_PROBLEM = "restate_problem"
    RESTATE_MORE_CATEGORIES = "restate_more_categories"
    RESTATE_NAME = "restate_name"
    RESTATE_SURNAME = "restate_surname"
    RESTATE_PHONES = "restate_phones"
    RESTATE_PHONE_EXTENSION = "restate_phone_extension"
    ASK_DETAILS = "ask_details"
    NOT_GIVEN = "not_given"
    CONTACT_BY_CHANNEL = "contact_by_channel"
    PHONE_REASSURE = "phone_reassure"
    ASK_PHONE_AGAIN = "ask_phone_again"
    PHONE_NOT_NEEDED = "phone_not_needed"
    HANDOFF_FOLLOW_UP_BY_CHANNEL = "handoff_follow_up_by_channel"
    # The labels of the choices offered (buttons, or numbered text), in the customer's language.
    OPTION_YES = "option_yes"
    OPTION_NO = "option_no"
    OPTION_DESCRIPTION = "option_description"
    OPTION_PHONE = "option_phone"
    OPTION_AREA = "option_area"
    # issue 12 item 9 (callback): options as numbered text on channels without buttons
    OPTIONS_RANGE = "options_range"
    OPTIONS_LIST = "options_list"
    OPTION_LINE = "option_line"
    # issue 12 item 6: prepared customers (有备而来, seed 000 五(二)5)
    PREPARED_ACKNOWLEDGE = "prepared_acknowledge"
    HEALTH_NOTED = "health_noted"
    """A health condition told ("我有心脏病 天天睡不着"): care, and that the staff will know of it."""
    PROMISE_CAREFUL = "promise_careful"
    # The customer gave the complaint up: before anything was said of it, and after.
    WITHDRAWN = "withdrawn"
    WITHDRAWN_NOT_FILED = "withdrawn_not_filed"
    WITHDRAW_CONFIRM = "withdraw_confirm"
    WITHDRAWN_AFTER_HANDOFF = "withdrawn_after_handoff"
    WITHDRAWAL_TAKEN_BACK = "withdrawal_taken_back"
    WITHDRAW_ASK_CASE_NUMBER = "withdraw_ask_case_number"
    APPEAL_ASK_CASE_NUMBER = "appeal_ask_case_number"
    # A case number named by a writer not known as its customer: the case's phone checked first.
    VERIFY_CASE_PHONE = "verify_case_phone"
    VERIFY_CASE_PHONE_AGAIN = "verify_case_phone_again"
    VERIFY_CASE_PHONE_WHOLE = "verify_case_phone_whole"
    CASE_CHECK_NO_PHONE_LEFT = "case_check_no_phone_left"
    CASE_NOT_VERIFIED = "case_not_verified"
    CASE_NOT_VERIFIED_WITHDRAWAL = "case_not_verified_withdrawal"
    CASE_NOT_VERIFIED_STATUS = "case_not_verified_status"
    GOODBYE_UNFILED = "goodbye_unfiled"
    # SMS opt-out (回复TD退订): the one confirmation of an opt-out, and of an opt-in by its word.
    SMS_OPTED_OUT = "sms_opted_out"
    SMS_OPTED_IN = "sms_opted_in"
    # A photo beyond the customer's daily quota (channels.photo_quota) is not taken.
    PHOTO_QUOTA_REACHED = "photo_quota_reached"


PHRASE_VARIABLES: dict[PhraseId, frozenset[str]] = {
    PhraseId.WITHDRAW_ASK_CASE_NUMBER: frozenset({"case_prefix"}),
    PhraseId.APPEAL_ASK_CASE_NUMBER: frozenset({"case_prefix"}),
    PhraseId.GREETING_OPENING: frozenset({"salutation", "organisation", "work_number"}),
    PhraseId.GREETING_KNOWN_CUSTOMER: frozenset({"surname", "title", "time_greeting"}),
    PhraseId.RESTATE: frozenset({"problem", "area", "phone", "name"}),
    PhraseId.ASK_ESTATE: frozenset({"area"}),
    # issue 12 item 5 (the form)
    PhraseId.RESTATE_PROBLEM: frozenset({"category", "summary"}),
    PhraseId.RESTATE_MORE_CATEGORIES: frozenset({"categories", "category"}),
    PhraseId.RESTATE_NAME: frozenset({"surname", "title"}),
    PhraseId.RESTATE_SURNAME: frozenset({"surname"}),
    PhraseId.RESTATE_PHOTOS: frozenset({"problem", "count"}),
    PhraseId.RESTATE_PHONES: frozenset({"phone", "alternative"}),
    PhraseId.RESTATE_PHONE_EXTENSION: frozenset({"phone", "extension"}),
    PhraseId.PROMISE: frozenset({"hours", "deadline"}),
    PhraseId.PROMISE_BY_DATE: frozenset({"deadline"}),
    PhraseId.PROMISE_WITHIN_AN_HOUR: frozenset({"deadline"}),
    PhraseId.PROMISE_MINUTES: frozenset({"minutes", "deadline"}),
    PhraseId.PROMISE_URGENT: frozenset({"deadline"}),
    PhraseId.PROMISE_CAREFUL: frozenset({"deadline"}),
    PhraseId.OPEN_CASE: frozenset({"case_number", "deadline"}),
    PhraseId.OPEN_CASE_OVERDUE: frozenset({"case_number", "deadline"}),
    PhraseId.OPEN_CASE_TAKING_MORE: frozenset({"case_number", "deadline"}),
    PhraseId.OPEN_CASE_OVERDUE_TAKING_MORE: frozenset({"case_number", "deadline"}),
    PhraseId.CASE_NUMBER: frozenset({"case_number", "work_number"}),
    PhraseId.WAITING_APOLOGY: frozenset({"wait"}),
    PhraseId.WAITING_APOLOGY_NAMED: frozenset({"wait", "surname", "title"}),
    PhraseId.DEADLINE_EXTENDED: frozenset({"deadline"}),
    PhraseId.CASE_REOPENED: frozenset({"case_number", "deadline"}),
    PhraseId.RATING_AFTER_REOPEN: frozenset({"case_number"}),
    PhraseId.CASE_RESOLVED: frozenset({"case_number", "summary"}),
    PhraseId.CASE_RESOLVED_OTHERS_OPEN: frozenset({"case_number", "summary", "open_cases"}),
    PhraseId.RESOLUTION_UNTOLD: frozenset({"summary", "category"}),
    PhraseId.RESOLUTION_UNTOLD_CATEGORY: frozenset({"category"}),
    PhraseId.CASE_NUMBERS_MORE: frozenset({"case_numbers", "case_number"}),
    PhraseId.DEADLINE_EXTENDED_CASE: frozenset({"case_number", "deadline"}),
    PhraseId.WAIT_TIME: frozenset({"hours", "deadline"}),
    PhraseId.WAIT_TIME_MINUTES: frozenset({"minutes", "deadline"}),
    PhraseId.WAIT_TIME_AN_HOUR: frozenset({"deadline"}),
    PhraseId.PROGRESS_FOLLOW_UP: frozenset({"case_number"}),
    PhraseId.SATISFACTION_ASK_RATING: frozenset({"case_number"}),
    PhraseId.SATISFACTION_ASK_RATING_SUMMARY: frozenset({"case_number", "summary"}),
    PhraseId.PROGRESS_FOLLOW_UP_NAMED: frozenset({"case_number", "surname", "title"}),
    PhraseId.SATISFACTION_ASK_RATING_NAMED: frozenset({"case_number", "surname", "title"}),
    PhraseId.SATISFACTION_ASK_RATING_SUMMARY_NAMED: frozenset({"case_number", "summary", "surname", "title"}),
    PhraseId.QUEUE_POSITION: frozenset({"position", "minutes"}),
    PhraseId.QUEUE_AFTER_HOURS: frozenset({"position"}),
    PhraseId.QUEUE_POSITION_BY_DEADLINE: frozenset({"position", "deadline"}),
    PhraseId.QUEUE_POSITION_NO_ESTIMATE: frozenset({"position"}),
    # issue 12 item 1
    PhraseId.STATUS_ANSWER: frozenset({"case", "stage", "deadline"}),
    PhraseId.STATUS_CASES: frozenset({"count"}),
    PhraseId.STATUS_NO_SUCH_CASE: frozenset({"cases"}),
    PhraseId.REOPEN_WHICH_CASE: frozenset({"count"}),
    PhraseId.STATUS_CASE_NUMBER: frozenset({"case_number"}),
    PhraseId.ANOTHER_PROBLEM_ADDED: frozenset({"case_number"}),
    PhraseId.SUPPLEMENT_ADDED: frozenset({"case_number"}),
    PhraseId.ANOTHER_PROBLEM_NEW_CASE: frozenset({"case_number"}),
    PhraseId.PLACE_NOTED_ASK_PHONE_FORM: frozenset({"area"}),
    PhraseId.STATUS_WAITING: frozenset({"position"}),
    PhraseId.STATUS_WITH_AGENT: frozenset({"agent"}),
    PhraseId.STATUS_DEADLINE: frozenset({"deadline"}),
    PhraseId.STATUS_DEADLINE_EXTENDED: frozenset({"deadline"}),
    PhraseId.STATUS_DEADLINE_PASSED: frozenset({"deadline"}),
    # issue 12 item 3
    PhraseId.APPEAL_LINKED: frozenset({"case_number", "deadline"}),
    PhraseId.APPEAL_LINKED_OVERDUE: frozenset({"case_number", "deadline"}),
    PhraseId.APPEAL_LINKED_ESCALATED: frozenset({"case_number", "deadline"}),
    PhraseId.ESCALATION_PHONE_NOTED: frozenset({"phone"}),
    PhraseId.ESCALATION_REASSURE_CASE: frozenset({"case_number", "deadline"}),
    PhraseId.ESCALATED_DEADLINE: frozenset({"case_number", "deadline"}),
    PhraseId.WITHDRAWAL_TAKEN_BACK: frozenset({"case_number", "deadline"}),
    PhraseId.ESCALATED_WITHIN_AN_HOUR: frozenset({"case_number", "deadline"}),
    PhraseId.CONTACT_CORRECTED: frozenset({"phone"}),
    PhraseId.ALTERNATIVE_NOTED: frozenset({"phone"}),
    PhraseId.PLACE_NOTED: frozenset({"area"}),
    PhraseId.STATUS_NO_CASE_AT_PLACE: frozenset({"area"}),
    PhraseId.PLACE_CORRECTED: frozenset({"area"}),
    PhraseId.FORM_RESUMED: frozenset({"problem"}),
    PhraseId.PLACE_NOTED_ASK_PHONE: frozenset({"area"}),
    PhraseId.PLACE_NOTED_BY_CHANNEL: frozenset({"area"}),
    PhraseId.CONTACT_NOTED: frozenset({"phone"}),
    # issue 12 item 9 (callback)
    PhraseId.OPTIONS_RANGE: frozenset({"first", "last"}),
    PhraseId.OPTION_LINE: frozenset({"number", "label"}),
}
"""The variables each phrase may use (``{name}``); phrases not listed take none."""


class _Strict(BaseModel):
    # No NaN or infinity: a number a manager sets is a real one (an hour of .inf never comes).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# Limits on what managers set (the standards editor and start-up refuse anything outside them): a
# number far out of its range is a typo or an attack, never a standard, and breaks the service —
# 1e12 hours overflows a date, 1e7 hours takes a minute of CPU to count in service hours, a
# follow-up every 0.00002 days texts every customer every two seconds.
MAX_DEADLINE_HOURS = 24 * 30
"""The longest reply deadline or extension, in hours: 30 days (a supervisor's extension has the
same cap, ``bot/staff/bodies.py``)."""
MIN_DEADLINE_HOURS = 0.5
"""The shortest reply deadline, in hours: the standards editor's hour fields start there (a
promise said in minutes, "30分钟内"; 0.1 hours is a typo, never a standard)."""
MAX_WORKING_DAYS = 30
"""The longest deadline counted in working days (seed 002 counts one)."""
DAY_SECONDS = 24 * 3600
WEEK_MINUTES = 7 * 24 * 60
MAX_PHRASE_CHARS = 2000
"""A phrase or an FAQ answer: a few sentences (the longest shipped one is about 400 characters)."""

PhraseText = Annotated[str, Field(max_length=MAX_PHRASE_CHARS)]


def template_names(text: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a configured text that is filled with ``str.format`` (phrases,
    FAQ answers, time words).

    Only plain names are allowed: a conversion (``{name!r}``) or a format spec (``{name:d}``,
    ``{name:>300000}``) is refused, since what fills it at run time is not known when it is saved
    (an ``int`` spec fails on a text value and stops the conversation; a width makes every reply
    huge); so are ``{}``, ``{0}``, ``{name.attribute}`` and ``{name[0]}``.

    Raises:
        ValueError: naming the first placeholder that is not a plain name, or the broken brace.
    """
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ValueError(f"not a valid text ({error}): write a brace as {{{{ or }}}}") from None
    names = set()
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if conversion or spec:
            raise ValueError(
                f"{written}: write a placeholder as {{name}} alone, without a format or conversion "
                "(:d, :>10, !r): the value is filled in as it is"
            )
        if not name.isidentifier():
            raise ValueError(f"{written}: a placeholder is a name in braces, such as {{case_number}}")
        names.add(name)
    return frozenset(names)


def error_limit(context: Mapping[str, Any] | None) -> int | float | None:
    """The bound a pydantic error's context names (``gt``, ``le``, a length), if any: what the
    consoles say the value must respect."""
    for name in ("gt", "ge", "lt", "le", "max_length", "min_length"):
        value = (context or {}).get(name)
        if isinstance(value, int | float):
            return value
    return None


def template_problem(text: str, allowed: Iterable[str], word: str = "variables") -> str | None:
    """Why ``text`` cannot be filled with the ``allowed`` placeholders, or None: a placeholder
    that is not a plain name, one not allowed, or a text that fails when filled with samples."""
    allowed = frozenset(allowed)
    try:
        used = template_names(text)
    except ValueError as error:
        return str(error)
    if used - allowed:
        return f"unknown {word} {sorted(used - allowed)}; allowed: {sorted(allowed) or 'none'}"
    try:
        text.format_map({name: f"<{name}>" for name in allowed})
    except (ValueError, KeyError, IndexError, AttributeError) as error:  # pragma: no cover - refused above
        return f"cannot be filled in: {error}"
    return None


class LocalizedText(_Strict):
    zh_cn: str = Field(alias="zh-CN", max_length=MAX_PHRASE_CHARS)
    en: str = Field(max_length=MAX_PHRASE_CHARS)

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh_cn


class CaseCheckLimits(_Strict):
    """``service.yaml`` ``case_check``: how many wrong answers the check of a case number (the last
    digits of the case's phone, asked of whoever names a case that is not provably theirs) takes,
    counted in the database across every conversation, channel and instance."""

    misses_per_case: int = Field(default=5, ge=1, le=1000)
    """Wrong answers for one case number within the window: then the case's check refuses every
    answer, the right one too, in the words of a wrong one, until the window has passed the oldest
    of them; its staff are told."""
    misses_per_writer: int = Field(default=10, ge=1, le=10_000)
    """Wrong answers, on any case numbers, from one client address (every web chat session opened
    there) or one identity of another channel within the window: then that writer's checks are
    refused the same way."""
    window_hours: float = Field(default=24, gt=0, le=24 * 30)


class ServiceSettings(_Strict):
    """``config/service.yaml``: who the bot is."""

    organisation: LocalizedText
    work_number: str = Field(min_length=1)
    default_locale: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    case_prefix: str = "TS"
    phone_pattern: str = r"^(?:\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$"
    traditional_phone_regions: list[str] = ["HK", "MO", "TW"]
    """Where a number written without its country code may also be from when the message is in
    traditional characters ("電話 0912 345 678", "9123 4567"); mainland numbers are tried first."""
    english_phone_regions: list[str] | None = None
    """Where a mobile written without its country code may be from when the customer writes English ("my
    number is 9123 4567", "81234567"), in this order, after a mainland number; unset, as
    ``traditional_phone_regions``. Chinese messages keep theirs: "88123456" stays a local landline."""
    local_area_code: str | None = Field(default=None, pattern=r"^0\d{2,3}$")
    """The service's own area code ("029"): a landline typed without one ("座机 8866 5544", or the
    number alone) is taken as this area's. Unset, such a number is asked for again with its code."""
    case_check: CaseCheckLimits = CaseCheckLimits()

    @field_validator("traditional_phone_regions", "english_phone_regions")
    @classmethod
    def _known_regions(cls, value: list[str] | None) -> list[str] | None:
        import phonenumbers

        unknown = [region for region in value or () if region not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(f"unknown regions {unknown} (ISO 3166 codes such as HK, MO, TW)")
        return value

    @field_validator("phone_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        import re

        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a valid regular expression: {error}") from error
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value


class DayPeriod(_Strict):
    starts: dt.time
    word: str


class TimeWords(_Strict):
    """How a deadline is said in one locale, e.g. "明天下午3点前" or "by 3:00 PM tomorrow"."""

    today: str
    tomorrow: str
    day_after_tomorrow: str
    """Empty: the day after tomorrow is said by its ``date``, as later days are."""
    date: str = Field(description="uses {month}, {day}, {weekday} and {month_name}")
    time: str = Field(description="uses {period}, {hour} and {minute}")
    time_on_the_hour: str = Field(description="uses {period} and {hour}")
    time_half_hour: str | None = Field(default=None, description="uses {period} and {hour}")
    """How half past is said ("下午3点半前"); None: as any other minute."""
    weekdays: list[str] = Field(default=[], description="Monday first")
    """The {weekday} of ``date`` ("周五", "Friday"), Monday first; 7 names or none."""
    month_names: list[str] = []
    """The {month_name} of ``date`` ("December"), January first; 12 names or none."""
    combine: str = Field(description="uses {day} and {time}")
    twelve_hour: bool = True
    midnight_hour: int = Field(default=12, ge=0, le=12)
    """With ``twelve_hour``: how the hour after midnight is said (12 in "12:30 AM", 0 in "凌晨0点30分")."""
    periods: list[DayPeriod] = Field(min_length=1)

    @model_validator(mode="after")
    def _placeholders(self) -> TimeWords:
        allowed = {
            "date": {"month", "day", "weekday", "month_name"},
            "time": {"period", "hour", "minute"},
            "time_on_the_hour": {"period", "hour"},
            "time_half_hour": {"period", "hour"},
            "combine": {"day", "time"},
        }
        for name, names in allowed.items():
            problem = template_problem(getattr(self, name) or "", names)
            if problem is not None:
                raise ValueError(f"{name}: {problem}")
        if self.weekdays and len(self.weekdays) != 7:
            raise ValueError("weekdays: give 7 names, Monday first")
        if self.month_names and len(self.month_names) != 12:
            raise ValueError("month_names: give 12 names, January first")
        return self


FAQ_ANSWER_VARIABLES = frozenset({"organisation", "work_number", "simple_hours", "complex_hours", "opens", "closes"})
"""The variables an FAQ answer may name: who the bot is (``service.yaml``), the standard
customer's reply deadlines (``deadlines.yaml``) and the service hours (``calendar.yaml``), so an
answer follows the standards a manager changes."""

AGENT_PHRASE_VARIABLES = frozenset({"case_number", "deadline"})
"""The variables the agent console fills from the conversation (its latest complaint)."""


RETIRED_PHRASES = frozenset({"appeal_linked_by_phone"})
"""Phrases no longer said; a stored phrase book holding one still loads, without it."""


class PhraseBook(_Strict):
    """``config/phrases/<locale>.yaml``: one text per :class:`PhraseId`."""

    locale: str
    phrases: dict[PhraseId, PhraseText]
    time_words: TimeWords
    agent_phrases: dict[PhraseId, str] = {}
    """The agent console's phrase picker (issue 15): the phrases agents may send, each with the
    name they see; the bot's own lines (greetings of its flow, idle and harassment closes) are left out."""
    singulars: dict[str, str] = {}
    """A counted word after a filled number and its form for one ("hours": "hour"): "1 hour", never
    "1 hours". Empty for a language that does not change its nouns (Chinese)."""

    @model_validator(mode="before")
    @classmethod
    def _without_retired(cls, value: object) -> object:
        # A phrase book stored by an older version may still hold a phrase no longer said.
        if isinstance(value, dict):
            value = dict(value)
            for key in ("phrases", "agent_phrases"):
                if isinstance(value.get(key), dict):
                    value[key] = {k: v for k, v in value[key].items() if k not in RETIRED_PHRASES}
        return value

    @model_validator(mode="after")
    def _complete(self) -> PhraseBook:
        missing = sorted(set(PhraseId) - set(self.phrases))
        if missing:
            raise ValueError(f"phrases missing: {', '.join(missing)}")
        for phrase_id, text in self.phrases.items():
            problem = template_problem(text, PHRASE_VARIABLES.get(phrase_id, frozenset()))
            if problem is not None:
                raise ValueError(f"phrases.{phrase_id.value}: {problem}")
        for phrase_id in self.agent_phrases:
            used = template_names(self.phrases[phrase_id])
            unfillable = sorted(used - AGENT_PHRASE_VARIABLES)
            if unfillable:
                raise ValueError(
                    f"agent_phrases.{phrase_id.value}: the console cannot fill {unfillable}; "
                    f"it fills {sorted(AGENT_PHRASE_VARIABLES)}"
                )
        return self


class ForbiddenPhrase(_Strict):
    text: str = Field(min_length=1)
    instead: str = Field(min_length=1)
    locale: str = "zh-CN"
    source: str = ""


class ForbiddenPattern(_Strict):
    """A paraphrase of a forbidden phrase: a regular expression over the normalised text
    (simplified, half-width, lower case, without punctuation, spaces, invisible characters or accents)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    pattern: str = Field(min_length=1, max_length=MAX_PATTERN_CHARS)
    instead: str = Field(min_length=1)
    examples: list[str] = Field(min_length=1)
    """Sentences the pattern must catch: a manager sees at once whether a new pattern works."""
    locale: str = "zh-CN"
    source: str = ""
    words: bool = False
    """Matched over the folded text with its words kept apart (one space between words, one at each
    end: " idk sorry "), for a short word that words run together could hold ("idk" in "did keep")."""

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        # Matched by RE2, in linear time (bot/core/manager_patterns.py): no pattern can stall the guard.
        problem = pattern_problem(pattern)
        if problem is not None:
            raise ValueError(problem)
        return pattern


class ForbiddenList(_Strict):
    """``config/forbidden.yaml``: phrases the bot never says, and what to say instead."""

    forbidden: list[ForbiddenPhrase]
    patterns: list[ForbiddenPattern] = []
    equivalents: dict[str, list[str]] = {}
    """Words read as one before matching: each key is what its characters are read as ("您":
    ["你"], "什么": ["啥"]), on both the phrases and the agent's text, so one phrase catches them
    all; patterns are written with the keys. A variant is one character (a match is shown where
    the agent typed it)."""

    @field_validator("equivalents")
    @classmethod
    def _one_character_variants(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: set[str] = set()
        for word, variants in value.items():
            if not word.strip():
                raise ValueError("a word read as its variants must not be blank")
            for variant in variants:
                if len(variant) != 1 or not variant.strip():
                    raise ValueError(f"{word}: the variant {variant!r} must be one character")
                if variant in seen or variant in value:
                    raise ValueError(f"{word}: the variant {variant!r} is already read as another word")
                seen.add(variant)
        return value

    negation_fillers: dict[str, list[str]] = {}
    """Words that may stand around a phrase's 不 without hiding the phrase: ``before`` it, after
    the words before it (也, 完全, 并, 绝: "我完全不知道" is 我不知道, "我们绝不会" 我们不会), and
    ``after`` it (太: "我不太知道"). At most two before and one after, read as the guard reads."""

    @field_validator("negation_fillers")
    @classmethod
    def _fillers_before_or_after(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for side, words in value.items():
            if side not in ("before", "after"):
                raise ValueError(f"negation fillers stand before or after 不, not {side!r}")
            if any(not word.strip() for word in words):
                raise ValueError(f"{side}: a filler must not be blank")
        return value

    phrase_fillers: dict[str, list[str]] = {}
    """Room a forbidden phrase leaves for the way it is said: ``address`` words (您) may stand between
    two of its Chinese characters ("喂？你说话啊" is 喂,说话呀), and a phrase ending with one of the
    ``final_particles`` (呀, 吧…) is caught without it ("喂，说话！") when three characters remain."""

    @field_validator("phrase_fillers")
    @classmethod
    def _fillers_known(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for kind, words in value.items():
            if kind not in ("address", "final_particles"):
                raise ValueError(f"phrase fillers are address words or final particles, not {kind!r}")
            if any(not word.strip() for word in words):
                raise ValueError(f"{kind}: a filler must not be blank")
            if kind == "final_particles" and any(len(word.strip()) != 1 for word in words):
                raise ValueError("final_particles: each is one character")
        return value

    pinyin: dict[str, list[str]] = {}
    """Pinyin an agent may type for a character of a Chinese phrase ("我bu知道" for 我不知道): each
    character with its syllables, without tones ("不": ["bu"]); a tone digit after one is read too.
    At most half of a phrase's characters are read from pinyin."""

    @field_validator("pinyin")
    @classmethod
    def _pinyin_of_one_character(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for character, syllables in value.items():
            if len(character) != 1:
                raise ValueError(f"pinyin is given for one character at a time, not {character!r}")
            for syllable in syllables:
                if not (syllable.isascii() and syllable.isalpha()):
                    raise ValueError(f"{character}: the pinyin {syllable!r} must be Latin letters only")
        return value

    correct_expressions: list[str] = []
    agent_guard: Literal["warn", "block"] = "warn"
    """What an agent's reply containing a forbidden phrase gets: a warning the agent may
    override, or a refusal. Managers choose."""


class SafetyAdvice(_Strict):
    """One kind of danger and the safety advice that fits it (``safety_advice:``)."""

    phrase: PhraseId
    words: list[str] = Field(min_length=1)
    """Words naming this kind of danger, matched inside the folded, simplified message."""


class Category(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalizedText
    keywords: list[str] = []
    default_grade: Grade = Grade.SIMPLE
    placeless_keywords: list[str] = []
    """Words of this category's matters that happen at no place ("话费", "套餐": a phone bill, a
    plan): a complaint of this category alone that names one is not asked where it happened (the
    restatement says 地点：未提供 unless a place was given). A fee of a home ("燃气费", "物业费") is."""
    weak_keywords: list[str] = []
    """Understander only: keywords that say where or who rather than what went wrong ("电梯",
    "营业厅"): they count half, also when ``keywords`` lists them (for the old matcher)."""
    together: list[list[str]] = []
    """Understander only: none, or two groups, things and what is wrong with them ("电梯" and
    "用不了"): a word of each beside the other in one clause, ``together_window`` words apart at most
    and no keyword of another category between, counts as one keyword of this category. Alone, a
    word of the second group says nothing of what broke ("网又用不了了" is the network's)."""
    together_window: int = Field(default=3, ge=0, le=10)
    together_places: list[str] = []
    """Understander only: words naming where a thing of ``together`` is ("corridor", "hallway"): between
    the thing and what is wrong with it they part nothing, though another category lists them ("the
    lights in the corridor are out" is this category's, as "the corridor lights are out" is)."""

    @property
    def things(self) -> list[str]:
        """The things of ``together`` ("燃气灶", "电梯"): what a problem is about, though it
        counts as this category's only beside what is wrong with it."""
        return self.together[0] if self.together else []

    @model_validator(mode="after")
    def _together_pairs(self) -> Category:
        if self.together and (len(self.together) != 2 or not all(self.together)):
            # "together: ..." puts the problem on that key (the console marks the paired-words fields)
            raise ValueError("together: needs two groups of keywords: things, and what is wrong with them")
        return self


class Explained(_Strict):
    """Keywords of a signal that a harmless cause told in the same message explains away."""

    keywords: list[str] = Field(min_length=1)
    """Some of the signal's own keywords ("一股烟味")."""
    by: list[str] = Field(min_length=1)
    """Words anywhere in the message that tell the harmless cause ("抽烟": a neighbour smoking)."""


class KeywordRule(_Strict):
    keywords: list[str] = Field(min_length=1)
    max_chars: int | None = Field(default=None, ge=1, le=100_000)
    """The old substring matcher (``bot/flows/classify.py``) only: the rule only matches messages
    at most this long. The understander (``bot/understanding``) has no length cap."""
    exact: bool = False
    """The whole message (punctuation and filler words aside) must be made of the keywords."""
    whole_message: list[str] = []
    """Understander only: keywords that count only as the whole message ("agent", but not "your
    agent was rude"), also when ``keywords`` lists them (for the old matcher)."""
    negatable: bool = True
    """Understander only: a negation word right before a keyword cancels it ("不是投诉")."""
    unless: list[Intent] = []
    """Understander only: the rule does not count in a message that shows one of these intents
    (out_of_scope unless complaint: "今天天气冷,暖气不热" is a complaint)."""
    requested: list[str] = []
    """Understander only: keywords that count only right after a request word (``requests``):
    "找个真人", "叫你们经理来", but not "你们经理上次答应的"."""
    clause_start: list[str] = []
    """Understander only: keywords that count only where a clause starts or right after a request
    word: "转人工！我家宽带又断了", "给我转人工", but not "客服热线转人工永远在排队" (the hotline's
    transfer is what the customer complains about)."""
    together: list[list[str]] = []
    """Understander only: groups of keywords; the rule also counts when the message has a keyword
    of every group ("我上周投诉的宽带" + "处理到哪一步了")."""
    also_together: list[list[list[str]]] = []
    """Understander only: more sets of groups, each read as ``together`` is: the rule also counts
    when the message has a keyword of every group of one set (a lift word and someone shut in, or
    a gas word and a leak)."""
    over_messages: list[list[list[str]]] = []
    """Understander only, signals only: sets of groups read over the conversation so far, as a
    burst of short messages tells it ("电梯" / "又坏了" / "3号楼" / "里面困了人！！"): the rule counts when
    this message has a keyword of a set's last group and every other group of the set has one in
    this message or in one told earlier (``Understander.signals_over_messages``)."""
    told_after: list[str] = []
    """Understander only, intents only: words after which, earlier in the same clause, the rule's
    keywords tell what the customer did, not what they ask of us ("我去物业前台问一下快递的事",
    "我只是问一下包裹在哪，他就对我大小声"): in a message telling a problem they do not count."""
    told_before: list[str] = []
    """Understander only, intents only: words right after a keyword (``requests.window`` words at most
    between, in its clause) that make it tell what the customer did, not what they ask of us
    ("我找经理说过了", "找你们领导也没用", "经理叫来的师傅"): the keyword does not count."""
    past: list[str] = []
    """Understander only, signals only: words of time gone by ("上周", "去年") that cancel a keyword
    after them in the same clause: "上周我妈被关在电梯里二十分钟" tells of danger past, not now."""
    past_unless: list[str] = []
    """Words anywhere in the message that keep the danger present after all ("今天又", "现在还")."""
    fiction: list[str] = []
    """Understander only, signals only: words of a film, a show, a game, a story or the news ("电影里",
    "电视剧里", "游戏里", "新闻里"; never the thing or pastime alone: "电视冒烟了" is danger) that cancel
    a keyword after them in the same clause, whatever else the message says: "电影里有人拿刀砍人
    楼上看电影声音太大" tells of a film, not a knife now. A clause of the past or of fiction that tells
    the signal goes on in the later clauses naming a kind of danger it names (``safety_advice``), unless
    a ``past_unless`` word says it is now: "上次我妈摔倒了 流了很多血 所以想装个扶手" is one story of the past."""
    risk: list[str] = []
    """Understander only, signals only: words of a worry or a risk ("怕", "万一", "隐患") that cancel a
    keyword right before or after them (``risk_window`` words at most between, in the same
    clause): "怕着火", "有火灾隐患" tell a risk, not a fire now; ``past_unless`` does not undo it."""
    risk_window: int = Field(default=1, ge=0, le=5)
    """How many other words may stand between a ``risk`` or ``fear`` word and the keyword."""
    fear: list[str] = []
    """Understander only, signals only: words of a fear ("怕", "担心") that cancel a keyword as
    ``risk`` words do, unless one of ``happening`` follows the keyword: "怕着火", "担心会起火" fear a
    fire to come, "我怕楼下着火了" fears one burning now."""
    happening: list[str] = []
    """Words right after a keyword that tell it is happening ("了"): a ``fear`` word does not cancel it."""
    explained: list[Explained] = []
    """Understander only, signals only: keywords that do not count when the message tells a harmless
    cause ("楼道里一股烟味 邻居天天在楼道抽烟" is a neighbour smoking, not a fire)."""

    @model_validator(mode="after")
    def _explained_keywords_are_keywords(self) -> KeywordRule:
        unknown = [word for explained in self.explained for word in explained.keywords if word not in self.keywords]
        if unknown:
            raise ValueError(f"explained keywords not among the rule's keywords: {', '.join(unknown)}")
        return self

    def conjunctions(self) -> list[list[list[str]]]:
        """``together`` and the sets of ``also_together`` that have groups."""
        return [groups for groups in (self.together, *self.also_together) if groups]


class Negation(_Strict):
    """Words that cancel the keyword right after them: "不是投诉", "没有不满意", "not happy"."""

    words: list[str] = []
    window: int = Field(default=1, ge=0, le=5)
    """How many other words may stand between the negation word and the keyword."""


class Requests(_Strict):
    """Words that ask for someone: "找", "叫", "转", "speak to" (see ``KeywordRule.requested``)."""

    words: list[str] = []
    window: int = Field(default=2, ge=0, le=5)
    """How many other words may stand between the request word and the keyword."""
    openers: list[str] = []
    """Words that open a request and say nothing else ("麻烦", "能不能", "唔该"): a ``clause_start``
    keyword after only these still starts its clause ("麻烦转人工", "能不能转人工")."""


class ComplaintRule(_Strict):
    """What makes a message a complaint (the ``complaint`` intent) for the understander."""

    problem_words: list[str] = []
    """Words that describe a problem: a message with one is a complaint, whatever else it asks."""
    addressee_words: list[str] = []
    """Weak category keywords that name only whom the complaint is about ("物业", "管理处"): a
    complaint whose category rests on these alone ("你们物业到底管不管事") says nothing of what went
    wrong, and what happened is asked before anything else."""
    reaching_words: list[str] = []
    """Category keywords of a call that finds no one ("打不通"): a clause told only with these beside
    another problem ("等了一上午人影都没有 电话也打不通") is about reaching whoever should come, not a
    problem of its own."""
    mention_words: list[str] = []
    """Words that name a complaint without describing one ("投诉"): they count like category
    keywords, so "我的投诉怎么样了?" stays a progress query."""
    signals: list[Signal] = []
    """Signals that count like category keywords ("气死我了" is a complaint)."""
    unless: list[Intent] = []
    """Category keywords, mention words and signals do not make a complaint of a message that
    shows one of these intents ("怎么交物业费?" is a question)."""
    unless_in_its_clause: list[Intent] = []
    """Of ``unless``, the intents that stop a complaint only when no category keyword stands in a
    clause without their words: a question asked apart from the problem ("你是机器人吗 楼上天天装修
    好吵") leaves the problem a complaint."""
    symptom_words: list[str] = []
    """Words that describe a problem, asked about or not ("请问你们宽带老是掉线怎么回事"): they make a
    complaint of a question too, but not of a message with one of ``symptom_unless``."""
    question_announcements: list[str] = []
    """Words that only announce a question ("我想问一下", "请问"): a message whose ``question`` intent
    rests on these alone, with a category keyword after them, tells what it asks about as a problem
    ("我想问一下 楼上装修 天天早上七点就开始电钻" is a complaint, not a question to answer later), unless
    one of ``announced_question_marks`` follows them ("请问物业费可以用支付宝交吗?" asks)."""
    announced_question_marks: list[str] = []
    """What makes the words after ``question_announcements`` a question still ("?", "吗")."""
    symptom_unless: list[Intent] = []
    """The intents in whose presence ``symptom_words`` do not make a complaint (praise, a suggestion)."""
    symptom_signals: list[Signal] = []
    """Signals that describe a problem as ``symptom_words`` do ("我去物业前台问一下快递的事 前台…不理我
    …什么态度": our staff behaving badly, told around a question): a complaint, also of a question."""
    sarcasm_words: list[str] = []
    """Words that turn praise into sarcasm ("呵呵", "🙄", "真是五星级服务"): with a problem or symptom
    word beside them, the praise and thanks of the message are not meant."""
    sarcasm_together: list[list[str]] = []
    """Groups of words that are sarcasm together ("真是…呢"), read as ``sarcasm_words`` are."""
    sarcasm_markers: list[str] = []
    """Words of delay or complaint ("三天了", "都没人", "还没", "又") that make the praise or thanks beside
    them sarcasm, a problem told or not ("你们效率真高啊 三天了都没人来"), as a ``sarcasm_words`` word outside
    the praise's own words does ("呵呵 你们真是太棒了"): not meant, and the emotional signal."""
    sarcasm_alone: list[str] = []
    """Thanks or praise that is never meant, alone too ("thanks for nothing", "thanks a lot for nothing"):
    read as ``sarcasm_words`` are, and the praise or thanks inside them is sarcasm though nothing else is told."""
    sincere_words: list[str] = []
    """Words saying the praise is meant though a marker is beside it ("三天了终于修好了 谢谢师傅")."""
    earlier_report_words: list[str] = []
    """Words naming an earlier report ("我报修的", "上次投诉的"): a symptom asked after with one of them
    and a status question is a progress query ("请问我报修的漏水什么时候有人来?"), not a complaint;
    asked only when it ends ("停水了 什么时候来水"), it is both."""
    problem_intents: list[Intent] = []
    """Intents that tell a problem when a category keyword outside them says what it is about
    ("上周报修的水龙头到现在都没人来修": ``not_resolved`` and 水龙头); alone ("怎么还没人来修") they do not."""
    sent_elsewhere_words: list[str] = []
    """Words with which someone sends the customer elsewhere ("你去找", "让我找"): a category keyword
    right after one (``requests.window`` words at most between) says where they were sent, not what
    went wrong, and counts half ("你去找开发商 我家墙裂了" is a repair)."""
    withdrawal_together: list[list[list[str]]] = []
    """Sets of groups of words taking a complaint back ("帮我把投诉撤了": 撤了 and 投诉; "宽带已经恢复了
    不用来了": a settled matter and nothing needed): a message with a word of every group of one set
    (not negated) and no problem or symptom word is the ``withdraw`` intent, not a complaint, though
    it names what the complaint was about. Not with a question or a status query."""


class FormRules(_Strict):
    """``form:`` of ``config/classification.yaml``: how the complaint form is filled and restated."""

    phone_refusals: int = Field(default=2, ge=1, le=10)
    phone_asks_most: int = Field(default=3, ge=1, le=10)
    """Asked for this many times, the phone is not asked again once the customer answers the question
    with neither a number, a refusal nor more of the problem ("对", the place, anger): the case goes
    on with the channel as the contact."""
    clause_end_words: list[str] = []
    """A fragment joined to what was told before it ends that as a clause when that ends with one of
    these, saying how long it has been ("好几天了" + "冷" is 好几天了，冷, never 好几天了冷; "电梯坏了" +
    "一直" runs on)."""
    long_text_chars: int = Field(default=1000, ge=0, le=100_000)
    """A problem told in more characters than this (a 3,000-character rant over SMS) is restated by
    its clauses saying what is wrong first ("楼道灯坏了好几天了", a word of ``complaint.problem_words``
    or ``symptom_words``), the rant's anger after them if room is left. 0: off."""
    summary_read_clauses: int = Field(default=24, ge=1, le=10_000)
    """The restatement's problem is read from the description's first clauses, at most this many
    different ones (a clause told again is read once): a long text of short clauses costs every other
    conversation little; the staff see it whole, and the category and signals read all of it."""
    summary_read_chars: int = Field(default=3000, ge=100, le=100_000)
    """Nor more than this many characters of the description, clauses told again included (a rant
    repeating itself before the problem at its end is read to that end: a clause read once costs
    little the next time)."""
    typed_apart_max_chars: int = Field(default=2, ge=0, le=10)
    """In the restatement, two Chinese words of at most this many characters each typed apart ("家里
    暖气") run on (家里暖气): a space between such words is no pause ("态度差 骂人" keeps its). 0: off."""
    fragment_max_chars: int = Field(default=2, ge=0, le=10)
    """A message of at most this many letters or digits that says nothing the rules know (no intent,
    category, signal or item: "我", "要", "睡觉") is a fragment of one still being typed word by
    word: never acknowledged as recorded nor answered with the form's question on its own; it joins
    the words around it in the description. 0: no message is a fragment."""
    phone_pieces_most: int = Field(default=6, ge=0, le=20)
    """A phone asked for and told in pieces, one message each ("电话是", "一三九", "一二三四", "五六七八";
    "138", "0013", "8000"): at most this many messages of digits (and ``phone_intros``, fillers) are
    held and put together, until they make a number, which is taken as if typed whole; a message
    that is no piece, or digits that can begin no number, end it. 0: every message read alone.
    Pieces further apart than ``timers.phone_pieces_within`` start afresh."""
    phone_first_piece_digits: int = Field(default=4, ge=1, le=6)
    """The most digits the first piece of a phone told in pieces has, as numbers are grouped when
    read out ("138", "0755", "9123"): a message of more digits alone ("12345") is a number typed
    whole, answered as one that is none; but a mainland mobile's first two groups ("139 1234",
    "1391234") are a piece too, the last group still to come."""
    unclear_confirmations: int = Field(default=2, ge=1, le=10)
    """Answers to the restatement that say neither yes, no nor a correction, after which the
    confirmation is not asked again: the case is registered as restated (unconfirmed) and goes to a
    person, who checks it with the customer."""
    """After this many refusals the phone is not asked again: the case goes on with the channel
    identity as the contact."""
    summary_max_chars: Annotated[int, Field(ge=5, le=2000)] | dict[str, Annotated[int, Field(ge=5, le=2000)]] = 40
    """The restatement's problem: the customer's clauses about the problem, up to this long; one
    length, or one per locale (an English clause needs more characters than a Chinese one)."""
    summary_joiner: LocalizedText = LocalizedText.model_validate({"zh-CN": "，", "en": ", "})
    run_on_clause_ends: list[str] = []
    """Words that end a clause told without a pause ("了" of "电梯坏了三次了每次…"): a problem too long
    to restate whole is cut after one, before it is cut at any word."""
    run_on_clause_starts: list[str] = []
    """Words that start a clause told without a pause ("and", "because" of "a crack in the ceiling and
    water dripping on my bed"): a problem too long to restate whole is cut before one, before it is cut at
    any other word, never leaving "…and water"."""
    spoken_punctuation: list[str] = []
    """Punctuation voice input writes as words ("逗号", "句号"): a pause in the restatement's problem,
    never said back as a word."""
    spoken_fillers: list[str] = []
    """Sounds and words of voice input that say nothing ("嗯", "啊", "那个"): left out of the
    restatement's problem wherever they stand as words of their own ("我们家那个暖气啊不热" is
    我们家暖气不热), never inside a longer word."""
    pause_fillers: list[str] = []
    """Words that say nothing where a pause starts or ends ("就是", "我想说一下"): left out of the
    restatement's problem there only ("就是暖气不热"), as words of their own."""
    leading_asides: list[str] = []
    """Words that only open what the customer tells ("我想投诉一下", "我又回来了", "但是还有", "也"): left out
    of the restatement's problem where a pause starts, as ``pause_fillers`` are."""
    trailing_asides: list[str] = []
    """Words that only close what the customer tells ("怎么办", "so annoying"): left out of the
    restatement's problem where a pause ends, as ``pause_fillers`` are."""
    acknowledgements: list[str] = []
    """Words that only acknowledge or hesitate ("行", "好吧", "ok", "嗯呢"): left out of the restatement's
    problem where they open a clause and a pause follows them ("行 小区的路灯坏了" is 小区的路灯坏了)."""
    acknowledgements_typed_on: list[str] = []
    """Those of ``acknowledgements`` also left out typed on to the problem ("好吧小区的路灯坏了"): where
    a word ends after them and what follows still tells the problem."""
    you_words: list[str] = []
    """The customer's words for the service itself ("你们", "你们的", "贵公司"): said back by the service they
    would name the service wrongly ("你们电梯又坏了" is 电梯又坏了), so they are left out of the
    restatement's problem where they open a pause."""
    neighbour_places: list[str] = []
    """Where a neighbour lives, said before them ("楼上", "隔壁"): an insult right after it, perhaps after one of
    ``neighbour_pointers`` ("楼下那个傻子天天半夜敲墙"), names the neighbour, and is said back as
    ``neighbour_word`` ("楼下邻居天天半夜敲墙"), never cut out leaving "楼下那个天天…"."""
    neighbour_pointers: list[str] = []
    """Words pointing at a person between ``neighbour_places`` and an insult ("那个", "嗰個"), and in English
    before one ("the", "that": "the idiot upstairs")."""
    english_neighbour_places: list[str] = []
    """Where a neighbour lives, said after them in English ("upstairs", "next door"): "the idiot upstairs keeps
    banging" is said back "the neighbour upstairs keeps banging"."""
    neighbour_nouns: list[str] = []
    """Who the neighbour is, said right after the insult ("隔壁那个傻逼邻居", "my idiot neighbour"): the insult
    is then only cut out, never said as ``neighbour_word`` too."""
    neighbour_word: LocalizedText | None = None
    """The neutral word said back for an insult naming a neighbour ("邻居", "neighbour")."""
    neighbour_word_traditional: str = ""
    """``neighbour_word`` for a customer writing traditional characters ("鄰居")."""
    kept_question_words: list[str] = []
    """A question the customer asks about the problem with one of these ("要收费吗", "收不收费", "多少钱"):
    kept in the restatement's problem, so the agent answers it; other questions ("什么时候来水") are
    answered by the promise and left out."""
    vent_words: list[str] = []
    """Words that make a pause a vent, not the problem ("人呢" of "wy的人呢", "管不管"): such a pause
    without a problem word is left out of the restatement's problem while another pause tells it."""
    vent_pauses: list[str] = []
    """Whole pauses that only vent or lead in ("不行" of "不行 停水一整天了", "服了"): left out of the
    restatement's problem as ``vent_words`` are; inside a longer pause ("热得不行") they stay."""
    standalone_curses: list[str] = []
    """Curses that are everyday characters inside words ("草" of 草坪, "操" of 操场, "靠" of 靠窗): a curse
    only as a whole pause ("电梯又坏了 草", "靠，电梯又坏了"), left out of the restatement's problem as
    ``vent_pauses`` are."""
    noise_words: list[str] = []
    """Laughter and chat noise ("哈哈哈", "6666", "hhh", "lol"): a message of only these (repeated),
    punctuation and emoji says nothing of a problem: never recorded as one."""
    address_levels: list[list[str]] = []
    """Address markers from coarse to fine (路, 号, 栋, 单元, 室): a correction that gives only a
    part ("应该是6栋") replaces the old address from that level down."""
    words_without_a_problem: list[str] = []
    """English words that say nothing of a problem ("my", "is", "live"): a message of only these,
    the form's items and feelings is not a description (Chinese: ``address_stop_chars``)."""
    words_naming_a_complaint: list[str] = []
    """Besides ``complaint.mention_words``: words with which a customer only says they want to
    complain ("我要投诉", "我想反映个问题", "I'd like to make a complaint"), asked for the details."""
    no_place_words: list[str] = []
    """Words with which an answer to the place question says there is none ("没有地址", "网上办的",
    "不知道"): the form goes on without a place."""
    no_place_answers: list[str] = []
    """Whole answers to the place question that say there is none ("没有", "无", "none")."""
    nothing_more_answers: list[str] = []
    """Whole answers that say nothing more is needed ("没有", "no") when what they answer is
    "请问还有什么可以帮助您？" after a case's status was told, before any problem: a leave-taking,
    never a piece of a problem held for more."""
    more_words: list[str] = []
    """Words that add to the problem ("还有", "另外"): "不对 还有小区的路灯也不亮" answering the
    restatement adds to the problem rather than correcting an item."""
    which_matter_words: list[str] = []
    """Words saying which matter an earlier case was about ("就是电梯的事", "the one about the lift"):
    after ``status_no_case``, with no problem told beside, they say which case to look up, not a new one."""
    settled_words: list[str] = []
    """Words saying the matter is settled ("已经退给我了", "已经修好了"): giving the complaint up
    with them is no demand, though they name money ("退给我")."""
    withdrawal_taken_back_words: list[str] = []
    """Words taking back a withdrawal after the hand-off ("还是来吧", "还是要处理"): the case is
    active again (``withdrawal_taken_back``)."""
    earlier_complaint_words: list[str] = []
    """Words naming a complaint made before ("之前的投诉", "上次"): taking it back with none of the
    customer's known here, they are asked for its number (``withdraw_ask_case_number``)."""
    not_understood_words: list[str] = []
    """Words saying the customer did not understand the question asked ("什么意思 我不懂", "什么电话
    是要我打电话给你们吗"): the question is explained in simpler words (``explain_phone``,
    ``explain_area``, ``explain_confirm``), nothing recorded."""
    asking_to_ask: list[str] = []
    """Words announcing a question ("我问一下"): with ``forms_of_address`` and nothing else, the
    customer is invited to speak, not asked for a contact."""
    forms_of_address: list[str] = []
    """What customers call the agent ("闺女", "师傅"): nothing of a question or a problem."""
    keep_complaint_words: list[str] = []
    """Words taking a withdrawal back ("我还是要投诉"): answering ``withdraw_confirm`` with them and
    no problem of their own is a no, never more of the problem."""
    forbidden_followers: list[str] = []
    """Words that, right after a forbidden phrase in the customer's own words, go with it out of the
    restatement's problem: "我不懂为什么这个月多收了200块" restates "这个月多收了200块"."""
    speech_words: list[str] = []
    """Words that say someone spoke ("前台跟我说", "营业员说"): right before a forbidden phrase, they
    and the words before them in the pause are its speaker, out of the restatement with it."""
    story_words: list[str] = []
    """Words that tell how long or how it went ("已经滴了一个礼拜了", "已經等咗成個禮拜"): an answer
    to the place question with one, and no address in it, is more of the problem, not the place."""
    item_intros: list[str] = []
    """Words that introduce a phone or a place in a description besides ``correction_fields`` and
    the address triggers ("电话是", "call me at", "at"): the restatement's problem leaves them out
    with the item ("他电话13811112233" and "broken at Sunshine Garden" leave no "他电话", no "at")."""
    phone_intros: list[str] = []
    """Words right before a phone number ("我的电话是", "my number is"): digits after one are an
    attempt at a number, answered with ``invalid_phone`` when they are none, never recorded as
    more of the problem in silence."""
    item_owners: list[str] = []
    """Whose item it is, said before the words introducing it ("他电话…", "她住…", "my phone is…"):
    left out with it."""
    alternative_phone_words: list[str] = []
    """Words saying a number is one to try when the contact phone does not answer ("打不通的话打我
    老婆的138…"): given so in a later message, before or after the hand-off, it is the alternative,
    not a new contact phone nor more of the problem."""
    phone_extension_words: list[str] = []
    """Words between a landline and its extension ("0755-26881234转8021", "分机 8021", "ext 8021"):
    the digits after one are the extension, kept apart from the number (which alone is texted)."""
    others_phone_words: list[str] = []
    """Words saying a typed number is someone else's ("帮我妈投诉 她的手机号138…"): over a channel
    that vouches for the sender's number (SMS), the sender's is kept as the alternative."""
    out_of_service_words: list[str] = []
    """Words saying a typed number cannot be reached ("她的手机号138…被停机了"): over a channel that
    vouches for the sender's number (SMS), the sender's stays the contact phone."""
    threat_conditions: list[str] = []
    """Words opening a threat's condition ("再不", "不然", "if you don't"): with one of
    ``threat_consequences`` after it in the same pause ("再不来清理我就打12345投诉你们"), the pause from
    it on is a threat, never restated as the problem when the rest tells it."""
    threat_consequences: list[str] = []
    """Words of a threat's consequence after its condition ("就", "I'll")."""
    threat_openers: list[str] = []
    """Words opening a threat without a condition ("否则", "or else"): the pause from one on is a threat."""
    message_talk_words: list[str] = []
    """Words about how the message itself was sent ("我用我的手机发的短信"): a pause holding one and
    no problem is left out of the restatement's problem."""
    contact_change_words: list[str] = []
    """Words that give a new number to call ("电话换了 新号码是…", "以后打我老婆电话…"): a phone
    with one after the hand-off replaces the case's, as a correction does, unless
    ``alternative_phone_words`` make it a number to try too ("打不通就打我老婆的…")."""
    contact_replaced_words: list[str] = []
    """Words saying the case's number is given up ("电话换了", "以后打…", "停机了"): a number after
    the hand-off with one replaces the case's even with ``alternative_phone_words`` in the message."""
    phone_change_words: list[str] = []
    """Words saying the customer will give another number while the complaint is taken ("等一下 我换个号码
    这个号不常用"): without a number, the new one is asked for; with one, it replaces the phone kept."""
    phone_given_words: list[str] = []
    """Words answering the phone question with the number given already ("我电话不是给过你们了吗",
    "还是那个号码", "same number as before"): a number known for the customer is the contact, said
    back (``contact_noted``); none known, that is said and the phone asked once more (``phone_not_known``)."""
    language_words: list[str] = []
    """Words saying which language the customer will write in ("我还是说中文吧", "I'll write in
    English"): that pause, and the words of no problem before it ("算了"), are no part of the
    message's answer; what else it tells is read as if told alone (the language followed as ever)."""
    question_endings: list[str] = []
    """How a question ends ("吗", "多少", "?"): an answer to the place question ending so asks
    something ("你工号多少") and is not taken as the place."""
    question_words: list[str] = []
    """Words that ask, wherever they stand ("啥", "谁", "再说一遍"): an answer to the place
    question holding one is not taken as the place."""
    why_asked_answers: list[str] = []
    """Whole answers asking only why or what, at a phone question ("为什么？", "为啥", "啥？", "why?"): told what the
    phone is for and that it may be declined (``ask_phone_again``), no refusal counted, nothing recorded."""
    how_contacted_words: list[str] = []
    """Words asking how we will reach the customer ("那你们怎么联系我？"): after a refused phone,
    the answer is that the contact is this conversation's channel (``phone_not_needed``)."""
    abuse_words: list[str] = []
    """Insults aimed at the one serving ("傻逼", "你妈的", "滚"): a message of nothing but abuse,
    after an earlier angry one with no problem told, gets the harassment warning (seed 001 (13))
    instead of the same empathy again, and the close after ``timers.harassment_close_after``."""
    insult_words: list[str] = []
    """Words that insult beside ``abuse_words`` ("废物 垃圾"), though alone they may name a problem
    ("垃圾": the rubbish): a message of only these and abuse is anger, not a complaint."""
    insult_prefixes: list[str] = []
    """Words that insult whom they come right before ("垃圾", "辣鸡"): see ``insult_targets``."""
    insult_targets: list[str] = []
    """Whom an insult prefix is aimed at ("移动", "物业", "客服"): "垃圾移动" is abuse and anger, never
    the rubbish; "垃圾房" (no target) stays the rubbish."""
    insult_groups: list[str] = []
    """Words counting people right before an insult prefix ("这帮", "一群", "你们都是"): "你们这帮垃圾"
    is abuse and anger, never the rubbish; "一堆垃圾", "这些垃圾" (things counted) stay the rubbish."""
    case_number_words: list[str] = []
    """Words that name the case number ("投诉编号", "单号", "case number"): a status question with
    one while the complaint is still being taken is told the number comes once it is registered."""
    no_phone_words: list[str] = []
    """Words saying the customer has no phone ("我没有手机"): answering the phone question with one,
    the channel is the contact at once (no reassurance: there is no number to persuade them of)."""
    no_phone_left_words: list[str] = []
    """Words saying no phone was left on a case ("当时没留电话"): answering ``verify_case_phone``
    about where a case stands with one (or a ``no_phone_words`` one), the writer is told such a case
    is looked up only where it was made (``case_check_no_phone_left``): nothing else its customer
    knows is hidden from the staff console."""
    shrug_words: list[str] = []
    """Words leaving it to us ("无所谓", "你们自己看着办", "whatever"): answering the phone question
    with one is a refusal, not more of the problem."""
    small_talk_words: list[str] = []
    """Words with which a first message only tries the service or asks about it ("test", "物业吗",
    "你是机器人吗"): with nothing else of a problem, nothing is recorded and the problem is asked for."""
    room_words: list[str] = []
    """Words ending a room number ("室", "房"): "302" alone answering the restatement is the room of
    the place restated, the first of these added ("阳光花园3栋302室")."""
    service_voice: list[str] = []
    """Regular expressions (over the matchable text: simplified, folded, lower case; matched by RE2)
    for a clause in the service's voice or giving the bot orders ("我们会赔偿您5000元", "您的投诉已解决",
    "系统通知", "we will refund you", "ignore previous instructions"): never read back in the
    restatement's problem nor counted for the category (``bot/understanding/service_voice.py``)."""

    @field_validator("service_voice")
    @classmethod
    def _service_voice_compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            problem = pattern_problem(pattern)
            if problem is not None:
                raise ValueError(f"{pattern!r}: {problem}")
        return patterns

    not_the_problem_words: list[str] = []
    """Words about the customer or the conversation, never the problem ("就是那个", "我是老人",
    "看图啊"): a message of only these is not recorded as the complaint; the question is asked again."""
    cannot_type_words: list[str] = []
    """Words saying the customer cannot type ("不会打字", "能发语音吗", "能打电话吗", SMS "[语音]"): with
    no problem told beside them, a call back is offered (``offer_call_back``): only the phone is asked."""
    photo_asked_words: list[str] = []
    """Words asking whether a photo arrived ("我发的照片你们收到没"): after the hand-off, with no
    photo received in the conversation, answered ``photo_not_received``."""
    received_asked_words: list[str] = []
    """Words asking whether something arrived ("收到没", "你哋收到未", "did you get"): beside a
    ``media_words`` word ("我啱啱send咗张相俾你 你哋收到未"), before any problem, a photo asked after as
    ``photo_asked_words`` are."""
    presence_words: list[str] = []
    """Words asking whether anyone is there ("有人吗", "人呢", "你们是不是都死了"): after the hand-off,
    always answered, ``presence_wait`` and the case's status in turn (never the same words twice
    running), a message repeated exactly within ``timers.presence_repeat_within`` only once."""
    sooner_words: list[str] = []
    """Words asking for the problem to be handled sooner ("能不能今天就处理"): noted for the staff
    and said so (``message_recorded``), with the problem or after the hand-off; the deadline stays
    the standard's."""
    retort_words: list[str] = []
    """Retorts that ask nothing ("你说呢？", "你猜", "what do you think?"): a message of only one,
    while the form is taken, is answered with the pending question again, not recorded as a
    question for the staff."""
    waited_words: list[str] = []
    """Words saying the customer has waited too long ("都一天了还没人联系我", "什么效率"): a status
    question with one, or asked in anger, hears ``status_apology`` before where the case stands."""
    media_words: list[str] = []
    """Words naming a photo or a video ("我有照片", "[图片]"): an answer to the place question
    holding one is not taken as the place."""
    here_words: list[str] = []
    """Answers saying the customer is still there ("在", "在的", "我在呢", "still here"), as to "您还在吗？":
    a message of only one, while the form is taken, is neither the problem nor a place; the question
    pending is asked again."""
    away_words: list[str] = []
    """Words excusing an absence ("刚才手机没电了", "刚才在忙", "sorry, my phone died"): a message of
    these (and a hello or an apology) while the form is taken is no more of the problem; the
    question is asked again."""
    appeal_words: list[str] = []
    """Words of an appeal (申诉: "我要申诉！上个月投诉的漏水到现在没人管"): with no case of the
    customer's known, its number is asked for; without one, the duty supervisor takes it."""
    mishandling_words: list[str] = []
    """Words complaining of how a case is handled ("你们根本不管", "踢皮球", "说话不算数"): a status
    question about an open case with one is an appeal, as one after its deadline is; without, it
    is answered with where the case stands."""
    nobody_cares_words: list[str] = []
    """Words saying nobody cares for the customer ("没人管我", "根本没人理我", "反正也没人在乎"): after
    talk of self-harm in a chat an agent holds, care and the helpline again (as the bot answers any
    message after it), never silence."""
    own_fault_words: list[str] = []
    """The customer's own manner, apologised for ("我刚才态度不好，对不起啊"): an apology, no complaint."""
    urging_words: list[str] = []
    safety_questions: list[str] = []
    """Asking what to do ("what should i do", "怎么办啊", "點算") in an emergency: the safety advice
    for its danger is said again, whenever asked, never the phone question alone."""
    safe_now_words: list[str] = []
    """Saying they are safe now ("我已经出来了", "I'm out") after the safety advice: acknowledged
    (``safe_now_noted``), never the same advice again."""
    """Words that urge us on ("快点", "快派人", "hurry"): said while the supervisor's phone or an
    emergency's address is asked for, with nothing else given, they refuse nothing: the customer
    is reassured and asked again."""
    denial_words: list[str] = []
    """Words that deny what was restated ("不是", "isn't"): a problem put right ("问题不是路灯
    是电梯坏了") becomes its pauses without one, "是电梯坏了", when those still tell a problem. A phone
    number right after one, beside one that is not, is the wrong one ("是136…1111不是136…1112")."""
    place_denial_words: list[str] = []
    """Words before the part of an English place that is wrong ("it's 15/F not 5/F", "flat 12B
    rather than 12C"): at the restatement, that part of the place is replaced by the one said."""
    put_right_intros: list[str] = []
    """Words that introduce what is right ("是", "应该是", "it's"): "不是保洁 是保安" puts 保安 in
    place of 保洁 in the problem; "不对 是晚上十点以后" at the restatement is the problem put right."""
    not_put_right_after: list[str] = []
    """English words after an intro saying more of the same thing, not what is right instead ("no,
    it's been broken for a week", "no it's still leaking"): a no before them takes nothing back."""
    take_back_intros: list[str] = []
    """Words opening a pause that takes the problem back to what was said before it was put right
    ("还是电梯的事", "还是电梯"): with a thing named and no word for what is wrong, the message's
    pauses telling a problem are the problem, in place of the one restated."""
    no_problem_words: list[str] = []
    """Words saying a thing is fine ("楼道灯没事"): a pause with one is no problem of the taken-back message."""
    fine_words: list[str] = []
    """Words saying an item is right ("对", "没问题"): "地址对 电话错了" names the phone to correct,
    not the address."""
    fault_words: list[str] = []
    """Words saying the restated problem is wrong ("说错了", "写错了"), in a pause of their own perhaps
    after the problem's item word and a ``fault_speakers`` word ("问题说错了", "我刚才说错了"): at the
    restatement, what the message says beside them is the problem, in place of the one restated."""
    incomplete_words: list[str] = []
    """Words saying the restated problem lacks something ("写得不全", "没写全"), in a pause of their
    own as ``fault_words`` are: what the message says beside them completes the problem (in place
    of what it tells again: "问题写得不全 是电梯坏了一个星期了" after 电梯坏了)."""
    fault_speakers: list[str] = []
    """Words before ``fault_words`` or ``incomplete_words`` in their pause ("我", "刚才": "我刚才说错了")."""
    register_words: list[str] = []
    """Asking, at the restatement, that the complaint be registered as it stands ("帮我登记吧",
    "please register it"): a confirmation, never more of the problem."""
    asking_marks: list[str] = []
    """Marks that ask alone ("？？？"): after the hand-off, a message of only these (and white space)
    asks where the case stands."""
    last_digit_words: list[str] = []
    """Words naming the phone's last digit ("最后一位"): "电话最后一位是9" puts the phone right at once."""
    local_number_words: list[str] = []
    """Words after which seven or eight digits are a landline typed without its area code ("座机
    8866 5544"): with ``service.local_area_code`` set, it is that area's number."""
    landline_words: list[str] = []
    """Words saying the number after them is a landline ("座机 6234 5678", "家里座机 6 2 3 4 5 6 7 8"):
    its eight digits are never read as a Hong Kong or Macao mobile."""
    phone_tail_corrections: list[str] = []
    """Words taking back the last digits of a number just said ("一三三…零三一不对是零三二"): the
    digits after one (and a ``put_right_intros`` word) replace as many at the number's end."""

    def aimed_insults(self) -> list[str]:
        """Each insult prefix joined to each target ("垃圾移动", "辣鸡客服"), and each group of people
        joined to each prefix ("这帮垃圾", "一群辣鸡")."""
        prefixes = [prefix for prefix in self.insult_prefixes if prefix]
        targets = [target for target in self.insult_targets if target]
        groups = [group for group in self.insult_groups if group]
        return [
            *(prefix + target for prefix in prefixes for target in targets),
            *(group + prefix for group in groups for prefix in prefixes),
        ]

    def abuse(self) -> list[str]:
        """``abuse_words`` and the aimed insults: every word never said back and never a complaint."""
        return [*self.abuse_words, *self.aimed_insults()]

    def summary_limit(self, locale: str) -> int:
        """How long the restatement's problem may be in ``locale`` (the longest configured, for a
        locale not listed)."""
        if isinstance(self.summary_max_chars, int):
            return self.summary_max_chars
        return self.summary_max_chars.get(locale) or max(self.summary_max_chars.values(), default=40)


class ElderAges(_Strict):
    """An age said in a message that makes the ``elder`` signal ("我妈78岁了")."""

    from_age: int = Field(default=70, ge=1, le=120)
    units: list[str] = []
    """The words after an age ("岁", "years old"); none turns the reading off."""
    relatives: list[str] = []
    """Who an age without a unit is said of ("我爸今年八十五了"): then the age ends the clause."""
    told_of: list[str] = []
    """Who an age is told of in English, the age after them and ``told_links`` ("my mum is 80",
    "I'm 82", "my dad's nearly 90"), without a unit."""
    told_links: list[str] = []
    """The words between ``told_of`` and the age ("is", "'s", "now")."""
    not_ages: list[str] = []
    """Words after such a number that make it no age ("my dad is 80 metres away", "my mum is 80% deaf")."""


class ModelTrust(_Strict):
    """How far the optional model's reading of a customer message is believed (``model_trust:``).

    A signal the model finds and the rules did not acts (empathy, an apology, the supervisor, a
    higher queue place, the emergency texts) only when the message has a hint word of that signal's
    kind; otherwise it is only shown to the staff as the model's suggestion. The same for the
    intents listed under ``intent_hints`` (a supervisor asked for is a P0 ticket). A message with an
    ``untrusted`` word or mark (instructions to a model, JSON) is not given to the model at all.
    """

    signal_hints: dict[Signal, list[str]] = {}
    """Per signal, broad words of its kind, matched inside the folded, simplified message; a signal
    with none never acts on the model's word alone."""
    intent_hints: dict[Intent, list[str]] = {}
    """Intents the model may add only with one of these words in the message (others it adds freely,
    as before; ``harassment`` never)."""
    untrusted: list[str] = []
    """Words and marks of a payload meant for the model ("忽略之前的指令", "system prompt", "{"): a
    message holding one is read by the rules alone."""


class ShortQuestions(_Strict):
    """A short English question asked in a conversation told in Chinese ("what should i do" in
    an emergency told in Chinese): the conversation keeps its language, as for a few English words.
    A question saying which language to write in (``form.language_words``, "can you speak english")
    still switches, as does anything longer."""

    max_words: int = Field(default=5, ge=0, le=20)
    """At most this many English words of two letters or more."""
    openers: list[str] = []
    """The question's first words ("what", "how", "where"); a message ending in a question mark is one too."""


class Classification(_Strict):
    """``config/classification.yaml``: categories, grading, signals and side intents."""

    categories: list[Category] = Field(min_length=1)
    fallback_category: str
    complex_keywords: list[str] = []
    complex_min_chars: int = Field(default=200, ge=1, le=100_000)
    complex_signals: list[Signal] = [Signal.REPEAT, Signal.MEDIA_LEGAL]
    """Signals that make a complaint complex whatever its category (a repeat, a threat of the media,
    danger now)."""
    # issue 12 item 3
    still_open_keywords: list[str] = []
    """Words saying an earlier problem is still not handled: with an open case, a complaint that
    says one repeats it (an appeal, 申诉), whatever its category."""
    signals: dict[Signal, KeywordRule]
    intents: dict[Intent, KeywordRule]
    correction_fields: dict[str, list[str]]
    complaint: ComplaintRule = ComplaintRule()
    negation: Negation = Negation()
    requests: Requests = Requests()
    safety_advice: list[SafetyAdvice] = []
    """The safety advice for danger now by its kind (water in the electrics, fire, gas, a lift, a
    flood), the first kind whose words the message names; ``safety_first`` when it names none."""
    fillers: list[str] = []
    """Understander only: words an ``exact`` answer may carry besides its keywords ("好的呀")."""
    whole_words: list[str] = []
    """Understander only: words in which a keyword is not looked for ("人工智能" holds 人工)."""
    word_runs: list[str] = []
    """Understander only: keywords matched only as the segmenter's words in a row, never made one
    word of its dictionary: 卡在 is 电梯/卡/在 in "电梯卡在12楼了", while "门禁卡在物业办" keeps its card, 门禁卡."""
    misspellings: dict[str, str] = {}
    """Understander only: words customers type for others, matched as the word meant ("宽代": 宽带)."""
    pinyin: dict[str, str] = {}
    """Understander only: Chinese typed in pinyin, read as the characters meant ("dui": 对,
    "zhuangxiu": 装修), in a message of pinyin only (:mod:`bot.understanding.pinyin`)."""
    short_questions: ShortQuestions = ShortQuestions()
    """Understander only: a short English question in a Chinese conversation ("what should i do")
    keeps the conversation's language."""
    cantonese_markers: list[str] = []
    """Understander only: words written only in Cantonese, the same in both scripts ("唔", "咗",
    "搞掂"): a message tied between traditional and simplified characters that has one is traditional
    (:mod:`bot.understanding.language`)."""
    form: FormRules = FormRules()
    elder_ages: ElderAges = ElderAges()
    model_trust: ModelTrust = ModelTrust()

    @model_validator(mode="after")
    def _fallback_exists(self) -> Classification:
        ids = [category.id for category in self.categories]
        if len(ids) != len(set(ids)):
            raise ValueError("category ids must be unique")
        if self.fallback_category not in ids:
            raise ValueError(f"fallback_category {self.fallback_category!r} is not a category id")
        missing_intents = {Intent.YES, Intent.NO} - set(self.intents)
        if missing_intents:
            raise ValueError(f"intents: {sorted(i.value for i in missing_intents)} are required")
        unknown = set(self.correction_fields) - {"description", "phone", "area"}
        if unknown:
            raise ValueError(f"correction_fields: unknown fields {sorted(unknown)}")
        if Intent.COMPLAINT in self.intents:
            raise ValueError("intents: configure complaint under complaint:, not as a keyword rule")
        self._check_unless()
        return self

    def _check_unless(self) -> None:
        """``unless`` names configured intents (or complaint), and no intent depends on itself."""
        for field, others in (
            ("unless", self.complaint.unless),
            ("symptom_unless", self.complaint.symptom_unless),
            ("problem_intents", self.complaint.problem_intents),
        ):
            for other in others:
                if other not in self.intents:
                    raise ValueError(f"complaint.{field}: {other.value!r} is not a configured intent")
        for intent, rule in self.intents.items():
            for other in rule.unless:
                if other is not Intent.COMPLAINT and other not in self.intents:
                    raise ValueError(f"intents.{intent.value}.unless: {other.value!r} is not a configured intent")
        try:
            tuple(graphlib.TopologicalSorter(self.unless_graph()).static_order())
        except graphlib.CycleError as error:
            cycle = " → ".join(intent.value for intent in error.args[1])
            raise ValueError(f"unless: the intents depend on each other in a circle: {cycle}") from None

    def unless_graph(self) -> dict[Intent, set[Intent]]:
        """Each intent (complaint too) and the intents it is dropped for."""
        graph = {intent: set(rule.unless) for intent, rule in self.intents.items()}
        graph[Intent.COMPLAINT] = set(self.complaint.unless) | set(self.complaint.symptom_unless)
        return graph

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)


DeadlineHours = Annotated[float, Field(ge=MIN_DEADLINE_HOURS, le=MAX_DEADLINE_HOURS)]
"""Hours of a reply deadline: at least half an hour, at most 30 days (the editor's bounds)."""


class DeadlineRule(_Strict):
    hours: DeadlineHours | None = None
    working_days: int | None = Field(default=None, gt=0, le=MAX_WORKING_DAYS)
    clock: Clock | None = None
    """How ``hours`` are counted for this rule; the table's ``clock`` when not given."""

    @model_validator(mode="after")
    def _one_unit(self) -> DeadlineRule:
        if (self.hours is None) == (self.working_days is None):
            raise ValueError("give exactly one of hours or working_days")
        if self.clock is not None and self.hours is None:
            raise ValueError("a clock counts hours: give hours with it")
        return self


class DeadlineOverride(_Strict):
    category: str | None = None
    tier: str | None = None
    grade: Grade | None = None
    signal: Signal | None = None
    """Matches a complaint with this signal among its signals."""
    words: list[str] = Field(default=[], max_length=100)
    """Matches a complaint whose problem holds one of these (matched in simplified Chinese, lower
    case): with ``signal: elder``, a lift word makes an elder kept at home by a broken lift urgent."""
    deadline: DeadlineRule

    @field_validator("words")
    @classmethod
    def _as_matched(cls, words: list[str]) -> list[str]:
        """Lower case, as the problem is matched; a word of more than 50 characters is refused."""
        kept = [word.strip().lower() for word in words if word.strip()]
        if any(len(word) > 50 for word in kept):
            raise ValueError("a word is at most 50 characters")
        return kept


class DeadlineTable(_Strict):
    """``config/deadlines.yaml``: reply deadline by grade × customer tier, then overrides."""

    tiers: list[str] = Field(min_length=1)
    default_tier: str
    urgent_tiers: list[str] = []
    table: dict[Grade, dict[str, DeadlineHours]]
    overrides: list[DeadlineOverride] = []
    clock: Clock = Clock.BUSINESS_HOURS
    round_to_minutes: int = Field(default=30, ge=1, le=60)
    """Promised times are rounded up to a whole step of this many minutes (30: "3点30分")."""
    extension_min_hours: float = Field(default=1, gt=0, le=MAX_DEADLINE_HOURS)
    """A supervisor's extension moves the deadline at least this many hours: each one tells the
    customer, so a trickle of tiny ones would only send apologies."""
    extensions_per_case: int = Field(default=3, ge=1, le=20)
    """How many times one case's deadline may be extended."""
    appeal: DeadlineRule | None = None
    """An appeal (申诉) raised to the duty supervisor: the case's reply time, counted from the
    appeal, when it comes sooner than the one in force (or that one has passed). None: the case
    keeps its time."""

    @model_validator(mode="after")
    def _complete(self) -> DeadlineTable:
        if self.default_tier not in self.tiers:
            raise ValueError(f"default_tier {self.default_tier!r} is not in tiers")
        for grade in Grade:
            row = self.table.get(grade)
            if row is None:
                raise ValueError(f"table: grade {grade.value!r} missing")
            missing = [tier for tier in self.tiers if tier not in row]
            if missing:
                raise ValueError(f"table.{grade.value}: tiers missing: {missing}")
        unknown = [tier for tier in self.urgent_tiers if tier not in self.tiers]
        if unknown:
            raise ValueError(f"urgent_tiers: unknown tiers {unknown}")
        if 60 % self.round_to_minutes:
            raise ValueError("round_to_minutes: must divide an hour (1, 5, 10, 15, 20, 30, 60 …)")
        return self


UpToADay = Annotated[int, Field(gt=0, le=DAY_SECONDS)]
"""Seconds, at most a day."""


class Timers(_Strict):
    """``config/timers.yaml``: conversation timers, in seconds."""

    idle_prompt_after: UpToADay
    idle_close_after: Annotated[int, Field(gt=0, le=7 * DAY_SECONDS)]
    harassment_close_after: UpToADay
    handoff_ack_after: UpToADay = 300
    """After hand-off, a message other than a status question is acknowledged at most once per
    this many seconds (issue 12 item 1). Defaulted, so a timers.yaml written before it still loads."""
    form_reask_after: int = Field(default=60, ge=0, le=3600)
    """While the phone or the place is asked for, more of the description is recorded, and said so
    with the question again, at most once per this many seconds: a customer telling the problem in
    several messages is not interrupted after each (seed 003: 让客户说完). 0: after every message.
    Defaulted, as above."""
    presence_repeat_within: int = Field(default=10, ge=0, le=300)
    """After the hand-off, "有人吗" sent again word for word within this many seconds (a double send)
    is not answered twice; any other time it is always answered. Defaulted, as above."""
    edits_notice_every: int = Field(default=600, ge=0, le=DAY_SECONDS)
    """A customer who edits a sent message (Telegram) is told edits are not read, and asked to send
    the correction as a new message, at most once per this many seconds. Defaulted, as above."""
    owed_promise_after: UpToADay = 600
    """On the duty supervisor's paths the reply time is said after the phone and the place are
    answered; a customer who answers neither for this many seconds hears the restatement and the
    time all the same. Defaulted, as above."""
    safety_repeat_after: int = Field(default=300, ge=0, le=DAY_SECONDS)
    """Danger told again ("煤气味越来越重了") hears how to stay safe and whom to call again, at most
    once per this many seconds; the first time always. 0: every time. Defaulted, as above."""
    reassure_again_after: int = Field(default=300, ge=0, le=DAY_SECONDS)
    """While an agent holds the case, a leader asked for or a threat said again with nothing new:
    the reassurance, then a shorter acknowledgement, then nothing (the staff see each message)
    until this many seconds have passed since the last one said; 0: the two in turn every time.
    Defaulted, as above."""
    phone_pieces_within: int = Field(default=120, ge=1, le=3600)
    """A phone told in pieces (``form.phone_pieces_most``): a piece more than this many seconds
    after the one before starts the number afresh. Defaulted, as above."""
    phone_pieces_prompt_after: int = Field(default=8, ge=1, le=600)
    """Pieces of a phone held and nothing more told for this many seconds: the customer is asked,
    once, for the rest of the number, the pieces kept. Defaulted, as above."""
    resume_after_idle_close: int = Field(default=DAY_SECONDS, ge=0, le=7 * DAY_SECONDS)
    """A customer who writes again at most this many seconds after their conversation was closed
    for silence (``idle_close_after``), before anything was handed off, goes on with what they had
    told (the problem, phone and place) instead of starting over. 0: never. Defaulted, as above."""


class Followups(_Strict):
    """``config/followups.yaml``: the promise tracker, progress follow-ups and the satisfaction callback."""

    reminder_share: float = Field(gt=0, lt=1)
    """The owner is reminded when this share of the time from promise to deadline has passed."""
    apology_share: float = Field(gt=0, lt=1)
    """The customer hears the waiting apology at this share, if the case is still open."""
    progress_days: dict[str, Annotated[float, Field(ge=0.5, le=365)]] = {}
    """Category id → days between progress follow-ups while the case is open: at least half a day
    (each one texts the customer), at most a year."""
    callback_delay: Annotated[int, Field(gt=0, le=30 * DAY_SECONDS)]
    """Seconds after resolution before the satisfaction callback (capped at one working day)."""
    answer_window: Annotated[int, Field(ge=60, le=30 * DAY_SECONDS)]
    """Seconds the customer has to answer a callback question."""
    reopen_within: Annotated[int, Field(ge=0, le=90 * DAY_SECONDS)] = 7 * DAY_SECONDS
    """Seconds after its resolution during which a customer who writes again, in a new
    conversation, that the problem is not solved ("没解决", "还是没修好") reopens that case instead
    of filing a new complaint; 0: never (a new complaint)."""
    rating_words: list[str] = []
    """Words an answer to the rating question may carry besides its one score ("打5分吧",
    "5 stars"); an answer with other words is not a rating. Not-fixed answers are the
    ``not_resolved`` intent of ``config/classification.yaml``."""
    rating_phrases: dict[int, list[str]] = {}
    """Score → how customers say it in words ("非常满意" 5, "一般" 3, "不太满意" 2): an answer
    holding one is rated so (the longest found wins), the rest of it kept as the comment."""
    again_words: list[str] = []
    """Words saying the resolved problem is back ("昨晚又开始了", "照样吵"): such a message, while
    the callback waits for its rating, reopens the case with the agent who resolved it. With
    ``still_words``, a message naming no category ("又停了") from a customer with an open case of
    theirs (their own, or proven by its phone's digits) is more of that case
    (:mod:`bot.flows.open_case_follow_up`)."""
    new_problem_words: list[str] = []
    """Words that introduce another problem ("另外", "还有个问题"): a complaint with one, while the
    callback waits for its rating, is a new case, not the resolved one again."""
    addition_openers: list[str] = []
    """Words a message starts with to add something ("还有", "对了", "by the way"): a complaint
    starting so while the case is with the staff, about other things of the same category ("还有
    小区门口的路灯也坏了" after a leak), is another problem added to the case, not more of the same."""
    supplement_openers: list[str] = []
    """Words a message starts with to tell more of the case ("补充一下", "另外说一下", "还有就是"): while
    the case is with the staff, what follows goes on the case's description, never another problem
    (``another_problem_new_case``), whatever its category, unless it names another place."""
    same_place_words: list[str] = []
    """Words answering the place question of another problem told while a case is with the staff
    ("同一个地方", "也是那里", "same place"): the new case is where the open case is. Without them the
    open case's place is never assumed: another problem may be elsewhere."""
    smell_words: list[str] = []
    """Words naming a smell ("味道", "气味", "smell"): a message naming one and nothing else of its category
    ("电梯口那边味道最重" after "楼道里好大煤气味"), about a problem that named one too, is that problem's
    matter, though it reads as another category."""
    handling_categories: list[str] = []
    """Categories of a complaint about how the resolved case was handled ("维修师傅态度恶劣",
    service attitude): during the callback it is neither a new case nor the problem back, unless
    the resolved case was of that category itself."""
    not_done_words: list[str] = []
    """Words saying the work behind the resolution was never done ("师傅到现在都还没来", "你们骗谁呢"):
    during the callback, alone or beside a score, the case is reopened as for ``not_resolved``."""
    still_words: list[str] = []
    """Words saying the problem goes on ("还是", "还在"): beside a score, or as the comment, a
    complaint about the resolved problem with one of these (or ``again_words``) reopens the case;
    see ``again_words`` for an open case of the writer's."""
    suggestion_words: list[str] = []
    """Words with which a comment criticises or suggests beside a good score ("就是太慢了", "下次快点",
    "but it took too long"): the callback ends with thanks for the suggestion, not the praise answer."""
    harm_words: list[str] = []
    """Words telling of someone hurt or a loss to be paid for ("摔了一跤", "缝了三针", "医药费", "谁负责"):
    a callback comment with one is no suggestion to thank for; the rating is kept and the comment is
    taken down as a new case."""
    same_case_words: list[str] = []
    """Words saying a problem taken down as new at the callback is the resolved one ("不是新问题",
    "就是刚才那个"): before the new case is registered, it is dropped and the resolved case reopened."""
    which_case_words: list[str] = []
    """Words asking after one case by what it is about ("漏水的那个呢", "what about the leak"): from a
    customer with two or more open cases, naming one of them, a status question of that case."""
    which_case_endings: list[str] = []
    """Words ending a message that asks after one case by what it is about, though alone they ask
    nothing ("燃气灶那个" after a list of cases; "那个路灯又坏了" is a problem): from a customer with
    two or more open cases, naming one of them, a status question of that case."""
    rating_reasks: int = Field(default=2, ge=0)
    """How many messages that are no rating the callback answers with its rating question; the
    next one is recorded and passed to the staff (the conversation waits in the queue)."""

    @model_validator(mode="after")
    def _ordered(self) -> Followups:
        if self.apology_share <= self.reminder_share:
            raise ValueError("apology_share must be later than reminder_share")
        if any(score not in range(1, 6) for score in self.rating_phrases):
            raise ValueError("rating_phrases: scores are 1 to 5")
        return self


class Festival(_Strict):
    date: dt.date
    phrase: LocalizedText


class Calendar(_Strict):
    """``config/calendar.yaml``: the business calendar behind "one working day"."""

    working_weekdays: list[int] = Field(min_length=1)
    """ISO weekdays, 1 = Monday."""
    holidays: list[dt.date] = []
    """Local days off: override the national schedule (the chinese-calendar package)."""
    extra_working_days: list[dt.date] = []
    """Local days worked, weekends and public holidays included: override the national schedule."""
    business_hours: tuple[dt.time, dt.time]
    morning_starts: dt.time = dt.time(5, 0)
    afternoon_starts: dt.time = dt.time(12, 0)
    evening_starts: dt.time = dt.time(18, 0)
    festivals: list[Festival] = []

    @field_validator("working_weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(day < 1 or day > 7 for day in value):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        return value

    @field_validator("holidays", "extra_working_days", mode="before")
    @classmethod
    def _empty_list(cls, value: object) -> object:
        # A key left with only commented-out examples under it reads as null.
        return [] if value is None else value

    @model_validator(mode="after")
    def _not_both(self) -> Calendar:
        both = sorted(set(self.holidays) & set(self.extra_working_days))
        if both:
            raise ValueError(f"a date is both a holiday and an extra working day: {', '.join(map(str, both))}")
        return self

    @field_validator("business_hours")
    @classmethod
    def _opens_before_closing(cls, value: tuple[dt.time, dt.time]) -> tuple[dt.time, dt.time]:
        if value[0] >= value[1]:
            raise ValueError("business_hours: the opening time must come before the closing time")
        return value


WECHAT_EVENT_KEY_MAX_BYTES = 128
"""WeChat's limit on a menu button's ``key``."""


class WechatWindow(_Strict):
    """The WeChat customer-service window and what to do outside it, and the account's menu."""

    window_hours: float = Field(default=48, gt=0, le=7 * 24)
    """Customer-service messages are allowed this long after the customer's last message."""
    messages_per_window: int = Field(default=20, ge=1, le=1000)
    """At most this many customer-service messages after each message of the customer's."""
    template_id: str | None = None
    """Outside the window, send this template message (its ``template_field`` gets the text)."""
    template_field: str = "content"
    passive_reply_within_ms: int = Field(default=40, ge=0, le=4500)
    """Answer on the push request itself when the replies are ready this fast (0: never)."""
    closing_soon_hours: float = Field(default=6, ge=0, le=7 * 24)
    """The agent is told the window is closing when fewer hours than this remain…"""
    closing_soon_messages: int = Field(default=3, ge=0, le=1000)
    """…or fewer customer-service messages than this."""
    menu: dict[str, str] = {}
    """A menu button's ``EventKey`` → what pressing it does: ``open`` (the conversation: the
    greeting, or the question it is at), ``status`` (where the customer's case stands) or
    ``faq:<entry id>`` (that FAQ entry's answer). A key not listed opens the conversation."""

    @field_validator("menu")
    @classmethod
    def _menu_actions(cls, menu: dict[str, str]) -> dict[str, str]:
        for key, action in menu.items():
            if not key.strip() or len(key.encode()) > WECHAT_EVENT_KEY_MAX_BYTES:
                raise ValueError(f"menu: {key!r} is no WeChat button key (1 to {WECHAT_EVENT_KEY_MAX_BYTES} bytes)")
            try:
                MenuChoice.parse(action)
            except ValueError as error:
                raise ValueError(f"menu.{key}: {error}") from error
        return menu

    def menu_choices(self) -> dict[str, MenuChoice]:
        """The menu's keys with their choices (a key not among them opens the conversation)."""
        return {key: MenuChoice.parse(action) for key, action in self.menu.items()}


class WebchatLimits(_Strict):
    """Web chat against floods: one customer's messages and sockets, one address's new sessions and
    sockets, and the photos of each being uploaded at once."""

    messages_burst: int = Field(default=20, ge=1)
    """Messages a customer may send at once…"""
    messages_per_minute: int = Field(default=60, ge=1)
    """…refilled at this rate; a faster one is refused unstored and sent again by the widget."""
    messages_burst_per_address: int = Field(default=40, ge=1)
    """Messages all the sessions of one client address may send at once (on an instance)…"""
    messages_per_minute_per_address: int = Field(default=120, ge=1)
    """…refilled at this rate; one beyond is refused unstored, as one sent too fast, and sent again
    by the widget. Each session has a pace of its own, so this is what bounds how many messages
    one address's many sessions make the instance store and read."""
    sessions_per_address: int = Field(default=60, ge=1)
    """New sessions (a session is kept in the browser) from one client address…"""
    sessions_window_minutes: float = Field(default=10, gt=0, le=24 * 60)
    """…within this many minutes; more answer 429 with Retry-After."""
    characters_per_minute_per_address: int = Field(default=10_000, ge=1)
    """Characters of messages all the sessions of one client address may send within a minute
    (a family behind one NAT types far fewer); a message beyond is refused unstored, as one sent
    too fast, and sent again by the widget once the minute is over."""
    sockets_per_session: int = Field(default=5, ge=1)
    """Sockets one session may hold open on an instance (a customer's tabs); one more answers 429."""
    sockets_per_address: int = Field(default=100, ge=1)
    """Sockets one client address may hold open on an instance; one more answers 429."""
    connects_burst: int = Field(default=10, ge=1)
    """Socket connects one session may make at once…"""
    connects_per_minute: int = Field(default=6, ge=1)
    """…refilled at this rate; a faster one answers 429 with Retry-After."""
    photos_at_once: int = Field(default=1, ge=1, le=20)
    """Photos one customer may be uploading at once (the widget sends them one after another);
    another is answered 429 with Retry-After before it is read."""
    photos_at_once_per_address: int = Field(default=3, ge=1, le=1000)
    """Photos being uploaded at once from one client address, over all its sessions; more as above."""
    socket_frames_burst: int = Field(default=800, ge=1)
    """Frames of any kind (messages, typing, refused or malformed ones) one socket may send at once…"""
    socket_frames_per_minute: int = Field(default=2400, ge=1)
    """…refilled at this rate; a frame beyond is dropped unread and counts as refused."""
    socket_refusals_burst: int = Field(default=400, ge=1)
    """Refused frames (too fast, malformed, a typing frame within 1 s, dropped) one socket may send at once…"""
    socket_refusals_per_minute: int = Field(default=1200, ge=1)
    """…refilled at this rate; one more closes the socket with code 1008."""
    ping_every_seconds: float = Field(default=30, ge=1, le=600)
    """Every open socket is pinged this often; one from which nothing (the pong included) has
    arrived by the next ping is closed (its customer went away without closing it)."""
    escalations_per_address: int = Field(default=5, ge=1, le=100_000)
    """Urgent cases (danger, a leader asked for, a threat: each alerts the duty supervisors) from
    the web chat sessions opened at one client address within ``cases_window_minutes``; one beyond
    is still filed and its customer told how to stay safe, but it is held back, as a case beyond
    ``cases_per_address`` is, and marked for the staff as one of many from that address, with no
    alert of its own."""
    cases_per_address: int = Field(default=10, ge=1, le=100_000)
    """New cases handed off from the web chat sessions opened at one client address…"""
    cases_window_minutes: float = Field(default=60, gt=0, le=7 * 24 * 60)
    """…within this many minutes; a case beyond is still opened and answered, but queued behind
    every other ticket and marked for the staff (``HandoffRouter``)."""
    never_held_back: list[Signal] = [Signal.DANGER, Signal.SELF_HARM, Signal.ELDER, Signal.HEALTH]
    """A case with one of these signals (an elder, someone ill, danger) is never held back so,
    however many cases its address filed."""

    @model_validator(mode="after")
    def _socket_budget_above_the_pace(self) -> WebchatLimits:
        # A socket's budget tighter than the pace would drop messages the pace lets through,
        # or close a socket for the widget's resends of them.
        for name in ("socket_frames", "socket_refusals"):
            if getattr(self, f"{name}_burst") < self.messages_burst:
                raise ValueError(f"{name}_burst must be at least messages_burst")
            if getattr(self, f"{name}_per_minute") < self.messages_per_minute:
                raise ValueError(f"{name}_per_minute must be at least messages_per_minute")
        return self


def opt_word_key(text: str) -> str:
    """``text`` as opt-out words are compared: full-width folded (NFKC), case folded, without the
    spaces and punctuation around it ("  Ｔｄ。" is "td")."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    start, end = 0, len(folded)
    while start < end and _around_a_word(folded[start]):
        start += 1
    while end > start and _around_a_word(folded[end - 1]):
        end -= 1
    return folded[start:end]


def _around_a_word(character: str) -> bool:
    return character.isspace() or unicodedata.category(character)[0] in "PZC"


class OptWord(NamedTuple):
    """An SMS that is an opt-out (or opt-in) word, and the language of that word."""

    opt_out: bool
    locale: str


class SmsRules(_Strict):
    """SMS opt-out (回复TD退订): the words, by the language the confirmation is said in; how long
    a gateway's delivery report waits for the send it is about."""

    opt_out: dict[str, list[str]] = {
        "zh-CN": ["TD", "T", "退订", "取消订阅"],
        "en": ["STOP", "UNSUBSCRIBE"],
    }
    """A whole SMS that is one of these stops the SMS the bot and the staff start to that number."""
    opt_in: dict[str, list[str]] = {"zh-CN": ["订阅", "恢复"], "en": ["START"]}
    """A whole SMS that is one of these opts the number back in, and is no complaint (any other SMS
    opts it back in too, and is handled as usual)."""
    unmatched_reports_kept_hours: float = Field(default=24, gt=0, le=24 * 30)
    """A delivery report for an id no recorded send has (it came before the send's result was
    stored) waits this long to be applied with the send, then is forgotten."""

    @model_validator(mode="after")
    def _words_apart(self) -> SmsRules:
        seen: dict[str, str] = {}
        for listed, words in (("opt_out", self.opt_out), ("opt_in", self.opt_in)):
            for locale, texts in words.items():
                for word in texts:
                    key = opt_word_key(word)
                    if not key:
                        raise ValueError(f"{listed}.{locale}: {word!r} has no letters or characters")
                    if key in seen and seen[key] != listed:
                        raise ValueError(f"{word!r} is in both opt_out and opt_in")
                    seen[key] = listed
        return self

    def match(self, text: str) -> OptWord | None:
        """The opt word the whole ``text`` is, or None for any other text."""
        key = opt_word_key(text)
        if not key:
            return None
        for opt_out, words in ((True, self.opt_out), (False, self.opt_in)):
            for locale, texts in words.items():
                if any(opt_word_key(word) == key for word in texts):
                    return OptWord(opt_out, locale)
        return None


class PhotoQuota(_Strict):
    """How many photos, and how many bytes of them, one customer (one channel identity: a web chat
    session, a WeChat or Telegram user, a phone number) may have stored in 24 hours."""

    photos_per_day: int = Field(default=30, ge=1, le=10_000)
    megabytes_per_day: float = Field(default=50, gt=0, le=100_000)
    megabytes_per_address_per_day: float = Field(default=200, gt=0, le=1_000_000)
    """Megabytes of photos stored from one client address's web chat sessions (each a new
    customer) within 24 hours: four customers' days, shared by whoever is behind a carrier NAT."""

    @property
    def bytes_per_day(self) -> int:
        return round(self.megabytes_per_day * 1024 * 1024)

    @property
    def bytes_per_address_per_day(self) -> int:
        return round(self.megabytes_per_address_per_day * 1024 * 1024)


LONGEST_CUSTOMER_TEXT = 100_000
"""The most characters ``max_text_chars`` and ``max_provider_text_chars`` may be set to."""


class ChannelsConfig(_Strict):
    """``config/channels.yaml``: channel rules managers may change."""

    wechat: WechatWindow = WechatWindow()
    sms: SmsRules = SmsRules()
    webchat: WebchatLimits = WebchatLimits()
    max_image_megapixels: float = Field(default=25, ge=1, le=40)
    """A photo larger is refused by its header before a pixel is decoded, on every channel: a
    24-megapixel phone photo is taken; a small PNG asking for more costs hundreds of MB to decode."""
    max_text_chars: int = Field(default=2000, ge=10, le=LONGEST_CUSTOMER_TEXT)
    """The longest customer text web chat takes: a longer one is refused and the customer sends
    it in pieces."""
    max_provider_text_chars: int = Field(default=20_000, ge=10, le=LONGEST_CUSTOMER_TEXT)
    """The longest customer text WeChat, Telegram and SMS store as one message, read whole: their
    customer cannot be asked to send it again in pieces (Telegram's own limit is 4,096 characters,
    an SMS ~1,600; WeChat sets none for what a customer sends). Beyond it the beginning is kept
    (``bot/channels/text_input.py``)."""
    understood_head_chars: int = Field(default=2000, ge=100, le=LONGEST_CUSTOMER_TEXT)
    """What of a longer text understanding and the flow read: its first this many characters…"""
    understood_tail_chars: int = Field(default=1000, ge=0, le=LONGEST_CUSTOMER_TEXT)
    """…and its last this many (a phone or a threat is often told at the end), joined by ``…``.
    Reading costs CPU on the event loop in proportion to the text (20,000 characters about a
    second), so one sender's long texts would hold up every other conversation of the instance;
    the text is stored and shown to the staff whole all the same."""
    provider_characters_per_minute_per_sender: int = Field(default=10_000, ge=1, le=10_000_000)
    """Characters (as read: at most ``understood_head_chars`` + ``understood_tail_chars`` a text)
    one WeChat, Telegram or SMS sender's texts may have read within a minute (counted from its
    first text; the first always is): a text beyond is stored and shown to the staff, never lost,
    but not read by the bot (web chat refuses it instead: ``characters_per_minute_per_address``)."""
    provider_retries_remembered_seconds: int = Field(default=3600, ge=60, le=86_400)
    """How long a WeChat, Telegram or SMS message counted against its sender's characters a minute
    is remembered, so a provider's retry of it (same provider message id: WeChat's after 5
    seconds unanswered, Telegram's and the SMS gateway's after a failed answer) is not counted
    again and reads as the first was."""
    max_media_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    """The largest photo a customer may send, in bytes (issue 15); larger uploads are refused."""
    photo_quota: PhotoQuota = PhotoQuota()
    """A customer's photos within 24 hours; one more is refused unread (web chat: ``429``; other
    channels: not downloaded, the ``photo_quota_reached`` phrase said)."""

    @model_validator(mode="after")
    def _providers_take_what_web_chat_takes(self) -> ChannelsConfig:
        if self.max_provider_text_chars < self.max_text_chars:
            raise ValueError("max_provider_text_chars must be at least max_text_chars")
        return self


Minutes = Annotated[float, Field(gt=0, le=WEEK_MINUTES)]


class ClusterAlert(_Strict):
    """Escalation sensitivity (seed 003): the same problem, same area, from different people."""

    min_customers: int = Field(default=3, ge=2, le=10_000)
    window_hours: float = Field(default=24, gt=0, le=MAX_DEADLINE_HOURS)
    problems: dict[str, list[str]] = {}
    """The problems a cluster is of, each with the words that tell it ("电梯": [电梯, 升降梯, lift]):
    complaints of one category cluster by the problem their description names first, so a gas smell
    and a leak at one estate are two problems, not one cluster; a complaint naming none clusters by
    its category alone."""
    problem_names: dict[str, dict[str, str]] = {}
    """A problem's name in another language the staff console reads ("电梯": {en: Lift}); a problem
    without one is shown as configured."""

    @model_validator(mode="after")
    def _names_of_problems(self) -> ClusterAlert:
        unknown = sorted(set(self.problem_names) - set(self.problems))
        if unknown:
            raise ValueError(f"problem_names names no problem: {', '.join(unknown)}")
        return self

    def problem_name(self, problem: str, locale: str) -> str:
        """The problem as a reader of ``locale`` reads it (the configured word when not named)."""
        return self.problem_names.get(problem, {}).get(locale, problem)


class DashboardSettings(_Strict):
    at_risk_hours: float = Field(default=2, ge=0, le=MAX_DEADLINE_HOURS)
    """An open complaint is at risk when at most this many hours are left before its deadline…"""
    at_risk_share: float = Field(default=0.25, ge=0, le=1)
    """…or at most this share of its promised time."""
    counts_hours: float = Field(default=24, gt=0, le=MAX_DEADLINE_HOURS)
    """Complaints per category and per area are counted over this many past hours."""


class ServedFirstSettings(_Strict):
    """``served_first`` in ``config/queue.yaml``: the tickets taken before every other of the same
    priority (紧急优先: danger now before threats and escalations, seed 002)."""

    reasons: list[TicketReason] = [TicketReason.DANGER]
    """Ticket reasons served first."""
    signals: list[Signal] = [Signal.DANGER, Signal.SELF_HARM]
    """A ticket whose case has one of these signals is served first, whatever it was opened for
    (a waiting "转人工" ticket raised by "电梯里困了人" keeps its reason); its reply time is promised
    with ``promise_urgent``, never the routine wording."""


class UnseenAlertSettings(_Strict):
    """``unseen_alert`` in ``config/queue.yaml``: a threat told to the supervisors while an agent holds
    the case (the ``supervisor_told`` notice), or another danger told while it waits for the duty
    supervisor (``another_danger``), is alerted again until a supervisor reads it."""

    signals: list[Signal] = []
    """The threats alerted again (the file: violence, danger, self-harm): at the P0 pickup alert's times."""
    within_hours: float = Field(default=24, gt=0, le=MAX_DEADLINE_HOURS)
    """A notice older than this is no longer alerted again."""


class ManagerBreachAlertSettings(_Strict):
    """``manager_breach_alert`` in ``config/queue.yaml``: a missed deadline of an urgent case reaches
    every active manager too, not only the supervisors, so it never sits unseen."""

    signals: list[Signal] = []
    """Cases with one of these signals (the file: danger, self-harm)…"""
    priorities: list[Annotated[int, Field(ge=0, le=2)]] = []
    """…or whose ticket waited or was held at one of these priorities when the time passed (the file: 0)."""

    def covers(self, signals: Iterable[str], priority: int | None) -> bool:
        """Does a breached case with ``signals``, its ticket at ``priority``, reach the managers?"""
        return not {str(signal) for signal in self.signals}.isdisjoint(signals) or priority in self.priorities


class PlaceUpdates(_Strict):
    """How often a waiting customer hears a nearer place in the queue, on one channel (the first
    place they hear is said at once; a place further back, never)."""

    min_interval_minutes: Annotated[float, Field(ge=0, le=WEEK_MINUTES)] = 0
    """Never two places said closer together than this ("下一位就是您" included)."""
    closer_by: int = Field(default=1, ge=1, le=10_000)
    """A nearer place is said once it is at least this many places nearer than the nearest said…"""
    after_minutes: Annotated[float, Field(ge=0, le=WEEK_MINUTES)] = 0
    """…or, nearer by any, once this long has passed since a place was last said; being next
    ("下一位就是您") is said as soon as ``min_interval_minutes`` allows."""


class PlaceUpdateSettings(_Strict):
    """``place_updates`` in ``config/queue.yaml``: the spacing of place notices, by channel."""

    default: PlaceUpdates = PlaceUpdates()
    channels: dict[ChannelName, PlaceUpdates] = {}
    """A channel's own spacing (SMS: each notice is one more text on the customer's phone)."""

    def of(self, channel: str) -> PlaceUpdates:
        """The spacing for a customer on ``channel``."""
        for name, spacing in self.channels.items():
            if name.value == channel:
                return spacing
        return self.default


class QueueSettings(_Strict):
    """``config/queue.yaml``: the live queue, waiting customers and supervisor alerts."""

    aging_minutes: Minutes = 30
    """A waiting ticket rises one priority level per this many minutes, so nothing starves."""
    elder_head_start_minutes: Annotated[float, Field(ge=0, le=WEEK_MINUTES)] = 30
    """长者优先: among tickets of the same (aged) priority, an elderly customer's (the ``elder``
    signal) is ordered as if it had come this many minutes earlier; 0 turns it off."""
    head_start_signals: list[Signal] = [Signal.ELDER, Signal.HEALTH]
    """Who has that head start: an elder, and, served first as an elder is, a customer (or one they
    speak for) ill, pregnant or recovering (``health``)."""
    estimate_minutes_per_position: Minutes = 5
    """The wait a customer is told: this many minutes per customer ahead of them."""
    repeat_place_after_minutes: Minutes = 30
    """A place won back (told "下一位就是您", more urgent cases went first, then the same place again)
    is said again only this long after it was last said: never "下一位就是您" twice a minute apart."""
    place_updates: PlaceUpdateSettings = PlaceUpdateSettings()
    """How often a nearer place is said, by channel (an SMS customer is not texted at every move)."""
    served_first: ServedFirstSettings = ServedFirstSettings()
    """Within a priority, these go before the rest (then time left, then arrival)."""
    pickup_alert_after_minutes: Minutes = 30
    """A ticket unclaimed this long notifies the supervisors (seed 002: within 30 minutes)."""
    pickup_alert_by_priority: dict[Annotated[int, Field(ge=0, le=2)], Minutes] = {}
    """Shorter limits by ticket priority (0 urgent): a P0 danger ticket alerts sooner than routine ones."""
    pickup_alert_repeat_minutes: Minutes | None = None
    """While a ticket stays unclaimed, its alert repeats this often after the first (None: once)."""
    pickup_alert_repeat_by_priority: dict[Annotated[int, Field(ge=0, le=2)], Minutes] = {}
    """More frequent repeats by ticket priority (0 urgent): someone trapped is not left for the routine wait."""
    agent_silent_after_minutes: Minutes = 10
    """An owned conversation whose customer has waited this long for the agent notifies the supervisors."""
    unseen_alert: UnseenAlertSettings = UnseenAlertSettings()
    manager_breach_alert: ManagerBreachAlertSettings = ManagerBreachAlertSettings()
    cluster_alert: ClusterAlert = ClusterAlert()
    dashboard: DashboardSettings = DashboardSettings()

    def pickup_alert_minutes(self, priority: int) -> float:
        """How long a ticket of ``priority`` may wait unclaimed before the supervisors hear of it."""
        return self.pickup_alert_by_priority.get(priority, self.pickup_alert_after_minutes)

    def pickup_alert_repeat(self, priority: int) -> float | None:
        """How often the alert of a still unclaimed ticket of ``priority`` repeats; None: never."""
        return self.pickup_alert_repeat_by_priority.get(priority, self.pickup_alert_repeat_minutes)


class ExportWords(_Strict):
    """``export:`` in ``config/reports.yaml``: the work-order export's words, in the language of the
    console that asks for it (``?locale=``)."""

    columns: list[LocalizedText] = []
    unknown_district: LocalizedText | None = None
    channels: dict[str, LocalizedText] = {}
    statuses: dict[str, LocalizedText] = {}
    on_time: dict[str, LocalizedText] = {}
    """"yes" and "no"."""


class ReportsConfig(_Strict):
    """``config/reports.yaml``: when the managers' daily report is made (service time zone), and
    the words of the work-order export."""

    daily_at: dt.time = dt.time(7, 0)
    export: ExportWords = ExportWords()


class QueueDefinition(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalizedText


class RuleLabels(_Strict):
    """``labels:`` in ``config/handoff.yaml``: readable names of the ids manager rules pick from
    (the manager console's pickers); an id without a name is shown as itself."""

    grades: dict[Grade, LocalizedText] = {}
    signals: dict[str, LocalizedText] = {}
    tiers: dict[str, LocalizedText] = {}
    channels: dict[str, LocalizedText] = {}


class CannedReplyLimits(_Strict):
    """How many team canned replies (常用语) there may be: every agent's console loads them all."""

    per_author: int = Field(default=100, ge=1, le=10_000)
    """Replies one staff member may have added (and not removed)."""
    total: int = Field(default=500, ge=1, le=10_000)
    """Replies the team may keep in all; the list serves at most this many."""


class StaffSearch(_Strict):
    """``search:`` in ``config/handoff.yaml``: what the staff search (``GET /api/search``) reads."""

    agent_candidates: int = Field(default=500, ge=1, le=100_000)
    """An agent's search (who may read only some conversations) reads at most this many of the
    newest messages holding the query's text, whoever's, and finds the conversations the agent may
    read among them (so is the masked phone search): it costs no more than a supervisor's however
    long the history. Older messages holding it are not searched, and the answer says so
    (``bounded``): the console tells the agent to search by more words, a case number or a place."""


REQUIRED_QUEUES = ("general", "supervisor", "consultation")
"""The queues the complaint flow hands off to by name (unmatched complaints, escalations, questions):
they get cases without a routing rule naming them."""


class HandoffSettings(_Strict):
    """``config/handoff.yaml``: the human queues tickets wait in (agents are members of some)."""

    queues: list[QueueDefinition] = Field(min_length=1)
    labels: RuleLabels = RuleLabels()
    canned_replies: CannedReplyLimits = CannedReplyLimits()
    search: StaffSearch = StaffSearch()
    repeat_link_days: int = Field(default=30, ge=0, le=366)
    """A new case of a category the same customer (or the same contact phone) had a case of, still
    open or resolved within this many days, is linked to it as a repeat (seed 003: graded complex),
    the earlier case numbers shown on its ticket; 0 turns the link off."""

    @model_validator(mode="after")
    def _known_queues(self) -> HandoffSettings:
        ids = [queue.id for queue in self.queues]
        if len(ids) != len(set(ids)):
            raise ValueError("queue ids must be unique")
        # The complaint flow hands off to these by name.
        missing = [required for required in REQUIRED_QUEUES if required not in ids]
        if missing:
            raise ValueError(f"queues: {missing} are required")
        return self

    def queue_ids(self) -> list[str]:
        return [queue.id for queue in self.queues]

    def fallback_queue(self) -> str:
        """Where a case goes that no rule and no earlier ticket names (unmatched complaints)."""
        return REQUIRED_QUEUES[0]

    def queue_named(self, name: str) -> str | None:
        """The id of the queue with this name in any language ("工程维修组"), else None."""
        wanted = name.strip().casefold()
        for queue in self.queues:
            if wanted in (queue.name.zh_cn.casefold(), queue.name.en.casefold()):
                return queue.id
        return None


class GazetteerDistrict(_Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    streets: list[str] = []
    estates: list[str] = []
    district_only: list[str] = []
    """Estates known to be in the district whose names are never looked for inside a message (other
    towns have a 阳光花园 too, and a name read inside a sentence changes what the bot asks): a case's
    place naming one is counted in this district (the reports by area, the export's 区域)."""

    def places(self) -> list[str]:
        return [self.name, *self.aliases, *self.streets, *self.estates, *self.district_only]


class Gazetteer(_Strict):
    """``config/gazetteer.yaml``: the service area's districts, streets and estates, and how
    addresses are written, for finding a customer's address in any message."""

    city: str = Field(min_length=1)
    city_aliases: list[str] = []
    districts: list[GazetteerDistrict] = []
    address_suffixes: list[str] = Field(min_length=1)
    unit_suffixes: list[str] = []
    spoken_digits: str = ""
    """Digits as a room number is said one by one ("六零二"): three or four of them end an address."""
    room_counters: str = ""
    """Characters that, right after three or four digits, make them a count, not a room number typed on into
    the problem ("5栋100多户", "2单元500块"; "2单元501停水" is the flat 501)."""
    division_suffixes: list[str] = Field(min_length=1)
    address_triggers: list[str] = []
    address_corrections: list[str] = []
    address_correction_intros: list[str] = []
    """Words right before the place an ``address_corrections`` word takes the other back for ("是", "应该是")."""
    place_denial_words: list[str] = []
    """Words saying which part of the place kept is wrong, after or before the right one ("是12楼不是21楼",
    "its Tower 2 not Tower 1"): what follows one, found in the place, is put right."""
    address_stop_chars: str = ""
    estate_name_chars: str = ""
    """Characters of ``address_stop_chars`` an estate's name standing as a pause of its own may still
    hold ("太古城 12座": 太 says "too" elsewhere), and one starting a clause typed on into its parts
    ("太古城金星阁15楼B室")."""
    estate_suffixes: list[str] = []
    road_suffixes: list[str] = []
    """Words ending a road's name ("牛头角道", "文化路"): a road the gazetteer does not list is an
    address when a house number follows it ("牛头角道5号"), as an unknown estate is."""
    developer_brands: list[str] = []
    """Developers' brands that start estates' names ("万达世纪城", "融创九棠府"): a brand and the short
    name after it are one place when the name ends as a place's does or a phase, building or part of
    the estate follows it."""
    developer_company_words: list[str] = []
    """Words that, right after a brand, name the company, not an estate ("恒大物业", "万科集团")."""
    building_suffixes: list[str] = []
    named_building_suffixes: list[str] = []
    """What the name of an estate's building ends with when it is named, not numbered ("金星阁", "青桦阁"):
    typed after the estate or its phase, it is part of the place with the floor and flat after it."""
    unmistakable_building_suffixes: list[str] = []
    """Of ``named_building_suffixes``, those no everyday word ends with: a building named with one is part
    of the place without a floor or flat after it ("锦绣花园 紫荆阁 楼上漏水")."""
    named_block_estate_suffixes: list[str] = []
    """Endings of estates' names whose blocks are named (Hong Kong's 邨): after such an estate, a named
    building with a pause after it is part of the place without a floor or flat ("尚德邨尚智樓 部lift壞咗")."""
    not_estate_names: list[str] = []
    """Words that, inside the characters right before a building number, say whose or which building
    rather than its estate ("隔壁6栋", "楼下3号楼"); without one, those characters name the estate
    ("锦绣江南6栋")."""
    estate_name_cues: list[str] = []
    """Words after which the estate's name is said ("好像叫星河湾"): the place right after one is
    the one meant, rather than a landmark said before it."""
    problem_place_cues: list[str] = []
    """Words saying where the problem is ("问题在隔壁金地广场的地下车库"): the place after one is the
    complaint's, rather than the home said too ("我住翠苑小区")."""
    affected_flat_cues: list[str] = []
    """Words, after someone named, that give the flat the problem is in right after an address
    ending in another ("幸福小区4栋302 老太太是301": 幸福小区4栋301)."""
    estate_parts: list[str] = []
    """Parts of an estate named right after it ("阳光花园南门", "翠湖花园停车场"): an estate the
    gazetteer does not list is a place with one of these after it, as with a building number."""
    basement_levels: list[str] = []
    """A level of an estate's part said right after it ("碧水湾地下车库B2"): kept with the place."""
    building_parts: list[str] = []
    """Parts of a building named right after its number ("1栋顶楼", "6栋地下室", "5栋楼道里" is 5栋楼道)."""
    place_fillers: list[str] = []
    """Words a spoken message puts between an estate and its building ("阳光花园啊 七栋"): the place
    is the estate and the building, without them."""
    place_locatives: list[str] = []
    """Words after a developer's estate saying "in" it ("万科城里停水了", "恒大绿洲里5栋" is 恒大绿洲5栋),
    not part of its name as in 和平里."""
    floor_suffixes: list[str] = []
    someone_inside: list[str] = []
    """Words ending a message that say someone is in or outside something ("我老公在里面", "孩子还在里头",
    "my husband is inside"): it tells who is there, never a place's name."""
    going_to_us: list[str] = []
    """Words starting a message that say the customer means to come to us ("去你们办公室" after "我就拿刀"):
    part of a threat, never a place."""
    not_places: list[str] = []
    place_answer_openers: list[str] = []
    """Words an answer to the place question may start with before the place ("嗯 是东城国际",
    "不好意思 是…"): the place kept in the customer's own words is what follows them."""
    place_time_words: list[str] = []
    """Words saying when, around a place told in the customer's own words ("就是今天早上 在南门" is
    南门): no part of it."""
    place_at_words: list[str] = []
    """Words saying "at" before the place ("就在小区门口", "今天早上 在南门"): no part of it."""
    estate_gates: list[str] = []
    """Gates that, named alone ("南门"), are asked which estate's, once."""
    estate_spots: list[str] = []
    """Spots inside an estate or a building that, named with no estate ("小区门口", "我家楼下",
    "电梯里"), are asked which estate's, once, as a gate is; the estate told goes before them."""
    spot_owners: list[str] = []
    """Whose a spot is, besides ``form.item_owners`` ("我们家", "咱们" 小区门口): never said back with it."""
    spot_sides: list[str] = []
    """Words that may stand with a spot and name no estate ("单元", "那边", "旁边"), besides whose it is,
    fillers, locatives and ``generic_estate_words``."""
    english_street_words: list[str] = []
    english_estate_words: list[str] = []
    english_unit_words: list[str] = []
    english_floor_words: list[str] = []
    """A floor in English, after its number ("12/F", "8th floor") or before it ("floor 8")."""
    english_building_units: list[str] = []
    """Of ``english_unit_words``, those naming a building ("Tower 3"): an English place told in pieces is
    written the flat first, then the floor, then the building, then the estate ("15/F, Tower 3, Taikoo Shing")."""
    english_ground_floors: list[str] = []
    """Floors named by letters before a floor word ("G/F", "LG/F")."""
    english_unit_joiners: list[str] = []
    """Words between a unit and its estate ("building 3 of Sunshine Garden"): the place runs from the unit."""
    english_estate_parts: list[str] = []
    """Parts of an estate named after it in English ("Sunshine Garden clubhouse", "… north gate")."""
    english_not_place_words: list[str] = []
    english_address_triggers: list[str] = []
    """Words after which an estate written in lower case is a place, when a building, block or room
    number follows it ("i live sunshine garden block 2 room 1203")."""
    pinyin_estate_words: list[str] = []
    """An estate's or a street's word typed in pinyin ("huayuan", "xiaoqu", "lu"): beside the phone at the
    phone question ("13812345678, Yangguang Huayuan 5 dong"), Latin words holding one are the place."""
    pinyin_unit_words: list[str] = []
    """A building's, unit's or floor's word typed in pinyin after its number ("5 dong", "3 hao lou"), as
    ``pinyin_estate_words`` say a place."""
    english_block_words: list[str] = []
    """Words naming a block of an estate ("Kam Sing Mansion"): the capitalised words after one, to the
    clause's end, are the estate it is in ("Kam Sing Mansion, Taikoo Shing" is kept whole)."""
    english_not_estate_words: list[str] = []
    """Words never in an estate's name written in lower case after the flat and block ("unit 2301
    the harbourside" is a place; "room 12 the toilet is blocked" is none)."""
    generic_estate_words: list[str] = []
    """Words written after an estate's name that only say it is an estate ("小区", "社区"): "翠湖天地小区"
    and "翠湖天地" count as one estate on the dashboard and in cluster alerts. Never a word that is part
    of names (花园: 阳光花园 is not 阳光's); the place is kept on the case as written."""
    estate_aliases: list[list[str]] = []
    """Names of one estate ("太古城", "Taikoo Shing"): complaints naming any of them count as one estate
    on the dashboard and in cluster alerts, shown by the name most of them used (the first on a tie)."""

    @model_validator(mode="after")
    def _one_district_per_place(self) -> Gazetteer:
        owner: dict[str, str] = {}
        for district in self.districts:
            for place in district.places():
                if not place:
                    raise ValueError(f"districts.{district.name}: empty place name")
                if owner.setdefault(place, district.name) != district.name:
                    raise ValueError(f"{place!r} is listed under both {owner[place]} and {district.name}")
        return self

    @model_validator(mode="after")
    def _one_estate_per_alias(self) -> Gazetteer:
        group_of: dict[str, int] = {}
        for number, names in enumerate(self.estate_aliases):
            if len(names) < 2:
                raise ValueError(f"estate_aliases[{number}]: an estate needs at least two names, got {names!r}")
            for name in names:
                folded = " ".join(name.split()).casefold()
                if not folded:
                    raise ValueError(f"estate_aliases[{number}]: empty estate name")
                if group_of.setdefault(folded, number) != number:
                    raise ValueError(f"estate_aliases: {name!r} names two estates")
        return self

    @model_validator(mode="after")
    def _unmistakable_endings_are_named_buildings(self) -> Gazetteer:
        unknown = sorted(set(self.unmistakable_building_suffixes) - set(self.named_building_suffixes))
        if unknown:
            raise ValueError(f"unmistakable_building_suffixes: {unknown} not in named_building_suffixes")
        return self


class NameRules(_Strict):
    """``config/names.yaml``: surnames, honorifics and the phrasings customers introduce themselves with."""

    surnames: list[str] = Field(min_length=1)
    compound_surnames: list[str] = []
    honorifics: list[str] = []
    self_intro_honorifics: list[str] = []
    """How customers call themselves after 我是 only ("我是5栋的李阿姨"): "李阿姨" opening a clause
    is as often someone else ("张阿姨说…")."""
    english_honorifics: list[str] = []
    male_honorifics: list[str] = []
    female_honorifics: list[str] = []
    """Which honorifics say a man or a woman: a confirmed complaint's 王先生 is remembered as the
    customer's surname and title, and the next conversation greets them by it."""
    female_words: list[str] = []
    male_words: list[str] = []
    """Which one the customer is, said without the surname at the restatement ("不对 我是女的",
    "I'm a woman, Ms not Mr"): the title known is put right (``bot/flows/title_said.py``)."""
    title_intros: list[str] = []
    title_denials: list[str] = []
    title_openers: list[str] = []
    """Said before those words: a self intro ("我是", "I'm a"), a denial ("不是", "not"), and
    opening the message, a correction ("不对", "no")."""
    name_intros: list[str] = []
    self_intros: list[str] = []
    surname_intros: list[str] = []
    familiar_prefixes: list[str] = []
    """Said right before the surname after a self intro ("我是老王", "我是小李"): the surname is taken."""
    address_me_intros: list[str] = []
    address_me_ends: list[str] = []
    """How the customer asks to be addressed, before and after the name or title ("叫我陈先生就行",
    "你叫我老李就好"): the name is taken, and the aside is no part of the problem restated."""
    self_intro_roles: list[str] = []
    writer_roles: list[str] = []
    """Who the writer is to the one with the problem ("我是她女儿", "我老公电话…"): a pause of only these,
    owners and the words naming an item says who is writing, not the problem, and is left out of the
    restatement's 问题."""
    clause_surname_intros: list[str] = []
    surname_spellings: list[str] = []
    """The parts a surname is spelled out by, right before it ("弓长张", "耳东陈"): a clause of
    nothing else gives the surname."""
    clause_self_intros: list[str] = []
    self_description_ends: list[str] = []
    name_ends: list[str] = []
    self_intro_name_ends: list[str] = []
    not_names: list[str] = []
    not_name_endings: list[str] = []
    english_name_intros: list[str] = []
    english_surname_intros: list[str] = []
    english_self_intros: list[str] = []
    english_name_ends: list[str] = []
    english_not_name_words: list[str] = []
    pinyin_surnames: list[str] = []

    @field_validator("surnames")
    @classmethod
    def _single_characters(cls, value: list[str]) -> list[str]:
        longer = [surname for surname in value if len(surname) != 1]
        if longer:
            raise ValueError(f"one character each (two-character ones go in compound_surnames): {longer}")
        return value


class FaqEntry(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=36)
    """Named in the reply's phrase id (``faq:<id>``) and on the timeline."""
    keywords: list[list[str]] = Field(min_length=1)
    """Groups of keywords: the entry answers a question that has a keyword of every group."""
    unless: list[str] = []
    """Words that keep the entry from answering: "收费吗" asks whether reporting costs anything,
    "维修要收费吗" whether the repair does, which the staff answer."""
    answer: LocalizedText
    """May name the bot's ``{work_number}`` and ``{organisation}`` (``service.yaml``)."""
    about_the_case: bool = False
    """Once the conversation's case is handed off, the question is about that case ("多久能处理?"
    after the promise): the case's own status and deadline answer it instead."""
    after_handoff: LocalizedText | None = None
    """The answer once the conversation is with the staff, when ``answer`` no longer fits ("你是机器人吗"
    must not be told to reply "转人工" when people have the case already)."""
    greeting_answers: bool = False
    """The question asks whom the customer reached ("是物业吗", "你叫什么名字", "is this customer
    service?"): asked before anything else, the greeting answers it (it names the organisation and
    the work number) with the invitation to tell the problem, never a contact asked for."""

    @field_validator("keywords")
    @classmethod
    def _groups_not_empty(cls, groups: list[list[str]]) -> list[list[str]]:
        if any(not group or not all(keyword.strip() for keyword in group) for group in groups):
            raise ValueError("every group needs at least one keyword, and no keyword may be empty")
        return groups

    @field_validator("answer", "after_handoff")
    @classmethod
    def _known_variables(cls, answer: LocalizedText | None) -> LocalizedText | None:
        if answer is None:
            return None
        for locale, text in (("zh-CN", answer.zh_cn), ("en", answer.en)):
            problem = template_problem(text, FAQ_ANSWER_VARIABLES)
            if problem is not None:
                raise ValueError(f"{locale}: {problem}")
        return answer


class Faq(_Strict):
    """``config/faq.yaml``: questions the bot answers itself (seed 001 (16): the others go to
    the consultation queue)."""

    entries: list[FaqEntry] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> Faq:
        ids = [entry.id for entry in self.entries]
        if len(ids) != len(set(ids)):
            raise ValueError("entry ids must be unique")
        return self


class ServiceConfig(_Strict):
    """All of ``config/``, validated."""

    service: ServiceSettings
    phrases: dict[str, PhraseBook]
    forbidden: ForbiddenList
    classification: Classification
    deadlines: DeadlineTable
    timers: Timers
    calendar: Calendar
    channels: ChannelsConfig = ChannelsConfig()
    followups: Followups
    queue: QueueSettings = QueueSettings()
    reports: ReportsConfig = ReportsConfig()
    handoff: HandoffSettings
    rules: RuleSet
    gazetteer: Gazetteer
    names: NameRules
    faq: Faq = Faq()

    def faq_answer_values(self, locale: str) -> dict[str, str]:
        """What fills an FAQ answer's variables (``FAQ_ANSWER_VARIABLES``) in ``locale``."""
        standard = self.deadlines.default_tier
        opens, closes = self.calendar.business_hours
        return {
            "organisation": self.service.organisation.get(locale),
            "work_number": self.service.work_number,
            "simple_hours": f"{self.deadlines.table[Grade.SIMPLE][standard]:g}",
            "complex_hours": f"{self.deadlines.table[Grade.COMPLEX][standard]:g}",
            "opens": f"{opens.hour}:{opens.minute:02d}",
            "closes": f"{closes.hour}:{closes.minute:02d}",
        }

    def rule_vocabulary(self) -> Vocabulary:
        """The ids manager rules may name."""
        return Vocabulary(
            categories=frozenset(category.id for category in self.classification.categories),
            tiers=frozenset(self.deadlines.tiers),
            signals=frozenset(signal.value for signal in Signal),
            queues=frozenset(self.handoff.queue_ids()),
            channels=frozenset(channel.value for channel in ChannelName),
        )

    @model_validator(mode="after")
    def _cross_checks(self) -> ServiceConfig:
        if self.service.default_locale not in self.phrases:
            raise ValueError(f"no phrase file for default_locale {self.service.default_locale!r}")
        category_ids = {category.id for category in self.classification.categories}
        unknown_followups = sorted(set(self.followups.progress_days) - category_ids)
        if unknown_followups:
            raise ValueError(f"followups.progress_days: unknown categories {unknown_followups}")
        unknown_handling = sorted(set(self.followups.handling_categories) - category_ids)
        if unknown_handling:
            raise ValueError(f"followups.handling_categories: unknown categories {unknown_handling}")
        for index, override in enumerate(self.deadlines.overrides):
            if override.category is not None and override.category not in category_ids:
                raise ValueError(f"deadlines.overrides[{index}]: unknown category {override.category!r}")
            if override.tier is not None and override.tier not in self.deadlines.tiers:
                raise ValueError(f"deadlines.overrides[{index}]: unknown tier {override.tier!r}")
        problems = check_vocabulary(self.rules, self.rule_vocabulary())
        if problems:
            raise ValueError("rules.yaml: " + "; ".join(problems))
        vocabulary = self.rule_vocabulary()
        labels = self.handoff.labels
        for kind, named, known in (
            ("signals", labels.signals, vocabulary.signals),
            ("tiers", labels.tiers, vocabulary.tiers),
            ("channels", labels.channels, vocabulary.channels),
        ):
            unknown = sorted(set(named) - known)
            if unknown:
                raise ValueError(f"handoff.yaml: labels.{kind}: unknown ids {unknown}")
        faq_ids = {entry.id for entry in self.faq.entries}
        for key, choice in self.channels.wechat.menu_choices().items():
            if choice.action is MenuAction.FAQ and choice.faq_id not in faq_ids:
                raise ValueError(
                    f"channels.yaml: wechat.menu.{key}: no FAQ entry {choice.faq_id!r} in faq.yaml"
                    f" (its entries: {', '.join(sorted(faq_ids)) or 'none'})"
                )
        return self

    def tiers_named(self, locale: str) -> list[dict[str, str]]:
        """The customer tiers of ``deadlines.yaml`` in order, each with its name in ``locale``
        (``labels.tiers`` of ``handoff.yaml``; the id when unnamed)."""
        names = self.handoff.labels.tiers
        return [
            {"id": tier, "name": names[tier].get(locale) if tier in names else tier} for tier in self.deadlines.tiers
        ]

    def rule_vocabulary_named(self, locale: str) -> dict[str, list[dict[str, str]]]:
        """The ids manager rules may name, each with its name in ``locale`` (the id when unnamed)."""
        labels = self.handoff.labels

        def named(ids: Iterable[str], names: dict[str, LocalizedText]) -> list[dict[str, str]]:
            return [{"id": id_, "name": names[id_].get(locale) if id_ in names else id_} for id_ in ids]

        return {
            "categories": [
                {"id": category.id, "name": category.name.get(locale)} for category in self.classification.categories
            ],
            "grades": named((grade.value for grade in Grade), {str(key): name for key, name in labels.grades.items()}),
            "signals": named((signal.value for signal in Signal), labels.signals),
            "tiers": self.tiers_named(locale),
            "queues": [{"id": queue.id, "name": queue.name.get(locale)} for queue in self.handoff.queues],
            "channels": named((channel.value for channel in ChannelName), labels.channels),
        }


_SECTION_FILES = {
    "service": "service.yaml",
    "forbidden": "forbidden.yaml",
    "classification": "classification.yaml",
    "deadlines": "deadlines.yaml",
    "timers": "timers.yaml",
    "calendar": "calendar.yaml",
    "channels": "channels.yaml",
    "followups": "followups.yaml",
    "queue": "queue.yaml",
    "reports": "reports.yaml",
    "handoff": "handoff.yaml",
    "rules": "rules.yaml",
    "gazetteer": "gazetteer.yaml",
    "names": "names.yaml",
    "faq": "faq.yaml",
}


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: file not found") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error


def _explain(path: Path, error: ValidationError) -> ConfigError:
    problems = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        problems.append(f"{path}: {key}: {item['msg']}")
    return ConfigError("\n".join(problems))


def _validate(model: type[BaseModel], path: Path, data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _explain(path, error) from None


def load_config(directory: Path) -> ServiceConfig:
    """Load and validate every file under ``directory``.

    Raises:
        ConfigError: naming the file and the key of the first problems found.
    """
    sections: dict[str, Any] = {}
    models: dict[str, type[BaseModel]] = {
        "service": ServiceSettings,
        "forbidden": ForbiddenList,
        "classification": Classification,
        "deadlines": DeadlineTable,
        "timers": Timers,
        "calendar": Calendar,
        "channels": ChannelsConfig,
        "followups": Followups,
        "queue": QueueSettings,
        "reports": ReportsConfig,
        "handoff": HandoffSettings,
        "rules": RuleSet,
        "gazetteer": Gazetteer,
        "names": NameRules,
        "faq": Faq,
    }
    for section, filename in _SECTION_FILES.items():
        path = directory / filename
        sections[section] = _validate(models[section], path, _read_yaml(path))
    phrase_dir = directory / "phrases"
    books: dict[str, PhraseBook] = {}
    for path in sorted(phrase_dir.glob("*.yaml")):
        book = _validate(PhraseBook, path, _read_yaml(path))
        if book.locale != path.stem:
            raise ConfigError(f"{path}: locale: {book.locale!r} does not match the file name")
        books[book.locale] = book
    if not books:
        raise ConfigError(f"{phrase_dir}: no phrase files")
    sections["phrases"] = books
    try:
        return ServiceConfig.model_validate(sections)
    except ValidationError as error:
        raise _explain(directory, error) from None
