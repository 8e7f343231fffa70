"""One message understood by the rules: normalise, detect the language, segment, apply the rules, fill slots."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from bot.config import ServiceConfig, Signal
from bot.understanding.ages import AgeReader
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.language import EN, ZH_CN, ZH_TW, ScriptSigns, ShortQuestions, answer_locale, detect_locale
from bot.understanding.misspellings import Misspellings
from bot.understanding.model_slot_filter import ModelSlotFilter
from bot.understanding.normalise import (
    Converter,
    Normalised,
    normalise,
    simplified_converter,
    taiwan_converter,
    traditional_converter,
)
from bot.understanding.pinyin import MixedPinyin, PinyinReader
from bot.understanding.result import Slots, Understanding
from bot.understanding.rules import Part, Rules
from bot.understanding.said_back import SaidBack
from bot.understanding.slots import SlotExtractor
from bot.understanding.tokens import Dictionary, Segmenter, load_dictionary
from bot.understanding.word_pattern import words_pattern


class ExtractsSlots(Protocol):
    """What the customer told us about themselves (phone, name, address) in one message, from
    its original text (:class:`bot.understanding.slots.SlotExtractor`)."""

    def extract(self, text: str, traditional: bool = False, english: bool = False) -> Slots: ...

    def asked_phones(self, text: str) -> list[str]: ...

    def estates_named(self, text: str) -> list[str]: ...


class NoSlots:
    """No slots at all (the rules alone, to measure them)."""

    def extract(self, text: str, traditional: bool = False, english: bool = False) -> Slots:
        return Slots()

    def asked_phones(self, text: str) -> list[str]:
        return []

    def estates_named(self, text: str) -> list[str]:
        return []


class Understander:
    """The rules of ``config/classification.yaml`` over normalised, segmented text.

    Build it once (:meth:`from_config`: jieba's dictionary takes about a second to load) and
    call :meth:`understand` for every customer message; it keeps no state between messages and
    is safe to share.
    """

    def __init__(
        self,
        rules: Rules,
        segmenter: Segmenter,
        converter: Converter,
        taiwan: Converter,
        default_locale: str,
        slot_extractor: ExtractsSlots,
        misspellings: Misspellings | None = None,
        ages: AgeReader | None = None,
        traditionaliser: Converter | None = None,
        pinyin: PinyinReader | None = None,
        script: ScriptSigns | None = None,
        service_voice: Iterable[str] = (),
        insults: Iterable[str] = (),
        mixed: MixedPinyin | None = None,
        said_back: SaidBack | None = None,
        district_only: Mapping[str, str] | None = None,
        short_questions: ShortQuestions | None = None,
    ) -> None:
        self._rules = rules
        self._segmenter = segmenter
        self._converter = converter
        self._taiwan = taiwan
        self._default_locale = default_locale
        self._slots = slot_extractor
        # The gazetteer's ``district_only`` estates (name → district), read only in a case's place.
        listed = (district_only or {}).items()
        self._district_of = {normalise(name, converter).text: district for name, district in listed}
        self._district_only = _any_of(list(self._district_of))
        self._misspellings = misspellings or Misspellings({}, str)
        self._ages = ages
        self._traditionaliser = traditionaliser
        self._pinyin = pinyin or PinyinReader({})
        self._mixed = mixed or MixedPinyin({})
        self._script = script
        self._short_questions = short_questions
        # Asked of every message: each list (hundreds of words) as one trie-shaped search, not a word at a time.
        self._over_last = _any_of(rules.over_messages_last())
        self._over_earlier = _any_of(rules.over_messages_earlier())
        # The flow asks for a message's answer language right after understanding it: the
        # normalised text is kept for that (one text and its form, swapped at once).
        self._last: tuple[str, Normalised] | None = None
        # The flow asks many word lists of one message (``Turn.says_any``): its matchable form likewise.
        self._last_matchable: tuple[str, str] | None = None
        # What a conversation told before is read again with each of its messages that may finish a
        # danger told in pieces: read once ("被困" after a long description costs no second reading).
        self._parts = functools.lru_cache(maxsize=PARTS_REMEMBERED)(self._read_parts)
        self._said_back = said_back
        sayable = said_back.sayable if said_back is not None else None
        self._model_slots = ModelSlotFilter(self, service_voice, insults, sayable)

    @classmethod
    def from_config(
        cls,
        config: ServiceConfig,
        *,
        dictionary: Dictionary | None = None,
        converter: Converter | None = None,
        taiwan: Converter | None = None,
        slot_extractor: ExtractsSlots | None = None,
        traditionaliser: Converter | None = None,
    ) -> Understander:
        """Compile the rules and build the segmenter.

        Args:
            dictionary: jieba's dictionary, loaded once per process (:func:`load_dictionary`);
                pass it to rebuild after a configuration change without loading it again (the
                understander then works on a copy, about 20 MB). Loaded for this one when not given.
            converter: the traditional → simplified converter (:func:`simplified_converter`).
            taiwan: the Taiwan → mainland converter for traditional messages (:func:`taiwan_converter`).
            slot_extractor: fills the slots; :class:`SlotExtractor` for ``config`` when not given.
        """
        dictionary = dictionary or load_dictionary()
        if slot_extractor is None:
            slot_extractor = SlotExtractor.from_config(config, dictionary=dictionary)
        converter = converter or simplified_converter()
        traditionaliser = traditionaliser or traditional_converter()

        def comparable(word: str) -> str:
            return normalise(word, converter).text

        rules = Rules(config.classification, comparable)
        content_keywords = rules.keywords_inside_words()
        segmenter = Segmenter(
            dictionary,
            content_keywords,
            inside=content_keywords,
            whole_words=[comparable(word) for word in config.classification.whole_words],
            apart=rules.things_and_states(),
            apart_from_keywords=rules.still_and_states(),
        )
        return cls(
            rules,
            segmenter,
            converter,
            taiwan or taiwan_converter(),
            config.service.default_locale,
            slot_extractor,
            Misspellings(config.classification.misspellings, comparable),
            AgeReader(config.classification.elder_ages),
            traditionaliser,
            PinyinReader(config.classification.pinyin),
            ScriptSigns(config.classification.cantonese_markers, traditionaliser),
            config.classification.form.service_voice,
            config.classification.form.abuse(),
            MixedPinyin(config.classification.pinyin),
            SaidBack(ForbiddenGuard(config.forbidden, converter.convert)),
            {name: district.name for district in config.gazetteer.districts for name in district.district_only},
            ShortQuestions(
                config.classification.short_questions.max_words,
                config.classification.short_questions.openers,
                config.classification.form.language_words,
            ),
        )

    def for_config(self, config: ServiceConfig, dictionary: Dictionary) -> Understander:
        """An understander for ``config``'s classification sharing this one's converters and slot
        extractor (the standards changed while the process runs; ``dictionary`` as in :meth:`from_config`)."""
        return Understander.from_config(
            config,
            dictionary=dictionary,
            converter=self._converter,
            taiwan=self._taiwan,
            slot_extractor=self._slots,
            traditionaliser=self._traditionaliser,
        )

    def answer_locale(self, text: str, locale: str, settled: bool = False, places: Iterable[str] = ()) -> str:
        """The language to answer ``text`` in, in a conversation in ``locale`` so far: the one it
        is written in; ``locale`` when it is too short to tell or mixes English into Chinese, or
        is a few English words once the customer has been talking (``settled``). ``places`` are
        the places it names (its slots), whose characters tell nothing of the writer's script
        when the rest of it does ("我家在太古城金星閣15樓B室 楼上漏水" is simplified)."""
        message = self._normalise(text)
        if self._pinyin.read(message.folded) is not None:
            return _chinese(locale)  # "shi de": Chinese typed in pinyin
        read = [normalise(place, self._converter).text for place in places if place]
        answer = answer_locale(message, locale, settled, self._script, read)
        if (
            answer == EN
            and locale in (ZH_CN, ZH_TW)
            and settled
            and self._short_questions is not None
            and self._short_questions.keeps(message)
        ):
            return locale  # "what should i do" in an emergency told in Chinese: a question, no switch
        if answer == ZH_CN and locale == ZH_TW and self._same_in_both_scripts(message):
            return ZH_TW  # "沙田第一城15座": nothing in it says the customer changed script
        if answer == ZH_TW and locale == ZH_CN and settled and not message.traditional_characters:
            # "成日都冇人理" after "电梯坏咗三日": Cantonese words alone do not turn a customer
            # already seen writing simplified characters (as Guangdong writes Cantonese) traditional.
            return ZH_CN
        return answer

    def written_simplified(self, text: str) -> bool:
        """``text`` has characters only simplified Chinese writes so ("楼", "泼"), and none only
        traditional writes: its writer writes simplified."""
        message = normalise(text, self._converter)
        if message.traditional_characters or self._traditionaliser is None:
            return False
        return self._traditionaliser.convert(message.folded) != message.folded

    def _same_in_both_scripts(self, message: Normalised) -> bool:
        if message.traditional_characters or self._traditionaliser is None:
            return False
        return self._traditionaliser.convert(message.folded) == message.folded

    def _normalise(self, text: str) -> Normalised:
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        message = normalise(text, self._converter)
        self._last = (text, message)
        return message

    @property
    def converter(self) -> Converter:
        """The traditional → simplified converter this reader folds text with, for others to fold
        the same way (cluster alerts' estates)."""
        return self._converter

    def simplified(self, text: str) -> str:
        """``text`` in simplified Chinese, otherwise as it is."""
        return self._converter.convert(text)

    def matchable(self, text: str) -> str:
        """``text`` as keywords are matched against: folded, in simplified Chinese, with the
        configured misspellings read as the words meant."""
        last = self._last_matchable
        if last is not None and last[0] == text:
            return last[1]
        matchable = self._misspellings.correct(self._mixed.read(self._normalise(text).text))
        self._last_matchable = (text, matchable)
        return matchable

    def word_ends(self, text: str) -> list[int]:
        """Where the words of ``text`` end, as it is cut for matching (jieba, in simplified
        characters; English at its spaces): the places a shortened text may end without cutting
        a word in two."""
        simplified = self._converter.convert(text)
        cut = simplified if len(simplified) == len(text) else text
        return list(self._segmenter.segment(cut).ends)

    # issue 14 (reports): the district stored with a case, normalised as the slots name it.
    def district(self, text: str) -> str | None:
        """The district ``text`` (a case's area, as the customer gave it) is in, when known: as the
        message's slots name it, else by an estate the gazetteer knows only by its district
        (``district_only``: 阳光花园3栋 is 朝阳区's)."""
        district = self._slots.extract(text).district
        if district is not None or self._district_only is None:
            return district
        found = self._district_only.search(normalise(text, self._converter).text)
        return self._district_of[found.group()] if found is not None else None

    def slots(self, text: str) -> Slots:
        """The items ``text`` gives (phone, name, place), without reading anything else of it."""
        return self._sayable_slots(self._slots.extract(text))

    def _sayable_slots(self, slots: Slots) -> Slots:
        """``slots`` without a value holding a forbidden phrase (:class:`SaidBack`): the gate every
        slot the rules read passes, as the model's do in :meth:`model_slots`."""
        return slots if self._said_back is None else self._said_back.slots(slots)

    def model_slots(self, slots: Slots, locale: str) -> Slots:
        """The optional model's ``slots`` less what the rules would not say back: words in the
        service's voice, an insult as a name, a "place" telling the problem
        (:class:`~bot.understanding.model_slot_filter.ModelSlotFilter`)."""
        return self._model_slots.said(slots, locale)

    def contact_phone(self, text: str) -> str | None:
        """The contact phone ``text`` gives, read by the rules a customer's message is read by
        (local landlines, Hong Kong and Macao mobiles without their country code; every region of
        ``traditional_phone_regions``, as from a customer writing traditional characters), as
        E.164 or a local number's digits as typed; None when it gives none."""
        return self._slots.extract(text, traditional=True).phone

    def asked_phones(self, text: str) -> list[str]:
        """The Hong Kong or Macao mobiles anywhere in an answer to the phone question."""
        return self._slots.asked_phones(text)

    def estates_named(self, text: str) -> list[str]:
        """The estates' names starting a clause of ``text`` with or without a building after them
        (simplified): a place the message is about that ``understand`` may not take as the address."""
        return self._slots.estates_named(text)

    def understand(self, text: str, locale: str | None = None) -> Understanding:
        """Understand one message; ``locale`` is the conversation's so far, kept for messages
        too short to tell their language ("ok", "123")."""
        message = self._normalise(text)
        detected = detect_locale(message, locale or self._default_locale, self._script)
        pinyin = self._pinyin.read(message.folded)
        if pinyin is not None:
            # "louxia zhuangxiu tai chao le", "dui": read as the characters meant (楼下 装修 太 吵 了, 对).
            detected = _chinese(locale or self._default_locale)
            read = pinyin
        else:
            # Taiwan words too ("寬頻" is 宽带), for traditional text only.
            read = self._taiwan.convert(message.folded) if detected == ZH_TW else message.text
        matched = self._misspellings.correct(self._mixed.read(read))
        findings = self._rules.apply(self._segmenter.segment(matched), len(text.strip()))
        signals = findings.signals
        if Signal.ELDER not in signals and self._ages is not None and self._ages.says_elder(matched):
            signals = signals | {Signal.ELDER}
        return Understanding(
            text=text,
            locale=detected,
            intents=findings.intents,
            category=findings.category,
            other_categories=findings.other_categories,
            vague=findings.vague,
            sarcastic=findings.sarcastic,
            grade=findings.grade,
            signals=signals,
            slots=self._sayable_slots(self._slots.extract(text, traditional=detected == ZH_TW, english=detected == EN)),
        )

    def signals_over_messages(self, earlier: Iterable[str], text: str) -> frozenset[Signal]:
        """The signals ``text`` tells together with what the customer told ``earlier`` in the
        conversation (a signal's ``over_messages`` sets: "里面困了人！！" after "电梯"); none when
        ``text`` has no keyword of a set's last group."""
        matchable = self.matchable(text)
        if self._over_last is None or self._over_last.search(matchable) is None:
            return frozenset()
        now = self._parts(text)
        if not now:
            return frozenset()
        told: frozenset[Part] = frozenset().union(*(self._parts(piece) for piece in earlier))
        return self._rules.told_over(now, told)

    def begins_over_messages(self, text: str) -> bool:
        """``text`` holds a keyword of a group of a signal's ``over_messages`` set told before its last
        ("我妈在用制氧机" before "停电了"): worth reading with the messages after it."""
        return self._over_earlier is not None and self._over_earlier.search(self.matchable(text)) is not None

    def _read_parts(self, text: str) -> frozenset[Part]:
        matchable = self._misspellings.correct(normalise(text, self._converter).text)
        return self._rules.apply(self._segmenter.segment(matchable), len(text.strip())).parts


PARTS_REMEMBERED = 256
"""Messages whose parts of a danger told over messages are kept: the recent messages of the
conversations being served at once."""


def _any_of(words: Iterable[str]) -> re.Pattern[str] | None:
    """A search for any of ``words`` inside a text, or None for no words."""
    present = [word for word in words if word]
    return re.compile(words_pattern(present)) if present else None


def _chinese(locale: str) -> str:
    """The conversation's Chinese, or simplified Chinese for one in another language."""
    return locale if locale in (ZH_CN, ZH_TW) else ZH_CN
