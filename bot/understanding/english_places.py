"""An address written in English ("88 Jianguo Road", "Sunshine Garden building 5").

Capitalised words ending with a street word (Road, Street…), with the house number before them, or
with an estate word (Garden, Estate…) and the building, block or unit numbers after or before them. Every
word list is ``config/gazetteer.yaml``; the district stays the Chinese finder's (pinyin names are
not in the gazetteer).
"""

from __future__ import annotations

import re

from bot.config import Gazetteer
from bot.understanding.patterns import alternation

# A pinyin name may carry an apostrophe ("Xi'an Road"); a contraction is not a name ("It's").
_SPACE_BEFORE_COMMA = re.compile(r"\s+,")
_CAPITALISED = r"(?![A-Za-z]+'(?:s|m|re|ll|ve|d|t)\b)[A-Z][a-z'\-]+"
# Python's ``re`` tries a pattern again from every word: an unbounded run of units ("rm 1 rm 1 …")
# read again from each of its units costs the square of its length, and a 20,000-character message
# froze the server. No address has more units than this (flat, floor, block, tower, building, phase),
# so a try reads at most this many, and a search costs time in proportion to the text.
_MOST_UNITS = 6
_PHONE_NEXT = r"\s+\+?\d[\d \-]{6,}\d"
"""A phone right after a place ("Toa Payoh Lor 4 9123 4567"): a number a bare building's few digits never are."""
_FLAT_AFTER = rf"(?:\s+\d{{1,4}}[A-Za-z](?![A-Za-z0-9'/\-])|\s+\d{{1,4}}(?=\s*(?:$|[,.;:!?()#])|{_PHONE_NEXT}))?"
"""A floor and flat typed after the estate named after its block ("Tower 3 The Belcher's 22A"): a number
with its flat's letter, or a bare number of a few digits ending the clause or before a phone (never a
phone's eight); or
the street's number before Singapore's unit ("Blk 312 Clementi Ave 4 #10-221")."""
_HASH_UNIT = r"(?:,?\s*#\d{1,3}-\d{1,5}[A-Za-z]?(?![\w-]))?"
"""Singapore's floor and unit after the street ("Clementi Ave 4 #10-221"): a hash, the floor, a hyphen, the unit."""
_UNITS_BEFORE_CHARS = 120
"""How far before a place its English flat, floor and block are looked for ("Flat 3A, 8/F, Block 1, of")."""


class EnglishPlaceFinder:
    """Built once from the gazetteer; ``find`` runs on messages with Latin letters."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        streets = alternation(gazetteer.english_street_words)
        estates = alternation(gazetteer.english_estate_words)
        units = alternation(gazetteer.english_unit_words)
        one_unit = _one_unit(gazetteer)
        # "Sunshine Garden , Block 3 , Flat 12 B": a comma may have a space before it.
        # Spaces split one way only ("\s*,?\s+" splits a run of spaces every way, at every unit).
        unit = rf"(?:(?:\s*,)?\s+{one_unit})" if units else "(?!)"
        units_after = rf"{unit}{{0,{_MOST_UNITS}}}"
        # Written smallest first too ("Room 1203, Building 5, Sunshine Garden").
        joiners = alternation(gazetteer.english_unit_joiners)
        # "building 3 of Sunshine Garden".
        joined = rf"(?:\s+(?i:{joiners}))?" if joiners else ""
        units_before = rf"(?:{one_unit}{joined},?\s+){{0,{_MOST_UNITS}}}" if units else ""
        not_names = alternation(gazetteer.english_not_place_words)
        word = rf"(?!(?:{not_names})\b){_CAPITALISED}" if not_names else _CAPITALISED
        names = rf"(?:{word}\s+){{1,3}}"
        # ", North Point": a district after a street, capitalised words ending the clause or before a phone.
        district = rf"(?:,\s*{word}(?:\s+{word}){{0,2}}(?=\s*(?:$|[,.;:!?()])|{_PHONE_NEXT}))?"
        # "The Sail @ Marina Bay": the estate at the area it stands in, as Singapore names them.
        at_area = rf"(?:\s*@\s*{word}(?:\s+{word}){{0,2}}\b)?"
        patterns = []
        # "Sunshine Garden 3": a bare building number, when a unit or the clause's end follows it
        # ("Sunshine Garden 3 times" counts something).
        unit_next = rf"|(?i:{units})\b" if units else ""
        if streets:
            # "Jurong West St 41 #05-67", "Clementi Ave 4": a street numbered after its word, as Singapore
            # numbers them, ending the clause or before the unit.
            numbered = rf"(?:\s+\d{{1,2}}[A-Za-z]?(?=\s*(?:$|[,.;:!?()#]{unit_next})|{_PHONE_NEXT}))?"
            # "Flat 7C, 22 Kings Road, North Point": the flat before the street, and the district after it
            # in capitalised words to the clause's end.
            patterns.append(
                rf"{units_before}(?:\d+[A-Za-z]?\s+)?{names}(?:{streets})\b\.?{numbered}{_HASH_UNIT}{units_after}"
                rf"{district}"
            )
        parts = alternation(gazetteer.english_estate_parts)
        # "Sunshine Garden clubhouse", "Sunshine Garden north gate".
        part = rf"(?:\s+(?i:{parts})\b)?" if parts else ""
        bare = rf"(?:\s+\d+[A-Za-z]?(?=\s*(?:$|[,.;:!?()]{unit_next})))?"
        if estates:
            if parts and joiners:
                # "the north gate of Sunshine Garden": the part first, then the estate it is of.
                patterns.append(rf"(?i:{parts})\s+(?i:{joiners})\s+{names}(?:{estates})\b{bare}{units_after}")
                # "east gate of Bishuiwan": a part of an estate named in pinyin, with no estate word.
                patterns.append(rf"(?i:{parts})\s+(?i:{joiners})\s+(?:{word}\s+){{0,2}}{word}\b")
            blocks = alternation(gazetteer.english_block_words)
            if blocks:
                # "Flat 2A, 3/F, Kam Sing Mansion, Taikoo Shing": a block named as a building of an
                # estate, and the estate after it in capitalised words to the clause's end.
                patterns.append(
                    rf"{units_before}{names}(?:{blocks})\b,?\s+{word}(?:\s+{word}){{0,2}}"
                    r"(?=\s*(?:$|[,.;:!?()]|\+?\d))"
                )
            patterns.append(rf"{units_before}{names}(?:{estates})\b{part}{bare}{units_after}")
        if units:
            # "Flat 5C, Block 2, Taikoo Shing", "unit 2301 The Harbourside": an estate named by its
            # capitalised words alone, after the flat, floor and block ("Tower 3 The Belcher's 22A": and
            # the floor and flat typed after it).
            patterns.append(
                rf"{one_unit}{units_after},?\s+(?:(?i:the)\s+)?{word}(?:\s+{word}){{0,3}}\b{at_area}{_FLAT_AFTER}"
                rf"{_HASH_UNIT}"
            )
            # "Taikoo Shing Block 5 9123 4567": or before them, when the clause or a phone follows them
            # ("Kornhill, Block B, 15/F, Flat 12A": a comma after the name too).
            named_first = rf"(?:{word}\s+){{0,2}}{word},?\s+"
            patterns.append(rf"{named_first}{one_unit}{units_after}(?=\s*(?:$|[,.;:!?()]|\+?\d))")
        self._pattern = re.compile(rf"\b(?:{'|'.join(patterns)})") if patterns else None
        # "…, 5th floor", "… #1502", "Sunshine Garden 3 502": the floor, flat or building and flat typed on
        # after the place, to the clause's end or a phone, are part of it.
        flat = r"#\s?\d{1,5}[A-Za-z]?(?![\w/-])"
        building_and_flat = r"\d{1,3}(?:\s|\s?[-/]\s?)\d{1,4}[A-Za-z]?(?![\w/-])"
        self._parts_after = re.compile(
            rf"(?:(?:\s*,)?\s*(?:{one_unit}|{flat})|\s+{building_and_flat}){{1,{_MOST_UNITS}}}"
            rf"(?=\s*(?:$|[,.;:!?()])|{_PHONE_NEXT})"
        )
        # "Taikoo Shing, Kam Sing Mansion 15/F": the estate's capitalised words before the named block,
        # when they open the message.
        self._estate_first = re.compile(rf"{word}(?:\s+{word}){{0,2}},\s*$")
        # "Tower 5 of 海逸豪园", "flat 3A, block 2, 海逸豪园": units typed before a place in Chinese.
        self._units_before = (
            re.compile(rf"(?<![A-Za-z])(?:{one_unit}{joined}\s*,?\s*){{1,{_MOST_UNITS}}}$") if units else None
        )
        # One capitalised word before a match: the estate's name goes on ("Taikoo Shing Kam Sing Mansion").
        self._name_word = re.compile(word)
        # Written in lower case after "i live" and with its unit ("i live sunshine garden block 2").
        triggers = alternation(gazetteer.english_address_triggers)
        lower_word = rf"(?!(?i:{not_names})\b)[a-z][a-z'\-]*" if not_names else r"[a-z][a-z'\-]*"
        self._lower_case = (
            re.compile(
                rf"\b(?i:{triggers})\s+(?P<place>(?:{lower_word}\s+){{1,3}}?(?i:{estates})\b{unit}{{1,{_MOST_UNITS}}})"
            )
            if triggers and estates and units
            else None
        )
        # "my address is flat 3A tower 1 city one shatin": the units first, then the estate's words to
        # the clause's end.
        self._lower_after_units = (
            re.compile(
                rf"\b(?i:{triggers})[\s:]+(?P<place>{one_unit}{units_after},?\s+(?:{lower_word}\s+){{0,3}}{lower_word})"
                r"(?=\s*(?:$|[,.;!?]))"
            )
            if triggers and units
            else None
        )

        # "unit 2301 the harbourside", "rm 1502 tower 3 the belcher's, water leaking": after the flat
        # and block, "the" and the estate's words in any case, to the clause's end or what starts
        # another (a phone, a word no estate is named with), none of them such a word.
        not_estate = alternation(gazetteer.english_not_estate_words)
        any_case = rf"(?!(?i:{not_estate})\b)[A-Za-z][A-Za-z'\-]*" if not_estate else r"[A-Za-z][A-Za-z'\-]*"
        # "tower 3 lohas park broken since 2 days": or the estate's words in any case up to an estate word.
        named = rf"|(?:(?i:the)\s+)?(?:{any_case}\s+){{1,3}}(?i:{estates})\b" if estates else ""
        self._lower_estate = (
            re.compile(
                rf"\b{one_unit}{units_after},?\s+(?:(?i:the)\s+{any_case}(?:\s+{any_case}){{0,2}}"
                rf"(?=\s*(?:$|[,.;:!?()]|\+?\d)|\s+(?i:{not_estate})\b){named}){_FLAT_AFTER}"
            )
            if units
            else None
        )

    def with_units_before(self, text: str, address: str) -> str:
        """``address`` (a place the Chinese finder read) with the flat, floor or block typed in
        English right before it ("Tower 5 of 海逸豪园"), as written; ``address`` alone without them."""
        at = text.find(address)
        if at <= 0 or self._units_before is None:
            return address
        # Only the text just before it: looked for from every start of a long text, the units'
        # pattern would cost the square of its length.
        start = max(0, at - _UNITS_BEFORE_CHARS)
        found = self._units_before.search(text[start:at])
        return address if found is None else _tidy(text[start + found.start() : at] + address)

    def find(self, text: str) -> str | None:
        """The first English address in ``text``, as written, or ``None``."""
        if self._pattern is None:
            return None
        match = self._pattern.search(text)
        if match is not None:
            start = self._name_start(text, match.start())
            return _tidy(text[self._estate_start(text, start) : self._parts_end(text, match.end())])
        for finder in (self._lower_case, self._lower_after_units):
            lower = finder.search(text) if finder is not None else None
            if lower is not None:
                return _tidy(lower.group("place"))
        estate = self._lower_estate.search(text) if self._lower_estate is not None else None
        return _tidy(text[estate.start() : self._parts_end(text, estate.end())]) if estate is not None else None

    def _parts_end(self, text: str, end: int) -> int:
        """Where the place ending at ``end`` ends with the floor, flat or building typed on after it
        ("block 3 sunshine garden, 5th floor", "Sunshine Garden bldg 2 #1502")."""
        after = self._parts_after.match(text, end)
        return after.end() if after is not None else end

    def _estate_start(self, text: str, start: int) -> int:
        """Where the place starting at ``start`` starts with the estate's capitalised words opening the
        message before a comma ("Taikoo Shing, Kam Sing Mansion 15/F flat B")."""
        if not start:
            return start
        before = self._estate_first.match(text, 0, start)
        return 0 if before is not None and before.end() == start else start

    def _name_start(self, text: str, start: int) -> int:
        """Where the place starting at ``start`` starts with the capitalised words right before it,
        however many: an estate named in more words than the patterns count is taken whole."""
        while True:
            name_end = start
            while name_end and text[name_end - 1] == " ":
                name_end -= 1
            if name_end == start:
                return start
            name_start = text.rfind(" ", 0, name_end) + 1
            if not self._name_word.fullmatch(text, name_start, name_end):
                return start
            start = name_start


def _one_unit(gazetteer: Gazetteer) -> str:
    """One flat, room, block or floor, as a regex: "Flat 12B", "rm 1502", "tower 3", "12/F", "8th floor"."""
    units = alternation(gazetteer.english_unit_words)
    # A unit's number, with its letter ("12B", "12 B"), or its letter alone ("Block B").
    # Singapore's floor and unit ("Unit 12-05").
    number = r"(?:\d{1,3}-\d{1,5}[A-Za-z]?\b|\d+(?:[A-Za-z]\b|\s[A-Z]\b)?|[A-Z]\b)"
    floors = alternation(gazetteer.english_floor_words)
    grounds = alternation(gazetteer.english_ground_floors)
    level = rf"(?:\d+(?i:st|nd|rd|th)?|{grounds})" if grounds else r"(?:\d+(?i:st|nd|rd|th)?)"
    # "12/F", "8th floor", "G/F", "floor 8".
    floor = rf"(?:{level}\s*(?i:{floors})\.?(?![A-Za-z])|(?i:{floors})\s*\d+\b)" if floors else "(?!)"
    if not units:
        return floor
    # A Chinese address put in English word by word: "No. 5 Building" (5号楼), "Building No. 5".
    numbered = rf"(?i:no)\.?\s*{number}\s+(?i:{units})\b|(?i:{units})\s+(?i:no)\.\s*{number}"
    return rf"(?:{numbered}|(?i:{units})\.?\s*{number}|{floor})"


def english_parts(gazetteer: Gazetteer) -> re.Pattern[str]:
    """One flat, room, block or floor written in English ("Flat 12B", "rm 1502", "15/F"), its
    unit word (none for a floor) in the group ``unit``."""
    units = alternation(gazetteer.english_unit_words)
    unit_word = rf"(?P<unit>(?i:{units}))\.?\s*" if units else "(?!)"
    one_unit = _one_unit(gazetteer)
    return re.compile(rf"(?<![\w/])(?:(?={unit_word}){one_unit}|{one_unit})(?![\w/])")


def _tidy(place: str) -> str:
    """Without a dot at its end or the space before a comma ("Sunshine Garden , Block 3")."""
    return _SPACE_BEFORE_COMMA.sub(",", place.rstrip("."))
