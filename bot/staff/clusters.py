"""Cluster alerts (seed 003, escalation sensitivity): many complaints about the same problem, in
the same area, in the same period, from different people raise an alert instead of being handled
one by one.

Different people, not different sessions: anyone may open web chat session after session, each
a new anonymous customer. A person is their strongest identity: the contact phone they gave, else
the customer (channel identity) they wrote as; complaints sharing either are one person's, directly
or through one another, so one phone typed from many sessions counts once. A client address is
never a person: neighbours behind one carrier NAT, each with their own phone, count one each.

:func:`find_clusters` is pure; :func:`alert_clusters` runs it over the window's complaints and
notifies supervisors and managers once per (category, problem, area, window bucket). The problem is
the one of ``cluster_alert.problems`` (queue.yaml) the description names first (电梯, 漏水, 燃气…): a
gas smell, a smoking socket and a leak at one estate, all 工程维修, are three problems, not one cluster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.config import ClusterAlert, Gazetteer
from bot.core.staff_event import StaffEvent
from bot.storage.notifications import MANAGERS, SUPERVISORS, notify
from bot.storage.supervision import complaints_with_area
from bot.understanding.normalise import Converter, normalise

CLUSTER_ALERT = "cluster_alert"


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    case_number: str
    customer_id: int
    category: str
    area: str | None
    created_at: dt.datetime
    phone: str | None = None
    """The case's contact phone, when one was given."""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Cluster:
    category: str
    area: str
    """As the first complaint wrote it (trimmed)."""
    area_key: str
    """The estate or street, folded as the understanding layer folds text (``AreaGroups.key``)."""
    customers: int
    case_numbers: tuple[str, ...]
    problem: str | None = None
    """The problem of ``cluster_alert.problems`` its complaints name; None: of the category alone."""


class ProblemKinds:
    """Which of the configured problems (``cluster_alert.problems``) a description names first,
    read as the understanding layer folds text (width, case, traditional characters): one pattern,
    compiled once."""

    def __init__(self, problems: dict[str, list[str]], converter: Converter) -> None:
        self._converter = converter
        self._of: dict[str, str] = {}
        for problem, words in problems.items():
            for word in words:
                folded = normalise(word, converter).text.casefold().strip()
                if folded:
                    self._of.setdefault(folded, problem)
        alternatives = "|".join(map(re.escape, sorted(self._of, key=len, reverse=True)))
        self._pattern = re.compile(alternatives) if alternatives else None

    def of(self, description: str) -> str | None:
        if self._pattern is None or not description:
            return None
        found = self._pattern.search(normalise(description, self._converter).text.casefold())
        return self._of[found.group()] if found is not None else None


class AreaGroups:
    """The estate or street an address counts in: the address without its building, unit, floor and
    flat, so neighbours' complaints count together: "朝阳区阳光花园3栋2单元501" and "朝阳区阳光花园 5栋"
    are both 朝阳区阳光花园's, and so is "朝阳区阳光花园南门" (a gate, car park or other part of the
    estate named after it, ``estate_parts`` of the gazetteer). Hong Kong's named blocks go too
    ("太古城金星閣16樓B室" and "太古城银星阁" are 太古城's, ``named_building_suffixes`` of the
    gazetteer), and so do the flat, floor and block of an address written in English ("Flat 5C,
    12/F, Block 2, Taikoo Shing" is Taikoo Shing's, ``english_unit_words`` and
    ``english_floor_words``). Spellings count together as the understanding layer reads them the
    same: full width, case and traditional characters ("高新區錦業路" is 高新区锦业路). An estate's
    other names (``estate_aliases`` of the gazetteer: "Taikoo Shing" and 太古城) count as its first, and
    its name with a word only saying it is an estate after it (``generic_estate_words``: "翠湖天地小区")
    as its name alone (翠湖天地)."""

    def __init__(self, gazetteer: Gazetteer, converter: Converter) -> None:
        self._converter = converter
        units = sorted({*gazetteer.building_suffixes, *gazetteer.floor_suffixes}, key=len, reverse=True)
        self._inside = (
            re.compile(rf"[0-9A-Za-z〇零一二三四五六七八九十百两甲乙丙丁-]+\s*(?:{'|'.join(map(re.escape, units))})")
            if units
            else None
        )
        # "金星阁" of "太古城金星阁": a block's name is two characters before its ending, as Hong Kong names
        # them (a longer one could not be told from the estate's name typed on before it), after an estate
        # (``estate_suffixes`` or listed) or its phase ("黄埔花园 8期 青桦阁"), so "朝阳区碧水轩" stays whole.
        # An ending some everyday word has (苑, 中心) names a block only with a floor or flat after it.
        self._named = self._named_re(gazetteer.named_building_suffixes)
        self._unmistakable = frozenset(gazetteer.unmistakable_building_suffixes)
        estates = {estate for district in gazetteer.districts for estate in district.estates}
        # An estate's other names are estates too ("美孚停车场", "Taikoo Shing 金星閣", "Taikoo Shing car park"),
        # and so are English names ending as estates do ("Sunshine Garden clubhouse").
        estates |= {normalise(name, converter).text for names in gazetteer.estate_aliases for name in names}
        estates |= {word.lower() for word in gazetteer.english_estate_words}
        endings = "|".join(map(re.escape, sorted({*gazetteer.estate_suffixes, *estates}, key=len, reverse=True)))
        self._estate_before = (
            re.compile(rf"(?:{endings})(?:\s*[0-9一二三四五六七八九十]+\s*期)?\s*$") if endings else None
        )
        # "阳光花园南门", "翠湖花园 停车场": a part of the estate named after it (``estate_parts``) is the estate's.
        named_parts = {*gazetteer.estate_parts, *gazetteer.english_estate_parts}
        parts = "|".join(map(re.escape, sorted({part.lower() for part in named_parts}, key=len, reverse=True)))
        self._part_at_end = re.compile(rf"\s*(?:{parts})\s*$") if parts else None
        # "Flat 5C", "Block 2", "12/F", "8th floor", "G/F": the parts an English address has before its estate.
        words = "|".join(map(re.escape, sorted(gazetteer.english_unit_words, key=len, reverse=True)))
        floors = "|".join(map(re.escape, sorted(gazetteer.english_floor_words, key=len, reverse=True)))
        grounds = "|".join(map(re.escape, gazetteer.english_ground_floors))
        english = []
        if words:
            # "No. 5 Building", "Building No. 5": a Chinese 5号楼 put in English word by word.
            numbered = rf"\bno\.?\s*[0-9][0-9a-z-]*\s+(?:{words})\b|\b(?:{words})\s+no\.\s*[0-9][0-9a-z-]*\b"
            english.append(rf"{numbered}|\b(?:{words})\s*[0-9][0-9a-z-]*\b|\b(?:{words})\s+[a-z]\b")
        if floors:
            ground = rf"|\b(?:{grounds})" if grounds else ""
            english.append(rf"(?:\b[0-9]+(?:st|nd|rd|th)?{ground})\s*(?:{floors})(?!\w)")
        self._english = re.compile("|".join(english), re.IGNORECASE) if english else None
        # "Taikoo Shing Kam Sing Mansion", "Kam Sing Mansion, Taikoo Shing": a block named in English
        # (``english_block_words``) before or after an estate the gazetteer names in English.
        blocks = "|".join(map(re.escape, sorted({word.lower() for word in gazetteer.english_block_words})))
        latin = sorted(
            {name.lower() for names in gazetteer.estate_aliases for name in names if re.search(r"[A-Za-z]", name)},
            key=len,
            reverse=True,
        )
        self._english_block = (
            re.compile(
                rf"^(?P<before>(?:{'|'.join(map(re.escape, latin))})\b)\s*,?\s*[a-z][a-z' -]*\b(?:{blocks})$"
                rf"|^[a-z][a-z' -]*\b(?:{blocks})\s*,?\s*(?P<after>(?:{'|'.join(map(re.escape, latin))}))$"
            )
            if blocks and latin
            else None
        )
        # "翠湖天地小区" is 翠湖天地: a word saying only that it is an estate, after two characters of name or more.
        generic = {normalise(word, converter).text.casefold() for word in gazetteer.generic_estate_words if word}
        words = "|".join(map(re.escape, sorted(generic, key=len, reverse=True)))
        self._generic = re.compile(rf"(?<=\S\S)\s*(?:{words})$") if generic else None
        self._aliases: dict[str, str] = {}
        for names in gazetteer.estate_aliases:
            first = self._estate(names[0])[1]
            for name in names:
                self._aliases[self._estate(name)[1]] = first

    @staticmethod
    def _named_re(endings: list[str]) -> re.Pattern[str] | None:
        if not endings:
            return None
        alternation = "|".join(map(re.escape, sorted(endings, key=len, reverse=True)))
        return re.compile(rf"\s*[\u4e00-\u9fff]{{2}}(?P<ending>{alternation})")

    def _block_at(self, text: str, start: int, end: int, floor_after: bool) -> int | None:
        """Where a block named after the estate in ``text[start:end]`` starts: its end at ``end`` when a
        floor or flat was cut after it (``floor_after``), anywhere when its ending is unmistakable."""
        if self._named is None or self._estate_before is None:
            return None
        for at in range(start + 2, end):
            named = self._named.match(text, at, end)
            if named is None or not self._estate_before.search(text, start, at):
                continue
            if named.group("ending") in self._unmistakable or (floor_after and named.end() == len(text[:end].rstrip())):
                return at
        return None

    def _kept(self, text: str) -> list[tuple[int, int]]:
        """The spans of ``text`` (simplified, lower case, one character for one) naming the estate or street."""
        spans = [(0, len(text))]
        if self._english is not None and re.search(r"[a-z]", text):
            spans, at = [], 0
            for match in self._english.finditer(text):
                spans.append((at, match.start()))
                at = match.end()
            spans.append((at, len(text)))
            spans = [(start, end) for start, end in spans if text[start:end].strip(" -,，/")]
            if not spans:
                return [(0, len(text))]
        start, end = spans[0]
        if len(spans) == 1:
            inside = self._inside.search(text, start, end) if self._inside is not None else None
            if inside is not None and text[start : inside.start()].strip(" -,，"):
                end = inside.start()
            block = self._block_at(text, start, end, floor_after=inside is not None)
            if block is not None:
                end = block
            end = self._without_estate_part(text, start, end)
            start, end = self._without_english_block(text, start, end)
            spans = [(start, end)]
        return spans

    def _without_estate_part(self, text: str, start: int, end: int) -> int:
        """Where ``text[start:end]`` ends without a part of an estate named right after the estate
        ("阳光花园南门" is 阳光花园's; "人民路12号门口" keeps its 门口: no estate before it)."""
        if self._part_at_end is None or self._estate_before is None:
            return end
        part = self._part_at_end.search(text, start, end)
        if part is None or part.start() <= start or not self._estate_before.search(text, start, part.start()):
            return end
        return part.start()

    def _without_english_block(self, text: str, start: int, end: int) -> tuple[int, int]:
        """``text[start:end]`` without a block named in English before or after the estate."""
        found = self._english_block.match(text[start:end].strip(" ,")) if self._english_block is not None else None
        if found is None:
            return start, end
        at = start + len(text[start:end]) - len(text[start:end].lstrip(" ,"))
        if found.group("before") is not None:
            return at, at + found.end("before")
        return at + found.start("after"), at + found.end("after")

    def _estate(self, area: str) -> tuple[str, str]:
        """(the estate as written, its key)."""
        written = " ".join(area.split())
        key = normalise(written, self._converter).text
        # One character for one, so the spans found in the simplified text cut the text as written.
        aligned = "".join(_one_for_one(char, self._converter) for char in written).lower()
        text = aligned if len(aligned) == len(written) else key
        shown = written if text is aligned else key
        spans = self._kept(text)
        estate = " ".join(shown[start:end].strip(" -,，/") for start, end in spans)
        return estate, " ".join(text[start:end].strip(" -,，/") for start, end in spans).casefold()

    def shown(self, area: str) -> str:
        """The estate or street as written (spaces trimmed); the whole address when it is nothing else."""
        return self._estate(area)[0]

    def name_key(self, area: str) -> str:
        """The estate or street as named, folded: the same for two spellings of one name, different for
        two names of one estate."""
        return self._estate(area)[1]

    def key(self, area: str) -> str:
        """The estate or street counted: :meth:`name_key`, an estate's other names as its first."""
        name = self._estate(area)[1]
        if name in self._aliases:
            return self._aliases[name]
        if self._generic is not None:
            name = self._generic.sub("", name)
        return self._aliases.get(name, name)

    def shown_for(self, areas: Iterable[str]) -> str:
        """How a group of ``areas`` (one :meth:`key`, oldest first) is shown: the name most of them used,
        the first on a tie, as its first complaint with that name wrote it."""
        written: dict[str, str] = {}
        used: Counter[str] = Counter()
        for area in areas:
            name = self.name_key(area)
            written.setdefault(name, self.shown(area))
            used[name] += 1
        # most_common keeps the first counted first among equals.
        return written[used.most_common(1)[0][0]]


def _one_for_one(char: str, converter: Converter) -> str:
    """``char`` full width folded and simplified, when that is still one character."""
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) != 1:
        return char
    simplified = converter.convert(folded)
    return simplified if len(simplified) == 1 else folded


def find_clusters(
    complaints: Iterable[ComplaintRow], min_customers: int, areas: AreaGroups, problems: ProblemKinds | None = None
) -> list[Cluster]:
    """Groups of complaints with the same category and problem (``problems``: the one each description
    names first, else the category alone) in the same estate or street (``areas``) from at least
    ``min_customers`` different customers, largest first. Complaints without an area never cluster."""
    groups: dict[tuple[str, str | None, str], list[ComplaintRow]] = {}
    for complaint in sorted(complaints, key=lambda row: (row.created_at, row.case_number)):
        if complaint.area is None or not complaint.area.strip():
            continue
        problem = problems.of(complaint.description) if problems is not None else None
        groups.setdefault((complaint.category, problem, areas.key(complaint.area)), []).append(complaint)
    clusters = []
    for (category, problem, area_key), rows in groups.items():
        customers = distinct_people(rows)
        if customers >= min_customers:
            clusters.append(
                Cluster(
                    category=category,
                    area=areas.shown_for(row.area for row in rows if row.area),
                    area_key=area_key,
                    customers=customers,
                    case_numbers=tuple(row.case_number for row in rows),
                    problem=problem,
                )
            )
    return sorted(
        clusters, key=lambda cluster: (-cluster.customers, cluster.category, cluster.problem or "", cluster.area_key)
    )


def distinct_people(rows: Iterable[ComplaintRow]) -> int:
    """How many people filed ``rows``: complaints sharing a customer or a contact phone are one
    person's, and so are those linked through them (connected components). Where the customer wrote
    from (a web chat client's address) never joins two people."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    people = set()
    for row in rows:
        keys = [f"customer:{row.customer_id}"]
        keys += [f"phone:{row.phone}"] if row.phone else []
        first = root(keys[0])
        for key in keys[1:]:
            parent[root(key)] = first
        people.add(keys[0])
    return len({root(key) for key in people})


def alert_clusters(
    session: Session, settings: ClusterAlert, areas: AreaGroups, now: dt.datetime, problems: ProblemKinds | None = None
) -> list[StaffEvent]:
    """Notify supervisors and managers of each cluster in the window ending now (once per bucket)."""
    window = dt.timedelta(hours=settings.window_hours)
    rows = complaints_with_area(session, now - window, now)
    clusters = find_clusters((ComplaintRow(*row) for row in rows), settings.min_customers, areas, problems)
    bucket = int(now.timestamp() // window.total_seconds())
    events = []
    for cluster in clusters:
        # A cluster of the category alone keeps the key it had before problems were told apart.
        problem = f"\n{cluster.problem}" if cluster.problem is not None else ""
        digest = hashlib.sha256(f"{cluster.category}\n{cluster.area_key}{problem}".encode()).hexdigest()[:24]
        detail = {
            "category": cluster.category,
            "area": cluster.area,
            "customers": cluster.customers,
            "window_hours": settings.window_hours,
            "case_numbers": list(cluster.case_numbers),
            **({"problem": cluster.problem} if cluster.problem is not None else {}),
        }
        for audience in (SUPERVISORS, MANAGERS):
            event = notify(
                session,
                CLUSTER_ALERT,
                audience,
                now,
                detail=detail,
                dedupe_key=f"{CLUSTER_ALERT}:{audience}:{digest}:{bucket}",
            )
            if event is not None:
                events.append(event)
    return events
