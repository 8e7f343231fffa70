"""The keyword rules of ``config/classification.yaml``, compiled once and applied to segmented text.

Intents, signals, category and grade come from whole-word keyword hits (``tokens.py``); a
negation word right before a keyword cancels it for intents and signals, never for categories.
"""

from __future__ import annotations

import bisect
import dataclasses
import graphlib
import itertools
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

from bot.config import Classification, Grade, Intent, KeywordRule, Signal
from bot.understanding.tokens import (
    Hit,
    KeywordIndex,
    Segmented,
    following,
    is_chinese,
    is_content,
    is_pictograph,
    preceding,
)
from bot.understanding.word_gaps import CLAUSE_ENDS, Barriers, NearestHits, WordGaps, is_pause


class Kind(Enum):
    CATEGORY = "category"
    WEAK_CATEGORY = "weak_category"
    CATEGORY_TOGETHER = "category_together"
    """A word of one of a category's two ``together`` groups: a thing, or what is wrong with it."""
    SIGNAL = "signal"
    INTENT = "intent"
    EXACT = "exact"
    """An ``exact`` intent's keywords, or its ``whole_message`` ones: the whole message only."""
    REQUESTED = "requested"
    CLAUSE_START = "clause_start"
    TOGETHER = "together"
    SIGNAL_TOGETHER = "signal_together"
    SIGNAL_OVER = "signal_over"
    """A word of one group of a signal's ``over_messages`` sets: read over the conversation so far."""
    COMPLEX = "complex"
    PROBLEM = "problem"
    SYMPTOM = "symptom"
    MENTION = "mention"
    EARLIER_REPORT = "earlier_report"
    NEGATOR = "negator"
    REQUEST = "request"
    OPENER = "opener"
    FILLER = "filler"
    PAST = "past"
    FICTION = "fiction"
    """A word of a signal's ``fiction``: a film, a show, a game or the news told ("电影里")."""
    PRESENT = "present"
    RISK = "risk"
    FEAR = "fear"
    HAPPENING = "happening"
    EXPLANATION = "explanation"
    """A word of a signal's ``explained[group].by``: a harmless cause told."""
    SENT_ELSEWHERE = "sent_elsewhere"
    WITHDRAWAL = "withdrawal"
    """A word of one group of ``complaint.withdrawal_together``: a complaint taken back."""
    TOLD = "told"
    """A word of an intent's ``told_after``: its keywords after it tell what the customer did."""
    TOLD_BEFORE = "told_before"
    """A word of an intent's ``told_before``: its keywords right before it tell what the customer did."""
    SARCASM = "sarcasm"
    """A word of ``complaint.sarcasm_words``, or of one group of ``sarcasm_together``."""
    SARCASM_ALONE = "sarcasm_alone"
    """A word of ``complaint.sarcasm_alone``: the praise or thanks inside it is never meant."""
    SARCASM_MARKER = "sarcasm_marker"
    """A word of ``complaint.sarcasm_markers``: praise or thanks beside it is not meant."""
    SINCERE = "sincere"
    """A word of ``complaint.sincere_words``: praise beside it is meant, a marker or not."""


@dataclass(frozen=True, slots=True)
class Owner:
    """Which rule a keyword belongs to: its kind and name (category id, signal or intent), and
    for ``together`` rules which set of groups (0 ``together``, then ``also_together``'s) and
    which group of it."""

    kind: Kind
    name: str = ""
    group: int = 0
    conjunction: int = 0


_NEGATOR = Owner(Kind.NEGATOR)
_REQUEST = Owner(Kind.REQUEST)
_OPENER = Owner(Kind.OPENER)
_FILLER = Owner(Kind.FILLER)
_COMPLEX = Owner(Kind.COMPLEX)
_PROBLEM = Owner(Kind.PROBLEM)
_SYMPTOM = Owner(Kind.SYMPTOM)
_MENTION = Owner(Kind.MENTION)
_EARLIER_REPORT = Owner(Kind.EARLIER_REPORT)
_SENT_ELSEWHERE = Owner(Kind.SENT_ELSEWHERE)
_SARCASM_MARKER = Owner(Kind.SARCASM_MARKER)
_SARCASM_ALONE = Owner(Kind.SARCASM_ALONE)
_CATEGORY_KINDS = frozenset({Kind.CATEGORY, Kind.WEAK_CATEGORY})
_LONGER_KINDS = _CATEGORY_KINDS | {Kind.CATEGORY_TOGETHER}
_ASKING_FOR_SOMEONE = frozenset({Intent.HUMAN.value, Intent.SUPERVISOR.value})
_SINCERE = Owner(Kind.SINCERE)
_FEWEST_PHONE_DIGITS = 7
_SINGLE_WORDS = (
    Kind.NEGATOR,
    Kind.REQUEST,
    Kind.OPENER,
    Kind.FILLER,
    Kind.EXACT,
    Kind.PAST,
    Kind.FICTION,
    Kind.PRESENT,
    Kind.RISK,
    Kind.FEAR,
    Kind.HAPPENING,
    Kind.EXPLANATION,
    Kind.SENT_ELSEWHERE,
    # Found across words ("撤了", "好了"): as dictionary words they would change how the
    # problem words around them are segmented ("修好了").
    Kind.WITHDRAWAL,
    Kind.SARCASM,
    Kind.TOLD,
    Kind.TOLD_BEFORE,
)
"""Kinds whose keywords are single words, never looked for inside longer ones."""


@dataclass(frozen=True, slots=True)
class Part:
    """One group of one of a signal's ``over_messages`` sets."""

    signal: Signal
    conjunction: int
    group: int


@dataclass(frozen=True, slots=True)
class Findings:
    """What the rules found in one message; a category and grade only for a complaint."""

    intents: frozenset[Intent]
    category: str | None
    grade: Grade | None
    signals: frozenset[Signal]
    other_categories: tuple[str, ...] = ()
    vague: bool = False
    parts: frozenset[Part] = frozenset()
    sarcastic: bool = False
    """Praise or thanks not meant ("呵呵 你们真是太棒了", "你们效率真高啊 三天了都没人来"): taken out of the
    intents, the emotional signal in their place."""
    """The groups of signals' ``over_messages`` sets the message has a keyword of (none cancelled)."""


@dataclass(slots=True)
class _CategoryHits:
    strong: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)
    first: int = 1 << 30
    first_strong: int = 1 << 30

    def add(self, hit: Hit[Owner]) -> None:
        if hit.owner.kind is Kind.CATEGORY:
            self.strong.add(hit.keyword)
            self.first_strong = min(self.first_strong, hit.start)
        else:
            self.weak.add(hit.keyword)
        self.first = min(self.first, hit.start)

    def score(self) -> float:
        return len(self.strong) + 0.5 * len(self.weak - self.strong)


def keywords(classification: Classification) -> Iterator[str]:
    """Every word the rules read as saying something (an intent, a category, a signal, a problem, a
    filler…), as configured."""
    return (keyword for keyword, _ in _entries(classification))


def _entries(classification: Classification) -> Iterator[tuple[str, Owner]]:
    for category in classification.categories:
        weak = set(category.weak_keywords)
        yield from (
            (keyword, Owner(Kind.CATEGORY, category.id)) for keyword in category.keywords if keyword not in weak
        )
        yield from ((keyword, Owner(Kind.WEAK_CATEGORY, category.id)) for keyword in weak)
        for group, keywords in enumerate(category.together):
            yield from ((keyword, Owner(Kind.CATEGORY_TOGETHER, category.id, group)) for keyword in keywords)
    for signal, rule in classification.signals.items():
        yield from ((keyword, Owner(Kind.SIGNAL, signal.value)) for keyword in rule.keywords)
        yield from _together(rule, Kind.SIGNAL_TOGETHER, signal.value)
        for conjunction, groups in enumerate(rule.over_messages):
            for group, keywords in enumerate(groups):
                owner = Owner(Kind.SIGNAL_OVER, signal.value, group, conjunction)
                yield from ((keyword, owner) for keyword in keywords)
        yield from ((keyword, Owner(Kind.PAST, signal.value)) for keyword in rule.past)
        yield from ((keyword, Owner(Kind.FICTION, signal.value)) for keyword in rule.fiction)
        yield from ((keyword, Owner(Kind.PRESENT, signal.value)) for keyword in rule.past_unless)
        yield from ((keyword, Owner(Kind.RISK, signal.value)) for keyword in rule.risk)
        yield from ((keyword, Owner(Kind.FEAR, signal.value)) for keyword in rule.fear)
        yield from ((keyword, Owner(Kind.HAPPENING, signal.value)) for keyword in rule.happening)
        for group, explained in enumerate(rule.explained):
            yield from ((keyword, Owner(Kind.EXPLANATION, signal.value, group)) for keyword in explained.by)
    if Signal.EMOTIONAL in classification.signals:
        # "垃圾移动": an insult aimed at someone is anger, and as one word its 垃圾 is no rubbish.
        emotional = Owner(Kind.SIGNAL, Signal.EMOTIONAL.value)
        yield from ((keyword, emotional) for keyword in classification.form.aimed_insults())
    for intent, rule in classification.intents.items():
        kind = Kind.EXACT if rule.exact else Kind.INTENT
        alone = set(rule.whole_message)
        yield from ((keyword, Owner(kind, intent.value)) for keyword in rule.keywords if keyword not in alone)
        yield from ((keyword, Owner(Kind.EXACT, intent.value)) for keyword in rule.whole_message)
        yield from ((keyword, Owner(Kind.REQUESTED, intent.value)) for keyword in rule.requested)
        yield from ((keyword, Owner(Kind.CLAUSE_START, intent.value)) for keyword in rule.clause_start)
        yield from ((keyword, Owner(Kind.TOLD, intent.value)) for keyword in rule.told_after)
        yield from ((keyword, Owner(Kind.TOLD_BEFORE, intent.value)) for keyword in rule.told_before)
        yield from _together(rule, Kind.TOGETHER, intent.value)
    yield from ((keyword, _COMPLEX) for keyword in classification.complex_keywords)
    yield from ((keyword, _PROBLEM) for keyword in classification.complaint.problem_words)
    yield from ((keyword, _SYMPTOM) for keyword in classification.complaint.symptom_words)
    yield from ((keyword, _MENTION) for keyword in classification.complaint.mention_words)
    yield from ((keyword, _EARLIER_REPORT) for keyword in classification.complaint.earlier_report_words)
    yield from ((keyword, _SENT_ELSEWHERE) for keyword in classification.complaint.sent_elsewhere_words)
    yield from ((keyword, Owner(Kind.SARCASM)) for keyword in classification.complaint.sarcasm_words)
    yield from ((keyword, _SARCASM_MARKER) for keyword in classification.complaint.sarcasm_markers)
    yield from ((keyword, _SARCASM_ALONE) for keyword in classification.complaint.sarcasm_alone)
    yield from ((keyword, _SINCERE) for keyword in classification.complaint.sincere_words)
    for group, keywords in enumerate(classification.complaint.sarcasm_together):
        yield from ((keyword, Owner(Kind.SARCASM, "together", group)) for keyword in keywords)
    for conjunction, groups in enumerate(classification.complaint.withdrawal_together):
        for group, keywords in enumerate(groups):
            yield from ((keyword, Owner(Kind.WITHDRAWAL, "", group, conjunction)) for keyword in keywords)
    yield from ((keyword, _NEGATOR) for keyword in classification.negation.words)
    yield from ((keyword, _REQUEST) for keyword in classification.requests.words)
    yield from ((keyword, _OPENER) for keyword in classification.requests.openers)
    yield from ((keyword, _FILLER) for keyword in classification.fillers)


def _together(rule: KeywordRule, kind: Kind, name: str) -> Iterator[tuple[str, Owner]]:
    for conjunction, groups in enumerate(rule.conjunctions()):
        for group, keywords in enumerate(groups):
            yield from ((keyword, Owner(kind, name, group, conjunction)) for keyword in keywords)


def _all_groups(found: dict[int, set[int]], rule: KeywordRule) -> bool:
    """A keyword of every group of one of the rule's sets was found (``found``: set → groups)."""
    conjunctions = rule.conjunctions()
    return any(len(groups) == len(conjunctions[conjunction]) for conjunction, groups in found.items())


def _paired(
    together: dict[str, list[Hit[Owner]]],
    named: list[Hit[Owner]],
    windows: dict[str, int],
    places: dict[str, frozenset[str]],
    gaps: WordGaps,
) -> Iterator[tuple[Hit[Owner], Hit[Owner]]]:
    """One category hit per thing of a category's ``together`` beside what is wrong with it
    ("电梯还是不能用"), when no keyword of another category, weak ones too, stands between ("电梯里网用不了")
    but the words naming where the thing is (``together_places``: "the lights in the corridor are out");
    with the thing's own hit."""
    for name, hits in together.items():
        states = NearestHits(hit for hit in hits if hit.owner.group == 1)
        where = places.get(name, frozenset())
        others = Barriers(other for other in named if other.owner.name != name and other.keyword not in where)
        for thing in (hit for hit in hits if hit.owner.group == 0):
            for state in (states.before(thing.first), states.after(thing.last)):
                if state is None or not gaps.beside(thing, state, windows[name]):
                    continue
                earlier, later = (thing, state) if thing.first < state.first else (state, thing)
                if others.between(earlier.last, later.first):
                    continue
                keyword = f"{thing.keyword}+{state.keyword}"
                owner = Owner(Kind.CATEGORY, name)
                yield Hit(owner, keyword, earlier.first, later.last, earlier.start, later.end), thing
                break


def _english_category_words_within_longer(hits: Sequence[Hit[Owner]]) -> list[Hit[Owner]]:
    """English category keywords standing within a longer keyword of another category or of a request for
    someone: the "charge" of "in charge", "someone in charge" or "charging point" names no bill. Chinese keywords
    inside longer ones are read as ever."""
    english = [hit for hit in hits if hit.keyword.isascii() and hit.keyword[:1].isalpha()]
    words = [hit for hit in english if hit.owner.kind in _CATEGORY_KINDS]
    if not words or len(english) < 2:
        return []
    longer_words = [
        hit
        for hit in english
        if hit.owner.kind in _LONGER_KINDS or (hit.owner.kind is Kind.INTENT and hit.owner.name in _ASKING_FOR_SOMEONE)
    ]
    return [
        hit
        for hit in words
        if any(
            (longer.owner.name != hit.owner.name or longer.owner.kind is not hit.owner.kind)
            and longer.first <= hit.first
            and hit.last <= longer.last
            and longer.last - longer.first > hit.last - hit.first
            for longer in longer_words
        )
    ]


def _inside(hit: Hit[Owner], words: Iterable[Hit[Owner]]) -> bool:
    """``hit`` stands within one of ``words`` (the 谢谢 of the sarcasm word "谢谢你们啊")."""
    return any(word.first <= hit.first and hit.last <= word.last for word in words)


def _named_beside(intent_hits: Iterable[Hit[Owner]], category_hits: Iterable[Hit[Owner]]) -> bool:
    """An intent's keyword and a category keyword outside it: "水龙头…没人来修", not the 修 of "没人来修"."""
    spans = sorted((hit.first, hit.last) for hit in intent_hits)
    if not spans:
        return False
    firsts = [first for first, _ in spans]
    furthest = list(itertools.accumulate((last for _, last in spans), max))
    """Of the spans starting at or before each one, the last word reached."""
    for hit in category_hits:
        starting_before = bisect.bisect_right(firsts, hit.last)
        if not starting_before or furthest[starting_before - 1] < hit.first:
            return True
    return False


_SIGNAL_KINDS = frozenset({Kind.SIGNAL, Kind.SIGNAL_TOGETHER, Kind.SIGNAL_OVER})
_PRAISING = (Intent.PRAISE, Intent.THANKS)


def _together_kinds(earlier: frozenset[int], later: frozenset[int]) -> frozenset[int]:
    return earlier | later


class _Stories:
    """Clauses of one message telling a signal as past or fiction ("上次我妈摔倒了"), and the kinds of
    danger (``safety_advice``) each names: a later clause naming one of those kinds goes on with the
    story ("流了很多血"), unless the message says it is now (``past_unless``)."""

    __slots__ = ("_gaps", "_kinds", "_present", "_texts", "_told", "_words")

    def __init__(
        self,
        segmented: Segmented,
        gaps: WordGaps,
        told: dict[str, set[int]],
        present: Container[str],
        kinds: tuple[tuple[str, ...], ...],
    ) -> None:
        self._gaps, self._present, self._words = gaps, present, kinds
        texts: dict[int, list[str]] = {}
        for index, word in enumerate(segmented.words):
            texts.setdefault(gaps.clause(index), []).append(word)
        self._texts = {clause: "".join(words) for clause, words in texts.items()}
        self._kinds: dict[int, frozenset[int]] = {}
        # Per signal, its story clauses in order, each with the kinds named by it and every one before it.
        self._told: dict[str, tuple[list[int], list[frozenset[int]]]] = {}
        for name, clauses in told.items():
            ordered = sorted(clauses)
            named: list[frozenset[int]] = list(
                itertools.accumulate((self._kinds_of(clause) for clause in ordered), _together_kinds)
            )
            self._told[name] = (ordered, named)

    def _kinds_of(self, clause: int) -> frozenset[int]:
        kinds = self._kinds.get(clause)
        if kinds is None:
            text = self._texts.get(clause, "")
            kinds = self._kinds[clause] = frozenset(
                kind for kind, words in enumerate(self._words) if any(word in text for word in words)
            )
        return kinds

    def goes_on_in(self, hit: Hit[Owner]) -> bool:
        """``hit`` stands in a clause after one telling its signal as a story, naming a kind of danger
        that one names too."""
        told = self._told.get(hit.owner.name)
        if told is None or hit.owner.name in self._present:
            return False
        clause = self._gaps.clause(hit.first)
        ordered, named = told
        before = bisect.bisect_left(ordered, clause)
        return before > 0 and bool(named[before - 1] & self._kinds_of(clause))


def _clause_numbers(segmented: Segmented) -> list[int]:
    """Each word's clause, counted from 0: a clause ends at punctuation or a pause."""
    numbers: list[int] = []
    clause = 0
    for index, word in enumerate(segmented.words):
        numbers.append(clause)
        if word in CLAUSE_ENDS or (word.isspace() and _between_chinese_and_any(index, segmented)):
            clause += 1
    return numbers


def _told_apart(symptoms_at: Sequence[int], reported_at: Sequence[int], segmented: Segmented) -> bool:
    """A symptom word (or a category's) stands in a clause of its own, with no word of the earlier report: the problem
    told as it is now ("停水三天了 跟你们说了好几次了 到底有没有人管"), not only the report asked after
    ("上次反映的停水 到底有没有人管")."""
    if not symptoms_at or not reported_at:
        return False
    clause_of = _clause_numbers(segmented)
    reported = {clause_of[first] for first in reported_at}
    return any(clause_of[first] not in reported for first in symptoms_at)


def _phone_clauses(clause_of: list[int], segmented: Segmented) -> set[int]:
    """The clauses giving a phone: about reaching the customer ("打不通就打我老婆的139…")."""
    digits: dict[int, int] = {}
    for index, word in enumerate(segmented.words):
        if word.isdigit():
            digits[clause_of[index]] = digits.get(clause_of[index], 0) + len(word)
    phones = {clause for clause, count in digits.items() if count >= _FEWEST_PHONE_DIGITS}
    # "打不通的话打我老婆的 139…": the words before a phone typed after a space lead to it.
    alone = {
        clause
        for clause in phones
        if all(
            word.isdigit() or not is_content(word)
            for index, word in enumerate(segmented.words)
            if clause_of[index] == clause
        )
    }
    return phones | {clause - 1 for clause in alone if clause}


def _between_chinese_and_any(index: int, segmented: Segmented) -> bool:
    """White space with a Chinese character on one side at least ("多扣了50 宽带也老是掉线")."""
    words = segmented.words
    if index == 0 or index + 1 == len(words):
        return False
    return is_chinese(words[index - 1][-1]) or is_chinese(words[index + 1][0])


def _starts_clause(first: int, segmented: Segmented, openers: Container[int]) -> bool:
    """Only punctuation, white space, symbols or words that only open a request ("麻烦", "能不能")
    between word ``first`` and the previous clause end (or pause)."""
    for index in range(first - 1, -1, -1):
        word = segmented.words[index]
        if word in CLAUSE_ENDS or is_pause(index, segmented):
            return True
        if is_content(word) and index not in openers:
            return False
    return True


class Rules:
    """``config/classification.yaml`` compiled: one keyword index over every rule."""

    def __init__(self, classification: Classification, normalise: Callable[[str], str]) -> None:
        self._config = classification
        self.index: KeywordIndex[Owner] = KeywordIndex(_entries(classification), normalise)
        self._signal_rules = {signal.value: rule for signal, rule in classification.signals.items()}
        # Per signal, each keyword that a harmless cause explains away: the ``explained`` groups telling it.
        self._explained: dict[str, dict[str, set[int]]] = {}
        for signal, rule in classification.signals.items():
            for group, explained in enumerate(rule.explained):
                for keyword in explained.keywords:
                    self._explained.setdefault(signal.value, {}).setdefault(normalise(keyword), set()).add(group)
        self._intent_rules = {intent.value: rule for intent, rule in classification.intents.items()}
        self._order = [category.id for category in classification.categories]
        self._together_windows = {category.id: category.together_window for category in classification.categories}
        self._together_places = {
            category.id: frozenset(normalise(word) for word in category.together_places)
            for category in classification.categories
            if category.together_places
        }
        self._runs = frozenset(normalise(word) for word in classification.word_runs)
        self._things_and_states = tuple(
            dict.fromkeys(
                (normalise(thing), normalise(state))
                for category in classification.categories
                if category.together
                for thing in category.together[0]
                for state in category.together[1]
                # Kept apart, a run would be a dictionary word after all ("门禁卡在" cut 门禁/卡在).
                if normalise(state) not in self._runs
            )
        )
        # "还是没声音": still or again (not_resolved's first group) before what is wrong, the category's or its own.
        still = classification.intents.get(Intent.NOT_RESOLVED)
        still_groups = still.together if still is not None and len(still.together) == 2 else [[], []]
        wrong = [state for _, state in self._things_and_states] + [normalise(word) for word in still_groups[1]]
        self._still_and_states = tuple(
            dict.fromkeys((normalise(word), state) for word in still_groups[0] for state in dict.fromkeys(wrong))
        )
        self._addressees = frozenset(normalise(word) for word in classification.complaint.addressee_words)
        self._reaching = frozenset(normalise(word) for word in classification.complaint.reaching_words)
        self._announcements = frozenset(normalise(word) for word in classification.complaint.question_announcements)
        self._question_marks = tuple(normalise(word) for word in classification.complaint.announced_question_marks)
        # The kinds of danger (``safety_advice``), each by its words: a story of the past goes on in a later
        # clause naming the same kind ("上次我妈摔倒了 流了很多血": a fall, then its blood).
        self._danger_kinds = tuple(
            tuple(dict.fromkeys(normalise(word) for word in advice.words)) for advice in classification.safety_advice
        )
        # Intents in the order their ``unless`` needs: those they are dropped for come first.
        self._intent_order = tuple(graphlib.TopologicalSorter(classification.unless_graph()).static_order())

    def _stories(
        self,
        hits: Iterable[Hit[Owner]],
        segmented: Segmented,
        gaps: WordGaps,
        present: Container[str],
        told_as_story: Callable[[Hit[Owner]], bool],
    ) -> _Stories | None:
        """The clauses telling a signal as past or fiction (a word of it after a ``past`` or ``fiction``
        word), if any: a later clause naming the same kind of danger goes on with that story."""
        told: dict[str, set[int]] = {}
        for hit in hits:
            if hit.owner.kind in _SIGNAL_KINDS and told_as_story(hit):
                told.setdefault(hit.owner.name, set()).add(gaps.clause(hit.first))
        return _Stories(segmented, gaps, told, present, self._danger_kinds) if told else None

    def things_and_states(self) -> tuple[tuple[str, str], ...]:
        """Each thing of a category's ``together`` with each word of what is wrong with it,
        normalised: written together ("门禁用不了"), the segmenter keeps them apart."""
        return self._things_and_states

    def still_and_states(self) -> tuple[tuple[str, str], ...]:
        """Each word of ``not_resolved``'s "still" group with each word of what is wrong (a category's
        ``together`` states and its own), normalised: written together ("还是没声音"), the segmenter
        keeps them apart where a keyword (还是没) would swallow the start of what is wrong."""
        return self._still_and_states

    def keywords_inside_words(self) -> frozenset[str]:
        """The keywords that say what a message is about, normalised: the segmenter's user
        dictionary, also looked for inside longer words ("法院" in "人民法院"). Not the negation
        and request words, fillers and whole-message answers: those are single words ("不" is
        not in "不能"), and as dictionary words they would hide keywords ("人工客服" would hide
        "我要人工"); nor ``word_runs``, matched only as words in a row (卡在 would hide 门禁卡)."""
        return self.index.keywords(lambda owner: owner.kind not in _SINGLE_WORDS) - self._runs

    def apply(self, segmented: Segmented, length: int) -> Findings:
        """The rules' findings for a segmented message whose original text is ``length`` long."""
        hits = self.index.find(segmented)
        negators: dict[int, int] = {}
        requests: dict[int, int] = {}
        openers: set[int] = set()
        past: dict[str, list[Hit[Owner]]] = {}
        fiction: dict[str, list[Hit[Owner]]] = {}
        present: set[str] = set()
        risks: dict[str, list[Hit[Owner]]] = {}
        fears: dict[str, list[Hit[Owner]]] = {}
        happening: dict[str, set[int]] = {}
        """Per signal, where a word telling something happening stands."""
        causes: dict[str, set[int]] = {}
        """Per signal, the ``explained`` groups whose harmless cause the message tells."""
        sent_elsewhere: dict[int, int] = {}
        told_words: dict[str, list[Hit[Owner]]] = {}
        """Per intent, where a word of its ``told_after`` ends."""
        told_before: dict[str, set[int]] = {}
        """Per intent, where a word of its ``told_before`` starts."""
        for hit in hits:
            if hit.owner.kind is Kind.PAST:
                past.setdefault(hit.owner.name, []).append(hit)
            elif hit.owner.kind is Kind.FICTION:
                fiction.setdefault(hit.owner.name, []).append(hit)
            elif hit.owner.kind is Kind.RISK:
                risks.setdefault(hit.owner.name, []).append(hit)
            elif hit.owner.kind is Kind.FEAR:
                fears.setdefault(hit.owner.name, []).append(hit)
            elif hit.owner.kind is Kind.HAPPENING:
                happening.setdefault(hit.owner.name, set()).add(hit.first)
            elif hit.owner.kind is Kind.EXPLANATION:
                causes.setdefault(hit.owner.name, set()).add(hit.owner.group)
            elif hit.owner.kind is Kind.TOLD:
                told_words.setdefault(hit.owner.name, []).append(hit)
            elif hit.owner.kind is Kind.TOLD_BEFORE:
                told_before.setdefault(hit.owner.name, set()).add(hit.first)
            elif hit.owner.kind is Kind.SENT_ELSEWHERE:
                sent_elsewhere[hit.last] = min(hit.first, sent_elsewhere.get(hit.last, hit.first))
            elif hit.owner.kind is Kind.PRESENT:
                present.add(hit.owner.name)
            elif hit.owner.kind is Kind.NEGATOR:
                negators[hit.last] = min(hit.first, negators.get(hit.last, hit.first))
            elif hit.owner.kind is Kind.REQUEST:
                requests[hit.last] = min(hit.first, requests.get(hit.last, hit.first))
            elif hit.owner.kind is Kind.OPENER:
                openers.update(range(hit.first, hit.last + 1))
        negation_window = self._config.negation.window
        gaps = WordGaps(segmented)
        nearest_past = {name: NearestHits(found) for name, found in past.items()}
        nearest_fiction = {name: NearestHits(found) for name, found in fiction.items()}
        nearest_risks = {name: NearestHits(found) for name, found in risks.items()}
        nearest_fears = {name: NearestHits(found) for name, found in fears.items()}
        nearest_told = {name: NearestHits(found) for name, found in told_words.items()}
        nothing_near: NearestHits[Owner] = NearestHits(())

        def cancelled(first: int, rule: KeywordRule | None = None) -> bool:
            if rule is not None and not rule.negatable:
                return False
            return preceding(first, negators, segmented, negation_window) is not None

        def told_as_story(hit: Hit[Owner]) -> bool:
            """A word of the past (unless the message says it is now) or of fiction before ``hit``, in its clause."""
            name = hit.owner.name
            return gaps.ends_in_clause_before(nearest_fiction.get(name, nothing_near), hit) or (
                name not in present and gaps.ends_in_clause_before(nearest_past.get(name, nothing_near), hit)
            )

        stories = self._stories(hits, segmented, gaps, present, told_as_story) if past or fiction else None

        def in_the_past(hit: Hit[Owner]) -> bool:
            name = hit.owner.name
            window = self._signal_rules[name].risk_window
            return (
                told_as_story(hit)
                or (stories is not None and stories.goes_on_in(hit))
                or gaps.beside_any(nearest_risks.get(name, nothing_near), hit, window) is not None
                or (
                    hit.last + 1 not in happening.get(name, ())
                    and gaps.beside_any(nearest_fears.get(name, nothing_near), hit, window) is not None
                )
            )

        def explained(hit: Hit[Owner]) -> bool:
            groups = self._explained.get(hit.owner.name, {}).get(hit.keyword)
            return bool(groups and groups & causes.get(hit.owner.name, set()))

        def sent_to(hit: Hit[Owner]) -> bool:
            return preceding(hit.first, sent_elsewhere, segmented, self._config.requests.window) is not None

        def told_done(hit: Hit[Owner]) -> bool:
            starts = told_before.get(hit.owner.name)
            if not starts:
                return False
            return following(hit.last, starts, segmented, self._config.requests.window) is not None

        def requested(hit: Hit[Owner]) -> bool:
            end = preceding(hit.first, requests, segmented, self._config.requests.window)
            return end is not None and not cancelled(requests[end], self._intent_rules[hit.owner.name])

        categories: dict[str, _CategoryHits] = {}
        category_hits: list[Hit[Owner]] = []
        told_at: list[tuple[int, int]] = []
        """Where a problem or symptom word (not negated) stands: its first and last word."""
        symptoms_at: list[int] = []
        reported_at: list[int] = []
        """Where a symptom word, and an ``earlier_report_words`` one, starts."""
        signals: set[Signal] = set()
        raw_intents: set[Intent] = set()
        groups: dict[str, dict[int, set[int]]] = {}
        signal_groups: dict[str, dict[int, set[int]]] = {}
        parts: set[Part] = set()
        withdrawal_groups: dict[int, set[int]] = {}
        sarcasm_groups: set[int] = set()
        sarcasm = marked = sincere = never_meant = False
        sarcasm_hits: list[Hit[Owner]] = []
        told_intents: set[Intent] = set()
        asked_otherwise: set[str] = set()
        """Intents found by other words than their keywords (a request, a clause start, together)."""
        """Intents whose keywords only tell what the customer did ("我只是问一下包裹在哪")."""
        problem = symptom = mention = complex_word = earlier_report = False
        intent_spans: dict[str, list[Hit[Owner]]] = {}
        strong_category_hits: list[Hit[Owner]] = []
        together: dict[str, list[Hit[Owner]]] = {}
        within_longer = _english_category_words_within_longer(hits)
        for hit in hits:
            owner = hit.owner
            kind = owner.kind
            if hit in within_longer:
                continue
            if kind is Kind.CATEGORY and sent_to(hit):
                # "你去找开发商": where the customer was sent, not what went wrong.
                owner, kind = Owner(Kind.WEAK_CATEGORY, owner.name), Kind.WEAK_CATEGORY
                hit = dataclasses.replace(hit, owner=owner)
            if kind is Kind.CATEGORY or kind is Kind.WEAK_CATEGORY:
                tally = categories.get(owner.name)
                if tally is None:
                    tally = categories[owner.name] = _CategoryHits()
                tally.add(hit)
                category_hits.append(hit)
                if kind is Kind.CATEGORY:
                    strong_category_hits.append(hit)
            elif kind is Kind.CATEGORY_TOGETHER:
                together.setdefault(owner.name, []).append(hit)
            elif kind is Kind.SIGNAL:
                if not (cancelled(hit.first, self._signal_rules[owner.name]) or in_the_past(hit) or explained(hit)):
                    signals.add(Signal(owner.name))
            elif kind is Kind.INTENT:
                if cancelled(hit.first, self._intent_rules[owner.name]) or told_done(hit):
                    continue
                if gaps.ends_in_clause_before(nearest_told.get(owner.name, nothing_near), hit):
                    told_intents.add(Intent(owner.name))
                    continue
                raw_intents.add(Intent(owner.name))
                intent_spans.setdefault(owner.name, []).append(hit)
            elif kind is Kind.REQUESTED:
                if requested(hit) and not told_done(hit):
                    raw_intents.add(Intent(owner.name))
                    asked_otherwise.add(owner.name)
            elif kind is Kind.CLAUSE_START:
                if (_starts_clause(hit.first, segmented, openers) or requested(hit)) and not told_done(hit):
                    raw_intents.add(Intent(owner.name))
                    asked_otherwise.add(owner.name)
            elif kind is Kind.TOGETHER:
                if not cancelled(hit.first, self._intent_rules[owner.name]):
                    groups.setdefault(owner.name, {}).setdefault(owner.conjunction, set()).add(owner.group)
            elif kind is Kind.SIGNAL_TOGETHER:
                if not (cancelled(hit.first, self._signal_rules[owner.name]) or in_the_past(hit)):
                    signal_groups.setdefault(owner.name, {}).setdefault(owner.conjunction, set()).add(owner.group)
            elif kind is Kind.SIGNAL_OVER:
                if not (cancelled(hit.first, self._signal_rules[owner.name]) or in_the_past(hit)):
                    parts.add(Part(Signal(owner.name), owner.conjunction, owner.group))
            elif kind is Kind.COMPLEX:
                complex_word = True
            elif kind is Kind.PROBLEM or kind is Kind.SYMPTOM:
                if not cancelled(hit.first):
                    told_at.append((hit.first, hit.last))
                    problem = problem or kind is Kind.PROBLEM
                    symptom = symptom or kind is Kind.SYMPTOM
                    if kind is Kind.SYMPTOM:
                        symptoms_at.append(hit.first)
            elif kind is Kind.MENTION:
                mention = mention or not cancelled(hit.first)
            elif kind is Kind.EARLIER_REPORT:
                earlier_report = True
                reported_at.append(hit.first)
            elif kind is Kind.WITHDRAWAL and not cancelled(hit.first):
                withdrawal_groups.setdefault(owner.conjunction, set()).add(owner.group)
            elif kind is Kind.SARCASM:
                if owner.name:
                    sarcasm_groups.add(owner.group)
                else:
                    sarcasm = True
                    sarcasm_hits.append(hit)
            elif kind is Kind.SARCASM_ALONE:
                sarcasm = never_meant = True
                sarcasm_hits.append(hit)
            elif kind is Kind.SARCASM_MARKER:
                marked = marked or not cancelled(hit.first)
            elif kind is Kind.SINCERE:
                sincere = True
        for hit, thing in list(_paired(together, category_hits, self._together_windows, self._together_places, gaps)):
            categories.setdefault(hit.owner.name, _CategoryHits()).add(hit)
            category_hits.append(hit)
            # The thing names the problem beside an intent's words ("路灯" + "还是没修好"), as a keyword does.
            strong_category_hits.append(dataclasses.replace(thing, owner=hit.owner))
        whole_message = self._whole_message_intents(hits, segmented)
        intent_rules, signal_rules = self._intent_rules, self._signal_rules
        grouped = {Intent(name) for name, found in groups.items() if _all_groups(found, intent_rules[name])}
        asked_otherwise |= {intent.value for intent in whole_message | grouped}
        raw_intents |= whole_message | grouped
        signals |= {Signal(name) for name, found in signal_groups.items() if _all_groups(found, signal_rules[name])}
        signals |= self.told_over(frozenset(parts), frozenset())

        complaint_rule = self._config.complaint
        symptom = symptom or bool(signals & set(complaint_rule.symptom_signals))
        sarcasm = sarcasm or (
            bool(complaint_rule.sarcasm_together) and len(sarcasm_groups) == len(complaint_rule.sarcasm_together)
        )
        if not (problem or symptom):
            raw_intents |= told_intents  # "我去哪里交物业费": asked after all
        praised = [hit for intent in _PRAISING for hit in intent_spans.get(intent.value, ())]
        # "呵呵 你们真是太棒了", "谢谢你们啊 效率真高": praise or thanks beside a sarcasm word outside its own words
        # ("谢谢你们啊" alone thanks); "你们效率真高啊 三天了都没人来": praise beside a marker of delay, unless said to
        # be meant ("三天了终于修好了"); thanks beside one is politeness ("漏水三天了,请尽快处理,谢谢").
        beside = any(not _inside(hit, sarcasm_hits) for hit in praised)
        marked = marked and not sincere and Intent.PRAISE in raw_intents
        sarcastic = bool(raw_intents & set(_PRAISING)) and (
            (sarcasm and (problem or symptom)) or (beside and bool(sarcasm_hits)) or marked or never_meant
        )
        if sarcastic:
            # "呵呵 你们物业真是太棒了👍 停水三天了…": praise not meant, dissatisfaction.
            raw_intents -= set(_PRAISING)
            signals.add(Signal.EMOTIONAL)
        evidence = bool(categories) or mention or bool(signals & set(complaint_rule.signals))
        problem = problem or any(
            _named_beside(intent_spans.get(intent.value, ()), strong_category_hits)
            for intent in complaint_rule.problem_intents
            if intent in raw_intents
        )
        if Intent.QUESTION.value not in asked_otherwise and self._only_announced(
            intent_spans.get(Intent.QUESTION.value, ()), strong_category_hits, segmented
        ):
            # "我想问一下 楼上装修 天天早上七点就开始电钻": the question announced is the problem told.
            raw_intents.discard(Intent.QUESTION)
        intents: set[Intent] = set()
        for intent in self._intent_order:
            if intent is Intent.COMPLAINT:
                progress_query = (
                    earlier_report
                    and Intent.STATUS_QUERY in intents
                    and not _told_apart(symptoms_at, reported_at, segmented)
                )
                if (
                    problem
                    or (symptom and not progress_query and not intents & set(complaint_rule.symptom_unless))
                    or (evidence and not self._stopping(intents, intent_spans, strong_category_hits, segmented))
                    or (
                        # "隔壁那条狗天天晚上叫到两三点 跟你们说了N次了 有没有人管啊": told again, as it is now.
                        Signal.REPEAT in signals
                        and _told_apart([hit.first for hit in strong_category_hits], reported_at, segmented)
                    )
                ):
                    intents.add(intent)
            elif intent in raw_intents and not intents & set(self._intent_rules[intent.value].unless):
                intents.add(intent)
        if self._takes_back(withdrawal_groups, intents) and not (problem or symptom):
            # "我之前的投诉不用处理了", "宽带已经恢复了 不用来了": what the complaint was about is
            # named, but it is taken back, not made.
            intents = (intents - {Intent.COMPLAINT}) | {Intent.WITHDRAW}
        if Intent.COMPLAINT not in intents:
            return Findings(
                frozenset(intents), None, None, frozenset(signals), parts=frozenset(parts), sarcastic=sarcastic
            )

        told = self._told_categories(category_hits, told_at, segmented) if len(categories) > 1 else []
        # Problems of several categories told: the first is the main one ("宽带一直断断续续…账单还多扣了我
        # 68块…师傅放我鸽子" is network, then billing and attitude), also when a later one has more keywords.
        several = len({name for name, _, _ in told}) > 1
        first_told = next((name for name, strong, _ in told if strong), None) if several else None
        if len(categories) > 1 and first_told is None:
            categories = self._beside_no_phone(categories, category_hits, segmented)
        category = first_told or self._category(categories) or self._config.fallback_category
        default = self._config.category(category).default_grade
        complex_ = (
            default is Grade.COMPLEX
            or complex_word
            or length >= self._config.complex_min_chars
            or bool(signals & set(self._config.complex_signals))
        )
        grade = Grade.COMPLEX if complex_ else Grade.SIMPLE
        others = tuple(dict.fromkeys(name for name, _, reaching_only in told if name != category and not reaching_only))
        # "你们物业到底管不管事": only whom it is about, no word of what went wrong.
        tally = categories.get(category)
        vague = tally is not None and not tally.strong and tally.weak <= self._addressees
        return Findings(
            frozenset(intents), category, grade, frozenset(signals), others, vague, frozenset(parts), sarcastic
        )

    def _stopping(
        self,
        intents: set[Intent],
        spans: dict[str, list[Hit[Owner]]],
        named: Sequence[Hit[Owner]],
        segmented: Segmented,
    ) -> bool:
        """Whether ``intents`` hold one of ``complaint.unless`` that stops the category keywords ``named``
        from making a complaint: one of ``unless_in_its_clause`` does only when every keyword of ``named``
        stands in a clause holding its words or a question's mark ("when is the water bill due?")."""
        rule = self._config.complaint
        stopping = intents & set(rule.unless)
        if not stopping:
            return False
        if not named or not stopping <= set(rule.unless_in_its_clause):
            return True
        asked_in = [hit for intent in stopping for hit in spans.get(intent.value, ())]
        if not asked_in:
            return True  # found by other words than their keywords (a request): the whole message
        clause_of = _clause_numbers(segmented)
        asked = {clause_of[index] for hit in asked_in for index in (hit.first, hit.last)}
        marks = self._question_marks
        asked.update(clause_of[index] for index, word in enumerate(segmented.words) if any(m in word for m in marks))
        return all(clause_of[hit.first] in asked or clause_of[hit.last] in asked for hit in named)

    def _only_announced(self, asked: Sequence[Hit[Owner]], named: Sequence[Hit[Owner]], segmented: Segmented) -> bool:
        """Whether the question's words ``asked`` only announce it (``complaint.question_announcements``),
        a category keyword of ``named`` stands after them all, and nothing after them asks
        (``complaint.announced_question_marks``)."""
        if not asked or any(hit.keyword not in self._announcements for hit in asked):
            return False
        last = max(hit.last for hit in asked)
        after = segmented.text[segmented.ends[last] :]
        return any(hit.first > last for hit in named) and not any(mark in after for mark in self._question_marks)

    def told_over(self, now: frozenset[Part], earlier: frozenset[Part]) -> frozenset[Signal]:
        """The signals one of whose ``over_messages`` sets has its last group among the parts a
        message tells ``now`` and each other group there or among those told ``earlier``."""
        found: set[Signal] = set()
        for part in now:
            groups = self._signal_rules[part.signal.value].over_messages[part.conjunction]
            if part.group != len(groups) - 1:
                continue
            told = {
                other.group
                for other in now | earlier
                if other.signal == part.signal and other.conjunction == part.conjunction
            }
            if len(told) == len(groups):
                found.add(part.signal)
        return frozenset(found)

    def over_messages_last(self) -> frozenset[str]:
        """The keywords of the last group of every ``over_messages`` set, normalised: a message with
        none of them inside completes no set."""
        return self.index.keywords(
            lambda owner: owner.kind is Kind.SIGNAL_OVER
            and owner.group == len(self._signal_rules[owner.name].over_messages[owner.conjunction]) - 1
        )

    def over_messages_earlier(self) -> frozenset[str]:
        """The keywords of every group but the last of every ``over_messages`` set, normalised: what a
        message told before the one completing a set holds ("我妈在用制氧机" before "停电了")."""
        return self.index.keywords(
            lambda owner: owner.kind is Kind.SIGNAL_OVER
            and owner.group < len(self._signal_rules[owner.name].over_messages[owner.conjunction]) - 1
        )

    def _takes_back(self, found: dict[int, set[int]], intents: set[Intent]) -> bool:
        """A word of every group of one set of ``complaint.withdrawal_together`` was found, in a
        message that asks nothing ("我之前的投诉撤销了吗" asks where it stands)."""
        sets = self._config.complaint.withdrawal_together
        complete = any(len(groups) == len(sets[conjunction]) for conjunction, groups in found.items())
        withdraw = self._intent_rules.get(Intent.WITHDRAW.value)
        asks = set(withdraw.unless) - {Intent.COMPLAINT} if withdraw is not None else set()
        return complete and not intents & asks

    def _told_categories(
        self, hits: list[Hit[Owner]], told_at: list[tuple[int, int]], segmented: Segmented
    ) -> list[tuple[str, bool, bool]]:
        """The categories of the clauses that tell a problem (a problem or symptom word), in the
        order told, each clause's by the rule of the whole message ("停水两天了 电梯也坏了一个礼拜
        物业根本不管": the last clause is property service), and whether a keyword of its own (not
        only a weak one) says it. Where a clause tells none ("电梯，坏了一个礼拜", "我打了热线") or
        gives a phone, its keywords say where or who, not another problem. A clause telling several
        problems without a pause ("电梯坏了停水了三天了", "the internet is down and the lift is broken")
        is read as one clause up to the end of each problem word: the words before one say what it is about.
        Last, whether only ``complaint.reaching_words`` say it ("电话也打不通": whoever should come not reached)."""
        clause_of = _clause_numbers(segmented)
        phone_clauses = _phone_clauses(clause_of, segmented)
        cuts = {last + 1 for _, last in told_at} - {
            index for first, last in told_at for index in range(first + 1, last + 1)
        }
        part_of: list[int] = []
        part = 0
        for index, clause in enumerate(clause_of):
            if index and (clause != clause_of[index - 1] or index in cuts):
                part += 1
            part_of.append(part)
        told = {part_of[first] for first, _ in told_at if clause_of[first] not in phone_clauses}
        by_clause: dict[int, dict[str, _CategoryHits]] = {}
        for hit in hits:
            clause = part_of[hit.first]
            if clause not in told:
                continue
            by_clause.setdefault(clause, {}).setdefault(hit.owner.name, _CategoryHits()).add(hit)
        found: list[tuple[str, bool, bool]] = []
        for clause in sorted(by_clause):
            name = self._category(by_clause[clause])
            if name is not None and name != self._config.fallback_category:
                tally = by_clause[clause][name]
                found.append((name, bool(tally.strong), tally.strong | tally.weak <= self._reaching))
        return found

    @staticmethod
    def _beside_no_phone(
        categories: dict[str, _CategoryHits], hits: list[Hit[Owner]], segmented: Segmented
    ) -> dict[str, _CategoryHits]:
        """``categories`` without those only named in a clause giving a phone, while another one is
        left: "电话139… 打不通就打我老婆的139… 停水了" is about water, its 打不通 about reaching them."""
        clause_of = _clause_numbers(segmented)
        phone_clauses = _phone_clauses(clause_of, segmented)
        if not phone_clauses:
            return categories
        kept: dict[str, _CategoryHits] = {}
        for hit in hits:
            if clause_of[hit.first] not in phone_clauses:
                kept.setdefault(hit.owner.name, _CategoryHits()).add(hit)
        return {name: tally for name, tally in categories.items() if name in kept} or categories

    def _category(self, categories: dict[str, _CategoryHits]) -> str | None:
        """Most keywords (weak ones count half); on a tie the one whose problem is mentioned first
        (a weak keyword says only where or who), then the one listed first. The problem usually
        comes first: "楼上漏水…物业一直不管", "电梯又坏了 物业也不管" are repairs."""
        if not categories:
            return None
        return min(
            categories,
            key=lambda name: (
                -categories[name].score(),
                categories[name].first_strong,
                categories[name].first,
                self._order.index(name),
            ),
        )

    def _whole_message_intents(self, hits: Iterable[Hit[Owner]], segmented: Segmented) -> set[Intent]:
        """Exact and whole-message intents ("对", "不是的", "好的呀", "agent"): every word of the
        message is one of the intent's keywords or a filler (punctuation, emoji and white space
        aside); for ``exact`` rules every word of its first clause will do ("不对,电话错了")."""
        covered: dict[Owner, set[int]] = {}
        for hit in hits:
            if hit.owner.kind in (Kind.EXACT, Kind.FILLER):
                covered.setdefault(hit.owner, set()).update(range(hit.first, hit.last + 1))
        if not any(owner.kind is Kind.EXACT for owner in covered):
            return set()
        words = segmented.words
        content = {index for index, word in enumerate(words) if is_content(word)} or {
            # A message of pictographs alone ("👍", "👌👌") says its answer with them.
            index
            for index, word in enumerate(words)
            if is_pictograph(word)
        }
        clause_end = next((index for index, word in enumerate(words) if word in CLAUSE_ENDS), len(words))
        first_clause = {index for index in content if index < clause_end}
        fillers = covered.get(_FILLER, set())
        found: set[Intent] = set()
        for owner, matched in covered.items():
            if owner.kind is not Kind.EXACT:
                continue
            needed = first_clause if self._intent_rules[owner.name].exact else content
            if needed and needed <= matched | fillers:
                found.add(Intent(owner.name))
        return found
