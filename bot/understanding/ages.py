"""Ages said in a message ("我妈78岁了", "老人家八十多岁", "my father is 82 years old"): an
elderly person concerned is the ``elder`` signal, whose complaints the queue rules move up
(长者优先, seed 002). The keywords catch "八十多岁"; this reads any age written out.

The text must already be NFKC-normalised and simplified (digits are ASCII)."""

from __future__ import annotations

import re

from bot.config import ElderAges
from bot.understanding.patterns import alternation

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_NUMBER = r"[零〇一二两三四五六七八九十百]{1,5}"


def chinese_number(text: str) -> int | None:
    """一百零二 → 102, 七十八 → 78, 九十 → 90, 十五 → 15, 七八 → None (a range, not a number)."""
    total, digit = 0, None
    for char in text:
        if char == "百":
            total += (digit if digit is not None else 1) * 100
            digit = None
        elif char == "十":
            total += (digit if digit is not None else 1) * 10
            digit = None
        elif char in "零〇" and total:
            continue  # 一百零二: a place skipped
        elif digit is not None:
            return None
        else:
            digit = _DIGITS[char]
    return total + (digit or 0)


class AgeReader:
    """Whether a message says someone concerned is at least ``ElderAges.from_age`` years old."""

    def __init__(self, rules: ElderAges) -> None:
        self._from_age = rules.from_age
        units = alternation(rules.units)
        number = rf"(?<![\d.])(?:(?P<digits>\d{{2,3}})|(?P<chinese>{_CHINESE_NUMBER}))"
        # 八十多岁, 八十几岁: at least the tens said; "80yo", "80-year-old", but not "80 yoga".
        self._age = re.compile(rf"{number}[多几]?[\s-]*(?:{units})(?![A-Za-z])", re.IGNORECASE) if units else None
        relatives = alternation(rules.relatives)
        self._relative_age = (
            re.compile(rf"(?:{relatives})(?:今年|已经|都|也)*\s*{number}[多几]?\s*(?:了|啦)") if relatives else None
        )
        told_of, links, not_ages = (alternation(words) for words in (rules.told_of, rules.told_links, rules.not_ages))
        number_ends = r"(?![\d%]|[.,:/]\d)"  # "80,000", "80.5", "80%": no age
        after = rf"{number_ends}(?!\s*(?:{not_ages})(?![A-Za-z]))" if not_ages else number_ends
        # "my mum is 80 and cant walk stairs": an age told in English without a unit.
        self._told_age = (
            re.compile(
                rf"(?<![A-Za-z])(?:{told_of})(?:\s*(?:{links}))*\s+(?P<digits>\d{{2,3}}){after}",
                re.IGNORECASE,
            )
            if told_of and links
            else None
        )

    def says_elder(self, text: str) -> bool:
        for pattern in (self._age, self._relative_age, self._told_age):
            if pattern is not None and self._says_elder_by(pattern, text):
                return True
        return False

    def _says_elder_by(self, pattern: re.Pattern[str], text: str) -> bool:
        for match in pattern.finditer(text):
            digits, chinese = match.group("digits"), match.groupdict().get("chinese")
            age = int(digits) if digits else chinese_number(chinese or "")
            if age is not None and self._from_age <= age <= 120:
                return True
        return False
