"""A customer's address and district in free text, from the gazetteer and an address parser.

The text must already be NFKC-normalised and simplified. An address starts at a place we know: a
gazetteer name (district, street, estate, the service city), an administrative division the
parser found, or the words after "住在"/"地址是". It then runs over the parts that follow, each
some characters ending with an address suffix (路, 号楼, 单元…), and stops at the first character
that cannot be in a place name, so "我刚才说了，海淀区中关村大街的自来水有异味" gives "海淀区中关村大街".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.config import Gazetteer
from bot.understanding.patterns import alternation
from bot.understanding.word_pattern import words_pattern

_LEADING_WINDOW = 16
"""How far before a known place a division that belongs to its address may start (吉林省长春市)."""
_LATIN_NAME_WORDS = 4
_LATIN_NAME_WINDOW = 48
"""An estate's name in Latin letters before its building number ("Central Park 3栋"): at most
this many words, starting at most this many characters before the number."""
_CORRECTION_WINDOW = 32
"""How far before an address a correction cue is looked for: the cue, a short clause, "是"."""
_STRIPPED = " \t,.;:!?，。；：！？、…~～·"
_PUNCTUATION = r"\s,.;:!?()\[\]{}<>\"'，。；：！？、（）【】《》“”‘’…~～·|/\\"


_ROOM_DIGITS = 6
"""The most digits a bare room or house number has; eleven are a phone."""
_PHONE_DIGITS = 10
"""A dashed number with this many digits is a phone ("133-5555-0004"), not a room ("5-2-1201")."""
_SPACED_PHONE = r"(?:1[3-9](?:[ \t-]?\d){9}|[4-9]\d{3}[ \t-]\d{4})(?![ \t-]?\d)"
"""A mobile typed in groups after a place: its digits are never the place's room or house number."""
_HAN_NUMERALS = "〇零一二三四五六七八九十百两"
_HAN_BUILDING_NUMBER = "(?:[二三四五六七八九]十[一二三四五六七八九]?|十[一二三四五六七八九]?|[二三四五六七八九])"
"""A building numbered in Chinese, 二 to 九十九 ("一栋", "两座" count buildings more often)."""
DASHED_FLAT = re.compile(r"(?<![\d\-])\d{1,3}-\d{1,2}-(?!(?:19|20)\d\d(?![\d\-]))\d{3,4}(?![\d\-])")
"""A building, its unit and the flat written with dashes ("3-2-1201"); never a year's date ("12-01-2024")."""
_BUILDING_AFTER_WINDOW = 12
"""How far after an estate without a building the building may be said ("翠湖花园 几栋我想想 12栋")."""
_BRAND_NAME_CHARS = 6
"""The most characters of the name a developer's brand gives an estate ("万达世纪城", "越秀星汇云城")."""
_BARE_NAME_CHARS = (2, 6)
"""The fewest and most characters of an estate's name without an estate word, written right before
its building number ("锦绣江南6栋", "蓝湾半岛3号楼") or, after a district, its house number
("福田区香蜜湖一号")."""
_TRAILING_NAME_CHARS = (4, 4)
"""The fewest and most characters of an estate's name with no estate word, said as the last pause of
a message after its problem ("…坏了好久了 翠湖天地"): fewer are too often a person's name or a word, more
a phrase ("天天黑着脸")."""
_COMMON_WORD = 100
"""A word this frequent in jieba's dictionary is an everyday word ("国庆" 131, "天地" 1989); rarer ones
("中海" 136 aside) and those it does not list are a name's ("翠湖", "丹堤")."""
_NUMERALS = frozenset("〇零一二三四五六七八九十百千两几")
"""A name said after the problem with a numeral in it tells a time or a count ("上午十点", "周末两天")."""
_TRAILING_NAME_WINDOW = 40
"""How far from a message's end such a name, and the phone after it, are looked for."""
_BUILDING_NAME_CHARS = 4
"""The most characters of a named building's name before its ending ("金星阁", "海景轩")."""
_MOST_OPENERS = 4
"""The most words opening an answer before an estate's name ("嗯 不好意思 应该是 阳光花园"): tried
again after every space, an unbounded run of them ("嗯 嗯 嗯 …") would be read again from each of its
words, the square of its length."""
_PROBLEM_CUE_GAP = 4
"""Characters that may come between a word saying where the problem is and the place ("问题在隔壁金地广场")."""
_AFTER_A_PHONE = re.compile(r"(?<!\d)(?:\d[\-]?){10,}\d[ \t,，、]+$")
"""A phone typed just before: "13899990000 保利天悦" names the estate as "住" would."""
_PHONE_WINDOW = 24
_ROOM_AT_END = re.compile(r"(?<![\d\-])(?P<room>\d{3,4})(?:室|号)?$")
"""A room number ending an address ("4栋302", "2单元1302室")."""
_ROOM_AFTER_A_PART = re.compile(r"[ \t]?\d{3,4}(?:室)?(?![\d年月日天号点时分次个])")
"""A flat's number after a part of its building ("1号楼顶楼 1801")."""
_FLAT_LETTER = re.compile(r"[A-Za-z](?![A-Za-z0-9])(?![ \t]+[A-Za-z])")
"""A flat's letter right after its floor, with no 室 ("12座20楼C", "8楼A 冷气机滴水"); not a word of
English ("8楼a lot of noise")."""
_CLAUSE_END = re.compile(rf"$|[{_PUNCTUATION}]")
_A_PAUSE = re.compile(rf"[{_PUNCTUATION}]")
_SAID_AGAIN = re.compile(r"(?<![0-9A-Za-z\u4e00-\u9fff])([0-9A-Za-z]*[\u4e00-\u9fff]+)[ \t]+(?=\1)")
"""A part ending in Chinese ("5栋") typed again after a space as the start of what follows ("5栋1202")."""
_SPACE_INSIDE = re.compile(
    r"(?:(?<=[\u4e00-\u9fff])|(?<=(?<![A-Za-z])[0-9]))\s+(?=[\u4e00-\u9fff0-9]|[A-Za-z][\u4e00-\u9fff])"
)


def tidy_place(place: str) -> str:
    """A place without the spaces typed between its Chinese characters and digits ("建国路 88 号
    6 栋" is 建国路88号6栋; a full-width space is a space once folded) and before a flat's letter
    ("15楼 B室"); "Central Park 3栋" and "地库 B2-117车位" keep theirs. A part said and then said
    again with more after it ("5栋 5栋1202") is said once (5栋1202)."""
    return _SPACE_INSIDE.sub("", _SAID_AGAIN.sub("", place))


@dataclass(frozen=True, slots=True)
class Division:
    """An administrative division mentioned in the text, as the parser understood it."""

    name: str
    """The official name (杭州市, 西湖区)."""
    start: int
    end: int
    """Where the words stand in the text (杭州 for 杭州市)."""
    county: bool
    """County level (区, 县, county-level 市): the level the district slot holds."""


class DivisionFinder(Protocol):
    """An address parser: the administrative divisions a text mentions, with their positions."""

    def find(self, text: str) -> Sequence[Division]: ...


class _Kind(Enum):
    CITY = "city"
    DISTRICT = "district"
    PLACE = "place"
    DIVISION = "division"
    TRIGGER = "trigger"
    ESTATE = "estate"
    BRAND = "brand"
    BUILDING = "building"


_ESTATE_KINDS = frozenset({_Kind.PLACE, _Kind.BRAND, _Kind.ESTATE})
_DIVISION_KINDS = frozenset({_Kind.CITY, _Kind.DISTRICT, _Kind.DIVISION})


@dataclass(frozen=True, slots=True)
class _Anchor:
    start: int
    end: int
    kind: _Kind
    district: str | None


class _Overlaps:
    """Which anchors a span overlaps, of many (a long message has thousands): anchors are a few
    characters long, so only those starting shortly before the span are compared."""

    def __init__(self, anchors: Iterable[_Anchor]) -> None:
        self._anchors = sorted(anchors, key=lambda anchor: anchor.start)
        self._starts = [anchor.start for anchor in self._anchors]
        self._longest = max((anchor.end - anchor.start for anchor in self._anchors), default=0)

    def any(self, start: int, end: int) -> bool:
        """Some anchor overlaps ``start``-``end`` (one of no width, strictly inside it)."""
        first = bisect.bisect_left(self._starts, start - self._longest)
        last = bisect.bisect_left(self._starts, end)
        return any(start < anchor.end for anchor in self._anchors[first:last])


_LONGEST_BUILDING = 8
"""More characters than a numbered building takes ("1234 号楼")."""


class _BuildingsSeen:
    """Whether the last span holds a numbered building, read once: a span growing as places typed on
    join it ("望京SOHO T3 12层 望京SOHO …") is read only where it grew, never again from its start."""

    def __init__(self, building: re.Pattern[str] | None) -> None:
        self._building = building
        self._start, self._read_to, self._found = -1, -1, False

    def inside(self, text: str, span: tuple[int, int]) -> bool:
        if self._building is None:
            return False
        start, end = span
        if start != self._start:
            self._start, self._read_to, self._found = start, start, False
        if not self._found and self._read_to < end:
            since = max(start, self._read_to - _LONGEST_BUILDING)
            self._found = self._building.search(text, since, end) is not None
            self._read_to = end
        return self._found


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """``position`` is strictly inside one of ``spans`` (apart from one another, in order)."""
    index = bisect.bisect_left(spans, (position,)) - 1
    return index >= 0 and position < spans[index][1]


@dataclass(frozen=True, slots=True)
class Place:
    address: str | None
    district: str | None
    district_said: bool = False
    """The customer said the district (海淀区, 海淀, 长安区); False when it is only the district of
    an estate or street the gazetteer lists ("和平里小区11号楼" is in 东城区 without saying so)."""
    region: str | None = None
    """The province and city written before the district or the address, as written ("广东省深圳市" of
    广东省深圳市南山区粤海街道…): part of the place said, in neither slot."""
    district_words: str | None = None
    """The district said otherwise than by its name, as written ("海淀" for 海淀区, "浦东" for 浦东新区)."""


class PlaceFinder:
    """Built once from the gazetteer; ``find`` runs on every message."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        divisions: DivisionFinder | None,
        problem_words: Iterable[str] = (),
        said_words: Iterable[str] = (),
        common_words: Mapping[str, int] | None = None,
    ) -> None:
        """``problem_words``: the words telling a problem, never in an estate's name; ``said_words``:
        every word the rules read; ``common_words``: jieba's dictionary (word → frequency), which tells a
        name from everyday words ("翠湖天地" from "天天如此"); without it no estate is taken from a name
        with no estate word said after the problem (``_trailing_name``)."""
        self._common_words = common_words
        self._divisions = divisions
        self._known: dict[str, tuple[_Kind, str | None]] = {}
        for name in (gazetteer.city, *gazetteer.city_aliases):
            self._known[name] = (_Kind.CITY, None)
        for district in gazetteer.districts:
            for name in (district.name, *district.aliases):
                self._known[name] = (_Kind.DISTRICT, district.name)
            for name in (*district.streets, *district.estates):
                self._known[name] = (_Kind.PLACE, district.name)
        known = alternation(self._known)
        self._known_re = re.compile(known) if known else None

        stop = re.escape(gazetteer.address_stop_chars) if gazetteer.address_stop_chars else ""
        body = rf"(?:(?![{stop}])[\u4e00-\u9fff0-9A-Za-z#\-])" if stop else r"[\u4e00-\u9fff0-9A-Za-z#\-]"
        suffix = alternation(gazetteer.address_suffixes)
        parts = []
        if known:
            parts.append(known)
        # A place part ends with a place suffix, and may take more of them ("梨园镇", "后沙峪镇").
        parts.append(rf"{body}{{1,10}}?(?:{suffix})")
        place = rf"(?:{'|'.join(parts)})(?:{suffix})*"
        units = alternation(gazetteer.unit_suffixes)
        # Typed addresses often space a number from its unit ("88 号 3 幢 502").
        # "1502 楼上漏水": a unit's word starting a word that says which flat ("楼上", "楼下") is no unit.
        which_flat = alternation(
            word
            for word in gazetteer.not_estate_names
            if word.startswith(tuple(gazetteer.unit_suffixes)) and word not in gazetteer.unit_suffixes
        )
        not_a_unit = rf"(?!{which_flat})" if which_flat else ""
        unit_number = r"[0-9A-Za-z甲乙丙丁一二三四五六七八九十百零〇#\-]{1,8}?"
        unit = rf"|{unit_number}[ \t]?{not_a_unit}(?:{units})" if units else ""
        # A bare number ends an address ("2单元301", "2单元501的楼道灯", "三单元502啊" said aloud),
        # but not "3天没水"; so does a room number said digit by digit ("一单元六零二"), three or four
        # digits of it.
        fillers = alternation(gazetteer.place_fillers)
        ends = "|".join(alternative for alternative in (fillers, which_flat) if alternative)
        end = rf"(?=$|[{_PUNCTUATION}\s的]|{ends})" if ends else rf"(?=$|[{_PUNCTUATION}\s的])"
        # At most six digits a group, and fewer than ten in all: a phone typed after the place is the
        # phone ("阳光花园11栋 138…", "阳光花园 133-5555-0004").
        # Nor a phone spaced in groups ("阳光花园12栋 138 1234 5678", "沙田第一城 12座 9876 5432"): a
        # mainland mobile's eleven digits, or a Hong Kong or Macao mobile's four and four, and no more.
        number = (
            rf"|(?!(?:\d-?){{{_PHONE_DIGITS}}}|{_SPACED_PHONE})"
            rf"\d{{1,{_ROOM_DIGITS}}}(?:-\d{{1,{_ROOM_DIGITS}}})*{end}"
            # A flat numbered after its wing's letter ("阳光花园十二栋B1903").
            rf"|[A-Za-z]\d{{3,4}}{end}"
        )
        if gazetteer.spoken_digits:
            number += rf"|[{re.escape(gazetteer.spoken_digits)}]{{3,4}}{end}"
        self._part_re = re.compile(rf"[ \t]?(?:{place}{unit}{number})")
        # A part of the estate or building just named ("阳光花园南门", "3栋门口"), ending the address.
        estate_parts = alternation(gazetteer.estate_parts)
        self._estate_part_re = re.compile(rf"[ \t]?(?:{estate_parts})") if estate_parts else None
        # "金地广场的地下车库": the part of a place tied to it by 的.
        self._tied_part_re = (
            re.compile(rf"[ \t]?的[ \t]?(?P<part>{estate_parts})") if estate_parts else re.compile("(?!)")
        )
        self._estate_endings = tuple(gazetteer.estate_suffixes)
        # "金融街中心": a name ending as an estate's or a building's does after a street or estate the
        # gazetteer knows (金融街) is another place named after it, when the words end there or its
        # building or flat follows ("金融街中心B座12楼"). Endings of one character ("楼", "园") are words too.
        name_endings = alternation(
            ending for ending in {*gazetteer.estate_suffixes, *gazetteer.named_building_suffixes} if len(ending) > 1
        )
        self._name_goes_on_re = (
            re.compile(rf"(?:{name_endings})(?=$|[{_PUNCTUATION}0-9A-Za-z])") if name_endings else None
        )
        levels = alternation(gazetteer.basement_levels)
        # "万达世纪城地下车库B2-108": the level and the space numbered on it with a dash.
        self._basement_level_re = (
            re.compile(rf"[ \t]?(?:{levels})(?:-\d{{1,4}}(?![\d\u4e00-\u9fff\-]))?(?![A-Za-z0-9])") if levels else None
        )
        # "望京街道": a known street's name ending inside an address suffix (街 of 街道) is that suffix's place,
        # a subdistrict, whole; the longest rest first.
        self._suffix_rests = tuple(
            sorted(
                {
                    (suffix[:cut], suffix[cut:])
                    for suffix in gazetteer.address_suffixes
                    for cut in range(1, len(suffix))
                },
                key=lambda pair: -len(pair[1]),
            )
        )
        # "望京SOHO T3 12层": a name in capital Latin letters typed on after a known place, and its
        # lettered tower ("T3").
        latin_not_names = alternation(gazetteer.english_not_place_words)
        latin_not_name = rf"(?!(?:{latin_not_names})(?![A-Za-z]))" if latin_not_names else ""
        self._latin_name_on_re = re.compile(
            rf"{latin_not_name}[A-Z][A-Za-z]+(?![A-Za-z0-9])(?:[ \t]?[A-Z]\d{{1,2}}(?![0-9A-Za-z]))?"
        )
        # "红星 小区": a name and its estate word typed apart, the estate word ending the words.
        self._estate_word_apart_re = (
            re.compile(rf"(?<=[\u4e00-\u9fff])[ \t]+(?=(?:{estate_words})(?:$|[{_PUNCTUATION}0-9]))")
            if (estate_words := alternation(gazetteer.estate_suffixes))
            else None
        )
        self._road_endings = tuple(gazetteer.road_suffixes)
        self._place_endings = tuple(gazetteer.address_suffixes)
        # A part of the building just numbered ("1栋顶楼", "6栋地下室"), ending the address.
        building_parts = alternation(gazetteer.building_parts)
        self._building_part_re = re.compile(rf"[ \t]?(?:{building_parts})") if building_parts else None
        # After a building or a unit ("1栋顶楼"), not a house number ("人民路12号门口" is before a house).
        self._unit_endings = tuple(gazetteer.building_suffixes)
        building_words = alternation(gazetteer.building_suffixes)
        self._unit_then_part_re = (
            re.compile(rf"(?:{building_words})[ \t]?(?:{building_parts})")
            if building_parts and building_words
            else None
        )
        # "阳光花园啊 七栋": a spoken filler between an estate and its building.
        numerals = "0-9一二三四五六七八九十两"
        self._spoken_building_number_re = re.compile(
            rf"[{numerals}]{{1,4}}[ \t]?(?:{alternation(gazetteer.building_suffixes) or '(?!)'})"
        )
        self._spoken_building_re = (
            re.compile(rf"(?:\s|{fillers})+(?P<building>[{numerals}]{{1,4}}[ \t]?(?:{building_words}))")
            if fillers and building_words
            else None
        )

        division_suffixes = alternation(gazetteer.division_suffixes)
        # Worth the parser's time: a division suffix after two name characters, so "我们小区",
        # "去超市" or "市场" do not call it.
        self._division_hint = re.compile(rf"{body}{{2}}(?:{division_suffixes})")
        # A division written just before the place that starts an address belongs to it ("长春市朝阳区").
        # Bounded (two divisions, in the few characters before) so that no text makes it backtrack for long.
        self._leading_division = re.compile(rf"(?:{body}{{1,6}}?(?:{division_suffixes})){{1,2}}$")
        triggers = alternation(gazetteer.address_triggers)
        # "地址：…", but not "…一个人住，家里…": only a colon or a space between a trigger and its place.
        self._trigger_re = re.compile(rf"(?:{triggers})[\s:]*") if triggers else None
        corrections = alternation(gazetteer.address_corrections)
        correction_intros = alternation(gazetteer.address_correction_intros)
        # "不是朝阳区建国路，是海淀区…", "不对，应该是7栋": a cue, at most a short clause, then "(应该)是".
        self._corrected_re = (
            re.compile(rf"(?:{corrections})[^{_PUNCTUATION}]{{0,20}}[{_PUNCTUATION}\s]+(?:{correction_intros})\s*$")
            if corrections and correction_intros
            else None
        )

        # An estate or road the gazetteer does not know: a name ending with an estate or road word,
        # when a building, a phase or a house number follows ("阳光花园小区5栋2单元", "锦绣花园二期",
        # "牛头角道5号").
        estates = alternation([*gazetteer.estate_suffixes, *gazetteer.road_suffixes])
        breaks = f"{_PUNCTUATION}{stop}"
        self._estate_re = (
            re.compile(rf"(?:^|(?<=[{breaks}]))(?:(?![{breaks}])[\u4e00-\u9fff]){{2,8}}?(?:{estates})")
            if estates
            else None
        )
        # A building number alone is an address ("3栋1单元1302", "我说的是5号楼"); four digits after
        # another group of digits end a phone ("133-5555-0004 座机": the 座 of 座机 is no building).
        # So is one numbered in Chinese ("三栋二单元1201", "十二栋"), from 二 to 九十九: "一栋楼", "两座楼" count
        # buildings more often than they number one.
        buildings = alternation(gazetteer.building_suffixes)
        self._building_re = (
            re.compile(
                rf"(?<![0-9A-Za-z{_HAN_NUMERALS}])(?:(?<!\d[ \t\-])\d{{4}}|\d{{1,3}}|{_HAN_BUILDING_NUMBER})"
                rf"[ \t]?(?:{buildings})"
            )
            if buildings
            else None
        )
        # An estate named in Latin letters just before a building number is the start of its address
        # ("Central Park 3栋", "The Grand Mansion 5座" is Grand Mansion 5座: "The" is no name's word).
        not_names = alternation(gazetteer.english_not_place_words)
        word = rf"(?!(?:{not_names})\b)[A-Z][A-Za-z'&\-]*" if not_names else r"[A-Z][A-Za-z'&\-]*"
        self._latin_estate = re.compile(rf"(?<![A-Za-z'&\-])(?:{word}[ \t]+){{0,{_LATIN_NAME_WORDS - 1}}}{word}[ \t]?$")
        # A floor is not an address ("住18楼", "住三楼").
        floors = alternation(gazetteer.floor_suffixes)
        self._floor_re = re.compile(rf"[0-9一二三四五六七八九十两]+[ \t]?(?:{floors})") if floors else None
        self._not_places = frozenset(gazetteer.not_places)
        # An alias written as the start of a longer name is no district ("西城公馆", "东城国际"): only
        # a place said right after it ("海淀知春里", "西城金融街") makes it one.
        self._aliases = frozenset(
            alias for district in gazetteer.districts for alias in district.aliases if alias != district.name
        )
        estate_words = alternation(gazetteer.estate_suffixes)
        self._estate_word_re = re.compile(rf"(?:{estate_words})") if estate_words else None
        # "长安区南门外的翠华苑小区9号楼", "凤城五路的海荣名城 七号楼": a few words and 的 between a
        # district or road and the estate within it join them into one place.
        self._joined_re = re.compile(rf"[ \t]?(?:(?![{breaks}])[\u4e00-\u9fff]){{0,4}}的[ \t]?")
        # "是万科城市之光 3号楼": an estate's name the gazetteer does not know, after "是" or a trigger,
        # spaced from its building number.
        cues = alternation([*gazetteer.address_triggers, "是"])
        self._named_building_re = re.compile(
            rf"(?:{cues})[ \t]*(?P<name>(?:(?![{breaks}])[\u4e00-\u9fff]){{2,10}})[ \t]+$"
        )
        # "万达世纪城", "恒大绿洲3期": a developer's brand and the name characters after it, which the
        # estate's name is the start of (``_brand_estate_end`` finds where it ends).
        brands = alternation(gazetteer.developer_brands)
        self._brand_re = (
            re.compile(rf"(?:{brands})(?P<name>(?:(?![{breaks}])[\u4e00-\u9fff]){{0,{_BRAND_NAME_CHARS}}})")
            if brands
            else None
        )
        self._company_words = tuple(gazetteer.developer_company_words)
        self._locatives = tuple(gazetteer.place_locatives)
        # "恒大绿洲里5栋": "in" between a developer's estate and its building.
        locatives = alternation(gazetteer.place_locatives)
        self._locative_re = (
            re.compile(rf"(?:{locatives})(?=[ \t]?[{numerals}]{{1,4}}[ \t]?(?:{building_words}))")
            if locatives and building_words
            else None
        )
        # A place's ending, but not a division's: "越秀区" is a district, not an estate of 越秀's.
        self._brand_endings = tuple(
            ending
            for ending in {*gazetteer.address_suffixes, *gazetteer.estate_suffixes}
            if not ending.endswith(tuple(gazetteer.division_suffixes))
        )
        self._short_estate_endings = frozenset(gazetteer.estate_suffixes)
        numbered = alternation([*gazetteer.unit_suffixes, *gazetteer.address_suffixes])
        unit_numbers = "0-9A-Za-z一二三四五六七八九十百两零〇甲乙丙丁"
        self._numbered_re = re.compile(rf"[ \t]?[{unit_numbers}]{{1,4}}[ \t]?(?:{numbered})")
        # "锦绣江南6栋的电梯口…": the characters from the clause's start (or a trigger, or a cue such as
        # "叫") to a building number name its estate, when there are a few of them (``_bare_estate_start``).
        name_char = rf"(?:(?![{breaks}])[\u4e00-\u9fff])"
        fewest, most = _BARE_NAME_CHARS
        # "太古城 金星阁 15楼", "锦绣花园 紫荆阁1502": a building named after the estate or its phase, its
        # floor or flat after it (``_named_building``).
        named_buildings = alternation(gazetteer.named_building_suffixes)
        self._named_building_part_re = (
            re.compile(rf"[ \t]?(?P<name>{name_char}{{1,{_BUILDING_NAME_CHARS}}}?)(?P<ending>{named_buildings})")
            if named_buildings
            else None
        )
        self._unmistakable_building_endings = frozenset(gazetteer.unmistakable_building_suffixes)
        self._block_estate_endings = tuple(gazetteer.named_block_estate_suffixes)
        self._numbered_unit_endings = tuple(gazetteer.unit_suffixes)
        self._building_or_floor_endings = (*gazetteer.building_suffixes, *gazetteer.floor_suffixes)
        building_or_floor = alternation(self._building_or_floor_endings) or "(?!)"
        self._building_or_floor_re = re.compile(rf"[0-9一二三四五六七八九十两]+[ \t]?(?:{building_or_floor})")
        counters = f"(?![{re.escape(gazetteer.room_counters)}])" if gazetteer.room_counters else ""
        self._room_typed_on_re = re.compile(rf"\d{{3,4}}(?=[\u4e00-\u9fff]){counters}")
        self._spoken_digits = frozenset(gazetteer.spoken_digits)
        self._bare_run_re = re.compile(rf"(?:^|(?<=[{breaks}])){name_char}{{{fewest},{most * 2}}}$")
        # "翠湖天地 7栋", "翠湖天地2期 7栋楼下": such a name as a pause of its own, its phase with it, then the
        # building (``_spaced_estate_start``); never one telling the problem ("停电 3号楼": ``problem_words``).
        self._spaced_name_re = re.compile(
            rf"(?:^|(?<=[{breaks}]))(?P<name>{name_char}{{{fewest},{most}}})"
            rf"(?:[ \t]?[0-9一二三四五六七八九十]{{1,2}}[ \t]?期)?[ \t]+$"
        )
        problems = words_pattern(word for word in problem_words if word)  # hundreds of words: one trie
        self._problem_word_re = re.compile(problems) if problems else None
        openers = alternation([*gazetteer.address_triggers, *gazetteer.estate_name_cues])
        self._name_opener_re = re.compile(rf"(?:{openers})") if openers else None
        self._not_estate_names = tuple(gazetteer.not_estate_names)
        # "电梯坏了 阳光花园", "12栋 就是和平小区的": an estate's name standing as a pause of its own,
        # an opener before it and a filler or 的 after it aside (``_lone_estate``).
        lone_openers = alternation(gazetteer.place_answer_openers)
        lone_after = alternation([*gazetteer.place_fillers, "的"])
        # "太古城 12座": a pause of its own may hold a few characters that stop an address elsewhere.
        lone_stop = "".join(char for char in gazetteer.address_stop_chars if char not in gazetteer.estate_name_chars)
        lone_char = rf"(?:(?![{_PUNCTUATION}{re.escape(lone_stop)}])[\u4e00-\u9fff])" if lone_stop else name_char
        # "我住太古城 金星阁 15楼": after a trigger, too (a trigger's last character here, the whole trigger
        # checked in ``_lone_estates``: one lookbehind costs less than one a trigger).
        self._triggers = tuple(gazetteer.address_triggers)
        trigger_ends = "".join(sorted({trigger[-1] for trigger in self._triggers}))
        after_triggers = f"|(?<=[{re.escape(trigger_ends)}])" if trigger_ends else ""
        self._lone_estate_re = (
            re.compile(
                rf"(?:^|(?<=[{_PUNCTUATION}]){after_triggers})(?:(?:{lone_openers})[ \t]*){{0,{_MOST_OPENERS}}}"
                rf"(?P<name>{lone_char}{{{fewest},{most}}}?(?:{estate_words}))"
                rf"(?:{lone_after})*(?=$|[{_PUNCTUATION}])"
            )
            if estate_words and lone_openers
            else None
        )
        # "太古城金星阁15楼B室": such an estate typed on into its parts with no space, from a clause's start or
        # after a trigger (``_estates_typed_on``; ``_spans`` keeps it only with its parts).
        self._estate_typed_on_re = (
            re.compile(
                rf"(?:^|(?<=[{_PUNCTUATION}]){after_triggers})"
                rf"(?P<name>{lone_char}{{{fewest},{most}}}?(?:{estate_words}))"
            )
            if estate_words and gazetteer.estate_name_chars
            else None
        )
        self._estate_name_chars = frozenset(gazetteer.estate_name_chars)
        # "福田区香蜜湖一号": after a district, a name and its house or building number, to the end of
        # the clause; a date is no house number ("朝阳区停电5号到现在" goes on after it).
        house_units = alternation(unit for unit in gazetteer.unit_suffixes if unit not in gazetteer.floor_suffixes)
        self._named_number_re = (
            re.compile(rf"{name_char}{{{fewest + 1},{most}}}?[{unit_numbers}]{{1,4}}[ \t]?(?:{house_units})")
            if house_units
            else None
        )
        # "宝安区碧海湾 180…": after a district, a name ending as an estate's does, to the end of the clause.
        self._named_estate_re = (
            re.compile(rf"{name_char}{{1,{most}}}?(?:{estate_words})(?=$|[{_PUNCTUATION}])") if estate_words else None
        )
        # "小区健身器材坏了好久了 翠湖天地 139…": a name of its own, as the last pause of a message telling a
        # problem before it, a phone after it or not (``_trailing_name``).
        self._trailing_name_re = re.compile(
            rf"(?:(?<=[{_PUNCTUATION}]))(?P<name>{name_char}{{{_TRAILING_NAME_CHARS[0]},{_TRAILING_NAME_CHARS[1]}}})"
            rf"(?:[{_PUNCTUATION}]*\+?\d[\d \t\-]{{5,}}\d)?[{_PUNCTUATION}]*$"
        )
        said = words_pattern(word for word in said_words if word)
        self._said_word_re = re.compile(said) if said else None
        cues = alternation(gazetteer.estate_name_cues)
        # "好像叫星河湾": the place named right after it.
        self._name_cue_re = re.compile(rf"(?:{cues})[ \t]*$") if cues else None
        flat_cues = alternation(gazetteer.affected_flat_cues)
        self._affected_flat_re = (
            re.compile(
                rf"[{_PUNCTUATION}]+(?P<who>[\u4e00-\u9fff]{{1,6}}?)(?:{flat_cues})[ \t]*"
                rf"(?P<room>\d{{3,4}})(?:室|号)?[{_PUNCTUATION}]*$"
            )
            if flat_cues
            else None
        )
        problem_cues = alternation(gazetteer.problem_place_cues)
        # "但是问题在隔壁金地广场的地下车库": the problem's place, not the home said before it.
        self._problem_cue_re = (
            re.compile(rf"(?:{problem_cues})[^{_PUNCTUATION}]{{0,{_PROBLEM_CUE_GAP}}}$") if problem_cues else None
        )

    def find(self, text: str) -> Place:
        if self._estate_word_apart_re is not None:
            text = self._estate_word_apart_re.sub("", text)
        lone_estates = list(self._lone_estates(text))
        anchors = self._anchors(text, lone_estates)
        spans, cuts = self._spans(text, anchors) if anchors else ([], {})
        if not spans:
            lone = self._lone_estate(lone_estates, 0, 0)
            return Place(lone[2] if lone is not None else self._trailing_name(text), None)
        start, end = self._choose(text, spans)
        end = self._joined(text, anchors, spans, end)
        district = self._district(anchors, start, end)
        said_as = [
            text[anchor.start : anchor.end]
            for anchor in anchors
            if anchor.kind in (_Kind.DISTRICT, _Kind.DIVISION)
            and anchor.district == district
            and start <= anchor.start < end
        ]
        district_said = bool(said_as)
        district_words = said_as[0] if said_as and said_as[0] != district else None
        # The address is what comes after the province, city and district (the district is its
        # own slot): "北京市西城区金融大街15号" is 金融大街15号 in 西城区.
        after = start
        for anchor in anchors:
            if anchor.kind not in (_Kind.DISTRICT, _Kind.DIVISION) or not start <= anchor.start < end:
                continue
            gap = text[after : anchor.start]
            # "上海浦东张杨路": a city without its 市 before a district written short is the region; before a
            # district written whole it stays in the address, as it always has ("北京朝阳区酒仙桥路").
            short = text[anchor.start : anchor.end] != anchor.district
            if not gap or self._leading_division.fullmatch(gap) or (short and self._only_cities(gap)):
                after = max(after, anchor.end)
        region = self._region(text, anchors, start, after)
        said = text[after:end]
        if end in cuts and after <= cuts[end][0]:
            cut_from, cut_to = cuts[end]
            said = text[after:cut_from] + text[cut_to:end]
        address = self._building_corrected(text, spans, end, said.strip(_STRIPPED))
        address = self._building_added(text, spans, end, address)
        address = self._flat_put_right(text, end, address)
        if self._building_re is not None and self._building_re.match(address) is not None:
            # "12栋 就是和平小区的": a building alone, its estate said in a pause of its own.
            lone = self._lone_estate(lone_estates, start, end)
            if lone is not None:
                address = lone[2] + address
        return Place(tidy_place(address) or None, district, district_said, region, district_words)

    @staticmethod
    def _lone_estate(lone_estates: list[re.Match[str]], start: int, end: int) -> tuple[int, int, str] | None:
        """An estate's name said as a pause of its own outside ``start``-``end`` ("电梯坏了 阳光花园",
        "和平小区啊"): a name of a few characters never inside a name otherwise (``address_stop_chars``,
        ``not_estate_names``) and an ``estate_suffixes`` word (``_lone_estates``); its span and the name."""
        for match in lone_estates:
            if start < match.end() and match.start() < end:
                continue
            return match.start("name"), match.end("name"), match.group("name")
        return None

    def estates_named(self, text: str) -> list[str]:
        """The estates' names ending with an estate word that start a clause of ``text`` (simplified),
        with or without a building after them ("另外还有个事 阳光花园的电梯也坏了": 阳光花园), for telling
        whether a message is about another place than a case's."""
        if self._estate_typed_on_re is None:
            return []
        names: list[str] = []
        for match in self._estate_typed_on_re.finditer(text):
            begins = match.start()
            if begins and not _A_PAUSE.match(text, begins - 1) and not text.endswith(self._triggers, 0, begins):
                continue
            name = match.group("name")
            if any(word in name[:-1] for word in self._not_estate_names) or name in self._not_places:
                continue
            if name.endswith(self._estate_endings) and name not in self._estate_endings:
                names.append(name)
        return names

    def _lone_estates(self, text: str) -> Iterator[re.Match[str]]:
        """The estates' names said as pauses of their own in ``text`` (``_lone_estate``)."""
        if self._lone_estate_re is None:
            return
        for match in self._lone_estate_re.finditer(text):
            begins = match.start()
            if begins and not _A_PAUSE.match(text, begins - 1) and not text.endswith(self._triggers, 0, begins):
                continue
            name = match.group("name")
            if any(word in name[:-1] for word in self._not_estate_names) or name in self._not_places:
                continue
            if name.endswith(self._estate_endings) and not any(name == ending for ending in self._estate_endings):
                yield match

    def _estates_typed_on(self, text: str) -> Iterator[re.Match[str]]:
        """The estates' names holding an ``estate_name_chars`` character that start a clause, or follow a
        trigger, typed on into what follows ("太古城金星阁15楼B室"; the others are found as any estate is)."""
        if self._estate_typed_on_re is None:
            return
        for match in self._estate_typed_on_re.finditer(text):
            begins = match.start()
            if begins and not _A_PAUSE.match(text, begins - 1) and not text.endswith(self._triggers, 0, begins):
                continue
            name = match.group("name")
            if self._estate_name_chars.isdisjoint(name) or any(word in name for word in self._not_estate_names):
                continue
            yield match

    def _region(self, text: str, anchors: list[_Anchor], start: int, after: int) -> str | None:
        """The divisions above the county written at the start of the place (``start`` to ``after``,
        before its county: "广东省深圳市" of 广东省深圳市南山区), when the parser or the gazetteer
        knows each of them; "社区海淀区" starts with no division."""
        head_end = min(
            (
                anchor.start
                for anchor in anchors
                if anchor.kind in (_Kind.DISTRICT, _Kind.DIVISION) and anchor.district and start <= anchor.start < after
            ),
            default=after,
        )
        region = text[start:head_end]
        if not region.strip(_STRIPPED):
            return None
        covered = [False] * len(region)
        known = [
            (anchor.start - start, anchor.end - start)
            for anchor in anchors
            if anchor.kind in (_Kind.CITY, _Kind.DIVISION) and start <= anchor.start and anchor.end <= head_end
        ]
        if not known and self._divisions is not None:
            # The gazetteer knew the district, so the parser was not asked about the words before it.
            known = [(division.start, division.end) for division in self._divisions.find(region) if not division.county]
        for known_start, known_end in known:
            covered[known_start:known_end] = [True] * (known_end - known_start)
        if not all(covered[index] for index, char in enumerate(region) if char not in _STRIPPED):
            return None
        return region.strip(_STRIPPED)

    def _joined(self, text: str, anchors: list[_Anchor], spans: list[tuple[int, int]], end: int) -> int:
        """``end`` moved to the end of the estate, building or street joined to the place by a few
        words and 的 ("长安区南门外的翠华苑小区9号楼2单元1203室", "雁塔区丈八东路的绿地世纪城")."""
        joint = self._joined_re.match(text, end)
        if joint is None:
            return end
        # Looked up by where they start, not compared one by one at each joint: a long run of joints
        # ("儿童乐园的儿童乐园的…") would compare every span and anchor at every one of them.
        span_ends: dict[int, int] = {}
        for span_start, span_end in spans:
            span_ends[span_start] = max(span_end, span_ends.get(span_start, span_end))
        estate_ends: dict[int, int] = {}
        for anchor in anchors:
            if anchor.kind in (_Kind.ESTATE, _Kind.BRAND):
                estate_ends[anchor.start] = max(anchor.end, estate_ends.get(anchor.start, anchor.end))
        starts = [span_start for span_start, _ in spans]  # in order, apart from one another
        while joint is not None:
            after = joint.end()
            found, estate = span_ends.get(after), estate_ends.get(after)
            if found is None and estate is None:
                return end
            reach = max(found or 0, estate or 0)
            # A span inside the estate's name and past it ("绿地世纪城9号楼": 世纪城 is listed).
            inside = spans[bisect.bisect_left(starts, after) : bisect.bisect_left(starts, reach)]
            end = max([reach, *(span_end for _, span_end in inside)])
            joint = self._joined_re.match(text, end)
        return end

    def _anchors(self, text: str, lone_estates: list[re.Match[str]]) -> list[_Anchor]:
        anchors: list[_Anchor] = []
        if self._known_re is not None:
            for match in self._known_re.finditer(text):
                kind, district = self._known[match.group()]
                if kind is _Kind.DISTRICT and match.group() in self._aliases and self._starts_a_name(text, match.end()):
                    continue
                anchors.append(_Anchor(match.start(), match.end(), kind, district))
        knows_district = any(anchor.kind is _Kind.DISTRICT for anchor in anchors)
        if self._divisions is not None and not knows_district and self._division_hint.search(text):
            for division in self._divisions.find(text):
                written = text[division.start : division.end]
                if division.county and written != division.name:
                    # A county named in full only: "东方明珠" is not 东方市, "朝阳群众" not 朝阳区.
                    continue
                if written != division.name and text.startswith(self._road_endings, division.end):
                    continue  # "台湾大道", "南京路": a road named after the place, not the place
                district = division.name if division.county else None
                anchors.append(_Anchor(division.start, division.end, _Kind.DIVISION, district))
        triggers = list(self._trigger_re.finditer(text)) if self._trigger_re is not None else []
        for match in triggers:
            anchors.append(_Anchor(match.end(), match.end(), _Kind.TRIGGER, None))
        if self._estate_re is not None:
            for match in self._estate_re.finditer(text):
                # An unknown estate's name starts after the trigger it begins with: "住阳光花园" is 阳光花园.
                start = max(
                    (trigger.end() for trigger in triggers if trigger.start() == match.start()),
                    default=match.start(),
                )
                if start < match.end():
                    anchors.append(_Anchor(start, match.end(), _Kind.ESTATE, None))
        # "太古城 金星阁 15楼": an estate said as a pause of its own starts the parts typed after it, even with
        # a character that stops an address elsewhere in its name (``_spans`` keeps it only with them).
        # Each list's matches are apart from one another, so each is compared only with what was found before it.
        if lone_estates:
            found = _Overlaps(anchors)
            anchors.extend(
                _Anchor(start, end, _Kind.ESTATE, None)
                for start, end in (lone.span("name") for lone in lone_estates)
                if not found.any(start, end)
            )
        typed_on = [match.span("name") for match in self._estates_typed_on(text)]
        if typed_on:
            # "太平花园3栋": not 平花园, found after the 太 that stops a name elsewhere.
            anchors = [
                anchor for anchor in anchors if anchor.kind is not _Kind.ESTATE or not _inside(typed_on, anchor.start)
            ]
            found = _Overlaps(anchors)
            anchors.extend(
                _Anchor(start, end, _Kind.ESTATE, None) for start, end in typed_on if not found.any(start, end)
            )
        if self._building_re is not None:
            for match in self._building_re.finditer(text):
                anchors.append(_Anchor(match.start(), match.end(), _Kind.BUILDING, None))
        for match in DASHED_FLAT.finditer(text):
            anchors.append(_Anchor(match.start(), match.end(), _Kind.BUILDING, None))
        if self._brand_re is not None:
            anchors.extend(self._brand_estates(text, anchors, triggers))
        anchors.sort(key=lambda anchor: (anchor.start, -anchor.end))
        return anchors

    def _brand_estates(self, text: str, anchors: list[_Anchor], triggers: list[re.Match[str]]) -> list[_Anchor]:
        """The estates named after a developer's brand ("万达世纪城", "融创九棠府"), not those where the
        brand begins a district's name ("越秀区") or is only the company ("恒大的物业", "恒大物业")."""
        assert self._brand_re is not None
        found: list[_Anchor] = []
        trigger_ends: set[int] | None = None
        divisions: _Overlaps | None = None
        lead = tail = -1
        for match in self._brand_re.finditer(text):
            if trigger_ends is None or divisions is None:
                trigger_ends = {trigger.end() for trigger in triggers}
                divisions = _Overlaps(anchor for anchor in anchors if anchor.kind in _DIVISION_KINDS)
                lead, tail = len(text) - len(text.lstrip(_STRIPPED)), len(text.rstrip(_STRIPPED))
            after_trigger = (
                match.start() in trigger_ends
                # "保利天悦" alone: the estate, as it is after "住" (a brand before other words is the company).
                or (match.start() == lead and match.end("name") == tail and not self._tells_a_problem(match["name"]))
                or bool(_AFTER_A_PHONE.search(text, max(0, match.start() - _PHONE_WINDOW), match.start()))
            )
            end = self._brand_estate_end(text, match, after_trigger)
            if end is None:
                continue
            if divisions.any(match.start(), end):
                continue
            found.append(_Anchor(match.start(), end, _Kind.BRAND, None))
        return found

    def _brand_estate_end(self, text: str, match: re.Match[str], after_trigger: bool) -> int | None:
        """Where the estate a brand starts ends: after the longest name ending as a place's does
        ("世纪城停水" is 世纪城, "花园二期"), the shortest a numbered phase or building follows ("绿洲3期",
        "万科3期"), the shortest a part of the estate follows ("天街地下车库"), or, after "住"/"地址", the
        whole name to the end of the clause ("我住绿地新都会 停水了", "13899990000 保利天悦"); whichever
        reaches furthest."""
        start, run_end = match.span("name")
        if match.group("name").startswith(self._company_words):
            return None
        ending = next(
            (
                end
                for end in range(run_end, start, -1)
                if text[start:end].endswith(self._brand_endings)
                and (end - start > 1 or text[start:end] in self._short_estate_endings)
            ),
            None,
        )
        locative = ending is not None and text[start:ending].endswith(self._locatives)
        if locative and ending is not None and text[start : ending - 1].endswith(self._brand_endings):
            ending -= 1  # "万科城里停水了": in the estate, not one named …城里 as 和平里 is
        numbered = next((end for end in range(start, run_end + 1) if self._numbered_re.match(text, end)), None)
        if self._locative_re is not None:
            # "恒大绿洲里5栋": the building in the estate, not one named …里 (``_spans`` cuts the 里 out).
            if numbered is not None and numbered - start > 1 and self._locative_re.match(text, numbered - 1):
                numbered -= 1
            if ending is not None and ending - start > 1 and self._locative_re.match(text, ending - 1):
                ending -= 1
        part = (
            next((end for end in range(start + 1, run_end + 1) if self._estate_part_re.match(text, end)), None)
            if self._estate_part_re is not None
            else None
        )
        clause = run_end if after_trigger and run_end - start > 1 and _CLAUSE_END.match(text, run_end) else None
        return max((end for end in (ending, numbered, part, clause) if end is not None), default=None)

    def _starts_a_name(self, text: str, end: int) -> bool:
        """A district's alias ending at ``end`` is the start of an estate's or a company's name:
        a Chinese character follows that begins no place ("西城公馆", "东城国际"; not "海淀知春里")."""
        if end >= len(text) or not "\u4e00" <= text[end] <= "\u9fff":
            return False
        if self._estate_word_re is not None and self._estate_word_re.match(text, end):
            return True  # "西城公馆", "西城花园"
        if self._known_re is not None and self._known_re.match(text, end):
            return False  # "海淀知春里"
        part = self._part_re.match(text, end)
        return part is None or part.end() == end

    def _spans(self, text: str, anchors: list[_Anchor]) -> tuple[list[tuple[int, int]], dict[int, tuple[int, int]]]:
        """The places' spans, and for a span ending at ``end`` the filler cut out of it there
        ("阳光花园啊 七栋": the 啊 and the space)."""
        spans: list[tuple[int, int]] = []
        cuts: dict[int, tuple[int, int]] = {}
        buildings = _BuildingsSeen(self._building_re)
        for anchor in anchors:
            if spans and anchor.start < spans[-1][1]:
                continue
            end = anchor.end
            if anchor.kind is _Kind.PLACE and self._name_goes_on_re is not None:
                goes_on = self._name_goes_on_re.match(text, end)
                end = goes_on.end() if goes_on is not None else end
            if anchor.kind is _Kind.PLACE and end == anchor.end:
                end = self._place_name_goes_on(text, end)
            parts = 0
            locative = (
                self._locative_re.match(text, end)
                if anchor.kind is _Kind.BRAND and self._locative_re is not None
                else None
            )
            if locative is not None:
                end = locative.end()
            if anchor.kind in (_Kind.DISTRICT, _Kind.DIVISION) and (named_number := self._named_number(text, end)):
                end, parts = named_number, 1
            elif anchor.kind in (_Kind.DISTRICT, _Kind.DIVISION) and (named_estate := self._named_estate(text, end)):
                end, parts = named_estate, 1
            # A named building comes once, before any building, floor or flat is numbered ("黄埔花园 8期 青桦阁 3楼").
            named_building_next = anchor.kind in _ESTATE_KINDS or text.endswith(self._estate_endings, 0, end)
            numbered_or_named = False
            last_part = text[anchor.start : anchor.end]
            while True:
                match = self._part_re.match(text, end)
                if match is not None and (inner := self._building_inside_a_name(match.group())) is not None:
                    match = self._part_re.match(text, end, end + inner)  # "21楼电梯里面": the floor, not 21楼电梯里
                if match is not None and (cut := self._part_word_after(text, match)) is not None:
                    match = self._part_re.match(text, end, cut)  # "302 楼道灯": the flat, not 302楼
                if match is not None and self._name_after_a_building(last_part, match.group()):
                    match = None  # "21楼 电梯里面的灯": after a building or floor no named area follows
                if match is None or match.end() == end:
                    match = self._named_building(text, end) if named_building_next else None
                    if match is None:
                        flat_end = self._flat_typed_on(text, end, last_part)
                        if flat_end is not None:
                            end = flat_end
                            parts += 1
                        break
                    named_building_next, numbered_or_named = False, True
                elif self._numbers_a_unit(match.group()):
                    named_building_next, numbered_or_named = False, True
                end = self._into_a_suffix(text, match.end())  # "朝阳区望京街道": 街道, never 街 and 道
                parts += 1
                last_part = match.group()
                if not numbered_or_named and text.endswith(self._estate_endings, 0, end):
                    named_building_next = True  # "将军澳尚德邨尚智楼": the estate after the district
                if self._building_part_re is not None and text.endswith(self._unit_endings, 0, end):
                    building_part = self._building_part(text, end)
                    if building_part is not None:
                        end = building_part.end()  # "5栋楼道里" is 5栋楼道: nothing goes on after it
                        break
            if parts and self._unit_then_part_re is not None:
                # A part read as a place name ("5栋楼道里", 里 as in 和平里) ends at the building's part.
                inside = self._unit_then_part_re.search(text, anchor.end, end)
                if inside is not None:
                    end = inside.end()
                    room = _ROOM_AFTER_A_PART.match(text, end)
                    if room is not None:
                        end = room.end()  # but the flat goes on: "1号楼顶楼 1801"
            if (
                not parts
                and anchor.kind in (_Kind.ESTATE, _Kind.PLACE, _Kind.BRAND)
                and self._spoken_building_re is not None
                and (spoken := self._spoken_building_re.match(text, end)) is not None
            ):
                cuts[spoken.end()] = (end, spoken.start("building"))
                end = spoken.end()
                parts += 1
            if self._estate_part_re is not None and (
                (anchor.kind in (_Kind.PLACE, _Kind.BRAND) and end == anchor.end)
                or text.endswith(self._estate_endings, 0, end)
                # "星河湾B区地库": a part of the estate after an area of it, not after a house ("12号门口").
                or (parts and anchor.kind in _ESTATE_KINDS and text.endswith(self._place_endings, 0, end))
            ):
                # "阳光花园南门", "翠湖花园停车场": a part of the estate just named ("人民路12号门口" is
                # in front of a house, "住门口" names no estate).
                part = self._estate_part_re.match(text, end)
                tied = self._tied_part_re.match(text, end) if part is None and parts == 0 else None
                if part is not None:
                    end = part.end()
                    parts += 1
                    # "碧水湾地下车库B2": a level of that part, once.
                    level = self._basement_level_re.match(text, end) if self._basement_level_re is not None else None
                    if level is not None:
                        end = level.end()
                    # "星河湾B区地库 B2-117车位": the numbered places in that part.
                    while (numbered := self._part_re.match(text, end)) is not None and numbered.end() > end:
                        end = numbered.end()
                elif tied is not None:
                    # "金地广场的地下车库" is 金地广场地下车库; "阳光花园的保安" names no part.
                    cuts[tied.end()] = (end, tied.start("part"))
                    end = tied.end()
                    parts += 1
            standalone = (
                anchor.kind is _Kind.DISTRICT
                or anchor.kind in (_Kind.PLACE, _Kind.BRAND)
                or anchor.kind is _Kind.BUILDING
                or (anchor.kind is _Kind.DIVISION and anchor.district is not None)
            )
            if (
                anchor.kind is _Kind.BUILDING
                and not parts
                and self._building_part_re is not None
                and (building_part := self._building_part(text, end)) is not None
            ):
                end = building_part.end()  # "1栋顶楼"
            if not parts and not standalone:
                # A city or province alone ("北京时间", "上海那边"), or a trigger with no place after it.
                continue
            said = text[anchor.start : end].strip()
            if anchor.kind is _Kind.TRIGGER and said.isdigit():
                # "地址123" or "住了3" says no place.
                continue
            if said in self._not_places or (self._floor_re is not None and self._floor_re.fullmatch(said)):
                continue
            if locative is not None:
                cuts[end] = locative.span()
            start = anchor.start
            if anchor.kind is _Kind.BUILDING:
                since = max(spans[-1][1] if spans else 0, start - _LATIN_NAME_WINDOW)
                latin = self._latin_estate.search(text, since, start)
                named = self._named_building_re.search(text, since, start)
                if latin is not None:
                    start = latin.start()
                elif named is not None:
                    start = named.start("name")
                else:
                    start = self._bare_estate_start(text, since, start)
                    if start == anchor.start:
                        start = self._spaced_estate_start(text, since, start)
            elif anchor.kind not in (_Kind.TRIGGER, _Kind.ESTATE):
                since = max(spans[-1][1] if spans else 0, start - _LEADING_WINDOW)
                leading = self._leading_division.search(text, since, start)
                if leading is not None:
                    start = leading.start()
                elif anchor.kind is _Kind.DISTRICT:
                    start = self._city_before(text, since, start)  # "上海浦东新区…": 上海 without its 市
            previous = spans[-1] if spans else None
            if (
                previous is not None
                and anchor.kind in (*_ESTATE_KINDS, _Kind.BUILDING)
                and previous[1] < start
                and not text[previous[1] : start].strip(" \t")
                and previous[1] not in cuts
                and not buildings.inside(text, previous)
            ):
                # "华穗路 雅居乐 1栋": an estate and its building typed on after the road it is on.
                spans[-1] = (previous[0], end)
                continue
            spans.append((start, end))
        return spans, cuts

    def _building_part(self, text: str, end: int) -> re.Match[str] | None:
        """A part of the building numbered before ``end`` ("楼道" of "5栋楼道里"), unless it starts a word
        the rules read ("3号楼楼道灯坏了": the 楼道灯 is what is broken, ``said_words``)."""
        assert self._building_part_re is not None
        part = self._building_part_re.match(text, end)
        if part is None or self._said_word_re is None:
            return part
        word = self._said_word_re.match(text, part.start() + (text[part.start()] in " \t"))
        return None if word is not None and word.end() > part.end() else part

    def _city_before(self, text: str, since: int, start: int) -> int:
        """Where the province or city written right before a district the gazetteer knows, without its
        suffix ("上海" of "上海浦东新区"), starts, when the parser knows it; else ``start``."""
        if self._divisions is None or since >= start or not "\u4e00" <= text[start - 1] <= "\u9fff":
            return start
        before = text[since:start]
        found = [division for division in self._divisions.find(before) if not division.county]
        ending = [division for division in found if division.end == len(before)]
        if not ending:
            return start
        first = min(division.start for division in found)
        return since + first if self._only_cities(before[first:]) else start

    def _only_cities(self, words: str) -> bool:
        """``words`` are a province's or a city's names and nothing else ("上海", "广东深圳"), as the parser
        reads them."""
        if self._divisions is None or not words.strip(_STRIPPED):
            return False
        covered = [False] * len(words)
        for division in self._divisions.find(words):
            if division.county:
                return False
            covered[division.start : division.end] = [True] * (division.end - division.start)
        return all(covered[index] for index, char in enumerate(words) if char not in _STRIPPED)

    def _place_name_goes_on(self, text: str, end: int) -> int:
        """Where a known place's name ending at ``end`` ends when it goes on: into the address suffix its
        last characters start ("望京街道" is a subdistrict, not 望京街 and 道), or into a name in capital
        Latin letters and its lettered tower ("望京SOHO T3"); else ``end``."""
        into = self._into_a_suffix(text, end)
        if into > end:
            return into
        latin = self._latin_name_on_re.match(text, end)
        return latin.end() if latin is not None else end

    def _into_a_suffix(self, text: str, end: int) -> int:
        """Where the address suffix the characters before ``end`` start ends ("望京街" + "道"), or ``end``."""
        for head, rest in self._suffix_rests:
            if text.startswith(rest, end) and text.endswith(head, 0, end):
                return end + len(rest)
        return end

    def _named_building(self, text: str, end: int) -> re.Match[str] | None:
        """A building named rather than numbered starting at ``end`` ("金星阁" of "太古城 金星阁 15楼"),
        with no word saying whose or which building in its name ("隔壁楼"), and its floor or flat after
        it unless its ending is never a word's (``unmistakable_building_suffixes``: "锦绣花园 紫荆阁 楼上漏水")."""
        if self._named_building_part_re is None:
            return None
        match = self._named_building_part_re.match(text, end)
        if match is None or any(word in match.group().lstrip() for word in self._not_estate_names):
            return None
        if match.group("ending") in self._unmistakable_building_endings:
            return match
        # "尚德邨尚智楼 部lift坏了": an estate naming its blocks, the block's name ending the words.
        blocks = self._block_estate_endings
        if blocks and text.endswith(blocks, 0, end) and _CLAUSE_END.match(text, match.end()):
            return match
        # Its floor or flat after it tells a building from a word ending the same way ("阳光花园 客服中心 没人接").
        numbered = self._part_re.match(text, match.end())
        if numbered is None or numbered.end() == match.end() or not self._numbers_a_unit(numbered.group()):
            return None
        return match

    def _flat_typed_on(self, text: str, end: int, part: str) -> int | None:
        """Where a flat typed right after ``part`` (ending at ``end``) ends, with no room word and no pause
        before the problem: a letter after a floor ("12座20楼C", "8楼A 冷气机滴水"), or a room number after
        a building or unit ("2单元501停水两天了"; a count is no flat: "3栋100多户", ``room_counters``)."""
        part = part.strip()
        if self._floor_re is not None and self._floor_re.fullmatch(part):
            letter = _FLAT_LETTER.match(text, end)
            return letter.end() if letter is not None else None
        if part.endswith(self._unit_endings):
            room = self._room_typed_on_re.match(text, end)
            return room.end() if room is not None else None
        return None

    def _part_word_after(self, text: str, match: re.Match[str]) -> int | None:
        """Where a building's part ("楼道", "楼梯间": ``building_parts``) starts inside ``match`` and
        runs on past it ("302 楼道灯": the 楼 is 楼道's, no floor's), or None."""
        if self._building_part_re is None:
            return None
        for at in range(match.start() + 1, match.end()):
            if text[at].isspace() or not (text[at - 1].isdigit() or text[at - 1].isspace()):
                continue  # a part's word starts after the number or the space, never inside a word
            word = self._building_part_re.match(text, at)
            if word is not None and word.end() > match.end():
                return at
        return None

    def _building_inside_a_name(self, part: str) -> int | None:
        """Where a numbered building or floor inside ``part``, read as a name ending with a place word,
        ends ("21楼电梯里": 3), when a name goes on after it; else None."""
        if self._numbers_a_unit(part.strip()):
            return None
        inner = self._building_or_floor_re.search(part)
        return inner.end() if inner is not None and inner.end() < len(part) else None

    def _name_after_a_building(self, last_part: str, part: str) -> bool:
        """``part``, read after ``last_part``, is a name ending with a place word ("电梯里" of "21楼
        电梯里面", 里 as in 和平里) after a numbered building or floor: an address goes from the estate
        down, so that is no part of it (a house number may still be followed by its estate: "88号阳光花园")."""
        said = last_part.strip()
        if not said.endswith(self._building_or_floor_endings) or not self._numbers_a_unit(said):
            return False
        return not self._numbers_a_unit(part.strip())

    def _numbers_a_unit(self, part: str) -> bool:
        """``part`` numbers a building, floor or flat ("15楼", "B室", "1502"), not a phase or an area."""
        return part[-1:].isdigit() or part[-1:] in self._spoken_digits or part.endswith(self._numbered_unit_endings)

    def _bare_estate_start(self, text: str, since: int, start: int) -> int:
        """Where the name of the estate the building number at ``start`` is in starts, when the
        characters right before it name one ("锦绣江南6栋"): from the clause's start, a trigger or a
        cue ("住锦绣江南6栋", "叫蓝湾半岛3号楼"), two to six of them with no word of ``not_estate_names``
        ("隔壁6栋"; "我家6栋", "就是6栋" have characters never in a name); else ``start``."""
        run = self._bare_run_re.search(text, since, start)
        if run is None:
            return start
        name_start = run.start()
        if self._name_opener_re is not None:
            for opener in self._name_opener_re.finditer(text, name_start, start):
                if opener.end() < start:
                    name_start = opener.end()
        name = text[name_start:start]
        fewest, most = _BARE_NAME_CHARS
        if not fewest <= len(name) <= most or any(word in name for word in self._not_estate_names):
            return start
        return name_start

    def _spaced_estate_start(self, text: str, since: int, start: int) -> int:
        """Where an estate's name said as a pause of its own before the building number at ``start``
        starts ("翠湖天地 7栋", "翠湖天地2期 7栋楼下": two to six characters, its phase with it, after a
        trigger or an opener as ``_bare_estate_start`` reads them); ``start`` when the words say whose
        or which building (``not_estate_names``) or tell the problem ("停电 3号楼", "厨房漏水 7栋")."""
        spaced = self._spaced_name_re.search(text, since, start)
        if spaced is None:
            return start
        name_start, name_end = spaced.span("name")
        if self._name_opener_re is not None:
            for opener in self._name_opener_re.finditer(text, name_start, name_end):
                if opener.end() < name_end:
                    name_start = opener.end()
        name = text[name_start:name_end]
        if len(name) < _BARE_NAME_CHARS[0] or any(word in name for word in self._not_estate_names):
            return start
        return start if self._tells_a_problem(name) else name_start

    def _tells_a_problem(self, name: str) -> bool:
        """``name`` holds a word telling a problem ("停电", "漏水": ``problem_words``): no estate's name."""
        return self._problem_word_re is not None and self._problem_word_re.search(name) is not None

    def _named_number(self, text: str, end: int) -> int | None:
        """After a district ending at ``end``, where a name and its number end ("福田区香蜜湖一号"),
        when the clause ends there or more units follow; else None."""
        if self._named_number_re is None or self._part_re.match(text, end) is not None:
            return None
        named = self._named_number_re.match(text, end)
        if named is None or any(word in named.group() for word in self._not_estate_names):
            return None
        if _CLAUSE_END.match(text, named.end()) or self._part_re.match(text, named.end()) is not None:
            return named.end()
        return None

    def _named_estate(self, text: str, end: int) -> int | None:
        """After a district ending at ``end``, where an estate's name ends ("宝安区碧海湾 180…": a name
        ending with an ``estate_suffixes`` word, three characters or more, to the end of the clause),
        when it says whose or which place nor tells a problem; else None."""
        if self._named_estate_re is None or self._part_re.match(text, end) is not None:
            return None
        named = self._named_estate_re.match(text, end)
        if named is None or named.end() - end < 3 or named.group() in self._estate_endings:
            return None
        name = named.group()
        if any(word in name for word in self._not_estate_names) or self._tells_a_problem(name):
            return None
        return named.end()

    def _trailing_name(self, text: str) -> str | None:
        """An estate's name with no estate word ("翠湖天地"), said as the last pause of a message that told a
        problem before it, a phone after it or not ("小区健身器材坏了好久了 翠湖天地 139…", "物业乱收停车费…翠湖天地"):
        four characters never inside a name otherwise (``address_stop_chars``), no word the rules read
        (``said_words``: "尽快处理", "谢谢师傅", Cantonese's "成日") nor one saying whose or which place;
        else None."""
        if self._problem_word_re is None or self._common_words is None:
            return None
        found = self._trailing_name_re.search(text, max(0, len(text) - _TRAILING_NAME_WINDOW))
        if found is None:
            return None
        name = found.group("name")
        if not self._problem_word_re.search(text, 0, found.start("name")):
            return None
        if any(word in name for word in self._not_estate_names) or name in self._not_places:
            return None
        return None if self.reads_as_words(name) else name

    def reads_as_words(self, name: str, person: bool = False) -> bool:
        """``name`` holds a word the rules read (a problem's, "尽快处理", Cantonese's "成日") or a numeral,
        or is everyday words ("上午十点", "天天如此", "莫名其妙"): no proper name of an estate. With
        ``person``, for a person's name ("司马明月" is two words of the dictionary), only one word of the
        dictionary is ("东方明珠"), and so is a name ending as an estate's or a place's does ("西门大厦", "欧阳苑")."""
        if self._tells_a_problem(name) or (self._said_word_re is not None and self._said_word_re.search(name)):
            return True
        if person and name.endswith((*self._estate_endings, *self._place_endings)):
            return True
        if not _NUMERALS.isdisjoint(name):
            return True
        if self._common_words is None:
            return False
        return self._common_words.get(name, 0) > 0 if person else self._everyday_words(name)

    def _everyday_words(self, name: str) -> bool:
        """``name`` is one word of the dictionary ("莫名其妙"), or common words of it, two characters or more
        each but one ("天天如此", "越来越差"): no estate's name, which has a rare word or one no dictionary
        lists ("翠湖天地": 翠湖; "星河丹堤": 丹堤)."""
        words = self._common_words
        assert words is not None
        if words.get(name, 0) > 0:
            return True
        # Fewest single characters needed to cut name[:end] into common words (None: it cannot be).
        singles: list[int | None] = [0] + [None] * len(name)
        for end in range(1, len(name) + 1):
            for start in range(end):
                before = singles[start]
                piece = name[start:end]
                if before is None or words.get(piece, 0) <= 0:
                    continue
                if len(piece) == 1:
                    cost = before + 1
                elif words[piece] >= _COMMON_WORD:
                    cost = before
                else:
                    continue
                current = singles[end]
                singles[end] = cost if current is None else min(current, cost)
        fewest = singles[len(name)]
        return fewest is not None and fewest <= 1

    def _choose(self, text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
        """The customer's own address: the last one they corrected to ("不是…，是海淀区…"), else the
        one after words saying where the problem is ("问题在隔壁金地广场…"), else the one named after
        "叫" ("好像叫星河湾"), else the one after "住在"/"地址", else the longest."""
        if self._corrected_re is not None and len(spans) > 1:
            for start, end in reversed(spans):
                # A building alone ("应该是7栋") corrects a part of the other: the flow merges it.
                partial = self._building_re is not None and self._building_re.fullmatch(text[start:end].strip())
                if not partial and self._corrected_re.search(text, max(0, start - _CORRECTION_WINDOW), start):
                    return start, end
        for cue in (self._problem_cue_re, self._name_cue_re):
            if cue is not None and len(spans) > 1:
                for start, end in spans:
                    if cue.search(text, max(0, start - _CORRECTION_WINDOW), start):
                        return start, end
        if self._trigger_re is not None:
            for start, end in spans:
                before = text[max(0, start - 6) : start]
                if any(match.end() == len(before) for match in self._trigger_re.finditer(before)):
                    return start, end
        return max(spans, key=lambda span: span[1] - span[0])

    def _building_corrected(self, text: str, spans: list[tuple[int, int]], chosen_end: int, address: str) -> str:
        """``address`` with its building replaced by one the customer corrected it to later in the
        message ("建国路88号6栋…，不对，应该是7栋" is 建国路88号7栋); what followed the old one goes."""
        if self._corrected_re is None or self._building_re is None:
            return address
        for start, end in reversed(spans):
            if start < chosen_end:
                break
            said = text[start:end].strip()
            if not self._building_re.fullmatch(said):
                continue
            if not self._corrected_re.search(text, max(0, start - _CORRECTION_WINDOW), start):
                continue
            suffix = said.lstrip("0123456789")
            same_level = [found for found in self._building_re.finditer(address) if found.group().endswith(suffix)]
            if same_level:
                return address[: same_level[-1].start()] + said
        return address

    def _building_added(self, text: str, spans: list[tuple[int, int]], chosen_end: int, address: str) -> str:
        """``address`` with the building said a little later in the message when it names none
        ("住在翠湖花园 几栋我想想 12栋" is 翠湖花园12栋)."""
        if self._building_re is None or not address or self._building_re.search(address):
            return address
        if any(char.isdigit() for char in address):
            return address  # a house number already ("建国路88号")
        for start, end in spans:
            if start < chosen_end:
                continue
            # "…叫做华润二十四城，电梯坏了，我住在十二栋": a building said after "住在" joins it however far.
            lives_there = self._trigger_re is not None and any(
                trigger.end() == start for trigger in self._trigger_re.finditer(text, chosen_end, start)
            )
            if start - chosen_end > _BUILDING_AFTER_WINDOW and not lives_there:
                continue
            said = text[start:end].strip()
            building = self._building_re.match(said) or self._spoken_building_number_re.match(said)
            if building is not None and building.start() == 0:
                return address + said
            break
        return address

    def _flat_put_right(self, text: str, chosen_end: int, address: str) -> str:
        """``address`` with its room number replaced by the one said after it as the flat with the
        problem, at the end of the message ("幸福小区4栋302 老太太是301" is 幸福小区4栋301): a few
        words naming someone, a cue (``affected_flat_cues``), as many digits as the room said."""
        if self._affected_flat_re is None:
            return address
        room = _ROOM_AT_END.search(address)
        later = self._affected_flat_re.match(text, chosen_end)
        if room is None or later is None or len(later.group("room")) != len(room.group("room")):
            return address
        return address[: room.start("room")] + later.group("room") + address[room.end("room") :]

    @staticmethod
    def _district(anchors: list[_Anchor], start: int, end: int) -> str | None:
        brands = [anchor for anchor in anchors if anchor.kind is _Kind.BRAND]
        inside = [
            anchor
            for anchor in anchors
            if start <= anchor.start
            and anchor.end <= end
            and anchor.district
            # "万达世纪城" is another estate than the 世纪城 the gazetteer lists, wherever that one is.
            and not any(brand.start < anchor.start < brand.end for brand in brands)
        ]
        for kinds in ((_Kind.DISTRICT, _Kind.DIVISION), (_Kind.PLACE,)):
            for anchor in inside:
                if anchor.kind in kinds:
                    return anchor.district
        return None
