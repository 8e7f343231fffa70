"""Words: jieba segmentation with the configured keywords in its dictionary, and whole-word keyword search.

jieba's dictionary and its way of cutting, run by jieba-rs (rjieba): the same words as the
pure-Python jieba for a tenth of the CPU, which was a third of understanding's.

A keyword matches where it starts and ends on word boundaries: "app" does not match inside
"happy", "停车" not inside "停车费". Keywords of several words ("上不了网", "real person") match
whatever jieba does with their inside, as long as their two ends are boundaries.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections import ChainMap
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import jieba
import rjieba

T = TypeVar("T")

_CHINESE = re.compile("[\u4e00-\u9fd5]")
_LATIN_WORDS = re.compile(r"[a-zA-Z0-9]+|\s+|.", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Dictionary:
    """jieba's general dictionary, loaded once per process: word → frequency, and their total."""

    frequencies: dict[str, int]
    """Shared: never changed. Words of frequency 0 are jieba's prefixes of longer words."""
    total: int
    """jieba counts a word listed twice in its dictionary file twice here (the frequencies keep its last count)."""
    load_seconds: float


def load_dictionary(cache_dir: Path | None = None) -> Dictionary:
    """Load jieba's default dictionary (about 1 s; its first load in a cache directory also
    writes a 9 MB cache there, the system temporary directory when ``cache_dir`` is ``None``)."""
    # jieba's own logger prints its progress at DEBUG level to stderr on every load.
    jieba.setLogLevel(logging.WARNING)
    started = time.perf_counter()
    tokenizer = jieba.Tokenizer()
    if cache_dir is not None:
        tokenizer.tmp_dir = str(cache_dir)
    tokenizer.initialize()
    return Dictionary(frequencies=tokenizer.FREQ, total=tokenizer.total, load_seconds=time.perf_counter() - started)


@dataclass(frozen=True, slots=True)
class Segmented:
    """A normalised message cut into words; ``starts``/``ends`` are character offsets into ``text``."""

    text: str
    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]


class Segmenter:
    """A jieba-rs segmenter of its own whose dictionary is jieba's plus ``words``.

    Words are cut without jieba's HMM: it glues unknown single characters into new words
    ("没网了"), which would hide keywords.

    jieba's dictionary holds many longer words that contain a keyword and mean the same
    ("人民法院", "垃圾桶", "气死我了", "谢谢您"): a word that contains one of ``inside`` is cut
    around it, unless it is one of ``whole_words`` ("人工智能" is not a request for a person).

    Two words of ``apart`` written one after the other are cut between them where jieba would
    cut across them: "门禁用不了" is 门禁/用不了, not 门/禁用/不了 (禁用 is a word of jieba's). Two of
    ``apart_from_keywords`` are, where a keyword of ``words`` would swallow the start of the second:
    "还是没声音" is 还是/没声音, not the keyword 还是没 and 声音; "还有问题" stays 还有/问题.
    """

    def __init__(
        self,
        dictionary: Dictionary,
        words: Iterable[str],
        *,
        inside: Iterable[str] = (),
        whole_words: Iterable[str] = (),
        apart: Iterable[tuple[str, str]] = (),
        apart_from_keywords: Iterable[tuple[str, str]] = (),
    ) -> None:
        words = frozenset(words)
        # rjieba types every method but this one.
        self._jieba: rjieba.Jieba = rjieba.Jieba.empty()  # type: ignore[no-untyped-call]
        frequencies: ChainMap[str, int] = ChainMap({}, dictionary.frequencies)
        listed = 0
        for word, frequency in dictionary.frequencies.items():
            if frequency > 0:
                self._jieba.add_word(word, frequency, None)
                listed += frequency
        self._total = dictionary.total
        self._filler = 0
        self._count_as_jieba_does(listed)
        for word in sorted(set(words) | set(whole_words)):
            # jieba only cuts within runs of Chinese characters, letters and digits, so a word with
            # a space or punctuation can never be one token; such keywords match as word sequences.
            if _one_jieba_word(word):
                frequency = self._frequency_to_keep_whole(word, frequencies)
                replaced = frequencies.get(word, 0)
                self._jieba.add_word(word, frequency, None)
                frequencies[word] = frequency
                for end in range(1, len(word)):
                    # jieba's prefixes of its words have frequency 0, which a later word's pieces can meet.
                    frequencies.setdefault(word[:end], 0)
                self._total += frequency
                listed += frequency - replaced
                self._count_as_jieba_does(listed)
        # Chinese only: English words are never cut ("app" is not in "happy").
        self._inside = frozenset(word for word in inside if len(word) >= 2 and all(map(is_chinese, word)))
        self._inside_lengths = sorted({len(word) for word in self._inside}, reverse=True)
        self._whole = frozenset(whole_words)
        self._apart: dict[str, tuple[str, str]] = {}
        keywords = frozenset(word for word in words if _one_jieba_word(word))
        listed = self._keep_apart(apart, frequencies, listed)
        self._keep_apart(apart_from_keywords, frequencies, listed, keywords)

    def _keep_apart(
        self,
        pairs: Iterable[tuple[str, str]],
        frequencies: ChainMap[str, int],
        listed: int,
        swallowing: Container[str] | None = None,
    ) -> int:
        """Each pair that jieba cuts across when written together (with ``swallowing``, only where
        the first word it cuts is one of them) becomes one word of the dictionary, which :meth:`_cut`
        cuts in two again. The count of listed frequencies after them."""
        for first, second in pairs:
            joined = first + second
            if not (_one_jieba_word(first) and _one_jieba_word(second)) or frequencies.get(joined, 0) > 0:
                continue
            cut = self._jieba.cut(joined, False)
            if cut == [first, second] or (swallowing is not None and cut[0] not in swallowing):
                continue
            frequency = self._frequency_to_keep_whole(joined, frequencies)
            self._jieba.add_word(joined, frequency, None)
            frequencies[joined] = frequency
            for end in range(1, len(joined)):
                frequencies.setdefault(joined[:end], 0)
            self._total += frequency
            listed += frequency
            self._count_as_jieba_does(listed)
            self._apart[joined] = (first, second)
        return listed

    def _count_as_jieba_does(self, listed: int) -> None:
        """Make jieba-rs's total jieba's: a word's probability is its frequency over the total.

        jieba counts a word its dictionary file lists twice twice, and a word added again on top
        of its old frequency; jieba-rs counts each word once. A private-use character, which is
        a single character and so a word of its own anyway, carries the difference.
        """
        filler = self._total - listed
        if filler != self._filler and filler > 0:
            self._jieba.add_word(_TOTAL_FILLER, filler, None)
            self._filler = filler

    def _frequency_to_keep_whole(self, word: str, frequencies: ChainMap[str, int]) -> int:
        """The frequency jieba's ``add_word`` gives a new word: just enough to be cut as one word."""
        probability = 1.0
        for piece in self._jieba.cut(word, False):
            probability *= frequencies.get(piece, 1) / self._total
        return max(int(probability * self._total) + 1, frequencies.get(word, 1))

    def segment(self, text: str) -> Segmented:
        words = _identifiers_whole(self._cut(text))
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for word in words:
            starts.append(position)
            position += len(word)
            ends.append(position)
        return Segmented(text=text, words=tuple(words), starts=tuple(starts), ends=tuple(ends))

    def _around_keywords(self, word: str) -> list[str]:
        """``word`` cut around the longest (then leftmost) keyword inside it, the rest cut again."""
        for size in self._inside_lengths:
            if size >= len(word):
                continue
            for start in range(len(word) - size + 1):
                if word[start : start + size] in self._inside:
                    # The pieces are shorter than the word, so this ends.
                    return [
                        *self._cut(word[:start]),
                        word[start : start + size],
                        *self._cut(word[start + size :]),
                    ]
        return [word]

    def _cut(self, text: str) -> list[str]:
        if not _CHINESE.search(text):
            # What jieba does with text without Chinese, in a tenth of the time: runs of letters
            # and digits are words, anything else a character of its own.
            return _LATIN_WORDS.findall(text)
        words: list[str] = []
        for word in self._jieba.cut(text, False):
            pair = self._apart.get(word)
            if pair is not None:
                words.extend(pair)
            elif len(word) > 2 and is_chinese(word[0]) and word not in self._whole and word not in self._inside:
                words.extend(self._around_keywords(word))
            else:
                words.append(word)
        return words


_TOTAL_FILLER = "\ue000"


def _identifiers_whole(words: list[str]) -> list[str]:
    """Latin words joined by "_" kept one word: "media_legal", "self_harm" are a program's names
    (a payload pasted for a model), not the words "media", "harm" a customer writes."""
    if "_" not in words:
        return words
    joined: list[str] = []
    for word in words:
        if joined and (word == "_" or joined[-1].endswith("_")) and _latin(joined[-1]) and _latin(word):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def _latin(word: str) -> bool:
    """Letters, digits and "_" only."""
    return word.isascii() and (word.replace("_", "").isalnum() or set(word) == {"_"})


def is_chinese(char: str) -> bool:
    """A character jieba cuts with its dictionary (its own range of CJK ideographs)."""
    return "\u4e00" <= char <= "\u9fd5"


def _one_jieba_word(word: str) -> bool:
    """Chinese characters (with letters or digits): what jieba's dictionary can make one word."""
    return any(map(is_chinese, word)) and all(is_chinese(char) or (char.isascii() and char.isalnum()) for char in word)


def is_punctuation(word: str) -> bool:
    return all(unicodedata.category(char).startswith("P") for char in word)


def is_pictograph(word: str) -> bool:
    """A symbol that says something on its own: an emoji or other pictograph ("👍", "✅"), not a
    modifier (the skin tones of "👍🏻") or punctuation."""
    return any(unicodedata.category(char) == "So" for char in word)


def is_content(word: str) -> bool:
    """A word that says something: not white space, punctuation, emoji or other symbols."""
    return not all(unicodedata.category(char)[0] in "PSZC" for char in word)


@dataclass(frozen=True, slots=True)
class Hit(Generic[T]):
    """``owner``'s keyword found over words ``first``..``last`` (inclusive)."""

    owner: T
    keyword: str
    first: int
    last: int
    start: int
    end: int


def english_forms(keyword: str) -> set[str]:
    """The keyword and, when its last word is an English word of four letters or more, that
    word's -s/-es/-ed/-ing forms ("leak": "leaks", "leaked", "leaking"; "charge": "charged")."""
    forms = {keyword}
    head, _, last = keyword.rpartition(" ")
    if len(last) < 4 or not (last.isascii() and last.isalpha()):
        return forms
    prefix = f"{head} " if head else ""
    stems = [last, last + last[-1]]
    if last.endswith("e"):
        stems.append(last[:-1])
    if last.endswith("y"):
        stems.append(last[:-1] + "i")
    for stem in stems:
        for ending in ("s", "es", "ed", "d", "ing"):
            forms.add(prefix + stem + ending)
    return forms


class KeywordIndex(Generic[T]):
    """Every configured keyword, normalised, with the rules (owners) it belongs to."""

    def __init__(self, entries: Iterable[tuple[str, T]], normalise: Callable[[str], str]) -> None:
        owners: dict[str, list[T]] = {}
        for keyword, owner in entries:
            for form in english_forms(normalise(keyword)):
                if form:
                    bucket = owners.setdefault(form, [])
                    if owner not in bucket:
                        bucket.append(owner)
        self._owners: dict[str, tuple[T, ...]] = {form: tuple(found) for form, found in owners.items()}
        self._prefixes = frozenset(form[:size] for form in self._owners for size in range(1, len(form) + 1))

    def keywords(self, which: Callable[[T], bool] | None = None) -> frozenset[str]:
        """The normalised keywords (and their English forms), or those with an owner ``which`` picks."""
        if which is None:
            return frozenset(self._owners)
        return frozenset(form for form, owners in self._owners.items() if any(which(owner) for owner in owners))

    def find(self, segmented: Segmented) -> list[Hit[T]]:
        """Every keyword that starts and ends on a word boundary, overlapping ones included."""
        text, words, starts, ends = segmented.text, segmented.words, segmented.starts, segmented.ends
        prefixes, owners_of = self._prefixes, self._owners
        hits: list[Hit[T]] = []
        count = len(words)
        for first in range(count):
            start = starts[first]
            for last in range(first, count):
                piece = text[start : ends[last]]
                if piece not in prefixes:
                    break
                owners = owners_of.get(piece)
                if owners:
                    hits.extend(Hit(owner, piece, first, last, start, ends[last]) for owner in owners)
        return hits


def preceding(first: int, ends: Container[int], segmented: Segmented, window: int) -> int | None:
    """The word before word ``first`` where one of ``ends`` is, with at most ``window`` other
    words between and no punctuation nor pause ("不是来投诉的": 不是 before 投诉; "不,投诉": none;
    "门禁卡刷不开 进不去家": the 不 of 刷不开 is no part of 进不去家)."""
    words = segmented.words
    between = 0
    index = first - 1
    while index >= 0:
        if index in ends:
            return index
        word = words[index]
        if is_punctuation(word) or _pause_between_chinese(index, words):
            return None
        if is_content(word):
            between += 1
            if between > window:
                return None
        index -= 1
    return None


def _pause_between_chinese(index: int, words: Sequence[str]) -> bool:
    """Word ``index`` is white space between Chinese characters: a pause typed for a comma."""
    if not words[index].isspace() or index == 0 or index + 1 == len(words):
        return False
    return is_chinese(words[index - 1][-1]) and is_chinese(words[index + 1][0])


def following(last: int, starts: Container[int], segmented: Segmented, window: int) -> int | None:
    """The word after word ``last`` where one of ``starts`` is, with at most ``window`` other
    words between and no punctuation ("找经理说过了": 说过 after 找经理; "找经理,说过了": none)."""
    words = segmented.words
    between = 0
    for index in range(last + 1, len(words)):
        if index in starts:
            return index
        word = words[index]
        if is_punctuation(word):
            return None
        if is_content(word):
            between += 1
            if between > window:
                return None
    return None


def negated(hit: Hit[T], negator_ends: Container[int], segmented: Segmented, window: int) -> bool:
    """Whether a negation word ends right before ``hit`` (see :func:`preceding`)."""
    return preceding(hit.first, negator_ends, segmented, window) is not None
