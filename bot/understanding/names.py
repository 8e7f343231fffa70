"""The customer's name, surname and honorific, when they say them ("我叫王芳", "免贵姓刘", "王女士").

Works on NFKC-normalised, simplified text; every word list is ``config/names.yaml``. A Chinese
name must start with a known surname (compound ones first) and end where the sentence does, so
"我是业主", "我是江西人" or "我是来投诉的" give nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.config import NameRules
from bot.understanding.patterns import alternation

_NAME_BREAK = r"[\s\d,.;:!?()，。；：！？、（）…~～]"
_ENGLISH_WORD = r"[A-Za-z][A-Za-z'\-]*"
_LATIN = re.compile("[A-Za-z]")


_TITLED_GROUPS = (
    ("titled", "title"),
    ("clause", "clause_title"),
    ("affirmed", "affirmed_title"),
    ("described", "described_title"),
)


@dataclass(frozen=True, slots=True)
class Person:
    name: str | None = None
    surname: str | None = None
    honorific: str | None = None


class NameFinder:
    """Built once from the name rules; ``find`` runs on every message."""

    def __init__(self, rules: NameRules, insults: Iterable[str] = ()) -> None:
        """``insults``: words never a name ("Mr Bastard", "I'm Mrs Shithead": ``form.abuse_words``);
        a name holding one is no name at all, nor its surname or title."""
        self._insults = tuple(word.lower() for word in insults if word)
        latin = alternation(word for word in self._insults if word.isascii())
        self._latin_insult = re.compile(rf"(?<![a-z])(?:{latin})(?![a-z])") if latin else None
        surname = alternation([*rules.compound_surnames, *rules.surnames])
        given = r"[\u4e00-\u9fff]{1,2}?"
        honorific = alternation(rules.honorifics) or "(?!)"
        self_honorific = alternation([*rules.honorifics, *rules.self_intro_honorifics]) or "(?!)"
        ends = alternation(rules.name_ends)
        self_ends = alternation(rules.self_intro_name_ends)
        name_end = f"(?={_NAME_BREAK}|$|{honorific}" + (f"|{ends})" if ends else ")")
        self_end = f"(?={_NAME_BREAK}|$|{honorific}" + (f"|{self_ends})" if self_ends else ")")
        self._not_names = frozenset(rules.not_names)
        # "我叫欧阳娜娜女士": the honorific right after the name said is the customer's too.
        self._honorific_at = re.compile(honorific)
        self._not_endings = tuple(rules.not_name_endings)
        self._compound = tuple(sorted(rules.compound_surnames, key=len, reverse=True))
        not_endings = alternation(rules.not_name_endings)
        # "我是王女士的儿子" is not 王女士 speaking.
        not_after_title = f"(?!{not_endings})" if not_endings else ""
        name_intros = alternation(rules.name_intros) or "(?!)"
        self_intros = alternation(rules.self_intros) or "(?!)"
        surname_intros = alternation(rules.surname_intros) or "(?!)"
        # "我是业主林美玲": who the customer is may stand between 我是 and the name.
        roles = f"(?:{alternation(rules.self_intro_roles)})?" if rules.self_intro_roles else ""
        clause_start = f"(?:^|(?<={_NAME_BREAK}))"
        clause_end = f"(?={_NAME_BREAK}|$)"
        clause_surname = alternation(rules.clause_surname_intros) or "(?!)"
        clause_self = alternation(rules.clause_self_intros) or "(?!)"
        described = alternation(rules.self_description_ends) or "(?!)"
        spelling = alternation(rules.surname_spellings) or "(?!)"
        familiar = alternation(rules.familiar_prefixes) or "(?!)"
        # "叫我老李就行": the aside asking to be called so ends the clause as a pause would.
        asked_ends = alternation(rules.address_me_ends)
        familiar_end = f"(?={_NAME_BREAK}|$|{asked_ends})" if asked_ends else clause_end
        patterns = (
            rf"(?:{name_intros})[\s:]*(?P<named>(?:{surname})(?!{honorific}){given}){name_end}",
            rf"(?:{self_intros})[\s:]*{roles}(?P<titled>{surname})(?P<title>{self_honorific}){not_after_title}",
            rf"(?:{self_intros})[\s:]*{roles}(?P<self>(?:{surname})(?!{self_honorific}){given}){self_end}",
            rf"(?:{surname_intros})\s*(?P<surname>{surname}){name_end}",
            # "我是老王": a surname said familiarly, a clause of its own.
            rf"(?:{self_intros})[\s:]*(?P<familiar_prefix>{familiar})(?P<familiar>{surname}){familiar_end}",
            # "王女士" opening a message or a clause is the customer naming themselves.
            rf"{clause_start}(?P<clause>{surname})(?P<clause_title>{honorific}){not_after_title}",
            # "电话13912345678，姓张": a clause that is only the surname.
            rf"{clause_start}(?:{clause_surname})(?P<clause_surname>{surname}){clause_end}",
            # "我姓张 弓长张": the surname spelled out by its parts, a clause of its own.
            rf"{clause_start}(?:{spelling})(?P<spelled>{surname}){clause_end}",
            # "不是王先生，是汪先生": the clause that says who it is, not the one denied.
            rf"{clause_start}(?:{clause_self})(?P<affirmed>{surname})(?P<affirmed_title>{honorific}){clause_end}",
            # "我是住在阳光小区3栋的张女士": a description of themselves, ending with who they are.
            rf"(?:{self_intros})[^,.;:!?，。；：！？]{{1,20}}?(?:{described})"
            rf"(?P<described>{surname})(?P<described_title>{self_honorific}){clause_end}",
        )
        self._chinese = re.compile("|".join(f"(?:{pattern})" for pattern in patterns))
        # "楼上漏水好几天了 欧阳娜娜 139…": a compound surname and a given name of one or two characters,
        # a pause of its own with no intro before it (a one-character surname so is as often a word).
        compound = alternation(rules.compound_surnames)
        self._bare = (
            re.compile(
                rf"{clause_start}(?P<name>(?:{compound})[\u4e00-\u9fff]{{1,2}}?)(?P<title>{honorific})?{clause_end}"
            )
            if compound
            else None
        )
        self._chinese_hint = re.compile(
            "|".join(
                alternation(words)
                for words in (
                    rules.name_intros,
                    rules.self_intros,
                    rules.surname_intros,
                    rules.honorifics,
                    rules.clause_surname_intros,
                    rules.surname_spellings,
                )
                if words
            )
            or "(?!)"
        )

        english_honorific = alternation(rules.english_honorifics) or "(?!)"
        english_ends = {word.lower() for word in rules.english_name_ends}
        self._english_ends = english_ends
        named = alternation(rules.english_name_intros) or "(?!)"
        self_named = alternation(rules.english_self_intros) or "(?!)"
        surnamed = alternation(rules.english_surname_intros) or "(?!)"
        self._english_surnamed = re.compile(rf"\b(?:{surnamed})\s*(?P<word>{_ENGLISH_WORD})", re.IGNORECASE)
        self._english_named = re.compile(
            rf"\b(?:{named})\s*(?:(?P<title>{english_honorific})\.?\s+)?(?P<words>{_ENGLISH_WORD}(?:\s+{_ENGLISH_WORD}){{0,2}})",
            re.IGNORECASE,
        )
        self._english_titled = re.compile(
            rf"(?:\b(?:{self_named})\s+|^\s*)(?P<title>{english_honorific})\.?\s+(?P<words>{_ENGLISH_WORD}(?:\s+{_ENGLISH_WORD})?)",
            re.IGNORECASE,
        )
        # "This is Emily Chen, …": after a self intro, two or three capitalised words that end the clause.
        capitalised = r"[A-Z][a-z'\-]+"
        self._english_self_named = re.compile(
            rf"\b(?i:{self_named})\s+(?P<words>{capitalised}(?:\s+{capitalised}){{1,2}})(?=\s*(?:[,.;:!?]|$))"
        )
        self._english_not_names = frozenset(word.lower() for word in rules.english_not_name_words)
        self._english_titles = {title.lower(): title for title in rules.english_honorifics}
        self._pinyin_surnames = frozenset(surname.lower() for surname in rules.pinyin_surnames)

    def find(self, text: str, typed: str | None = None) -> Person:
        """What the text says about the customer's name; fields it does not give are ``None``.

        ``typed``: the same text before conversion to simplified Chinese, character for character;
        names and surnames are taken from it, as the customer wrote them.
        """
        source = typed if typed is not None and len(typed) == len(text) else text
        person = self._find_chinese(text, source) if self._chinese_hint.search(text) else Person()
        if person == Person() and _LATIN.search(text):
            person = self._find_english(text)
        return Person() if self._insulting(person) else person

    def bare(self, text: str, typed: str | None = None) -> tuple[Person, str] | None:
        """A pause of ``text`` that is only a name of a compound surname ("电梯坏了 欧阳明月", "欧阳娜娜女士"), as
        :meth:`find`'s ``typed`` has it, with that pause as in ``text``; None when there is none. Whether
        the pause is a name and not words the rules read ("西门坏了") is the caller's to tell."""
        if self._bare is None:
            return None
        source = typed if typed is not None and len(typed) == len(text) else text
        for found in self._bare.finditer(text):
            name = found.group("name")
            if not self._plausible(name):
                continue
            start, end = found.span("name")
            person = Person(source[start:end], source[start : start + len(self._surname_of(name))], found["title"])
            return None if self._insulting(person) else (person, name)
        return None

    def _insulting(self, person: Person) -> bool:
        """The name or surname found is an insult ("Mr Bastard", "Mrs Shithead"): no name."""
        said = " ".join(part for part in (person.name, person.surname) if part).lower()
        if not said or not self._insults:
            return False
        if self._latin_insult is not None and self._latin_insult.search(said):
            return True
        return any(word in said for word in self._insults if not word.isascii())

    def _find_chinese(self, text: str, source: str) -> Person:
        name = surname = honorific = None
        for match in self._chinese.finditer(text):
            group = "named" if match.group("named") else "self"
            full = match.group(group)
            if full is not None and name is None and self._plausible(full):
                start = match.start(group)
                name = source[start : match.end(group)]
                surname = surname or source[start : start + len(self._surname_of(full))]
                said_after = self._honorific_at.match(text, match.end(group))
                if honorific is None and said_after is not None:
                    honorific = said_after.group()
            for group, title_group in _TITLED_GROUPS:
                title = match.group(title_group)
                if match.group(group) is not None and title is not None:
                    surname = surname or source[match.start(group) : match.end(group)]
                    honorific = honorific or title
            for group in ("surname", "clause_surname", "spelled"):
                if match.group(group) is not None:
                    surname = surname or source[match.start(group) : match.end(group)]
            familiar = match.group("familiar")
            if familiar is not None and self._plausible(match.group("familiar_prefix") + familiar):
                surname = surname or source[match.start("familiar") : match.end("familiar")]
        return Person(name, surname, honorific)

    def _plausible(self, name: str) -> bool:
        return name not in self._not_names and not name.endswith(self._not_endings)

    def _surname_of(self, name: str) -> str:
        for compound in self._compound:
            if name.startswith(compound) and len(name) > len(compound):
                return compound
        return name[0]

    def _find_english(self, text: str) -> Person:
        match = self._english_surnamed.search(text)
        if match is not None and (words := self._name_words(match.group("word"))):
            return Person(surname=words[0])
        match = self._english_named.search(text)
        if match is not None:
            words = self._name_words(match.group("words"))
            if words:
                title = match.group("title")
                return Person(
                    name=" ".join(words),
                    surname=self._english_surname(words, titled=bool(title)),
                    honorific=self._english_titles[title.lower()] if title else None,
                )
        match = self._english_titled.search(text)
        if match is not None:
            words = self._name_words(match.group("words"))
            if words:
                return Person(surname=words[-1], honorific=self._english_titles[match.group("title").lower()])
        match = self._english_self_named.search(text)
        if match is not None:
            words = match.group("words").split()
            if not any(word.lower() in self._english_not_names for word in words):
                return Person(name=" ".join(words), surname=self._english_surname(words, titled=False))
        return Person()

    def _english_surname(self, words: list[str], titled: bool) -> str | None:
        """The last word ("John Smith"), or the first when it is a Chinese surname in pinyin ("Li Na")."""
        if len(words) > 1 and words[0].lower() in self._pinyin_surnames:
            return words[0]
        return words[-1] if len(words) > 1 or titled else None

    def _name_words(self, words: str) -> list[str]:
        kept: list[str] = []
        for word in words.split():
            if word.lower() in self._english_ends:
                break
            kept.append(word[:1].upper() + word[1:])
        return kept
