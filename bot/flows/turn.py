"""What the complaint flow's parts work on: the configured ``FlowKit``, the ``Step`` an event
produces, and the ``Turn`` that builds it (say, audit, timers)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.config import Classification, FormRules, Intent, PhraseId, ServiceConfig, Signal
from bot.core.messages import Option, OutboundMessage
from bot.core.phrases import Phrases
from bot.core.timeline import TimelineKind
from bot.flows.data import FlowData, TimerKind
from bot.flows.deadline import BusinessCalendar
from bot.flows.english_pieces import EnglishPieces
from bot.flows.faq import FaqMatcher
from bot.flows.not_a_place import says_nothing_of_a_place
from bot.flows.place_words import InsultWords, PlaceWords
from bot.flows.records import (
    AppealLink,
    CaseContact,
    ComplaintRecord,
    CustomerView,
    EscalatedDeadline,
    HandoffRequest,
    SatisfactionRecord,
    State,
    SupervisorTold,
    TimerChange,
    UnverifiedMention,
)
from bot.flows.small_talk import SmallTalkWords
from bot.flows.summary import ProblemSummary
from bot.flows.things_named import ThingWords
from bot.flows.title_said import TitleWords
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.phones import national_digits
from bot.understanding.result import Understanding
from bot.understanding.service_voice import ServiceVoice
from bot.understanding.understander import Understander
from bot.understanding.word_pattern import words_pattern

_AROUND_WORDS = " \t?？!！。.,，~～…"


@functools.lru_cache(maxsize=1024)
def lowered(words: tuple[str, ...]) -> tuple[str, ...]:
    """Configured words in lower case, as messages are matched: lowered once per word list, not
    for every message (the flow asks a few hundred words of each message)."""
    return tuple(word.lower() for word in words)


_FEW_WORDS = 8
"""Up to this many words, looking for each in turn is cheaper than one pattern's search."""


@functools.lru_cache(maxsize=1024)
def holds_any_of(words: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a matchable text holds any of ``words`` (in any case): built once per word list,
    a long one as one trie-shaped pattern, searched once, not word after word."""
    needles = tuple(dict.fromkeys(lowered(words)))
    if "" in needles:
        return lambda text: True
    if len(needles) <= _FEW_WORDS:
        return lambda text: any(map(text.__contains__, needles))
    search = re.compile(words_pattern(needles)).search
    return lambda text: search(text) is not None


class WordSearches:
    """:func:`holds_any_of` for each word list the flow asks of messages, found by the list
    itself: most are the configuration's own lists, asked of every message, whose contents would
    otherwise be copied and hashed each time. Each list is held while it is remembered, so no
    other can take its identity; lists made for one question are forgotten with the rest after
    ``REMEMBERED`` of them."""

    REMEMBERED = 512

    def __init__(self) -> None:
        self._by_list: dict[int, tuple[Iterable[str], Callable[[str], bool]]] = {}

    def holds_any(self, words: Iterable[str]) -> Callable[[str], bool]:
        known = self._by_list.get(id(words))
        if known is not None and known[0] is words:
            return known[1]
        search = holds_any_of(tuple(words))
        if isinstance(words, (list, tuple)):
            if len(self._by_list) >= self.REMEMBERED:
                self._by_list.clear()
            self._by_list[id(words)] = (words, search)
        return search


@dataclass(frozen=True, slots=True)
class FlowKit:
    """The configuration and what the flow builds from it once, for every part of the flow."""

    config: ServiceConfig
    phrases: Phrases
    calendar: BusinessCalendar
    understander: Understander
    new_case_number: Callable[[dt.datetime], str]
    faq: FaqMatcher
    summary: ProblemSummary
    guard: ForbiddenGuard
    """The forbidden phrases: the bot says none of them, not even in the customer's own words."""
    area_marker: re.Pattern[str] | None
    """Any word of the form's address levels (``form.address_levels``)."""
    english_parts: re.Pattern[str] | None
    """One flat, room, block or floor written in English ("Flat 12B", "15/F": ``english_parts``)."""
    english_pieces: EnglishPieces
    """An English place told in pieces, put together (``bot/flows/english_pieces.py``)."""
    rating_words: re.Pattern[str] | None
    """Any of ``followups.rating_words``."""
    rating_phrases: re.Pattern[str] | None
    """Any of ``followups.rating_phrases``, longest first."""
    rating_phrase_scores: Mapping[str, int]
    """Each of those phrases (as the pattern finds it) → its score."""
    not_a_place: re.Pattern[str] | None
    """The words that are never a place (``bot/flows/not_a_place.py``)."""
    address_stop_chars: frozenset[str]
    """``gazetteer.address_stop_chars``: characters never inside a place."""
    place_words: PlaceWords
    """The gazetteer's words as the place questions read answers."""
    insults: InsultWords
    searches: WordSearches
    service_voice: ServiceVoice
    """The customer's clauses in the service's voice (``form.service_voice``): never restated nor
    counted for the category."""
    titles: TitleWords
    """Which one the customer is, said without the surname ("不对 我是女的"): the title put right."""
    small_talk: SmallTalkWords
    """Words of small talk before any problem (``bot/flows/small_talk.py``)."""
    things: ThingWords
    """The things problems name (``bot/flows/things_named.py``)."""

    @property
    def rules(self) -> Classification:
        return self.config.classification

    @property
    def form(self) -> FormRules:
        return self.config.classification.form

    def phrase(self, phrase_id: PhraseId, locale: str, **variables: object) -> str:
        return self.phrases.render(phrase_id, locale, **variables)

    def never_a_place(self, text: str) -> bool:
        """``text`` says nothing of where: only words of not knowing, not wanting or fillers
        ("不知道", "随便", "你猜", "not sure"), never stored as a place on any path."""
        matchable = self.understander.matchable(text)
        return says_nothing_of_a_place(self.not_a_place, self.address_stop_chars, matchable)


@dataclass(frozen=True, slots=True)
class AuditEvent:
    kind: TimelineKind
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Step:
    """What one event did: the next state, what to say and what to record."""

    state: State
    data: FlowData
    replies: list[OutboundMessage] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)
    complaint: ComplaintRecord | None = None
    handoff: HandoffRequest | None = None
    timers: list[TimerChange] = field(default_factory=list)
    close_reason: str | None = None
    satisfaction: SatisfactionRecord | None = None
    reopen: bool = False
    """The customer said the resolved case is not resolved: give it back to its previous owner."""
    reopen_case: str | None = None
    """The customer said their case resolved in an earlier conversation (this number) is not
    resolved: it comes into this conversation and goes back to its previous owner."""
    reopen_proven_case: tuple[str, str] | None = None
    """(case number, the words): the customer said a resolved case of another customer record,
    proven theirs here by its phone's last digits, is not resolved: it is reopened where it is and
    this conversation joins it (``appeal_of``)."""
    locale: str | None = None
    """The conversation's new locale when the customer wrote in another language; None: unchanged."""
    # issue 12 item 3
    appeal: AppealLink | None = None
    """This conversation's complaint repeats an open case: link it there (no new case)."""
    contact: CaseContact | None = None
    """A contact phone given after the case was recorded (for the supervisor's call): store it on the case."""
    unverified_mention: UnverifiedMention | None = None
    """A case named by someone not confirmed as its customer: noted on its timeline, nothing more."""
    case_check_missed: str | None = None
    """The case number whose check this message answered with wrong digits: counted against the
    case and the writer everywhere, not only in this conversation (``CaseCheckBudget``)."""
    escalated_deadline: EscalatedDeadline | None = None
    """The conversation's case, handed off already, was escalated: its reply time brought forward."""
    supervisor_told: SupervisorTold | None = None
    """The case an agent holds: the duty supervisor is told of a leader asked for or a threat."""


def numbered_options(kit: FlowKit, options: Sequence[Option], locale: str) -> str:
    """The options as numbered text for channels without buttons: the range when each option is
    its own number (the 1–5 rating), else the list; the customer's number maps back
    (:func:`bot.core.engine.chosen_option`)."""
    if all(option.label == option.value == str(number) for number, option in enumerate(options, start=1)):
        return kit.phrase(PhraseId.OPTIONS_RANGE, locale, first=1, last=len(options))
    lines = [kit.phrase(PhraseId.OPTIONS_LIST, locale)]
    lines.extend(
        kit.phrase(PhraseId.OPTION_LINE, locale, number=number, label=option.label)
        for number, option in enumerate(options, start=1)
    )
    return "\n".join(lines)


class Turn:
    """The working state of one ``step`` call."""

    def __init__(self, kit: FlowKit, step: Step, customer: CustomerView, locale: str, now: dt.datetime) -> None:
        self.kit, self.step, self.customer, self.locale, self.now = kit, step, customer, locale, now
        self.understood: Understanding | None = None
        self.earlier_signals: frozenset[Signal] = frozenset()
        """The signals of the conversation before this message."""
        self.changed: set[str] = set()
        """The form's items this message gave or corrected: "phone", "alternative_phone", "area", "name"."""
        self.refused = False
        """This message refused to give a phone."""
        self._read: dict[tuple[str, str], Understanding] = {}
        self.only_insults = False
        """This message is nothing but insults ("你们这帮垃圾"): anger at us, no problem told."""

    @property
    def intents(self) -> frozenset[Intent]:
        return self.understood.intents if self.understood is not None else frozenset()

    @property
    def phone(self) -> str | None:
        """The phone number the message gives, as the engine stores it (national digits)."""
        phone = self.understood.slots.phone if self.understood is not None else None
        return national_digits(phone) if phone else None

    @property
    def phone_extension(self) -> str | None:
        """The extension typed right after :attr:`phone` ("0755-26881234转8021" gives "8021")."""
        return self.understood.slots.phone_extension if self.understood is not None else None

    def extension_of(self, phone: str | None) -> str | None:
        """The extension the message typed right after ``phone`` (national digits, as
        :attr:`phone` and :attr:`second_phone` are), or None."""
        if phone is None or self.understood is None:
            return None
        slots = self.understood.slots
        if phone == self.phone:
            return slots.phone_extension
        return slots.second_phone_extension if phone == self.second_phone else None

    @property
    def second_phone(self) -> str | None:
        """Another phone number the message gives, stored as :attr:`phone` is."""
        phone = self.understood.slots.second_phone if self.understood is not None else None
        return national_digits(phone) if phone else None

    @property
    def area(self) -> str | None:
        """Where the problem is, as the message says it: the province and city written before it,
        the district and the address within it; a district the customer did not say is not added
        ("和平里小区11号楼" stays as it is)."""
        if self.understood is None:
            return None
        slots = self.understood.slots
        if slots.district and slots.address and slots.district in slots.address:
            district = None  # "望京花园东区": the district's name is within the address
        else:
            # As said ("海淀中关村大街1号" stays so, never 海淀区中关村大街1号).
            said = slots.district_words or slots.district
            district = said if slots.district_said or not slots.address else None
        place = "".join(part for part in (district, slots.address) if part)
        if not place or self.kit.never_a_place(place):
            return None  # "不知道" is no place, wherever an address was read from
        return "".join(part for part in (slots.region, place) if part)

    def read(self, text: str) -> Understanding:
        """``text`` (the message, a pause of it) understood in the conversation's language, once
        however many ways of putting things right ask of it in this turn."""
        key = (text, self.locale)
        understood = self._read.get(key)
        if understood is None:
            understood = self._read[key] = self.kit.understander.understand(text, self.locale)
        return understood

    def text(self, phrase_id: PhraseId, **variables: object) -> str:
        return self.kit.phrase(phrase_id, self.locale, **variables)

    def says_any(self, text: str, words: Iterable[str]) -> bool:
        """Whether ``text``, read as keywords are matched, holds any of the configured ``words``."""
        return self.kit.searches.holds_any(words)(self.kit.understander.matchable(text))

    def problem_words(self, category: str, text: str) -> set[str]:
        """The keywords of ``category`` (not its weak ones: where or who), and the things its
        ``together`` pairs name ("燃气灶" of "燃气灶打不着火"), that ``text`` holds."""
        rule = self.kit.rules.category(category)
        matchable = self.kit.understander.matchable(text)
        weak = {word.lower() for word in rule.weak_keywords}
        words = (*rule.keywords, *rule.things)
        return {word.lower() for word in words if word.lower() not in weak and word.lower() in matchable}

    def things_named(self, text: str) -> frozenset[str]:
        """The things ``text`` names (电梯, 楼道灯, 水管: ``bot/flows/things_named.py``)."""
        return self.kit.things.named(self.kit.understander.matchable(text))

    def says_only(self, text: str, words: Iterable[str]) -> bool:
        """``text``, read as keywords are matched and without punctuation around it, is one of ``words``."""
        said = self.kit.understander.matchable(text).strip(_AROUND_WORDS)
        return bool(said) and said in lowered(tuple(words))

    def only_asks(self, text: str) -> bool:
        """The message is only question marks ("？？？", ``form.asking_marks``)."""
        marks = set("".join(self.kit.form.asking_marks))
        said = "".join(text.split())
        return bool(said) and bool(marks) and set(said) <= marks

    def say(
        self,
        phrase_id: PhraseId,
        options: tuple[Option, ...] = (),
        verbatim: tuple[str, ...] = (),
        **variables: object,
    ) -> None:
        """Say a configured phrase with ``variables`` filled; ``verbatim``: the customer's own words
        among them, said back in their script."""
        self.step.replies.append(
            OutboundMessage(
                text=self.text(phrase_id, **variables),
                phrase_id=phrase_id.value,
                options=options,
                options_text=numbered_options(self.kit, options, self.locale) if options else "",
                verbatim=verbatim,
            )
        )

    def audit(self, kind: TimelineKind, **detail: Any) -> None:
        self.step.audit.append(AuditEvent(kind=kind, detail=detail))

    def arm(self, kind: TimerKind, after_seconds: int) -> None:
        data = self.step.data
        token = data.timer_seq + 1
        data.timer_seq = token
        data.timers[kind] = token
        self.step.timers.append(TimerChange(kind, token, self.now + dt.timedelta(seconds=after_seconds)))

    def cancel(self, kind: TimerKind) -> None:
        token = self.step.data.timers.pop(kind, None)
        if token is not None:
            self.step.timers.append(TimerChange(kind, token, None))

    def arm_idle(self) -> None:
        self.cancel(TimerKind.IDLE_CLOSE)
        self.arm(TimerKind.IDLE_PROMPT, self.kit.config.timers.idle_prompt_after)
