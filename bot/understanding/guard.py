"""The agent-side guard: forbidden phrases (服务忌语) and their paraphrases in what an agent types.

Matching is insensitive to width, script, case, punctuation, spaces, invisible characters and
accents: both the configured phrases and the agent's text are folded the same way before
comparing, so "喂，说话呀" (a Chinese keyboard's comma) is caught by the configured "喂,说话呀",
and "我不知道" typed with an invisible character inside (U+180B, a Mongolian variation selector
the browser shows as nothing) by the configured "我不知道". Paraphrases are the manager's
regular expressions over the folded text (which has no accents: "cafe", not "café").
Letters drawn like others (Unicode's confusables: "I dօn't know" with an Armenian օ; small
capitals, "ɪ ᴅᴏɴ'ᴛ ᴋɴᴏᴡ") fold to the ASCII letter or Han character they look like, and Japanese
forms and other variants of Chinese characters ("您応該去找", 応 for 应) to the Chinese ones.
Direction controls, which reorder what is shown, are not folded but named
(:func:`direction_controls`) so that the text is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from confusable_homoglyphs.confusables import confusables_data

from bot.config import ForbiddenList, ForbiddenPattern
from bot.core.manager_patterns import ManagerPattern
from bot.understanding.guard_disguise import DisguisedPhrase
from bot.understanding.normalise import fold as fold_message

# Punctuation, symbols, separators, control and format characters; and combining marks that
# do not take space (Mn: accents, and marks stacked on a character that has no accented form,
# 我 + U+0301; Me: enclosing circles and keycaps), which leave the words readable.
_MARKS = ("Mn", "Me")
_DROPPED_CATEGORIES = ("P", "S", "Z", "C", *_MARKS)


# CJK strokes (㇐, drawn as 一) are symbols, not letters, yet fold like them.
_CJK_STROKES = range(0x31C0, 0x31F0)


_HAN_NAMES = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")


def _is_han(ch: str) -> bool:
    return len(ch) == 1 and unicodedata.name(ch, "").startswith(_HAN_NAMES)


def _plain(text: str) -> bool:
    return text.isascii() and all(ch.isalnum() or ch == "'" for ch in text)


def _drawn_like(members: list[str]) -> str | None:
    """What a set of confusable characters folds to: its one plain ASCII spelling, else its one
    Han character; None when it has neither (or several, which would be a guess)."""
    ascii_spellings = [member for member in members if _plain(member)]
    if len(ascii_spellings) == 1:
        return ascii_spellings[0].lower()
    han = [member for member in members if _is_han(member)]
    return han[0] if len(han) == 1 and not ascii_spellings else None


def _lookalikes() -> dict[int, str]:
    """Unicode's confusables (UTS #39's data, as confusable-homoglyphs ships it, both ways) as a
    translation table: each letter, number or CJK stroke outside ASCII and Han that is drawn like
    a plain ASCII spelling or a Han character is folded to it ("օ" Armenian → "o", "ı" → "i",
    "ᴏ" → "o", "ー" → "一"). ASCII and Chinese characters are never changed, so the managers'
    patterns still read plain words, and punctuation (dropped anyway) is left alone: a dash
    between "我" and "不知道" must not become 一."""
    data: dict[str, list[dict[str, str]]] = confusables_data
    table: dict[int, str] = {}
    for ch, entries in data.items():
        if len(ch) != 1 or ch.isascii() or _is_han(ch):
            continue
        if not unicodedata.category(ch).startswith(("L", "N")) and ord(ch) not in _CJK_STROKES:
            continue
        members = [entry["c"] for entry in entries]
        if len(members) == 1 and not _plain(members[0]) and not _is_han(members[0]):
            # one confusable that is neither: it is the prototype; its own set may hold one
            members = [entry["c"] for entry in data.get(members[0], [])]
        if (folded := _drawn_like(members)) is not None:
            table[ord(ch)] = folded
    for ch, letter in _latin_letters_by_name().items():
        table.setdefault(ord(ch), letter)
    return table


_LATIN_LETTER_NAME = re.compile(
    r"LATIN (?:CAPITAL |SMALL )?(?:LETTER SMALL CAPITAL|SMALL CAPITAL LETTER|LETTER) ([A-Z])(?: WITH (?:(?!LETTER).)+)?"
)
"""A Latin letter's name that says which plain letter it is: a small capital ("LATIN LETTER SMALL
CAPITAL D", ᴅ), or a letter with a hook, stroke or bar that does not decompose ("LATIN SMALL
LETTER D WITH HOOK", ɗ). Turned and reversed letters ("TURNED E") are other letters."""
_LATIN_RANGES = (
    (0x80, 0x2B0),  # Latin-1, Latin Extended-A and -B, IPA
    (0x1D00, 0x1F00),  # phonetic extensions, Latin Extended Additional
    (0x2C60, 0x2C80),  # Latin Extended-C
    (0xA720, 0xA800),  # Latin Extended-D
    (0xAB30, 0xAB70),  # Latin Extended-E
    (0x1DF00, 0x1E000),  # Latin Extended-G
)


def _latin_letters_by_name() -> dict[str, str]:
    """Latin letters that NFKC and accents' removal leave alone, yet are a plain letter drawn
    otherwise (ɪ ᴅᴏɴ'ᴛ ᴋɴᴏᴡ), by their Unicode names: each to its lower-case ASCII letter."""
    letters: dict[str, str] = {}
    for start, end in _LATIN_RANGES:
        for ch in map(chr, range(start, end)):
            if not unicodedata.category(ch).startswith("L") or unicodedata.normalize("NFD", ch)[0].isascii():
                continue
            if (named := _LATIN_LETTER_NAME.fullmatch(unicodedata.name(ch, ""))) is not None:
                letters[ch] = named.group(1).lower()
    return letters


_LOOKALIKES = _lookalikes()
"""Letters that look like others, each folded to the one it looks like, so that a forbidden
phrase typed with lookalikes ("cаlm down", "I dօn't know", "大声ー点儿") is still caught."""


def _han_variants() -> dict[int, str]:
    """``han_variants.txt`` (written by ``scripts/han_variants.py`` from OpenCC's Japanese table
    and Unicode's Unihan) as a translation table: each Han character no Chinese text is written
    in (outside GB2312 and Big5) to the Chinese character it is a form of ("応" → 应, "㑹" → 会)."""
    text = resources.files("bot.understanding").joinpath("han_variants.txt").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {ord(variant): chinese for variant, chinese in rows}


_HAN_VARIANTS = _han_variants()
"""Japanese forms and other variants of Chinese characters, read as the Chinese ones, so that
"您応該去找" (応, the Japanese form of 应) is still 您应该去找."""


def lookalike_letters() -> dict[int, str]:
    """:data:`_LOOKALIKES` as a translation table of one's own (staff usernames read it too)."""
    return dict(_LOOKALIKES)


_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): they reorder what a
browser shows, so "\u202e道知不我\u202c" is shown as 我不知道 while its characters run backwards."""


_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
"""Markup tags ("<b></b>"), which a page may render as nothing between two words."""
_WORD_BREAK = re.compile(r"[\s,;:!?，。；：！？、…\"“”‘’()（）\[\]【】<>《》]+")
"""What parts words for a ``words`` pattern: spaces and the punctuation between words ("idk," is
"idk"); not what joins a word's parts ("wo-bu-zhi-dao" in a link is one word, "don't" one)."""
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_STRAY_LETTERS = re.compile(rf"(?<=[{_HAN}])[a-z]{{1,3}}(?=[{_HAN}])")
"""A few Latin letters between two Chinese characters in folded text ("弄𝐞错" is "弄e错"): read
as nothing, so they cannot part a forbidden phrase. An English word of more letters stays."""


def direction_controls(text: str) -> list[str]:
    """The bidirectional embedding, override and isolate controls in ``text``, as ``U+202E``, once
    each in order of appearance. Staff text holding any is refused rather than folded: folding
    drops the controls but cannot know the order the reader sees. (The marks LRM, RLM and ALM
    reorder nothing by themselves and are folded away like other invisible characters.)"""
    return list(dict.fromkeys(f"U+{ord(found.group(0)):04X}" for found in _DIRECTION_CONTROLS.finditer(text)))


def _without_marks(text: str) -> str:
    """``text`` with its accents and other non-spacing marks taken off: decomposed (NFD), so "é"
    becomes "e" and U+0301, the marks dropped, composed again (NFC: Hangul syllables come back)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) not in _MARKS))


def fold(text: str, to_simplified: Callable[[str], str]) -> str:
    """Customer messages' folding (:func:`bot.understanding.normalise.fold`: width, invisible
    characters, case, repeats), accents and other combining marks off, lookalike letters as the
    ones they look like, simplified, then letters and digits only. For matching only: what is
    stored and sent is the text as typed. Markup tags and a few stray Latin letters between
    Chinese characters (:data:`_STRAY_LETTERS`) are read as nothing."""
    return _STRAY_LETTERS.sub("", _fold_keeping_letters(text, to_simplified))


def _fold_keeping_letters(text: str, to_simplified: Callable[[str], str]) -> str:
    """:func:`fold` with the Latin letters between Chinese characters kept (pinyin, "我bu知道")."""
    unmarked = _without_marks(fold_message(_TAG.sub("", text)))
    simplified = to_simplified(unmarked.translate(_LOOKALIKES).translate(_HAN_VARIANTS))
    return "".join(ch for ch in simplified if not unicodedata.category(ch).startswith(_DROPPED_CATEGORIES))


def _equivalents_table(equivalents: dict[str, list[str]], to_simplified: Callable[[str], str]) -> dict[int, str]:
    """``forbidden.yaml``'s ``equivalents`` as a translation table over folded text: each variant,
    folded, to its word, folded ("你" → "您", "啥" → "什么", "甚" → "什么")."""
    table: dict[int, str] = {}
    for word, variants in equivalents.items():
        folded_word = fold(word, to_simplified)
        for variant in variants:
            folded_variant = fold(variant, to_simplified)
            if len(folded_variant) == 1 and folded_variant != folded_word:
                table[ord(folded_variant)] = folded_word
    return table


def _pinyin_table(pinyin: dict[str, list[str]], fold_word: Callable[[str], str]) -> dict[str, frozenset[str]]:
    """``forbidden.yaml``'s ``pinyin`` by folded character (read as the guard reads it: 你 as 您),
    each with its syllables in lower case, without tone marks."""
    table: dict[str, set[str]] = {}
    for character, syllables in pinyin.items():
        folded = fold_word(character)
        if len(folded) == 1:
            table.setdefault(folded, set()).update(_without_marks(s.strip().lower()) for s in syllables if s.strip())
    return {character: frozenset(syllables) for character, syllables in table.items()}


_NEGATION = "不"


def _loose_phrase(
    folded_phrase: str,
    before: Sequence[str],
    after: Sequence[str],
    address: Sequence[str] = (),
    particles: Sequence[str] = (),
) -> ManagerPattern | None:
    """The folded phrase with room for ``forbidden.yaml``'s ``negation_fillers`` around each 不 that
    follows words ("我(也|完全|并){0,2}不(太)?知道"), its ``phrase_fillers``: an address word between
    two Chinese characters ("喂(您)?说话"), and its final particle optional when three characters
    remain ("喂说话(呀)?"); None when it leaves no room. RE2, so a long text of near misses is still
    read in linear time."""

    def choice(words: Sequence[str]) -> str:
        return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))

    body, tail = folded_phrase, ""
    if particles and len(body) > 3 and body[-1] in particles:
        body, tail = body[:-1], f"(?:{re.escape(body[-1])})?"
    negation = (
        (f"(?:{choice(before)}){{0,2}}" if before else "") + _NEGATION + (f"(?:{choice(after)})?" if after else "")
        if before or after
        else re.escape(_NEGATION)
    )
    addressed = f"(?:{choice(address)})?" if address else ""
    parts: list[str] = []
    for index, ch in enumerate(body):
        if index and addressed and _is_han(body[index - 1]) and _is_han(ch):
            parts.append(addressed)
        parts.append(negation if ch == _NEGATION and index else re.escape(ch))
    pattern = "".join(parts) + tail
    return None if pattern == re.escape(folded_phrase) else ManagerPattern(pattern)


@dataclass(frozen=True, slots=True)
class GuardHit:
    """What the agent's text matched (the configured phrase, the folded words a paraphrase
    pattern caught, or the agent's words the model quoted) and the correct expression to use
    instead; ``by`` says whether the configured rules or the model's second opinion found it."""

    forbidden: str
    instead: str
    source: str
    pattern_id: str | None = None
    by: Literal["rules", "model"] = "rules"


class ForbiddenGuard:
    """Built once from ``config/forbidden.yaml``; :meth:`check` is cheap enough for every reply."""

    def __init__(self, forbidden: ForbiddenList, to_simplified: Callable[[str], str]) -> None:
        self._to_simplified = to_simplified
        self._equivalents = _equivalents_table(forbidden.equivalents, to_simplified)
        pinyin = _pinyin_table(forbidden.pinyin, self.fold)
        self._phrases = [
            (folded, item.text, item.instead, item.source)
            for item in forbidden.forbidden
            if (folded := self.fold(item.text))
        ]
        self._disguised = {folded: DisguisedPhrase(folded, pinyin) for folded, *_ in self._phrases}
        fillers = {
            side: [f for word in words if (f := self.fold(word))] for side, words in forbidden.negation_fillers.items()
        }
        room = {
            kind: [f for word in words if (f := self.fold(word))] for kind, words in forbidden.phrase_fillers.items()
        }
        self._loose = {
            folded: loose
            for folded, *_ in self._phrases
            if (
                loose := _loose_phrase(
                    folded,
                    fillers.get("before", []),
                    fillers.get("after", []),
                    room.get("address", []),
                    room.get("final_particles", []),
                )
            )
            is not None
        }
        self._patterns = [
            (ManagerPattern(item.pattern), item.instead, item.source, item.id)
            for item in forbidden.patterns
            if not item.words
        ]
        # "idk": over the words kept apart (``ForbiddenPattern.words``), not the run-together fold.
        self._word_patterns = [
            (ManagerPattern(item.pattern), item.instead, item.source, item.id)
            for item in forbidden.patterns
            if item.words
        ]
        self._any_pattern = ManagerPattern.any_of([pattern for pattern, *_ in self._patterns])
        self._any_word_pattern = ManagerPattern.any_of([pattern for pattern, *_ in self._word_patterns])

    def clean(self, text: str) -> bool:
        """``text`` holds no forbidden phrase nor paraphrase (:meth:`check` would be None), asked
        of the patterns in one search each of the folded text and its words: cheap enough for
        every value a customer's message gives (``SaidBack``)."""
        if self._any_pattern is None or (self._word_patterns and self._any_word_pattern is None):
            return self.check(text) is None
        kept = _fold_keeping_letters(text, self._to_simplified)  # folded once: fold() and _letters_kept() in one
        folded, letters_kept = (
            _STRAY_LETTERS.sub("", kept).translate(self._equivalents),
            kept.translate(self._equivalents),
        )
        if any(self._holds(folded, letters_kept, folded_phrase) for folded_phrase, *_ in self._phrases):
            return False
        if self._any_pattern.search(folded) is not None:
            return False
        return self._any_word_pattern is None or self._any_word_pattern.search(self.spaced(text)) is None

    def fold(self, text: str) -> str:
        """:func:`fold`, then each configured variant read as its word ("你" as "您", "啥" as "什么")."""
        return fold(text, self._to_simplified).translate(self._equivalents)

    def spaced(self, text: str) -> str:
        """``text`` folded word by word, the words one space apart and a space at each end
        (" idk sorry "): what a ``words`` pattern reads."""
        words = (self.fold(word) for word in _WORD_BREAK.split(text))
        return " " + " ".join(word for word in words if word) + " "

    def catches(self, item: ForbiddenPattern, text: str) -> bool:
        """The configured paraphrase ``item`` finds words in ``text`` (its examples are checked so)."""
        read = self.spaced(text) if item.words else self.fold(text)
        return ManagerPattern(item.pattern).search(read) is not None

    def _letters_kept(self, text: str) -> str:
        return _fold_keeping_letters(text, self._to_simplified).translate(self._equivalents)

    def _holds(self, folded: str, letters_kept: str, folded_phrase: str) -> bool:
        """The phrase is in the text, as typed, with fillers around its 不 ("我完全不知道"), or in
        disguise (``guard_disguise.py``: "我不1知道", "我bu知道", "I d0n't kn0w")."""
        if folded_phrase in folded:
            return True
        loose = self._loose.get(folded_phrase)
        if loose is not None and loose.search(folded) is not None:
            return True
        return bool(self._disguised[folded_phrase].spans(letters_kept))

    def check(self, text: str) -> GuardHit | None:
        """The first forbidden phrase, then the first paraphrase, ``text`` contains; None if clean."""
        folded, letters_kept = self.fold(text), self._letters_kept(text)
        for folded_phrase, phrase, instead, source in self._phrases:
            if self._holds(folded, letters_kept, folded_phrase):
                return GuardHit(forbidden=phrase, instead=instead, source=source)
        for pattern, instead, source, pattern_id in self._patterns:
            if (found := pattern.search(folded)) is not None:
                return GuardHit(
                    forbidden=self._as_typed(text, found), instead=instead, source=source, pattern_id=pattern_id
                )
        if self._word_patterns:
            spaced = self.spaced(text)
            for pattern, instead, source, pattern_id in self._word_patterns:
                if (found := pattern.search(spaced)) is not None:
                    return GuardHit(forbidden=found.strip(), instead=instead, source=source, pattern_id=pattern_id)
        return None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where in ``text`` as typed (start, end) each forbidden phrase and paraphrase is, found
        as :meth:`check` finds them but folding character by character, in order of their start.
        A cut made at these needs :meth:`check` again: folding a whole text may differ (a run
        of one character shortened)."""
        folded, origin = self._folded_by_character(text)
        letters_kept, kept_origin = self._folded_by_character(text, strays=True)
        found: list[tuple[int, int]] = []
        for folded_phrase, *_ in self._phrases:
            start = folded.find(folded_phrase)
            while start >= 0:
                found.append((origin[start], origin[start + len(folded_phrase) - 1] + 1))
                start = folded.find(folded_phrase, start + 1)
            if (loose := self._loose.get(folded_phrase)) is not None:
                found.extend((origin[start], origin[end - 1] + 1) for start, end in loose.spans(folded))
            disguised = self._disguised[folded_phrase].spans(letters_kept)
            found.extend((kept_origin[start], kept_origin[end - 1] + 1) for start, end in disguised)
        for pattern, *_ in self._patterns:
            found.extend((origin[start], origin[end - 1] + 1) for start, end in pattern.spans(folded))
        for pattern, *_ in self._word_patterns:
            # a word pattern's words found again as typed ("IDK", "I dunno"), by where they fold to
            for words in pattern.find_all(self.spaced(text)):
                if words.strip() and (at := self._typed_words(text, words.strip())) is not None:
                    found.append(at)
        return sorted(set(found))

    def _typed_words(self, text: str, words: str) -> tuple[int, int] | None:
        """Where the folded ``words`` (a word pattern's match, words one space apart) stand in
        ``text`` as typed."""
        needle = "".join(words.split())
        folded, origin = self._folded_by_character(text, strays=True)
        at = folded.find(needle)
        return (origin[at], origin[at + len(needle) - 1] + 1) if at >= 0 and needle else None

    def check_all(self, text: str) -> list[GuardHit]:
        """Every forbidden phrase, then every paraphrase, ``text`` contains (each phrase once), in
        :meth:`check`'s order: its first item is :meth:`check`'s answer; empty if clean."""
        folded, letters_kept = self.fold(text), self._letters_kept(text)
        hits = [
            GuardHit(forbidden=phrase, instead=instead, source=source)
            for folded_phrase, phrase, instead, source in self._phrases
            if self._holds(folded, letters_kept, folded_phrase)
        ]
        for pattern, instead, source, pattern_id in self._patterns:
            for words in pattern.find_all(folded):
                # words a phrase already found holds are that phrase, not one more
                if words and all(words not in self.fold(hit.forbidden) for hit in hits):
                    typed = self._as_typed(text, words)
                    hits.append(GuardHit(forbidden=typed, instead=instead, source=source, pattern_id=pattern_id))
        if self._word_patterns:
            spaced = self.spaced(text)
            for pattern, instead, source, pattern_id in self._word_patterns:
                for words in pattern.find_all(spaced):
                    if words.strip():
                        hit = GuardHit(forbidden=words.strip(), instead=instead, source=source, pattern_id=pattern_id)
                        hits.append(hit)
        return hits

    def _as_typed(self, text: str, words: str) -> str:
        """The folded ``words`` a pattern caught, as the agent typed them ("你自己看", not the
        "您自己看" read), when the words read as others change; else as caught."""
        if not self._equivalents or (found := self.span(text, words)) is None:
            return words
        typed = text[found[0] : found[1]]
        return typed if fold(typed, self._to_simplified) != words else words

    def span(self, text: str, words: str) -> tuple[int, int] | None:
        """Where ``words`` (a hit's ``forbidden``: a configured phrase, the folded words a pattern
        caught, the model's quote) stand in ``text`` as typed: the start and end index of the
        characters that fold to them, the spaces and marks between them included ("我 不 知 道"
        whole); None when they cannot be found character by character (a fold that joins
        characters, such as a run of repeats cut short)."""
        needle = self.fold(words)
        if not needle:
            return None
        folded, owners = self._folded_by_character(text)
        at = folded.find(needle)
        if at >= 0:
            return owners[at], owners[at + len(needle) - 1] + 1
        if (loose := self._loose.get(needle)) is not None and (spans := loose.spans(folded)):
            return owners[spans[0][0]], owners[spans[0][1] - 1] + 1
        if (disguised := self._disguised.get(needle)) is not None:  # "我bu知道" for 我不知道
            letters_kept, kept_owners = self._folded_by_character(text, strays=True)
            if found := disguised.spans(letters_kept):
                return kept_owners[found[0][0]], kept_owners[found[0][1] - 1] + 1
        return None

    def _folded_by_character(self, text: str, strays: bool = False) -> tuple[str, list[int]]:
        """``text`` folded character by character, as :meth:`fold` reads it (tags and stray
        letters read as nothing; ``strays``: the letters kept), and for each folded character
        the index in ``text`` it comes from."""
        in_tags = {index for tag in _TAG.finditer(text) for index in range(*tag.span())}
        folded_chars: dict[str, str] = {}
        owners: list[int] = []
        joined: list[str] = []
        for index, ch in enumerate(text):
            if index in in_tags:
                continue
            if ch not in folded_chars:
                folded_chars[ch] = self.fold(ch)
            joined.append(folded_chars[ch])
            owners.extend([index] * len(folded_chars[ch]))
        folded = "".join(joined)
        if strays:
            return folded, owners
        stray = {index for found in _STRAY_LETTERS.finditer(folded) for index in range(*found.span())}
        if not stray:
            return folded, owners
        kept = [index for index in range(len(folded)) if index not in stray]
        return "".join(folded[index] for index in kept), [owners[index] for index in kept]

    def examples_missed(self, patterns: ForbiddenList) -> list[str]:
        """``id: example`` for each configured example its own pattern does not catch."""
        return [
            f"{item.id}: {example}"
            for item in patterns.patterns
            for example in item.examples
            if not self.catches(item, example)
        ]
