"""Which one the customer is, said without the surname at the restatement ("不对 我是女的", "我是女士",
"是女的不是先生", "I'm a woman, Ms not Mr"): the title they are addressed by is put right (王先生 → 王女士)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import NameRules, ServiceConfig
from bot.understanding.patterns import alternation

_GAP = r"[\s,，。.!！、~～]*"
_PARTICLES = r"(?:啊|呀|哦|啦|呢|嘛|的)?"


@dataclass(frozen=True, slots=True)
class TitleWords:
    """``names.yaml`` ``female_words``/``male_words`` and the words around them, compiled once."""

    whole: re.Pattern[str] | None
    """A message of nothing but an opener and words for which one the customer is, each perhaps denied."""
    unit: re.Pattern[str] | None
    """One such word, its denial or self intro before it."""
    sex_of: dict[str, str]
    """Each word (folded) → ``"female"`` or ``"male"``."""
    names: NameRules

    @classmethod
    def from_config(cls, config: ServiceConfig) -> TitleWords:
        names = config.names
        sex_of = {word.lower(): "female" for word in names.female_words}
        sex_of |= {word.lower(): "male" for word in names.male_words}
        if not sex_of:
            return cls(None, None, {}, names)
        words = alternation(sex_of)
        intros = alternation(word.lower() for word in names.title_intros) or "(?!)"
        denials = alternation(word.lower() for word in names.title_denials) or "(?!)"
        openers = alternation(word.lower() for word in names.title_openers) or "(?!)"
        # An English word whole ("man" is not inside "woman" nor "manager").
        word = rf"(?<![a-z])(?P<word>{words})(?![a-z])"
        unit = rf"(?:(?P<denial>{denials})\s*(?:(?:{intros})\s+)?|(?:(?:{intros})\s*)+)?{word}{_PARTICLES}"
        plain = unit.replace("?P<denial>", "").replace("?P<word>", "")
        whole = rf"\s*(?:(?:{openers}){_GAP})?{plain}(?:{_GAP}{plain})*{_GAP}"
        return cls(re.compile(whole), re.compile(unit), sex_of, names)

    def title(self, said: str, surname: str, known: str | None) -> str | None:
        """The title ``said`` (matchable: folded, lower case) puts in place of ``known`` for
        ``surname``: the word said when it is an honorific of the known one's language and sex,
        else the first of that sex in that language; None when the message says no such thing,
        both or the title known already."""
        if self.whole is None or self.unit is None or self.whole.fullmatch(said) is None:
            return None
        affirmed: set[str] = set()
        denied: set[str] = set()
        for match in self.unit.finditer(said):
            (denied if match.group("denial") else affirmed).add(match.group("word"))
        sexes = {self.sex_of[word] for word in affirmed}
        if not sexes:
            sexes = {"female", "male"} - {self.sex_of[word] for word in denied}
        if len(sexes) != 1:
            return None
        sex = sexes.pop()
        names = self.names
        english = known in names.english_honorifics if known else surname.isascii()
        language = names.english_honorifics if english else names.honorifics
        of_sex = names.female_honorifics if sex == "female" else names.male_honorifics
        titles = [title for title in of_sex if title in language]
        told = next((title for title in titles for word in affirmed if title.lower() == word), None)
        title = told or (titles[0] if titles else None)
        if title is None or known in of_sex:
            return None
        return title
