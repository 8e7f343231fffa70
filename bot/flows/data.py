"""What the complaint flow remembers between events (``conversations.flow_data``), typed.

The engine works on :class:`FlowData`; storage converts at its boundary with
:meth:`FlowData.from_json` (every shape stored so far loads) and :meth:`FlowData.to_json`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.config import Signal


class TimerKind(StrEnum):
    IDLE_PROMPT = "idle_prompt"
    IDLE_CLOSE = "idle_close"
    HARASSMENT_CLOSE = "harassment_close"
    SATISFACTION_CALLBACK = "satisfaction_callback"
    SATISFACTION_TIMEOUT = "satisfaction_timeout"
    OWED_PROMISE = "owed_promise"
    PHONE_PIECES_PROMPT = "phone_pieces_prompt"
    PLACE_PIECES_PROMPT = "place_pieces_prompt"


_SIGNALS = {signal.value: signal for signal in Signal}
_TIMER_KINDS = {kind.value: kind for kind in TimerKind}
_KNOWN_KEYS = frozenset(
    {
        "description",
        "phone",
        "phone_from_channel",
        "area",
        "surname",
        "honorific",
        "signals",
        "case_number",
        "recorded_ack",
        "acked_at",
        "harassing",
        "harassment_warned_at",
        "rating",
        "timers",
        "timer_seq",
        "consultation",
        # issue 12 item 3 (appeals, escalation phone)
        "appeal_of",
        "escalation_phone_asks",
        "phone_refusals",
        "contact_by_channel",
        "name",
        # issue 12 item 9 (callback)
        "offered",
        "traditional",
        "recorded_at",
        "place_asks",
        "withdrawing",
        "unknown_case_numbers",
        "place_asked_after_hand_off",
        "urgent_place_asks",
        "problem_told",
        "same_phone_case",
        "alternative_phone",
        "phone_extension",
        "alternative_extension",
        "area_written",
        "estate_asked",
        "photos",
        "invites",
        "call_back_offered",
        "fragments",
        "phone_pieces",
        "phone_pieces_at",
        "phone_pieces_prompted",
        "unclear_confirmations",
        "phone_asks",
        "callback_reasks",
        "edits_noted_at",
        "appeal_number_asked",
        "told_case",
        "follows_case",
        "follows_area",
        "resumed_from",
        "resolution_summary",
        "owed_promise",
        "case_check",
        "case_check_for",
        "case_check_text",
        "case_check_misses",
        "case_check_reasked",
        "case_proven",
        "case_unproven",
        # retired: the place once proved a case left without a phone; dropped when read
        "case_check_by_place",
        "case_placed",
    }
)


@dataclass(frozen=True, slots=True)
class OwedPromise:
    """The reply time of a case handed to the duty supervisor before its phone and place were
    known: set on the case at once, said once they are (collect, restate, then promise)."""

    deadline_at: dt.datetime
    hours: float
    says_hours: bool

    def to_json(self) -> dict[str, Any]:
        return {"deadline_at": self.deadline_at.isoformat(), "hours": self.hours, "says_hours": self.says_hours}

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> OwedPromise:
        return cls(dt.datetime.fromisoformat(stored["deadline_at"]), float(stored["hours"]), bool(stored["says_hours"]))


SET_ASIDE_CASE = "open_case"
"""``FlowData.extra`` key: the data of the case still with the staff while another problem the
customer told after its hand-off is taken down as a case of its own (``closing.OPEN_CASE``)."""

PLACE_ASKS_DONE = 2
"""``FlowData.place_asks`` once the place is not asked for again."""

AREA_MAX_CHARS = 200
"""The longest place a case keeps (``complaints.area``); what the customer wrote beyond it is
still in the conversation's messages."""

DESCRIPTION_MAX_CHARS = 2000
"""Where ``FlowData.description`` stops growing (issue 16: it is decoded and encoded with every
message). Far beyond what the summary (its first clauses) and the length rule of a complex case
read; what the customer writes after it is still in the conversation's messages."""


@dataclass(slots=True)
class FlowData:
    description: list[str] = field(default_factory=list)
    """What the customer said about the problem, one entry per message, up to
    :data:`DESCRIPTION_MAX_CHARS` characters (always the first message)."""
    phone: str | None = None
    phone_from_channel: bool = False
    """The phone came with the channel (SMS sender, known customer), not from the customer's text."""
    area: str | None = None
    surname: str | None = None
    honorific: str | None = None
    """How the customer named themselves ("王", "女士"), when they did."""
    signals: tuple[Signal, ...] = ()
    """Sorted by value."""
    case_number: str | None = None
    recorded_ack: bool = False
    """Legacy (before the timed acknowledgement): once handed off, the customer was told their
    further messages are recorded. Read and written back; the flow clears it when it acks again."""
    harassing: bool = False
    harassment_warned_at: dt.datetime | None = None
    rating: int | None = None
    """The satisfaction score, held until the customer's comment (or the timeout) completes it."""
    timers: dict[TimerKind, int] = field(default_factory=dict)
    """The armed timers' tokens: a firing with another token is stale."""
    timer_seq: int = 0
    consultation: str | None = None
    """A question the bot could not answer, waiting for the contact phone it asked for (seed 001 (16))."""
    acked_at: dt.datetime | None = None
    """After hand-off: when the customer was last told their message reached the agent (issue 12 item 1)."""
    # issue 12 item 3 (appeals, escalation phone)
    appeal_of: str | None = None
    """The open case this conversation's complaint was linked to as an appeal (申诉)."""
    escalation_phone_asks: int = 0
    """Escalated without a phone: 1 or 2 while the number for the supervisor's call is asked for
    (once, and again after a number that is not one), 3 once answered; 0 never asked."""
    phone_refusals: int = 0
    """How many times the customer refused to give a phone."""
    contact_by_channel: bool = False
    """The customer refused a phone: the case goes on with the channel identity as the contact."""
    name: str | None = None
    """The customer's full name, when they said it ("我叫王芳")."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Stored keys this version does not know, written back as they were."""
    # issue 12 item 9 (callback)
    offered: tuple[str, ...] = ()
    """The values of the options the bot's last reply offered: a customer's bare number picks one."""
    traditional: bool = False
    """The customer writes traditional characters: the Chinese replies are shown in them too."""
    recorded_at: dt.datetime | None = None
    """While the form is filled: when the customer was last told their description was recorded
    and asked for what is missing (again at most once per ``timers.form_reask_after``)."""
    withdrawing: bool = False
    """The customer said they give the told complaint up and was asked to confirm it."""
    place_asked_after_hand_off: bool = False
    """Escalated before the place was told, the customer was asked for it with the phone: the next
    message may be the place in their own words."""
    urgent_place_asks: int = 0
    """How many times an emergency handed over before its place was told asked for the address
    ("为了尽快赶到现场，请您告诉我具体地址"): asked with the hand-off, and at most once more."""
    problem_told: bool = False
    """A message of the description reads as a complaint (not only a preamble, "我是老人家
    不太会打字"): kept so the description is not read again with each message."""
    same_phone_case: str | None = None
    """An open case found only by the phone typed in this conversation: noted once for the staff,
    never joined and never told to whoever typed the number (it may be anyone's)."""
    phone_extension: str | None = None
    """The extension typed after the contact phone, a landline's ("0755-26881234转8021"): for the
    staff who call it, never part of the number texted or checked."""
    alternative_phone: str | None = None
    """A second number the customer gave with the contact phone ("打不通就打我老婆的139…"), as
    ``phone`` is stored: for the staff, never the customer record's nor looked up for cases."""
    alternative_extension: str | None = None
    """The extension typed after the alternative phone, a landline's ("或者打010-62345678转8021")."""
    area_written: str | None = None
    """``area`` in the characters the customer wrote it in ("台中市西屯區台灣大道", where ``area`` is
    台中市西屯区台湾大道): said back as written, never converted to and fro."""
    estate_asked: bool = False
    """The place named only a building or a part of one ("5栋"): the estate it is in was asked
    for, once."""
    photos: int = 0
    """Photos the customer sent while the complaint was taken: said in the restatement and the case."""
    invites: int = 0
    """Times the problem was asked for again before any was told: the words alternate."""
    call_back_offered: bool = False
    """The customer cannot type ("不会打字"): a call back was offered; a phone given now is for it."""
    fragments: tuple[str, ...] = ()
    """Words typed one message at a time before any problem is told ("我", "要"): not recorded and
    not answered alone, they open the next message that says something (``form.fragment_max_chars``)."""
    phone_pieces: tuple[str, ...] = ()
    """The phone asked for and told a piece a message ("一三九", "一二三四"): each piece's digits
    ("" for "电话是"), held until together they make a number (``form.phone_pieces_most``)."""
    phone_pieces_at: dt.datetime | None = None
    """When the last of :attr:`phone_pieces` was told (``timers.phone_pieces_within``)."""
    phone_pieces_prompted: bool = False
    """The rest of the number held in :attr:`phone_pieces` was asked for (``phone_pieces_more``): once."""
    appeal_number_asked: bool = False
    """The customer appeals (申诉) with no case of theirs known: the case number was asked for, once;
    the answer names the case, or the appeal goes on as a complaint for the supervisor."""
    told_case: str | None = None
    """The case this conversation was told about by its number ("TS2026… 还没修好"): later status
    questions ("多久能修好") are about it."""
    follows_case: str | None = None
    """A resolved case this complaint names by its number ("TS2026… 垃圾又堆满了"): the new case
    follows it, and the staff see which."""
    follows_area: str | None = None
    """The place of ``follows_case`` when it is the customer's own: taken instead of asking for the
    place, and restated, so the customer puts it right if it is elsewhere this time."""
    resumed_from: int | None = None
    """A new conversation going on with the form of the customer's earlier one, closed for their
    silence (storage's id of it, :meth:`carried_over`): its first event greets, says what is kept
    and asks only what is missing; cleared then."""
    resolution_summary: str | None = None
    """How the staff resolved the case, as they wrote it: told with the callback's question."""
    case_check: str | None = None
    """A case number the customer named without being known as its customer: the last digits of
    its contact phone were asked for, and the answer is checked against that case."""
    case_check_for: str | None = None
    """What the named case was for (a :class:`CaseCheckFor` value): done once the check passes."""
    case_check_text: str | None = None
    """The words that named the case (a withdrawal's, which are no part of the problem), kept
    while the check is answered."""
    case_check_misses: int = 0
    """Answers that did not match, in this conversation: past ``CASE_CHECK_TRIES`` no case is
    checked again here (four digits are not guessed by trying)."""
    case_check_reasked: bool = False
    """The check was answered with more of the problem and no digits: asked once more, not again."""
    case_proven: str | None = None
    """The case whose phone digits the customer gave right: theirs from then on."""
    case_unproven: str | None = None
    """The case last not confirmed: named again, it is not asked about nor noted again."""
    callback_reasks: int = 0
    """During the callback (回访): messages that were no rating and were answered with the rating
    question again; past ``followups.rating_reasks`` the next goes to the staff."""
    edits_noted_at: dt.datetime | None = None
    """When the customer was last told that an edited message is not read (``timers.edits_notice_every``)."""
    unknown_case_numbers: int = 0
    """Case numbers the customer named that no case has: past ``MOST_UNKNOWN_CASE_NUMBERS`` the
    conversation's messages are no longer looked up by case number (guessing them is not a way
    into other customers' cases)."""
    phone_asks: int = 0
    """How many times the form asked for the phone (``form.phone_asks_most``)."""
    unclear_confirmations: int = 0
    """Answers to the restatement that said neither yes, no nor a correction
    (``form.unclear_confirmations``)."""
    owed_promise: OwedPromise | None = None
    """Handed to the duty supervisor with the phone or the place still to ask: the reply time not
    said yet, said after the restatement once they are answered (or refused)."""
    place_asks: int = 0
    """Answers to the place question that gave none: 1 after one that was no place at all ("嗯",
    a phone number), asked again; :data:`PLACE_ASKS_DONE` once the customer said there is none
    or answered twice without one: the form goes on without a place."""

    def copy(self) -> FlowData:
        """A copy whose containers the flow may change without touching this one."""
        return FlowData(
            list(self.description),
            self.phone,
            self.phone_from_channel,
            self.area,
            self.surname,
            self.honorific,
            self.signals,
            self.case_number,
            self.recorded_ack,
            self.harassing,
            self.harassment_warned_at,
            self.rating,
            dict(self.timers),
            self.timer_seq,
            self.consultation,
            self.acked_at,
            self.appeal_of,
            self.escalation_phone_asks,
            self.phone_refusals,
            self.contact_by_channel,
            self.name,
            dict(self.extra),
            offered=self.offered,
            traditional=self.traditional,
            recorded_at=self.recorded_at,
            place_asks=self.place_asks,
            unclear_confirmations=self.unclear_confirmations,
            phone_asks=self.phone_asks,
            withdrawing=self.withdrawing,
            unknown_case_numbers=self.unknown_case_numbers,
            place_asked_after_hand_off=self.place_asked_after_hand_off,
            urgent_place_asks=self.urgent_place_asks,
            problem_told=self.problem_told,
            same_phone_case=self.same_phone_case,
            alternative_phone=self.alternative_phone,
            phone_extension=self.phone_extension,
            alternative_extension=self.alternative_extension,
            area_written=self.area_written,
            estate_asked=self.estate_asked,
            photos=self.photos,
            invites=self.invites,
            call_back_offered=self.call_back_offered,
            fragments=self.fragments,
            phone_pieces=self.phone_pieces,
            phone_pieces_at=self.phone_pieces_at,
            phone_pieces_prompted=self.phone_pieces_prompted,
            callback_reasks=self.callback_reasks,
            edits_noted_at=self.edits_noted_at,
            appeal_number_asked=self.appeal_number_asked,
            told_case=self.told_case,
            follows_case=self.follows_case,
            follows_area=self.follows_area,
            resumed_from=self.resumed_from,
            resolution_summary=self.resolution_summary,
            owed_promise=self.owed_promise,
            case_check=self.case_check,
            case_check_for=self.case_check_for,
            case_check_text=self.case_check_text,
            case_check_misses=self.case_check_misses,
            case_check_reasked=self.case_check_reasked,
            case_proven=self.case_proven,
            case_unproven=self.case_unproven,
        )

    def for_a_new_case(self, set_aside_under: str, *, keep_place: bool) -> FlowData:
        """The form of another case told in this conversation: the contact, the name and the script
        are kept (the place only when ``keep_place``), the timers and the problem are not. This
        form is set aside in ``extra[set_aside_under]`` so the customer can go back to it."""
        fresh = FlowData(
            phone=self.phone,
            phone_from_channel=self.phone_from_channel,
            area=self.area if keep_place else None,
            surname=self.surname,
            honorific=self.honorific,
            timer_seq=self.timer_seq,
            contact_by_channel=self.contact_by_channel,
            name=self.name,
            extra={key: value for key, value in self.extra.items() if key != set_aside_under},
            traditional=self.traditional,
            alternative_phone=self.alternative_phone,
            phone_extension=self.phone_extension,
            alternative_extension=self.alternative_extension,
            area_written=self.area_written if keep_place else None,
            case_proven=self.case_proven,
            told_case=self.told_case,
        )
        fresh.extra[set_aside_under] = self.to_json()
        return fresh

    def carried_over(self, conversation_id: int) -> FlowData:
        """What a new conversation keeps of this unfinished form (of conversation ``conversation_id``,
        closed for the customer's silence): what the customer told and how the form stood, not
        the timers, the harassment, the callback nor the questions pending."""
        return FlowData(
            description=list(self.description),
            phone=self.phone,
            phone_from_channel=self.phone_from_channel,
            area=self.area,
            surname=self.surname,
            honorific=self.honorific,
            signals=self.signals,
            phone_refusals=self.phone_refusals,
            contact_by_channel=self.contact_by_channel,
            name=self.name,
            traditional=self.traditional,
            place_asks=self.place_asks,
            problem_told=self.problem_told,
            alternative_phone=self.alternative_phone,
            phone_extension=self.phone_extension,
            alternative_extension=self.alternative_extension,
            area_written=self.area_written,
            estate_asked=self.estate_asked,
            photos=self.photos,
            follows_case=self.follows_case,
            follows_area=self.follows_area,
            resumed_from=conversation_id,
        )

    @classmethod
    def from_json(cls, stored: Mapping[str, Any] | None) -> FlowData:
        """Read ``flow_data`` as stored (a missing key has its default; ``None`` or ``{}`` is a new conversation).

        Raises ``ValueError`` for a timer kind or signal this version does not know.
        """
        if not stored:
            return cls()
        # Once per message, so: positional arguments, and enum members looked up in plain dicts
        # (a tenth of the cost of ``Enum(value)``, which remains the fallback that raises).
        get = stored.get
        description = get("description")
        signals = get("signals")
        timers = get("timers")
        warned_at = get("harassment_warned_at")
        acked_at = get("acked_at")
        recorded_at = get("recorded_at")
        return cls(
            list(description) if description else [],
            get("phone"),
            get("phone_from_channel", False),
            get("area"),
            get("surname"),
            get("honorific"),
            tuple([_SIGNALS.get(value) or Signal(value) for value in signals]) if signals else (),
            get("case_number"),
            get("recorded_ack", False),
            get("harassing", False),
            dt.datetime.fromisoformat(warned_at) if warned_at is not None else None,
            get("rating"),
            {(_TIMER_KINDS.get(kind) or TimerKind(kind)): token for kind, token in timers.items()} if timers else {},
            get("timer_seq", 0),
            get("consultation"),
            dt.datetime.fromisoformat(acked_at) if acked_at is not None else None,
            get("appeal_of"),
            get("escalation_phone_asks", 0),
            get("phone_refusals", 0),
            get("contact_by_channel", False),
            get("name"),
            {} if _KNOWN_KEYS.issuperset(stored) else {k: v for k, v in stored.items() if k not in _KNOWN_KEYS},
            offered=tuple(get("offered") or ()),
            traditional=get("traditional", False),
            recorded_at=dt.datetime.fromisoformat(recorded_at) if recorded_at is not None else None,
            place_asks=get("place_asks", 0),
            unclear_confirmations=int(get("unclear_confirmations", 0)),
            phone_asks=int(get("phone_asks", 0)),
            withdrawing=bool(get("withdrawing", False)),
            unknown_case_numbers=get("unknown_case_numbers", 0),
            place_asked_after_hand_off=bool(get("place_asked_after_hand_off", False)),
            urgent_place_asks=int(get("urgent_place_asks", 0)),
            problem_told=bool(get("problem_told", False)),
            same_phone_case=get("same_phone_case"),
            alternative_phone=get("alternative_phone"),
            phone_extension=get("phone_extension"),
            alternative_extension=get("alternative_extension"),
            area_written=get("area_written"),
            estate_asked=bool(get("estate_asked", False)),
            photos=int(get("photos", 0)),
            invites=int(get("invites", 0)),
            call_back_offered=bool(get("call_back_offered", False)),
            fragments=tuple(get("fragments") or ()),
            phone_pieces=tuple(get("phone_pieces") or ()),
            phone_pieces_at=dt.datetime.fromisoformat(told) if (told := get("phone_pieces_at")) else None,
            phone_pieces_prompted=bool(get("phone_pieces_prompted", False)),
            callback_reasks=int(get("callback_reasks", 0)),
            edits_noted_at=dt.datetime.fromisoformat(edited) if (edited := get("edits_noted_at")) else None,
            appeal_number_asked=bool(get("appeal_number_asked", False)),
            told_case=get("told_case"),
            follows_case=get("follows_case"),
            follows_area=get("follows_area"),
            resumed_from=get("resumed_from"),
            resolution_summary=get("resolution_summary"),
            owed_promise=OwedPromise.from_json(owed) if (owed := get("owed_promise")) else None,
            case_check=get("case_check"),
            case_check_for=get("case_check_for"),
            case_check_text=get("case_check_text"),
            case_check_misses=int(get("case_check_misses", 0)),
            case_check_reasked=bool(get("case_check_reasked", False)),
            case_proven=get("case_proven"),
            case_unproven=get("case_unproven"),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON object to store. A value at its default is left out: an empty list or map that
        older versions sometimes stored reads the same as a missing one."""
        stored = dict(self.extra)
        if self.description:
            stored["description"] = list(self.description)
        if self.phone is not None:
            stored["phone"] = self.phone
        if self.phone_from_channel:
            stored["phone_from_channel"] = True
        if self.area is not None:
            stored["area"] = self.area
        if self.surname is not None:
            stored["surname"] = self.surname
        if self.honorific is not None:
            stored["honorific"] = self.honorific
        if self.signals:
            stored["signals"] = [signal.value for signal in self.signals]
        if self.case_number is not None:
            stored["case_number"] = self.case_number
        if self.recorded_ack:
            stored["recorded_ack"] = True
        if self.harassing:
            stored["harassing"] = True
        if self.harassment_warned_at is not None:
            stored["harassment_warned_at"] = self.harassment_warned_at.isoformat()
        if self.rating is not None:
            stored["rating"] = self.rating
        if self.timers:
            stored["timers"] = {kind.value: token for kind, token in self.timers.items()}
        if self.timer_seq:
            stored["timer_seq"] = self.timer_seq
        if self.consultation is not None:
            stored["consultation"] = self.consultation
        if self.acked_at is not None:
            stored["acked_at"] = self.acked_at.isoformat()
        if self.appeal_of is not None:
            stored["appeal_of"] = self.appeal_of
        if self.escalation_phone_asks:
            stored["escalation_phone_asks"] = self.escalation_phone_asks
        if self.phone_refusals:
            stored["phone_refusals"] = self.phone_refusals
        if self.contact_by_channel:
            stored["contact_by_channel"] = True
        if self.name is not None:
            stored["name"] = self.name
        if self.offered:
            stored["offered"] = list(self.offered)
        if self.traditional:
            stored["traditional"] = True
        if self.recorded_at is not None:
            stored["recorded_at"] = self.recorded_at.isoformat()
        if self.place_asks:
            stored["place_asks"] = self.place_asks
        if self.unclear_confirmations:
            stored["unclear_confirmations"] = self.unclear_confirmations
        if self.phone_asks:
            stored["phone_asks"] = self.phone_asks
        if self.withdrawing:
            stored["withdrawing"] = True
        if self.unknown_case_numbers:
            stored["unknown_case_numbers"] = self.unknown_case_numbers
        if self.place_asked_after_hand_off:
            stored["place_asked_after_hand_off"] = True
        if self.urgent_place_asks:
            stored["urgent_place_asks"] = self.urgent_place_asks
        if self.problem_told:
            stored["problem_told"] = True
        if self.same_phone_case is not None:
            stored["same_phone_case"] = self.same_phone_case
        if self.alternative_phone is not None:
            stored["alternative_phone"] = self.alternative_phone
        if self.phone_extension is not None:
            stored["phone_extension"] = self.phone_extension
        if self.alternative_extension is not None:
            stored["alternative_extension"] = self.alternative_extension
        if self.area_written is not None:
            stored["area_written"] = self.area_written
        if self.estate_asked:
            stored["estate_asked"] = True
        if self.photos:
            stored["photos"] = self.photos
        if self.invites:
            stored["invites"] = self.invites
        if self.call_back_offered:
            stored["call_back_offered"] = True
        if self.fragments:
            stored["fragments"] = list(self.fragments)
        if self.phone_pieces:
            stored["phone_pieces"] = list(self.phone_pieces)
        if self.phone_pieces_at is not None:
            stored["phone_pieces_at"] = self.phone_pieces_at.isoformat()
        if self.phone_pieces_prompted:
            stored["phone_pieces_prompted"] = True
        if self.callback_reasks:
            stored["callback_reasks"] = self.callback_reasks
        if self.edits_noted_at is not None:
            stored["edits_noted_at"] = self.edits_noted_at.isoformat()
        if self.appeal_number_asked:
            stored["appeal_number_asked"] = True
        if self.told_case is not None:
            stored["told_case"] = self.told_case
        if self.follows_case is not None:
            stored["follows_case"] = self.follows_case
        if self.follows_area is not None:
            stored["follows_area"] = self.follows_area
        if self.resumed_from is not None:
            stored["resumed_from"] = self.resumed_from
        if self.resolution_summary is not None:
            stored["resolution_summary"] = self.resolution_summary
        if self.owed_promise is not None:
            stored["owed_promise"] = self.owed_promise.to_json()
        if self.case_check is not None:
            stored["case_check"] = self.case_check
        if self.case_check_for is not None:
            stored["case_check_for"] = self.case_check_for
        if self.case_check_text is not None:
            stored["case_check_text"] = self.case_check_text
        if self.case_check_misses:
            stored["case_check_misses"] = self.case_check_misses
        if self.case_check_reasked:
            stored["case_check_reasked"] = True
        if self.case_proven is not None:
            stored["case_proven"] = self.case_proven
        if self.case_unproven is not None:
            stored["case_unproven"] = self.case_unproven
        return stored


def writes_traditional(stored: Mapping[str, Any] | None) -> bool:
    """Whether the customer of a conversation with this stored ``flow_data`` writes traditional
    characters (``FlowData.traditional``), for what is said to them outside the flow."""
    return bool(stored and stored.get("traditional"))


__all__ = ["PLACE_ASKS_DONE", "FlowData", "OwedPromise", "TimerKind", "writes_traditional"]
