"""Contact phone numbers in free text: mobiles and landlines, as E.164 (``+8613912345678``).

Candidates are runs of digits with the separators people type (spaces, dashes, brackets, dots),
optionally led by ``+`` or ``00``; ``phonenumbers`` decides which are real numbers. The text must
already be NFKC-normalised, so full-width digits arrive as ASCII ones. A number said digit by digit
in Chinese numerals ("幺三八零零一三八零零零", as voice input writes it) is read as its digits, and a
number told in groups with pauses between them ("幺三八，零零幺幺，二二三三", "1 3 8 0 0 1 1 2 2 3 3")
as the groups together, when together they make a valid number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberFormat, PhoneNumberType

from bot.config import ServiceConfig
from bot.core.phones import SPOKEN_AS_ASCII, SPOKEN_DIGITS
from bot.understanding.patterns import alternation

_CANDIDATE = re.compile(r"(?<![\dA-Za-z])(?:\+|\()?\d[\d \-.()\u2010-\u2015]{5,22}\d(?![\dA-Za-z])")
_ENOUGH_DIGITS = re.compile(r"\d{3}")
_SPOKEN_RUN = re.compile(rf"[{SPOKEN_DIGITS}\d][{SPOKEN_DIGITS}\d \-]{{5,22}}[{SPOKEN_DIGITS}\d]")
"""Seven or more digits, some of them Chinese numerals: too long to be a count, a date or an amount."""
_GROUPED_RUN = re.compile(
    rf"(?<![\dA-Za-z{SPOKEN_DIGITS}])[{SPOKEN_DIGITS}\d]+(?:[\s,，、.。;；\-]{{1,3}}[{SPOKEN_DIGITS}\d]+)+"
    rf"(?![\dA-Za-z{SPOKEN_DIGITS}])"
)
"""Groups of digits with a pause between each two, as voice input punctuates a number read out
("幺三八，零零幺幺，二二三三。") or as it is typed a digit at a time ("1 3 8 0 0 1 1 2 2 3 3")."""
_LOCAL_NUMBER = re.compile(r"(?<![\dA-Za-z+])(?<![\d\-.][\-.])[2-9]\d{2,3}[ \-.]?\d{4}(?![\dA-Za-z]|[\-.]\d)")
"""A landline's local part as people type it without the area code: "88665544", "8866 5544"; not
the end or the start of a longer number ("400-810-8888"), nor a country code and what follows it
("+852 9111 2222" is no local 8529111)."""
_DATE = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_CUE_REACH = 8
"""How many characters before a local number a phone word may stand ("座机号码是 8866 5544")."""
_REGION_CUE_REACH = 12
"""The same for a Hong Kong or Macao number, whose eight digits are valid for fewer numbers than a
local one's seven or eight: further, as English says it ("the phone is 9876 5433")."""
_WORD_CHARACTER = re.compile(r"[^\W_]")
_LETTER_FOR_DIGIT = re.compile(r"(?<=\d)[OoIl](?=\d)")
"""A letter O (for 0) or I or l (for 1) between digits."""
_MOBILE_DIGITS = 11
_CONTACT_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_LANDLINE_TYPES = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def find_phone(text: str, region: str = "CN", mobile_only: bool = False) -> str | None:
    """The first mobile or landline number in ``text`` as E.164, or ``None``.

    Service numbers (400/800, short codes) and numbers without a landline's area code are not a
    customer's contact phone and are skipped. ``mobile_only``: landlines too ("2024 0501", a date
    with its spaces, is a Hong Kong landline's shape).
    """
    found = find_phones(text, region, mobile_only, most=1)
    return found[0] if found else None


def find_phones(text: str, region: str = "CN", mobile_only: bool = False, most: int = 2) -> list[str]:
    """Up to ``most`` different numbers of ``text`` as :func:`find_phone` reads them, in the order
    written ("电话138… 打不通就打我老婆的139…" gives both)."""
    types = _MOBILE_TYPES if mobile_only else _CONTACT_TYPES
    found = _phones(text, region, types, most)
    if not found and (spoken := with_ascii_digits(text)) != text:
        found = _phones(spoken, region, types, most)
    if not found and (lettered := _LETTER_FOR_DIGIT.sub(_digit_for_letter, text)) != text:
        # "1391234O215": a letter typed for a digit, read so only when it makes a mobile.
        found = [number for number in _phones(lettered, region, _MOBILE_TYPES, most) if _is_mobile(number, region)]
    if not found:
        found = _grouped_phones(text, region, types, most)
    return found


_EXTENSION_DIGITS = r"(\d{2,6})(?![\d.])"
"""An extension's digits: two to six, the whole run."""
_MOST_PLACE_DIGITS = 3
"""The most digits of a floor or a building said after a landline ("转12楼", "转302室")."""


class ExtensionFinder:
    """The extension typed right after a landline, with one of the words between them (``words``:
    "转", "分机", "ext", "x"): "0755-2688-1234转8021" gives "8021". A mobile has none, and a number
    run on into more digits ("0755-26881234-8021") is not split: which digits are whose is a guess,
    nor are a floor's or a building's few digits, a place's word right after them (``units``: "转12楼"
    is no extension; "转8021楼上漏水" is one)."""

    def __init__(self, words: Sequence[str], units: Sequence[str] = ()) -> None:
        said = alternation(word.lower() for word in words)
        self._after = (
            re.compile(rf"[ \t]*[,，(（]?[ \t]*(?:{said})[ \t]*[:：.#-]?[ \t]*{_EXTENSION_DIGITS}", re.IGNORECASE)
            if said
            else None
        )
        self._units = tuple(units)

    def find(self, text: str, e164: str, region: str = "CN") -> str | None:
        """The extension after the landline ``e164`` where ``text`` (NFKC-normalised) writes it, or None."""
        if self._after is None or not _ENOUGH_DIGITS.search(text) or self._after.search(text) is None:
            return None  # no extension's word and digits anywhere: no number is parsed for one
        for match in _CANDIDATE.finditer(text):
            if _parse(match.group(), region, _LANDLINE_TYPES) != e164:
                continue
            extension = self._after.match(text, match.end())
            if extension is None:
                continue
            digits = extension.group(1)
            if len(digits) <= _MOST_PLACE_DIGITS and text.startswith(self._units, extension.end()):
                return None
            return digits
        return None


def find_with_country_code(text: str, regions: Sequence[str]) -> str | None:
    """A number of one of ``regions`` written with its country code ("+852 9111 2222", "00853 6612
    3456") that :func:`find_phone` does not take because ``phonenumbers`` lists no block of its
    (:func:`shaped_as_its_country_s`): the customer named the country, and allocation tables lag
    behind the numbers people have. E.164, or ``None``."""
    for match in _CANDIDATE.finditer(text):
        written = match.group()
        if not written.startswith(("+", "00")):
            continue
        try:
            number = phonenumbers.parse(written, "CN")  # "00" is the international prefix dialled from here
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.region_code_for_number(number) in regions and shaped_as_its_country_s(number):
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return None


def shaped_as_its_country_s(number: PhoneNumber) -> bool:
    """``number`` is valid, or has the shape of its country's numbers (their national pattern, and
    a mobile's or a landline's length) though in a block ``phonenumbers`` does not list."""
    if phonenumbers.is_valid_number(number):
        return True
    if number.country_code is None:
        return False
    metadata = PhoneMetadata.metadata_for_region(phonenumbers.region_code_for_country_code(number.country_code))
    if metadata is None or metadata.general_desc is None or metadata.general_desc.national_number_pattern is None:
        return False
    national = phonenumbers.national_significant_number(number)
    if re.fullmatch(metadata.general_desc.national_number_pattern, national) is None:
        return False
    return any(
        phonenumbers.is_possible_number_for_type(number, kind)
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE)
    )


def _grouped_phones(text: str, region: str, types: frozenset[int], most: int) -> list[str]:
    """The numbers told in groups with pauses between them: each run of groups read whole, and
    kept only when all its groups together make a valid number ("3栋，2单元，502" is no run, and
    "3，5，10" no number)."""
    found: list[str] = []
    for run in _GROUPED_RUN.finditer(text):
        digits = "".join(ch for ch in run.group().translate(SPOKEN_AS_ASCII) if ch.isdigit())
        number = _parse(digits, region, types)
        if number is not None and number not in found:
            found.append(number)
            if len(found) >= most:
                break
    return found


def grouped_phone_runs(text: str, region: str = "CN") -> list[tuple[int, int]]:
    """Where in ``text`` (NFKC-normalised) a number told in groups stands, as :func:`find_phones`
    reads one ("139。8765。4321", "1-3-9-1-2-3-4-5-6-7-8"): so what hides it can find it too."""
    spans: list[tuple[int, int]] = []
    for run in _GROUPED_RUN.finditer(text):
        digits = "".join(ch for ch in run.group().translate(SPOKEN_AS_ASCII) if ch.isdigit())
        if _parse(digits, region, _CONTACT_TYPES) is not None:
            spans.append(run.span())
    return spans


def _digit_for_letter(found: re.Match[str]) -> str:
    return "0" if found.group() in "Oo" else "1"


def _is_mobile(e164: str, region: str) -> bool:
    return len(national_digits(e164, region)) == _MOBILE_DIGITS


_LONGEST_BEGUN_WITH = {"1": 11, "0": 12}
"""The most digits of a number written nationally as it begins: a mainland mobile 11, a landline
with its trunk 0 and area code 12; any other first digit begins a local number or a Hong Kong or
Macao one, of 8 at most."""
_LONGEST_LOCAL = 8


def could_begin_a_number(digits: str) -> bool:
    """``digits`` (ASCII) are a number's beginning, or all of it: not longer than a number begun
    so can be ("139", "1391234", "9123"; not "139123456789")."""
    return not digits or len(digits) <= _LONGEST_BEGUN_WITH.get(digits[0], _LONGEST_LOCAL)


_MOBILE_START = re.compile(r"1[3-9]\d")
_MOBILE_GROUP_ENDS = (3, 7)
"""Where a mainland mobile's groups end as people say it in three (139 / 1234 / 5678)."""


def begins_a_mobile_in_groups(digits: str) -> bool:
    """``digits`` (ASCII) are a mainland mobile's first groups ("139", "1391234"): a mobile's start
    (13x to 19x), ending where one of its groups ends."""
    return len(digits) in _MOBILE_GROUP_ENDS and _MOBILE_START.match(digits) is not None


def find_local_landline(text: str, area_code: str | None, cues: Sequence[str], region: str = "CN") -> str | None:
    """A landline typed without its area code ("座机 8866 5544", "家里电话八八六六五五四四") as the
    local area's (``area_code``, e.g. "029") number in E.164, or ``None``. Without an area code
    known, the local number's seven or eight digits as typed ("88123456"): the staff calling it
    back are in the same area.

    Only after one of the phone words of ``cues`` (lower-case), or as the whole message: elsewhere
    eight digits are as likely an order number or an amount."""
    for digits in _local_numbers(text, cues):
        if area_code is None:
            if _DATE.fullmatch(digits) is None:  # "2024 0501" is a day, whatever the area's numbers
                return digits
            continue
        number = _parse(area_code + digits, region, _LANDLINE_TYPES)
        if number is not None:
            return number
    return None


def find_unprefixed_mobile(
    text: str,
    regions: Sequence[str],
    cues: Sequence[str],
    landlines: bool = False,
    landline_cues: Sequence[str] = (),
) -> str | None:
    """A mobile of one of ``regions`` (Hong Kong, Macao: "9123 4567", "98765432") typed without
    its country code, as E.164, where a local number would be read (:func:`find_local_landline`:
    after a phone word of ``cues`` or as the whole message), or ``None``. ``landlines``: their
    landlines too ("屋企電話 2345 6789", written in traditional characters). A number after a word
    of ``landline_cues`` ("座机 6234 5678") is a landline, never read as a mobile."""
    for digits, before in _local_matches(text, cues, _REGION_CUE_REACH):
        said_landline = any(cue in before for cue in landline_cues if cue)
        if said_landline and not landlines:
            continue
        types = _LANDLINE_TYPES if said_landline else _CONTACT_TYPES if landlines else _MOBILE_TYPES
        for region in _without_trunk_prefix(regions):
            number = _parse(digits, region, types)
            if number is not None:
                return number
    return None


def unprefixed_mobiles(text: str, regions: Sequence[str], not_after: Sequence[str] = ()) -> list[str]:
    """Every mobile of one of ``regions`` typed without its country code anywhere in ``text``
    ("it's 9876 5433 not 9876 5432"), as E.164, in the order typed: for an answer to a question
    asking for the phone, where no word need come before it. None right after a word of
    ``not_after`` (lower case: "flat", "block", "/f"): those digits are a part of an address."""
    found: list[str] = []
    after = re.compile(rf"(?<![a-z])(?:{alternation(not_after)})[\s#.:,]*$") if not_after else None
    for digits, before in _local_matches(text, ("",), _REGION_CUE_REACH):
        if after is not None and after.search(before):
            continue
        number = next(
            filter(None, (_parse(digits, region, _MOBILE_TYPES) for region in _without_trunk_prefix(regions))), None
        )
        if number is not None and number not in found:
            found.append(number)
    return found


def _without_trunk_prefix(regions: Sequence[str]) -> list[str]:
    """Of ``regions``, those whose numbers are typed at home without a trunk prefix (Hong Kong,
    Macao): a local number, which never starts with 0, is none of Taiwan's, where every number
    typed at home keeps its 0 ("67891234" is no Tainan 06 789 1234)."""
    return [region for region in regions if not _trunk_prefix(region)]


def _trunk_prefix(region: str) -> str | None:
    metadata = PhoneMetadata.metadata_for_region(region)
    return None if metadata is None else metadata.national_prefix


def _local_numbers(text: str, cues: Sequence[str], reach: int = _CUE_REACH) -> list[str]:
    """The digits of each number of ``text`` shaped as a local one (seven or eight digits, not from
    0 or 1) that stands alone or at most ``reach`` characters after one of ``cues``."""
    return [digits for digits, _ in _local_matches(text, cues, reach)]


def _local_matches(text: str, cues: Sequence[str], reach: int) -> list[tuple[str, str]]:
    """:func:`_local_numbers`, each with the ``reach`` characters before it (lower case)."""
    text = _DIGITS_APART.sub(_local_digits_together, with_ascii_digits(text))
    if not _ENOUGH_DIGITS.search(text):
        return []
    lowered = text.lower()
    found: list[tuple[str, str]] = []
    # Alone: no letter or digit before or after it (found once: a long text holds thousands of numbers).
    first = last = -1
    for match in _LOCAL_NUMBER.finditer(text):
        if first < 0:
            first, last = _first_word_character(text), len(text) - 1 - _first_word_character(text[::-1])
        before = lowered[max(0, match.start() - reach) : match.start()]
        alone = match.start() <= first and last < match.end()
        if alone or any(cue in before for cue in cues):
            found.append(("".join(ch for ch in match.group() if ch.isdigit()), before))
    return found


def _first_word_character(text: str) -> int:
    """Where the first letter or digit of ``text`` is; its length when it has none."""
    found = _WORD_CHARACTER.search(text)
    return len(text) if found is None else found.start()


_SEPARATOR = r"[ \t,，、.\-]"
_DIGIT_APART = rf"{_SEPARATOR}{{1,3}}\d"
# Never from inside a run (after one of its digits and the space after it): tried again from each of
# its digits, a long run ("1 1 1 … 1a") would be read to its end from each, the square of its length.
_INSIDE_A_RUN = "".join(
    rf"(?<!(?<![\dA-Za-z])\d{_SEPARATOR}{{{count}}})" for count in range(1, 4)
)
_DIGITS_APART = re.compile(
    rf"(?<![\dA-Za-z]){_INSIDE_A_RUN}\d(?:{_DIGIT_APART})+(?![\dA-Za-z]|{_DIGIT_APART})"
)
"""Single digits, each apart from the next ("6 2 3 4 5 6 7 8", as an elderly customer or voice
input spaces a number): the whole run, never a part of it."""
_LOCAL_LENGTHS = range(7, 9)


def _local_digits_together(found: re.Match[str]) -> str:
    """A local number typed a digit at a time, its seven or eight digits together; any other run as typed."""
    digits = "".join(ch for ch in found.group() if ch.isdigit())
    return digits if len(digits) in _LOCAL_LENGTHS else found.group()


_MOST_TAIL_DIGITS = 4
"""The most digits a customer puts right at the end of a number just said ("…零三一不对是零三二");
the whole number said again replaces it all."""
_TAIL_BEFORE_WORDS = 3
"""Fewer digits than this put right only at a pause: before more words they are a count ("两天")."""
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


class TailPutRight:
    """A number said and its last digits put right at once, before anything else ("电话是一三三五五五五零零三一
    不对是零三二", "13355550031 不对 032"): the number with those digits in place of its last ones,
    so the phone reader reads the number meant. Built once from the words that take digits back
    (``cues``: 不对, 说错了), those that may introduce the right ones (``intros``: 是, 应该是) and
    the words a number ends a place with (``units``: "不对 是三楼" puts no digit right). Several
    such words may follow one another, with interjections (``fillers``) before them: "13812345678
    哦不对打错了 是13812345687". A denial alone (``denials``: "不是") takes back no digits the number
    before was said to be ("是13600001111不是13600001112"), nor a whole number: that is the wrong one."""

    def __init__(
        self,
        cues: Sequence[str],
        intros: Sequence[str],
        units: Sequence[str],
        fillers: Sequence[str] = (),
        denials: Sequence[str] = (),
    ) -> None:
        digit = rf"[{SPOKEN_DIGITS}\d]"
        said_cues = alternation(word.lower() for word in cues)
        said_intros = alternation(word.lower() for word in intros)
        said_fillers = alternation(word.lower() for word in fillers)
        intro = rf"(?P<intro>[\s,，:：]*(?:{said_intros}))?" if said_intros else ""
        units_after = rf"|\s*(?:{alternation(units)})" if units else ""
        pause = r"[\s,，.。!！]*"
        interjection = rf"(?:(?:{said_fillers}){pause})*" if said_fillers else ""
        taken_back = rf"{interjection}(?:{said_cues})(?:{pause}{interjection}(?:{said_cues}))*"
        # Most messages take nothing back: the words alone are looked for first, at a fraction of the cost.
        self._cue = re.compile(said_cues) if said_cues else None
        self._put_right = (
            re.compile(
                rf"(?P<number>{digit}[{SPOKEN_DIGITS}\d \-]{{5,22}}{digit}){pause}(?P<cues>{taken_back}){intro}"
                rf"[\s,，:：]*(?P<tail>{digit}+(?:[ \-]{digit}+)*)(?!{digit}{units_after})"
            )
            if said_cues
            else None
        )
        cue_words = {word.lower() for word in cues}
        said_denials = alternation(word.lower() for word in denials if word.lower() in cue_words)
        also_fillers = rf"|(?:{said_fillers})" if said_fillers else ""
        self._only_denials = (
            re.compile(rf"(?:(?:{said_denials})|[\s,，.。!！]{also_fillers})+") if said_denials else None
        )
        self._intro_before = re.compile(rf"(?:{said_intros})[\s,，:：]*$") if said_intros else None

    @classmethod
    def from_config(cls, config: ServiceConfig) -> TailPutRight:
        form, gazetteer = config.classification.form, config.gazetteer
        return cls(
            form.phone_tail_corrections,
            form.put_right_intros,
            [*gazetteer.unit_suffixes, *gazetteer.floor_suffixes],
            [*config.classification.fillers, *form.spoken_fillers],
            form.denial_words,
        )

    def apply(self, text: str, view: str) -> tuple[str, str]:
        """``text`` and ``view`` (``text`` in simplified Chinese) with each number whose last digits
        are put right written as the number meant; the words are matched in ``view``, and the
        same spans rewritten in both when the two are of one length."""
        if len(view) != len(text):
            return self._put_right_in(text, text), self._put_right_in(view, view)
        spans = self._spans(view)
        return _rewritten(text, spans), _rewritten(view, spans)

    def _put_right_in(self, text: str, view: str) -> str:
        return _rewritten(text, self._spans(view))

    def _spans(self, view: str) -> list[tuple[int, int, str]]:
        """Where in ``view`` a number and its digits put right stand, and the number meant."""
        if self._put_right is None or self._cue is None:
            return []
        lowered = view.lower()
        if len(lowered) != len(view) or self._cue.search(lowered) is None:
            return []
        spans: list[tuple[int, int, str]] = []
        for found in self._put_right.finditer(lowered):
            digits = "".join(ch for ch in found.group("number").translate(SPOKEN_AS_ASCII) if ch.isdigit())
            # "不对是138 1234 5679": a number typed again in groups is read whole, never its first group alone.
            tail = "".join(ch for ch in found.group("tail").translate(SPOKEN_AS_ASCII) if ch.isdigit())
            if len(tail) > _MOST_TAIL_DIGITS and len(tail) != len(digits):
                continue
            if len(tail) < _TAIL_BEFORE_WORDS and _CHINESE.match(lowered, found.end()):
                continue  # "…0031 不是一两天了": a count, not digits
            if self._denies(found, lowered, whole=len(tail) == len(digits)):
                continue
            meant = tail if len(tail) == len(digits) else digits[: -len(tail)] + tail
            spans.append((found.start(), found.end(), meant))
        return spans

    def _denies(self, found: re.Match[str], lowered: str, whole: bool) -> bool:
        """The number after the words is the wrong one, not the right one: the words only deny
        ("不是"), none introduces what is right ("不是，是…"), and what follows is a whole number
        ("13600001112 不是 13600001111") or the number before was said as the right one
        ("是13355550031不是032")."""
        if self._only_denials is None or found.group("intro"):
            return False
        if self._only_denials.fullmatch(found.group("cues")) is None:
            return False
        said_right = self._intro_before is not None and self._intro_before.search(lowered, 0, found.start()) is not None
        return whole or said_right


_DENIED_LEAD = 3
"""The most digits before a denied number's own in the run written after the denial: a country
code or a trunk 0 ("不是+86 136…", "not 0755…")."""


class DeniedNumbers:
    """The numbers a message says are not the phone: written right after a denial word (``denials``:
    "不是", "not"), "是13600001111不是13600001112", "不是136…1112 是136…1111", "it's 9876 5433 not
    9876 5432". Built once from the words."""

    def __init__(self, denials: Sequence[str]) -> None:
        said = alternation(word.lower() for word in denials if word)
        # An English word whole: "not" is no part of "cannot".
        self._denial = re.compile(rf"(?<![a-z])(?:{said})[\s,，:：]*(?=[+(\d])") if said else None

    @classmethod
    def from_config(cls, config: ServiceConfig) -> DeniedNumbers:
        form = config.classification.form
        return cls([*form.denial_words, *form.place_denial_words])

    def right_ones(self, view: str, numbers: Sequence[str], region: str = "CN") -> list[str]:
        """``numbers`` (E.164, found in ``view``: NFKC-normalised, in simplified Chinese) less those
        written right after a denial word, when one of them is not: the wrong one of a correction is
        never kept. Denied all, or none, they are returned as they are."""
        denied = self._denied(view, numbers, region)
        right = [number for number in numbers if number not in denied]
        return right if right and denied else list(numbers)

    def _denied(self, view: str, numbers: Sequence[str], region: str) -> set[str]:
        if self._denial is None or len(numbers) < 2:
            return set()
        lowered = with_ascii_digits(view).lower()
        runs = []
        for denial in self._denial.finditer(lowered):
            run = _CANDIDATE.match(lowered, denial.end()) or _LOCAL_NUMBER.match(lowered, denial.end())
            if run is not None:
                runs.append("".join(ch for ch in run.group() if ch.isdigit()))
        denied: set[str] = set()
        for number in numbers:
            own = _significant(number, region)
            if any(0 <= run.find(own) <= _DENIED_LEAD for run in runs):
                denied.add(number)
        return denied


def _significant(number: str, region: str) -> str:
    """The digits a number is written with whatever comes before them: its national significant
    number ("+8613912345678" is "13912345678"), or a local number kept as typed."""
    if not number.startswith("+"):
        return number
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return number[1:]


def _phones(text: str, region: str, types: frozenset[int], most: int) -> list[str]:
    found: list[str] = []
    if not _ENOUGH_DIGITS.search(text):
        return found
    for match in _CANDIDATE.finditer(text):
        # Two numbers separated by a space make one candidate: each part is tried alone, and a part
        # that is a whole number by itself wins over the run ("1204 13912340209": a flat and a
        # mobile, not the landline 0391-2340209 its digits also spell).
        parts = [_parse(part, region, types) for part in match.group().split()] if " " in match.group() else []
        whole = None if any(parts) else _parse(match.group(), region, types)
        numbers = [whole] if whole is not None else parts
        for number in numbers:
            if number is not None and number not in found:
                found.append(number)
                if len(found) >= most:
                    return found
    return found


def _rewritten(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each of ``spans`` (in order, apart) written as its third item, in one pass."""
    if not spans:
        return text
    pieces: list[str] = []
    at = 0
    for start, end, meant in spans:
        pieces += (text[at:start], meant)
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def with_ascii_digits(text: str) -> str:
    """``text`` with every digit-by-digit run of Chinese numerals written in ASCII digits."""
    if not any(ch in SPOKEN_DIGITS for ch in text):
        return text
    return _SPOKEN_RUN.sub(lambda run: run.group().translate(SPOKEN_AS_ASCII), text)


def _parse(candidate: str, region: str, types: frozenset[int]) -> str | None:
    digits = "".join(ch for ch in candidate if ch.isdigit())
    if not 7 <= len(digits) <= 15:
        return None
    international = candidate.startswith(("+", "00"))
    if region == "CN" and not international:
        if digits.startswith("86") and len(digits) == 13:
            candidate = "+" + digits
        elif not digits.startswith(("0", "1")):
            # Written nationally, a landline keeps its trunk 0 and a mobile starts with 1; without
            # this, a date such as "2024-05-01 12" would pass as a Guangzhou (20) landline.
            return None
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in types:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def national_digits(e164: str, region: str = "CN") -> str:
    """What the engine stores and ``bot.core.phones.normalise_phone`` produces: national digits.

    ``"+8613912345678"`` -> ``"13912345678"``; ``"+861012345678"`` -> ``"01012345678"`` (landlines
    keep their trunk 0 and area code). A number of another country keeps its E.164 form; a local
    number kept as typed (no "+": :func:`find_local_landline` without an area code) stays so.
    """
    if not e164.startswith("+"):
        return e164
    number = phonenumbers.parse(e164, region)
    if phonenumbers.region_code_for_number(number) != region:
        return e164
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())


def said_phone(stored: str, region: str = "CN") -> str:
    """A stored phone as its owner writes it: a mainland mobile as stored ("13912345678"), a
    landline with its area code apart ("037162345678" is "0371-62345678"), another country's
    number in its own national format ("+886912345678" is "0912 345 678", "+85291234567" is
    "9123 4567"), so the customer knows it for the one they typed."""
    if not stored.startswith("+"):
        return _landline_said(stored, region) if stored.startswith("0") else stored
    try:
        number = phonenumbers.parse(stored, None)
    except phonenumbers.NumberParseException:
        return stored
    if not shaped_as_its_country_s(number):
        return stored
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def _landline_said(stored: str, region: str) -> str:
    """National digits of a landline as written with the area code apart ("0371-62345678"); any
    other number as stored."""
    try:
        number = phonenumbers.parse(stored, region)
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in _LANDLINE_TYPES:
        return stored
    area = phonenumbers.length_of_geographical_area_code(number)
    significant = phonenumbers.national_significant_number(number)
    prefix = stored[: len(stored) - len(significant)]  # the trunk 0
    if not area or prefix + significant != stored:
        return stored
    return f"{prefix}{significant[:area]}-{significant[area:]}"
