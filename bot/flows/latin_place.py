"""A place typed in Latin letters beside the phone: "13812345678, Yangguang Huayuan 5 dong" (pinyin) or
"13812345678 住在Taikoo Shing" (an estate's English name alone). The address parser reads Chinese places and
English ones with their units; the place question takes any words as the place, but the phone question
only words that say they are one: an estate's or a unit's word in pinyin or English, or capitalised words
after the words saying where the customer lives."""

from __future__ import annotations

import re
import unicodedata

from bot.flows.place_words import LATIN_CHARS_PER_HAN, LONGEST_PLACE_ANSWER, PLACE_ANSWER_EDGES
from bot.flows.turn import Turn

_PHONE = re.compile(r"\+?(?:\d[\s\-]?){7,}")
_PAUSE = re.compile(r"[,;，；。、]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def latin_words_beside_the_phone(turn: Turn, text: str) -> str | None:
    """The words in Latin letters after the phone ``text`` gives (or before it, to the first pause) that
    may be the place, kept then in the customer's own words (``slots.place_in_own_words``); None unless
    they hold a place's word (``english_estate_words``, ``english_unit_words``, ``pinyin_estate_words``,
    ``pinyin_unit_words``) or are capitalised after an address trigger ("住在", "I live in"), and the
    rules read nothing in them: no problem, request, feeling or name."""
    said = unicodedata.normalize("NFKC", text)
    phone = _PHONE.search(said)
    if phone is None:
        return None
    after = said[phone.end() :].strip(PLACE_ANSWER_EDGES)
    rest = after if any(char.isalpha() for char in after) else _PAUSE.split(said[: phone.start()])[0]
    words = turn.kit.place_words
    rest = rest.strip(PLACE_ANSWER_EDGES)
    triggered = words.trigger_prefix is not None and words.trigger_prefix.match(rest) is not None
    if triggered and words.trigger_prefix is not None:
        rest = words.trigger_prefix.sub("", rest)  # "住在Taikoo Shing"
    english = words.english_trigger_prefix.match(rest) if words.english_trigger_prefix is not None else None
    if english is not None:
        rest = rest[english.end() :]  # "I live in Taikoo Shing"
    rest = rest.strip(PLACE_ANSWER_EDGES)
    if not rest or not rest.isascii() or len(rest) > LONGEST_PLACE_ANSWER * LATIN_CHARS_PER_HAN:
        return None
    if not (_names_a_place(turn, rest) or ((triggered or english is not None) and _capitalised(rest, triggered))):
        return None
    understood = turn.kit.understander.understand(rest, turn.locale)
    if understood.intents or understood.category or understood.signals or understood.slots.surname:
        return None  # "13812345678 the lift is broken", "13812345678 it's Mr Wang"
    return rest


def _names_a_place(turn: Turn, rest: str) -> bool:
    words = turn.kit.place_words
    return any(
        pattern is not None and pattern.search(rest) is not None
        for pattern in (words.english_place_word, words.pinyin_place_word)
    )


def _capitalised(rest: str, after_chinese: bool) -> bool:
    """Latin words naming somewhere: capitalised as names are ("Taikoo Shing"), or any after Chinese words
    saying where the customer lives ("住在taikoo shing"), which no English sentence opens with."""
    named = _LATIN_WORD.findall(rest)
    return bool(named) and (after_chinese or all(word[0].isupper() for word in named))
