"""The gazetteer's words as the place questions read every answer: sorted, lowered and compiled
once per configuration, not for every message (the phone question asks each answer whether it
is only a place)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.config import ServiceConfig
from bot.flows.spots import SpotWords
from bot.understanding.patterns import alternation

PLACE_ANSWER_EDGES = " \t\n,.;:!?，。；：！？、…~～"
"""What an answer to the place question may start or end with besides the place."""
LONGEST_PLACE_ANSWER = 40
"""An answer longer than this is a story, not a place."""
LATIN_CHARS_PER_HAN = 3
"""An answer in Latin letters takes about this many characters for what one Han character says."""


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


WordsByChar = Mapping[str, tuple[str, ...]]
"""Words by their first (or last) character, each character's the longest first: only those can
open (or end) a text with that character."""


def _by_char(words: Iterable[str], char: Callable[[str], str]) -> WordsByChar:
    grouped: dict[str, list[str]] = {}
    for word in longest_first(word for word in words if word):
        grouped.setdefault(char(word), []).append(word)
    return MappingProxyType({key: tuple(group) for key, group in grouped.items()})


def _first_lowered(word: str) -> str:
    return word[0].lower()


def _last(word: str) -> str:
    return word[-1]


@dataclass(frozen=True, slots=True)
class PlaceWords:
    openers: WordsByChar
    """``place_answer_openers``, ``place_time_words`` and ``place_at_words`` by their first character
    in lower case."""
    fillers_after: WordsByChar
    """``place_fillers`` and ``place_time_words`` by their last character."""
    trigger_prefix: re.Pattern[str] | None
    """An answer's opening words saying where the customer lives (``address_triggers`` longer than one character)."""
    endings: tuple[str, ...]
    """What a place's name ends with: estate, address and unit suffixes, estate and building parts."""
    not_places: frozenset[str]
    not_places_lowered: frozenset[str]
    english_unit_inside: re.Pattern[str] | None
    """An English unit and its number ("Rm 1203", "Tower 5") anywhere."""
    english_unit_at_end: re.Pattern[str] | None
    """An English unit and its number at the end ("Green Park block 2")."""
    english_place_word: re.Pattern[str] | None
    """An English unit and its number, or an estate's or a street's word, in any case ("block 3",
    "garden", "road"): words naming a place."""
    pinyin_place_word: re.Pattern[str] | None
    """An estate's or a street's word typed in pinyin, or a unit's after its number ("huayuan", "5 dong"):
    ``pinyin_estate_words``, ``pinyin_unit_words``, whole words in any case."""
    english_trigger_prefix: re.Pattern[str] | None
    """``english_address_triggers`` opening a text ("I live in Taikoo Shing"), as words of their own."""
    lead_ins: tuple[str, ...]
    """Words only leading in to a place, lowered: ``address_triggers`` and the area's correction
    words that end no place's name."""
    beside_lead_ins: tuple[str, ...]
    """The lead-ins and what they may come with and still only lead in (openers, owners,
    fillers), lowered, the longest first."""
    someone_inside: tuple[str, ...]
    going_to_us: tuple[str, ...]
    somewhere: tuple[str, ...]
    """Words of two characters or more that name a place or lead in to one, lowered: the estate,
    address and building words, the parts of an estate or a building, the address triggers
    ("小区", "停车场", "楼道", "住在"). One character alone (园, 路, 门, 住) is inside everyday words too."""
    numbered_unit: re.Pattern[str] | None
    """A number and a unit's word ("4栋", "12樓" as simplified, "三单元"): a building, a floor, a flat."""
    spots: SpotWords
    """A spot inside an estate or a building ("小区门口", "电梯里") and the words beside it."""
    no_place_answers: frozenset[str]
    """``form.no_place_answers`` as whole answers are compared: lowered, without spaces or punctuation
    ("skip it" is skipit)."""

    @classmethod
    def from_config(cls, config: ServiceConfig) -> PlaceWords:
        gazetteer, form = config.gazetteer, config.classification.form
        openers = [*gazetteer.place_answer_openers, *gazetteer.place_time_words]
        triggers = [trigger for trigger in gazetteer.address_triggers if len(trigger) > 1]
        units = alternation(gazetteer.english_unit_words)
        unit = rf"(?<![A-Za-z])(?:{units})\s*\d+[A-Za-z]?"
        name_endings = (*gazetteer.estate_suffixes, *gazetteer.address_suffixes)
        place_words = alternation([*gazetteer.english_estate_words, *gazetteer.english_street_words])
        english_place = "|".join(
            part
            for part in (rf"{unit}(?![A-Za-z\d])" if units else "", rf"\b(?:{place_words})\b" if place_words else "")
            if part
        )
        named = [
            word
            for word in config.classification.correction_fields.get("area", [])
            if not word.isdigit() and not word.endswith(name_endings)
        ]
        lead_ins = tuple(word.lower() for word in (*gazetteer.address_triggers, *named))
        others = (*gazetteer.place_answer_openers, *form.item_owners, *config.classification.fillers)
        return cls(
            openers=_by_char([*openers, *gazetteer.place_at_words], _first_lowered),
            fillers_after=_by_char([*gazetteer.place_fillers, *gazetteer.place_time_words], _last),
            trigger_prefix=re.compile(rf"^(?:{alternation(triggers)})[\s:：]*") if triggers else None,
            endings=(
                *name_endings,
                *gazetteer.unit_suffixes,
                *gazetteer.estate_parts,
                *gazetteer.building_parts,
            ),
            not_places=frozenset(gazetteer.not_places),
            not_places_lowered=frozenset(word.lower() for word in gazetteer.not_places),
            english_unit_inside=re.compile(rf"{unit}(?![A-Za-z\d])", re.IGNORECASE) if units else None,
            english_unit_at_end=re.compile(rf"{unit}$", re.IGNORECASE) if units else None,
            english_place_word=re.compile(english_place, re.IGNORECASE) if english_place else None,
            pinyin_place_word=_pinyin_place_word(gazetteer.pinyin_estate_words, gazetteer.pinyin_unit_words),
            english_trigger_prefix=(
                re.compile(rf"^(?:{alternation(gazetteer.english_address_triggers)})(?![A-Za-z])[\s:]*", re.IGNORECASE)
                if gazetteer.english_address_triggers
                else None
            ),
            lead_ins=lead_ins,
            beside_lead_ins=longest_first(
                dict.fromkeys([*lead_ins, *(word.lower() for word in (*others, *gazetteer.place_fillers))])
            ),
            someone_inside=tuple(words.lower() for words in gazetteer.someone_inside),
            going_to_us=tuple(word.lower() for word in gazetteer.going_to_us),
            somewhere=longest_first(
                {
                    word.lower()
                    for word in (*name_endings, *gazetteer.estate_parts, *gazetteer.building_parts, *triggers)
                    if len(word) > 1
                }
            ),
            numbered_unit=(
                re.compile(rf"[0-9〇零幺一二三四五六七八九十百两]+\s?(?:{alternation(gazetteer.unit_suffixes)})")
                if gazetteer.unit_suffixes
                else None
            ),
            spots=SpotWords.from_config(config),
            no_place_answers=frozenset(answer_without_punctuation(word) for word in form.no_place_answers),
        )


_PUNCTUATION = re.compile(r"[\W_]+")


def answer_without_punctuation(answer: str) -> str:
    """``answer`` lowered, without spaces or punctuation, as whole answers are compared."""
    return _PUNCTUATION.sub("", answer.lower())


def _pinyin_place_word(estate_words: Iterable[str], unit_words: Iterable[str]) -> re.Pattern[str] | None:
    def spaced(words: Iterable[str]) -> str:
        return "|".join(r"\s+".join(map(re.escape, word.split())) for word in longest_first(words) if word.strip())

    estates, units = spaced(estate_words), spaced(unit_words)
    parts = [part for part in (estates, rf"(?<=\d)\s*(?:{units})" if units else "") if part]
    if not parts:
        return None
    return re.compile(rf"(?<![A-Za-z])(?:{'|'.join(parts)})(?![A-Za-z])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class InsultWords:
    """What a message of nothing but insults is made of, lowered once."""

    abuse: tuple[str, ...]
    """``form.abuse_words`` and the aimed insults."""
    blanked: tuple[str, ...]
    """Those, ``form.insult_words`` and whom an insult is aimed at (``form.insult_targets``: "你们客服
    是不是都是傻子"), the longest first: blanked out, nothing else may be left."""

    @classmethod
    def from_config(cls, config: ServiceConfig) -> InsultWords:
        form = config.classification.form
        abuse = tuple(word.lower() for word in form.abuse())
        beside = (word.lower() for word in (*form.insult_words, *form.insult_targets) if word)
        return cls(abuse, longest_first([*abuse, *beside]))
