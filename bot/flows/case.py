"""The case a conversation hands to a person: classified and recorded, its deadline promised, its
ticket opened; and what the customer adds while a person has it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from bot.config import Grade, Intent, PhraseId, Signal
from bot.core.scripts import same_place
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.case_check import appeal_link
from bot.flows.classify import Classified
from bot.flows.data import FlowData
from bot.flows.deadline import Deadline, compute_deadline, describe_moment, format_hours, promised_minutes
from bot.flows.place_half_known import place_beside_not_knowing
from bot.flows.place_in_the_problem import description_without_the_place
from bot.flows.place_of_an_earlier_case import earlier_place
from bot.flows.place_words import LONGEST_PLACE_ANSWER, PLACE_ANSWER_EDGES
from bot.flows.put_right import english_place_put_right, place_part_put_right, place_put_right
from bot.flows.records import CaseContact, ComplaintRecord, HandoffRequest, State
from bot.flows.slots import (
    CORRECTION_CUES,
    another_estate,
    append_description,
    corrected_area,
    description_text,
    keep_slots,
    kept_place,
    needs_its_estate,
    only_a_part,
    place_as_written,
    place_in_own_words,
    place_told_last,
    said_without_edges,
    told_as_a_place,
    whole_place_answer,
    within_place,
)
from bot.flows.summary import pauses
from bot.flows.turn import FlowKit, Turn
from bot.understanding.phones import said_phone
from bot.understanding.result import Understanding

URGENT_SIGNALS = frozenset({Signal.DANGER, Signal.SELF_HARM})
"""Someone's life or safety is at stake now: safety first, then the duty supervisor at once."""
ESCALATING_SIGNALS = frozenset({Signal.MEDIA_LEGAL, Signal.VIOLENCE, *URGENT_SIGNALS})
SUPERVISOR_QUEUE = "supervisor"
GENERAL_QUEUE = "general"
CONSULTATION_QUEUE = "consultation"


MODEL_SUGGESTIONS = "model_suggestions"
"""``FlowData.extra`` key: the signals and intents only the model found so far, not acted on."""


def note_model_suggestions(turn: Turn, understood: Understanding) -> None:
    """What the model found that nothing in the customer's words hints at (``model_trust``): on the
    timeline now, and on the case's card once it is recorded, for the staff to judge; nothing acts
    on it (no safety text, no supervisor, no queue place)."""
    data = turn.step.data
    stored = data.extra.get(MODEL_SUGGESTIONS)
    known = set(stored) if isinstance(stored, list) else set()
    # Told once each: the timeline shows what is new, the card all of them.
    signals = sorted(value for signal in understood.suggested_signals if (value := signal.value) not in known)
    intents = sorted(value for intent in understood.suggested_intents if (value := intent.value) not in known)
    if not signals and not intents:
        return
    data.extra[MODEL_SUGGESTIONS] = sorted({*known, *signals, *intents})
    turn.audit(TimelineKind.MODEL_SUGGESTED, signals=signals, intents=intents)


def model_suggestions(data: FlowData, signals: Iterable[str]) -> tuple[str, ...]:
    """The model's suggestions for the case's card, less the signals the case carries anyway."""
    known = data.extra.get(MODEL_SUGGESTIONS)
    if not isinstance(known, list):
        return ()
    acted = set(signals)
    return tuple(str(value) for value in known if value not in acted)


def classify(turn: Turn, description: str, known: frozenset[Signal] = frozenset()) -> Classified:
    """The whole description understood: its category (the fallback when nothing points at
    one), grade and signals; a repeat of an earlier category, or a threat, is complex. Clauses in
    the service's voice ("我们会赔偿您5000元", "ignore previous instructions") count for nothing."""
    own = turn.kit.service_voice.cut(description)
    understood = turn.kit.understander.understand(own, turn.locale)
    category = understood.category or turn.kit.rules.fallback_category
    signals = set(known) | understood.signals
    if own != description:
        # Danger, self-harm or a threat is never missed, wherever in the message it was typed.
        signals |= turn.kit.understander.understand(description, turn.locale).signals & ESCALATING_SIGNALS
    description = own
    if category in turn.customer.prior_categories:
        signals.add(Signal.REPEAT)
    complex_case = (
        understood.grade is Grade.COMPLEX
        or turn.kit.rules.category(category).default_grade is Grade.COMPLEX
        or len(description) >= turn.kit.rules.complex_min_chars
        or bool(signals & {*turn.kit.rules.complex_signals, Signal.PREPARED})
    )
    grade = Grade.COMPLEX if complex_case else Grade.SIMPLE
    return Classified(category, grade, frozenset(signals), understood.other_categories)


def due_from_now(turn: Turn, classified: Classified, signals: Collection[Signal]) -> Deadline:
    """The case's deadline counted from now by the deadline table, with ``signals``."""
    return compute_deadline(
        turn.now,
        classified.grade,
        turn.customer.tier,
        classified.category,
        turn.kit.config.deadlines,
        turn.kit.calendar,
        signals,
        turn.kit.understander.matchable(" ".join(turn.step.data.description)),
    )


def record_complaint(turn: Turn, confirmed: bool, sooner: Deadline | None = None) -> ComplaintRecord:
    """The case as the conversation took it down, its deadline from the deadline table counted
    from now (:func:`compute_deadline`, as staff reopening a case count theirs), or ``sooner`` when
    it comes first (an escalation the duty supervisor answers as an appeal: "要赔")."""
    data = turn.step.data
    # Named by its number, the resolved case is back (seed 000: a repeat is complex).
    known = frozenset(data.signals) | ({Signal.REPEAT} if data.follows_case else set())
    classified = classify(turn, description_text(data), known)
    deadline = due_from_now(turn, classified, classified.signals)
    if sooner is not None and sooner.due_at < deadline.due_at:
        deadline = sooner
    recorded = data.case_number
    case_number = data.case_number or turn.kit.new_case_number(turn.now)
    data.case_number = case_number
    data.signals = tuple(sorted(classified.signals))
    signals = [signal.value for signal in data.signals]
    others = {"other_categories": list(classified.other_categories)} if classified.other_categories else {}
    turn.audit(
        TimelineKind.CLASSIFIED,
        category=classified.category,
        grade=classified.grade.value,
        signals=signals,
        **others,
    )
    if data.follows_case is not None and case_number != recorded:
        turn.audit(TimelineKind.FOLLOWS_CASE, case_number=data.follows_case)
    return ComplaintRecord(
        case_number=case_number,
        description=description_text(data),
        contact_phone=data.phone,
        # As the customer wrote it (太古城金星閣15樓B室, not the 金星阁 the flow reads): what the agent
        # sees on the case; staff search finds it in either script (bot.storage.searchable).
        area=place_as_written(turn) or data.area,
        category=classified.category,
        grade=classified.grade,
        customer_tier=turn.customer.tier,
        signals=tuple(signals),
        confirmed=confirmed,
        deadline_at=deadline.due_at,
        promised_hours=deadline.hours,
        counted_in_working_days=deadline.working_days is not None,
        contact_by_channel=data.contact_by_channel and not data.phone,
        says_hours=deadline.says_hours,
        district=turn.kit.understander.district(data.area) if data.area else None,
        customer_surname=data.surname,
        customer_title=_title_of(turn, data.surname, data.honorific),
        alternative_phone=data.alternative_phone,
        contact_extension=data.phone_extension if data.phone else None,
        alternative_extension=data.alternative_extension if data.alternative_phone else None,
        other_categories=classified.other_categories,
        model_suggestions=model_suggestions(data, signals),
        problem=turn.kit.summary.summarise(description_without_the_place(turn), turn.locale) or None,
    )


def _title_of(turn: Turn, surname: str | None, honorific: str | None) -> str | None:
    names = turn.kit.config.names
    if honorific in names.male_honorifics:
        return "male"
    if honorific in names.female_honorifics:
        return "female"
    customer = turn.customer
    return customer.title if surname is not None and surname == customer.surname else None


def priority_of(kit: FlowKit, record: ComplaintRecord) -> int:
    signals = set(record.signals)
    if signals & ESCALATING_SIGNALS or record.customer_tier in kit.config.deadlines.urgent_tiers:
        return 0
    if signals or record.grade is Grade.COMPLEX:
        return 1
    return 2


def promise(turn: Turn, record: ComplaintRecord, bot_took_it: bool = True) -> None:
    """The reply time and the case number; with the bot's work number only when the bot took the
    case (a reopened case was handled by a person, whose number the bot does not say for them)."""
    say_promise(
        turn,
        record.case_number,
        record.deadline_at,
        record.promised_hours,
        record.says_hours,
        prepared=Signal.PREPARED.value in record.signals,
        bot_took_it=bot_took_it,
        urgent=is_urgent(turn, record.signals),
    )


def is_urgent(turn: Turn, signals: Iterable[str]) -> bool:
    """A case served first for its danger or self-harm (``queue.served_first.signals``)."""
    return not {signal.value for signal in turn.kit.config.queue.served_first.signals}.isdisjoint(signals)


def say_promise(
    turn: Turn,
    case_number: str,
    deadline_at: dt.datetime,
    hours: float,
    says_hours: bool,
    prepared: bool,
    bot_took_it: bool = True,
    urgent: bool = False,
) -> None:
    """The reply time as :func:`promise` says it, from the case's stored deadline; an urgent case's
    (danger, self-harm) hour in its own wording, never the routine "很抱歉，多谢您反映的意见"."""
    deadline_text = describe_moment(
        deadline_at, turn.now, turn.kit.calendar.timezone, turn.kit.phrases.time_words(turn.locale)
    )
    if urgent and says_hours and hours == 1:
        turn.say(PhraseId.PROMISE_URGENT, deadline=deadline_text)
    elif prepared:
        # 有备而来 (seed 000 五(二)5): 不要轻易承诺 — the process and the reply time, no outcome.
        turn.say(PhraseId.PROMISE_CAREFUL, deadline=deadline_text)
    elif says_hours and hours == 1:
        turn.say(PhraseId.PROMISE_WITHIN_AN_HOUR, deadline=deadline_text)
    elif says_hours and hours < 1:
        turn.say(PhraseId.PROMISE_MINUTES, minutes=promised_minutes(hours), deadline=deadline_text)
    elif says_hours:
        turn.say(PhraseId.PROMISE, hours=format_hours(hours), deadline=deadline_text)
    else:
        turn.say(PhraseId.PROMISE_BY_DATE, deadline=deadline_text)
    if bot_took_it:
        turn.say(PhraseId.CASE_NUMBER, case_number=case_number, work_number=turn.kit.config.service.work_number)
    else:
        turn.say(PhraseId.STATUS_CASE_NUMBER, case_number=case_number)
    _promised(turn, case_number, deadline_at, hours, deadline_text)


def _promised(turn: Turn, case_number: str, deadline_at: dt.datetime, hours: float, said: str) -> None:
    """On the timeline; the case's timers are armed for ``deadline_at``."""
    turn.audit(
        TimelineKind.PROMISED,
        case_number=case_number,
        deadline_at=deadline_at.isoformat(),
        hours=hours,
        said=said,
    )


def open_ticket(
    turn: Turn,
    record: ComplaintRecord | None,
    queue: str,
    priority: int,
    reason: TicketReason,
    named_case: str | None = None,
) -> None:
    """``named_case``: a case the message named, not proven the writer's (see ``HandoffRequest``)."""
    turn.step.complaint = record
    turn.step.handoff = HandoffRequest(queue=queue, priority=priority, reason=reason, named_case=named_case)
    turn.step.state = State.HANDED_OFF
    for kind in list(turn.step.data.timers):
        turn.cancel(kind)
    named = {"named_case": named_case} if named_case is not None else {}
    turn.audit(TimelineKind.HANDED_OFF, queue=queue, priority=priority, reason=reason, **named)


def complaint_after_hand_off(turn: Turn, told_a_problem: bool, text: str) -> bool:
    """Handed to a person before any problem was told ("叫你们领导出来", "转人工"), the customer
    tells it now: it is registered on the waiting ticket, with a case number and the time a reply
    is promised by, as a problem told first would have been (on the duty supervisor's path, after
    its questions: the caller owes the promise). True if registered."""
    if not first_problem_told(turn, told_a_problem):
        return False
    record = register_told_problem(turn, text)
    if not turn.step.data.escalation_phone_asks:
        promise(turn, record)  # with the duty supervisor, the caller asks what is missing first
    return True


def first_problem_told(turn: Turn, told_a_problem: bool) -> bool:
    """Handed to a person before any problem was told, this message tells one: nothing of the
    conversation is registered yet (no case, no appeal, no question; a description only when it
    told no problem: "我要投诉你们经理", kept to go with the problem)."""
    data = turn.step.data
    return told_a_problem and not (data.case_number or data.appeal_of or data.consultation)


def register_told_problem(turn: Turn, text: str) -> ComplaintRecord:
    """The problem told after the hand-off, with the place and phone it gives, recorded as the case."""
    if turn.understood is not None:
        keep_slots(turn, turn.understood)  # "…阳光花园5栋 电话138…": the case's place and phone
    append_description(turn, text)
    record = record_complaint(turn, confirmed=False)
    turn.step.complaint = record
    return record


def note_on_case(
    turn: Turn,
    case_number: str,
    phone: str | None = None,
    replaces: bool = False,
    named: bool = False,
    alternative: bool = False,
) -> None:
    """A phone for the recorded case, kept with a place this message gave it too; ``named``: with the
    surname the customer gave (``FlowData.surname``); ``alternative``: the number to try too."""
    earlier = turn.step.contact
    same_case = earlier is not None and earlier.case_number == case_number
    area = earlier.area if earlier is not None and same_case else None
    district = earlier.district if earlier is not None and same_case else None
    more = earlier.more_of_the_problem if earlier is not None and same_case else None
    data = turn.step.data
    surname = data.surname if named else None
    title = _title_of(turn, surname, data.honorific) if named else None
    turn.step.contact = CaseContact(
        case_number,
        phone,
        replaces=replaces,
        alternative=alternative,
        # An extension goes with the number it was typed after, the alternative's too.
        extension=turn.extension_of(phone),
        area=area,
        district=district,
        surname=surname,
        title=title,
        more_of_the_problem=more,
    )


def problem_told_at_last(turn: Turn, text: str) -> None:
    """A case handed over before it named any problem ("再不修" / "我就拿刀": a threat in pieces) hears
    the problem now ("电梯坏了一周了 电话136… 东方明珠3栋"): it goes on the description, so the
    restatement names it, whatever else the message answers (the phone, the place). Told alone, it is
    the phone question's (``on_escalation_phone``)."""
    data, understood = turn.step.data, turn.understood
    fallback = turn.kit.rules.fallback_category
    case_number = data.case_number
    if case_number is None or not turn.phone or understood is None or understood.category in (None, fallback):
        return
    if classify(turn, description_text(data)).category != fallback:
        return
    told = len(data.description)
    append_description(turn, text)
    if len(data.description) > told:
        turn.step.contact = CaseContact(case_number, None, more_of_the_problem=text)
        turn.audit(TimelineKind.DESCRIPTION_RECEIVED)


def place_after_hand_off(turn: Turn, last_pause: bool = False) -> bool:
    """A place given after the hand-off, for a case that has none ("海淀区苏州街3号院2号楼501"
    after a gas leak was handed over at once): it goes on the case. True if kept. ``last_pause``:
    the message's last pause may name it alone ("孩子还在车里 快来人啊 地下车库B2")."""
    data = turn.step.data
    area = turn.area
    if area and turn.understood is not None and Signal.DANGER in data.signals:
        area = whole_place_answer(turn, turn.understood.text, area)  # the answer to "请您告诉我具体地址"
    area = area or _place_in_words(turn)
    if not area and turn.understood is not None:
        area = told_as_a_place(turn, turn.understood.text)  # "翠湖天地 地面停车场" at the phone question
    if not area and last_pause and turn.understood is not None:
        area = place_told_last(turn, turn.understood.text)
    case_number = data.appeal_of or data.case_number
    if not area or case_number is None:
        return False
    joined = bool(data.area) and _estate_of_the_building_alone(turn, area)
    if data.area and not joined:
        return False
    data.area = area = within_place(turn.kit, data.area, area) if joined and data.area else kept_place(area)
    # Stored as the customer wrote it (陽光花園5棟), as a case's first place is.
    written = place_as_written(turn) or area
    earlier = turn.step.contact
    more = earlier.more_of_the_problem if earlier is not None and earlier.case_number == case_number else None
    turn.step.contact = CaseContact(
        case_number,
        None,
        area=written,
        area_replaces=joined,
        district=turn.kit.understander.district(area),
        more_of_the_problem=more,
    )
    turn.audit(TimelineKind.AREA_RECEIVED)
    return True


def _estate_of_the_building_alone(turn: Turn, area: str) -> bool:
    """The case's place is a building alone ("3号楼") and the message only names a place that is no
    part of one ("阳光花园", told after "里面困了人"): the building's estate, joined before it."""
    data, understood = turn.step.data, turn.understood
    if data.area is None or understood is None or understood.intents or understood.signals:
        return False
    return needs_its_estate(turn.kit, data.area) and not only_a_part(turn.kit, area)


def _place_in_words(turn: Turn) -> str | None:
    """A place the parser does not know, in the customer's words: the answer to the place question
    asked after an escalation (``FlowData.place_asked_after_hand_off``), unless it asks or tells
    something else; or, for a case without a place (an emergency's, "新北市板橋區文化路一段50號",
    or one handed to a person at once, "阳光花园"), a short message with an address word and
    nothing else in it."""
    understood, marker, data = turn.understood, turn.kit.area_marker, turn.step.data
    if data.area is None and understood is not None:
        half_known = place_beside_not_knowing(turn, understood.text)
        if half_known is not None:
            return half_known  # "我住浦东 具体门牌不记得了": 浦东, the rest never insisted on
        asked = data.place_asked_after_hand_off or data.urgent_place_asks
        if asked and turn.says_any(understood.text, turn.kit.config.followups.same_place_words):
            known = earlier_place(turn)  # "跟上次一样": the place of their earlier case
            return known[0] if known is not None else None
    urging = understood is not None and turn.says_any(understood.text, turn.kit.form.urging_words)
    if data.place_asked_after_hand_off and data.area is None and understood is not None and not urging:
        data.place_asked_after_hand_off = False  # the answer to "哪个小区或地址", once
        words = understood.text.strip(PLACE_ANSWER_EDGES)
        if _says_no_place(turn, words):
            return None  # "不知道", "没有": no place, never stored as one
        if not (understood.intents or understood.signals or turn.phone) and len(words) <= LONGEST_PLACE_ANSWER:
            return place_in_own_words(turn, words)
    if data.urgent_place_asks and data.area is None and understood is not None and not urging:
        # The answer to "请您告诉我具体地址" for an emergency ("金泰假日花城"), address word or not.
        words = understood.text.strip(PLACE_ANSWER_EDGES)
        if _says_no_place(turn, words):
            return None
        if (
            not (understood.intents or understood.signals or turn.phone)
            and len(words) <= LONGEST_PLACE_ANSWER
            and not turn.says_any(words, turn.kit.form.story_words)
        ):
            return place_in_own_words(turn, words)
    if understood is None or marker is None:
        return None
    if understood.intents or understood.signals or turn.phone:
        return None
    words = understood.text.strip(PLACE_ANSWER_EDGES)
    if len(words) > LONGEST_PLACE_ANSWER or not marker.search(turn.kit.understander.matchable(words)):
        return None
    if Signal.DANGER not in data.signals and (data.appeal_of or turn.says_any(words, turn.kit.form.story_words)):
        return None  # "臭味都飘到家里了": more of the story; an appealed case has its place
    return place_in_own_words(turn, words)


def _says_no_place(turn: Turn, words: str) -> bool:
    """The answer to a place question says there is none ("不知道", "没有地址": ``form.no_place_words``,
    ``form.no_place_answers``)."""
    form = turn.kit.form
    answer = turn.kit.understander.matchable(words).strip()
    return turn.says_any(words, form.no_place_words) or answer in {no.lower() for no in form.no_place_answers}


def corrected_contact(turn: Turn) -> bool:
    """A phone given after the hand-off that corrects the case's ("不好意思电话留错了，应该是
    137…") or changes it ("电话换了 新号码是137…", ``form.contact_change_words``), or the first one
    it gets: the case calls that number; or one to try too ("打不通就打我老婆的139…"): the case's
    alternative. True if handled."""
    data, phone = turn.step.data, turn.phone
    if not phone or phone == data.phone:
        return False
    case_number = data.appeal_of or data.case_number
    if _one_to_try_too(turn):
        turn.audit(TimelineKind.ALTERNATIVE_CONTACT_RECEIVED, replaced=data.alternative_phone is not None)
        data.alternative_phone, data.alternative_extension = phone, turn.extension_of(phone)
        if case_number is not None:
            note_on_case(turn, case_number, phone=phone, alternative=True)
        turn.say(PhraseId.ALTERNATIVE_NOTED, phone=said_with_extension(turn, phone, data.alternative_extension))
        return True
    # "no the phone is 9876 5433": the form's word for the phone with another number puts it right too.
    changes = turn.intents & CORRECTION_CUES or (
        turn.understood is not None
        and turn.says_any(turn.understood.text, [*turn.kit.form.contact_change_words, *_field_words(turn, "phone")])
    )
    if data.phone and not data.phone_from_channel and not changes:
        return False
    replaces = bool(data.phone)
    data.phone, data.phone_from_channel, data.contact_by_channel = phone, False, False
    data.phone_extension = turn.phone_extension
    if case_number is not None:
        note_on_case(turn, case_number, phone=phone, replaces=replaces)
    turn.audit(TimelineKind.CONTACT_RECEIVED, replaced=replaces)
    noted = PhraseId.CONTACT_CORRECTED if replaces else PhraseId.CONTACT_NOTED
    turn.say(noted, phone=said_with_extension(turn, phone, data.phone_extension))
    return True


def _field_words(turn: Turn, field: str) -> list[str]:
    """The form's words for ``field`` ("地址", "phone": ``correction_fields``), not its option number ("3")."""
    return [word for word in turn.kit.rules.correction_fields.get(field, []) if not word.isdigit()]


def said_with_extension(turn: Turn, phone: str, extension: str | None) -> str:
    """``phone`` as said back, with the extension typed after it ("010-62345678转8021")."""
    said = said_phone(phone)
    return turn.text(PhraseId.RESTATE_PHONE_EXTENSION, phone=said, extension=extension) if extension else said


def _one_to_try_too(turn: Turn) -> bool:
    """A number after the hand-off with words saying it is one to try when the case's does not
    answer ("打不通就打我老婆的139…": ``form.alternative_phone_words``), the case's number neither
    put right nor given up ("电话换了", "以后打…": ``form.contact_replaced_words``)."""
    data, understood, form = turn.step.data, turn.understood, turn.kit.form
    if not data.phone or understood is None or turn.intents & CORRECTION_CUES:
        return False
    return turn.says_any(understood.text, form.alternative_phone_words) and not turn.says_any(
        understood.text, form.contact_replaced_words
    )


def corrected_place(turn: Turn) -> bool:
    """A place given after the hand-off that corrects the case's ("地址也写错了，是阳光花园5栋不是3栋",
    "地址改一下：阳光花园5栋2单元": a correction, or the form's words for the place): the case goes
    there. A part of the place put right ("是7栋不是9栋" for 金色家园9栋地下车库) is put right as before
    the hand-off: only that part, the rest of the place kept (金色家园7栋地下车库). True if handled."""
    data, understood = turn.step.data, turn.understood
    case_number = data.appeal_of or data.case_number
    if understood is None or case_number is None or data.area is None:
        return False
    text = understood.text
    # "是7栋不是9栋", "是B2不是B1": what the place is not and what it is, a correction in itself.
    area = place_put_right(turn, text)
    if area is None:
        if not (turn.intents & CORRECTION_CUES or turn.says_any(text, _field_words(turn, "area"))):
            return False
        # "wrong address, its block 2": a part of the place alone, which is no place of its own.
        area = english_place_put_right(turn, text)
    if area is None:
        if not turn.area:
            return False
        area = place_part_put_right(turn, text) or kept_place(
            another_estate(turn.kit, data.area, turn.area) or corrected_area(turn.kit, data.area, kept_place(turn.area))
        )
    if same_place(area, data.area) or understood.signals or Intent.COMPLAINT in understood.intents:
        return False
    data.area = area
    district = turn.kit.understander.district(area)
    # Stored and said back as the customer wrote it (陽光花園5棟), as a case's first place is.
    written = place_as_written(turn) or area
    turn.step.contact = CaseContact(case_number, None, area=written, district=district, area_replaces=True)
    turn.audit(TimelineKind.AREA_RECEIVED, replaced=True)
    turn.say(PhraseId.PLACE_CORRECTED, area=written, verbatim=(written,))
    return True


def on_handed_off(turn: Turn, text: str) -> None:
    """The message reaches the agent with the conversation (an appeal's, with the case it joined);
    the customer hears so, at most once per ``timers.handoff_ack_after`` (no wall, no flood)."""
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    data = turn.step.data
    if data.appeal_of is not None:
        # The case's conversation holds the ticket: whoever works it reads the message there.
        turn.step.appeal = appeal_link(turn, data.appeal_of, text)
    interval = dt.timedelta(seconds=turn.kit.config.timers.handoff_ack_after)
    if turn.says_any(text, turn.kit.form.sooner_words):
        # "能不能今天就处理啊": a request the staff must see, said so whenever it comes.
        turn.audit(TimelineKind.CONSULTATION_ASKED, text=text)
        data.acked_at, data.recorded_ack = turn.now, False
        turn.say(PhraseId.MESSAGE_RECORDED)
        return
    if data.acked_at is not None and turn.now - data.acked_at < interval:
        if _asks(turn, text):
            # "你们到底管不管？", "照片发了 你们看到没" right after the acknowledgement: a question is
            # never met with silence; it is recorded for the staff, and said so.
            turn.audit(TimelineKind.CONSULTATION_ASKED, text=text)
            turn.say(PhraseId.MESSAGE_RECORDED)
        elif _blames_the_handling(turn, text):
            # "你们根本不管": anger at how the case is handled is answered too; only plain additions
            # to the case ("而且水是黄的") are let pass without a word.
            turn.say(PhraseId.MESSAGE_RECORDED)
        else:
            _short_acknowledgement(turn)
        return
    data.acked_at, data.recorded_ack = turn.now, False
    turn.say(PhraseId.HANDOFF_ACK)


_SHORT_ACKS = "short_acks"
"""``FlowData.extra`` key: how many short acknowledgements were said since the last ``handoff_ack``."""


def _short_acknowledgement(turn: Turn) -> None:
    """Right after the acknowledgement, a message the person reads ("喂", "对", "而且水是黄的") is
    never met with silence: ``please_wait`` and ``message_recorded`` by turns, so no two replies
    running are the same words."""
    extra = turn.step.data.extra
    said = extra.get(_SHORT_ACKS)
    count = said if isinstance(said, int) else 0
    extra[_SHORT_ACKS] = count + 1
    turn.say(PhraseId.PLEASE_WAIT if count % 2 == 0 else PhraseId.MESSAGE_RECORDED)


def _asks(turn: Turn, text: str) -> bool:
    """The message asks something: the question intent, or it or one of its pauses ends as a
    question does ("照片发了 你们看到没 车顶凹成这样", ``form.question_endings``)."""
    if Intent.QUESTION in turn.intents:
        return True
    endings = tuple(turn.kit.form.question_endings)
    return any(said_without_edges(part).endswith(endings) for part in [text, *pauses(text)])


def _blames_the_handling(turn: Turn, text: str) -> bool:
    """The message complains of how the case is handled (``form.mishandling_words``: "你们根本不管")
    or is said in anger (the emotional signal)."""
    understood = turn.understood
    if understood is not None and Signal.EMOTIONAL in understood.signals:
        return True
    return turn.says_any(text, turn.kit.form.mishandling_words)
