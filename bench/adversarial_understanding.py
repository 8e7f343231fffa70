"""Understanding's CPU on adversarial texts: each finder over 2,000, 8,000 and 20,000-character
repeats of its own trigger tokens, beside an ordinary message.

A customer's text is read on the event loop, and SMS, Telegram and WeChat accept 20,000 characters
(``max_provider_text_chars``): a finder whose regular expression is tried again from every position
of a long run costs the square of its length (an English place finder took 24 s on 12,000
characters of "rm 1 rm 1 …", freezing every conversation of the instance). For each finder this
tries each of its tokens (its configured words alone, with a number, with a space; and generic
ones: spaces, digits, punctuation) repeated to the first size, then the slowest few at every size,
and prints the CPU time and how it grows: a linear finder grows about tenfold from 2,000 to 20,000
characters, a quadratic one a hundredfold. A growth over ``SUPER_LINEAR`` is marked ``!!``.

    python bench/adversarial_understanding.py [--sizes 2000,8000,20000] [--only NAME] [--worst 3]
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import ServiceConfig, load_config  # noqa: E402
from bot.understanding.ages import AgeReader  # noqa: E402
from bot.understanding.english_places import EnglishPlaceFinder, english_parts  # noqa: E402
from bot.understanding.guard import ForbiddenGuard  # noqa: E402
from bot.understanding.markup import without_markup  # noqa: E402
from bot.understanding.misspellings import Misspellings  # noqa: E402
from bot.understanding.names import NameFinder  # noqa: E402
from bot.understanding.phones import (  # noqa: E402
    ExtensionFinder,
    TailPutRight,
    find_local_landline,
    find_phones,
    find_unprefixed_mobile,
    find_with_country_code,
    unprefixed_mobiles,
)
from bot.understanding.places import PlaceFinder  # noqa: E402
from bot.understanding.service_voice import ServiceVoice  # noqa: E402
from bot.understanding.understander import Understander  # noqa: E402

ORDINARY = "你好，我住阳光花园3栋2单元502，楼上漏水三天了，物业一直不管，电话13800138000，王先生"
SUPER_LINEAR = 20.0
"""Growth from the smallest size to the largest (tenfold for 2,000 to 20,000) above which a finder
is marked: twice what a linear one shows, allowing for noise and caches."""

GENERIC = [
    " ",
    "  ",
    "1",
    "1 ",
    "1-",
    "1.",
    "(1) ",
    "+8",
    "a",
    "a ",
    "A ",
    "Aa ",
    "A-",
    "。",
    "，",
    "我",
    "我 ",
    "<a ",
    "and ",
]


@dataclass(frozen=True)
class Finder:
    name: str
    read: Callable[[str], object]
    tokens: list[str]


def _words(config: ServiceConfig) -> dict[str, list[str]]:
    gazetteer, form = config.gazetteer, config.classification.form
    return {
        "english units": [
            *gazetteer.english_unit_words,
            *gazetteer.english_floor_words,
            *gazetteer.english_ground_floors,
        ],
        "english names": [
            *gazetteer.english_street_words,
            *gazetteer.english_estate_words,
            *gazetteer.english_block_words,
            *gazetteer.english_estate_parts,
            *gazetteer.english_address_triggers,
            *gazetteer.english_unit_joiners,
        ],
        "places": [
            *gazetteer.address_suffixes,
            *gazetteer.unit_suffixes,
            *gazetteer.estate_suffixes,
            *gazetteer.building_suffixes,
            *gazetteer.named_building_suffixes,
            *gazetteer.address_triggers,
            *gazetteer.place_answer_openers,
            *gazetteer.place_fillers,
            *gazetteer.estate_parts,
            *gazetteer.building_parts,
            *gazetteer.estate_name_cues,
            *gazetteer.problem_place_cues,
            *gazetteer.affected_flat_cues,
            *gazetteer.developer_brands,
            *gazetteer.place_locatives,
        ],
        "phones": [*form.local_number_words, *form.phone_extension_words, "138", "+86", "00852", "幺三八", "一二"],
    }


def _keyword_pairs(config: ServiceConfig) -> list[str]:
    """Two words the rules measure against each other, a few of each pairing: a category's thing
    and what is wrong with it ("电梯 不能用 "), a signal's keyword after a word of the past, of risk,
    of fear, an intent's after a word telling it was done. Every pair measured against every other
    cost the cube of a long text's length once (2,000 characters of "电梯 不能用 " took 17 s)."""
    classification = config.classification
    pairs: list[tuple[str, str]] = []
    for category in classification.categories:
        if len(category.together) == 2:
            things, states = category.together
            pairs += [(thing, state) for thing in things[:2] for state in states[:2]]
    for rule in (*classification.signals.values(), *classification.intents.values()):
        for before in (*rule.past[:1], *rule.risk[:1], *rule.fear[:1], *rule.told_after[:1]):
            pairs.append((before, rule.keywords[0]))
        pairs += [(rule.keywords[0], after) for after in rule.told_before[:1]]
    return [shape.format(first, second) for first, second in pairs for shape in ("{} {} ", "{}{}", "{}的{}，")]


def _tokens(words: Iterable[str], shapes: Iterable[str]) -> list[str]:
    """Each word in each shape ("{} 1 " is "rm 1 "), then the generic tokens; no duplicates."""
    return list(dict.fromkeys([*(shape.format(word) for word in words for shape in shapes), *GENERIC]))


def finders(config: ServiceConfig) -> list[Finder]:
    understander = Understander.from_config(config)
    simplify = understander.simplified
    words = _words(config)
    gazetteer, form, service = config.gazetteer, config.classification.form, config.service
    english = EnglishPlaceFinder(gazetteer)
    parts = english_parts(gazetteer)
    places = PlaceFinder(gazetteer, _NoDivisions())
    names = NameFinder(config.names, insults=form.abuse())
    regions = service.traditional_phone_regions
    tail = TailPutRight.from_config(config)
    extensions = ExtensionFinder(form.phone_extension_words, [*gazetteer.unit_suffixes, *gazetteer.floor_suffixes])
    guard = ForbiddenGuard(config.forbidden, simplify)
    voice = ServiceVoice(form.service_voice, understander.matchable)
    ages = AgeReader(config.classification.elder_ages)
    misspellings = Misspellings(config.classification.misspellings, str)
    english_tokens = _tokens(
        [*words["english units"], *(f"{unit} 1 {name}" for unit in ("rm", "flat") for name in words["english names"])],
        ["{} 1 ", "{}1 ", "{} 1A ", "1{} ", "{} 1 , ", "{} 1   ", "Aa {} ", "{} Aa "],
    )
    place_tokens = _tokens(words["places"], ["{}", "{} ", "1{}", "三{}", "{}1", "阳光{}", "{}的"])
    phone_tokens = _tokens(words["phones"], ["{}", "{} ", "{}1 ", "0755-2688-1234{}8021 "])
    people = config.names
    name_words = [
        *people.honorifics,
        *people.english_honorifics,
        *people.name_intros,
        *people.self_intros,
        *people.surname_intros,
    ]
    names_tokens = _tokens(name_words, ["{}", "王{} ", "{}王", "{} Wang "])
    return [
        Finder(
            "understand (all of it)",
            lambda text: understander.understand(text),
            # Those that froze the server once, and a few of each kind.
            _tokens(["rm 1 ", "rm 1A ", "5/F ", "G/F ", "rm1 ", "呃 ", "华侨城 ", "住"], ["{}"])
            + english_tokens[:20]
            + place_tokens[:40]
            + phone_tokens[:20],
        ),
        Finder("rules (keyword pairs)", lambda text: understander.understand(text), _keyword_pairs(config)),
        Finder("english places", english.find, english_tokens),
        Finder("english parts", lambda text: parts.findall(text), english_tokens),
        Finder("places", lambda text: places.find(simplify(text)), place_tokens),
        Finder("names", lambda text: names.find(simplify(text), typed=text), names_tokens),
        Finder("phones", lambda text: find_phones(text, "CN"), phone_tokens),
        Finder("phones, country code", lambda text: find_with_country_code(text, regions), phone_tokens),
        Finder(
            "phones, no prefix",
            lambda text: find_unprefixed_mobile(text, regions, form.local_number_words, True),
            phone_tokens,
        ),
        Finder("phones, asked", lambda text: unprefixed_mobiles(text, regions), phone_tokens),
        Finder(
            "phones, landline",
            lambda text: find_local_landline(text, service.local_area_code, form.local_number_words, "CN"),
            phone_tokens,
        ),
        Finder("phones, extension", lambda text: extensions.find(text, "+862026881234"), phone_tokens),
        Finder("phones, tail put right", lambda text: tail.apply(text, simplify(text)), phone_tokens),
        Finder(
            "ages", ages.says_elder, _tokens(["岁", "yo", "year old", "y/o", "今年"], ["8{}", "80{} ", "爷爷{}八十"])
        ),
        Finder(
            "misspellings", misspellings.correct, _tokens(list(config.classification.misspellings)[:40], ["{}", "{} "])
        ),
        Finder("markup", without_markup, _tokens(["<script>", "<style ", "<b>", "</", "<a href=x "], ["{}", "{} "])),
        Finder("service voice", voice.cut, _tokens(["and", "but", "但是", "赔偿", "。"], ["{}", "{} ", " {} "])),
        Finder(
            "guard (a reply quoting it)", guard.check_all, _tokens(["我不知道", "不归我们管", "i d k"], ["{}", "{} "])
        ),
    ]


class _NoDivisions:
    """The address parser (cpca) is linear and slow to load; the place finder's own patterns are measured."""

    def find(self, text: str) -> list[object]:
        return []


def cpu(read: Callable[[str], object], text: str) -> float:
    started = time.process_time()
    read(text)
    return time.process_time() - started


def repeated(token: str, size: int) -> str:
    """``token`` repeated to ``size`` characters, ending in a digit run on into a letter: a run that
    fails only at its end is what a pattern tried from each of its positions reads again whole."""
    return (token * (size // len(token) + 1))[: size - 2] + "1a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,8000,20000", help="text lengths, comma-separated, smallest first")
    parser.add_argument("--only", help="only the finders whose name contains this")
    parser.add_argument("--worst", type=int, default=3, help="tokens per finder measured at every size")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    config = load_config(ROOT / "config")
    chosen = [finder for finder in finders(config) if arguments.only is None or arguments.only in finder.name]
    print(f"{'finder':28} {'token':24} " + " ".join(f"{size:>9}" for size in sizes) + "   growth")
    worst_growth = 0.0
    for finder in chosen:
        ordinary = unicodedata.normalize("NFKC", ORDINARY)
        finder.read(ordinary)
        best_of = min(cpu(finder.read, ordinary) for _ in range(20))
        print(f"{finder.name:28} {'(ordinary message)':24} {best_of * 1000:8.3f}ms")
        screened = sorted(
            ((cpu(finder.read, repeated(token, sizes[0])), token) for token in finder.tokens), reverse=True
        )
        for _, token in screened[: arguments.worst]:
            times = [cpu(finder.read, repeated(token, size)) for size in sizes]
            growth = times[-1] / max(times[0], 1e-4)
            worst_growth = max(worst_growth, growth)
            mark = "  !!" if growth > SUPER_LINEAR else ""
            row = " ".join(f"{seconds:8.3f}s" for seconds in times)
            print(f"{'':28} {token!r:24} {row} {growth:7.1f}x{mark}", flush=True)
    print(
        f"worst growth {worst_growth:.1f}x from {sizes[0]} to {sizes[-1]} characters"
        f" (linear: {sizes[-1] / sizes[0]:.0f}x)"
    )


if __name__ == "__main__":
    main()
