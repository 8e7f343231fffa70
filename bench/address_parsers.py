"""Chinese address parsers compared on addresses in customer sentences, to choose one for slots.

For each candidate (cpca, addressparser, jionlp) it prints, on the labelled set
tests/understanding/address_cases.yaml:
- "raw": the parser alone on the whole sentence: its county-level division as the district, and
  the text from the first division it found to the end as the address (what it calls one);
- "in slots": the parser as the division finder of bot.understanding.places (gazetteer first,
  then address parts read after the place, chatter left out), as the product would use it;
- the cost: import time and memory (a fresh interpreter each), CPU per call on the set.
"gazetteer only" is the slot extractor with no parser at all.

    .venv/bin/pip install addressparser jionlp   # the two candidates not chosen (cpca is a dependency)
    python bench/address_parsers.py [--repeat 5] [--misses]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.understanding.places import Division, DivisionFinder, PlaceFinder  # noqa: E402

CASES = ROOT / "tests" / "understanding" / "address_cases.yaml"


@dataclass(frozen=True)
class Case:
    text: str
    district: str | None
    address: str | None
    kind: str
    held_out: bool = False
    note: str = ""
    """Why the case is there, for whoever reads the file."""


def written(text: str, name: str, start: int) -> int:
    """Where the division's words end: the full name, or the shortest form the parser matched (杭州)."""
    for length in range(len(name), 1, -1):
        if text.startswith(name[:length], start):
            return start + length
    return start + len(name)


def _from_record(text: str, record: dict[str, Any]) -> list[Division]:
    found = []
    for level, county in (("省", False), ("市", False), ("区", True)):
        name, position = record.get(level), record.get(f"{level}_pos", -1)
        if isinstance(name, str) and name and isinstance(position, int) and position >= 0:
            found.append(Division(name, position, written(text, name, position), county))
    return found


class Cpca:
    def __init__(self) -> None:
        import cpca

        self._cpca = cpca

    def find(self, text: str) -> Sequence[Division]:
        record = self._cpca.transform([text], pos_sensitive=True).to_dict("records")[0]
        return _from_record(text, record)


class AddressParser:
    def __init__(self) -> None:
        import addressparser

        self._parser = addressparser

    def find(self, text: str) -> Sequence[Division]:
        record = self._parser.transform([text], pos_sensitive=True).to_dict("records")[0]
        return _from_record(text, record)


class Jionlp:
    def __init__(self) -> None:
        import jionlp

        self._jio = jionlp

    def find(self, text: str) -> Sequence[Division]:
        parsed = self._jio.parse_location(text)
        found = []
        for key, county in (("province", False), ("city", False), ("county", True)):
            name = parsed.get(key)
            if not name:
                continue
            for length in range(len(name), 1, -1):
                at = text.find(name[:length])
                if at >= 0:
                    found.append(Division(name, at, at + length, county))
                    break
        # A municipality is both province and city: keep one mention per place in the text.
        return list({(division.start, division.county): division for division in found}.values())


PARSERS: dict[str, Callable[[], DivisionFinder]] = {
    "cpca": Cpca,
    "addressparser": AddressParser,
    "jionlp": Jionlp,
}


def load_cases() -> list[Case]:
    return [Case(**item) for item in yaml.safe_load(CASES.read_text(encoding="utf-8"))]


def prepare(text: str, convert: Callable[[str], str]) -> str:
    return convert(unicodedata.normalize("NFKC", text))


def raw_scores(finder: DivisionFinder, cases: list[Case], texts: list[str]) -> tuple[float, float]:
    district = address = 0
    for case, text in zip(cases, texts, strict=True):
        divisions = finder.find(text)
        counties = [division.name for division in divisions if division.county]
        district += (counties[0] if counties else None) == case.district
        start = min((division.start for division in divisions), default=None)
        address += (text[start:] if start is not None else None) == case.address
    return district / len(cases), address / len(cases)


def slot_scores(
    places: PlaceFinder, cases: list[Case], texts: list[str], held_out: bool
) -> tuple[float, float, list[str]]:
    district = address = 0
    misses = []
    chosen = [(case, text) for case, text in zip(cases, texts, strict=True) if case.held_out == held_out]
    for case, text in chosen:
        place = places.find(text)
        district += place.district == case.district
        address += place.address == case.address
        if place.district != case.district or place.address != case.address:
            misses.append(
                f"    {case.text!r}: got {place.address!r}/{place.district!r}, want {case.address!r}/{case.district!r}"
            )
    return district / len(chosen), address / len(chosen), misses


def cpu_per_call(call: Callable[[str], object], texts: list[str], repeat: int) -> float:
    for text in texts:
        call(text)
    started = time.process_time()
    for _ in range(repeat):
        for text in texts:
            call(text)
    return (time.process_time() - started) / (repeat * len(texts))


READY_PROBE = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
sys.path.insert(0, sys.argv[1])
from address_parsers import PARSERS
before = rss()
started = time.perf_counter()
PARSERS[sys.argv[2]]().find("上海市徐汇区虹漕路461号58号楼5楼")
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "mib": (rss() - before) / 1024}))
"""


def ready_cost(name: str) -> dict[str, float]:
    """Import and first call in a fresh interpreter: lazily loaded data (pandas, dictionaries) counts."""
    out = (
        subprocess.run(
            [sys.executable, "-c", READY_PROBE, str(Path(__file__).parent), name],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    result: dict[str, float] = json.loads(out)
    return result


def installed_mib(distribution: str) -> float:
    """The distribution's files plus its dependencies' that this project would not have otherwise."""
    from importlib.metadata import files

    total = 0
    for name in (distribution, *EXTRA_DEPENDENCIES.get(distribution, ())):
        total += sum(file.locate().stat().st_size for file in files(name) or () if Path(file.locate()).is_file())
    return total / 2**20


EXTRA_DEPENDENCIES = {
    "cpca": ("pandas", "numpy", "pyahocorasick"),
    "addressparser": ("pandas", "numpy"),
    "jionlp": ("jiojio", "numpy", "zipfile36"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="list the cases each candidate gets wrong")
    args = parser.parse_args()

    import warnings

    warnings.simplefilter("ignore")
    import opencc

    convert = opencc.OpenCC("t2s").convert
    cases = load_cases()
    texts = [prepare(case.text, convert) for case in cases]
    gazetteer = load_config(ROOT / "config").gazetteer
    held = sum(case.held_out for case in cases)
    kinds = sorted({case.kind for case in cases})
    print(f"{len(cases)} labelled sentences, {held} of them held out (written after the rules, not tuned on)")
    print("  " + ", ".join(f"{kind} {sum(c.kind == kind for c in cases)}" for kind in kinds))
    print()
    header = (
        f"{'candidate':<15}{'raw distr':>10}{'raw addr':>9}{'slots distr':>12}{'slots addr':>11}"
        f"{'held distr':>11}{'held addr':>10}{'ready s':>8}{'ready MiB':>10}{'disk MiB':>9}"
        f"{'ms/call':>8}{'slots ms':>9}"
    )
    print(header)
    print("-" * len(header))
    misses: dict[str, list[str]] = {}
    candidates: list[tuple[str, DivisionFinder | None]] = [("gazetteer only", None)]
    for name, factory in PARSERS.items():
        try:
            candidates.append((name, factory()))
        except ImportError as error:  # an optional parser not installed here: the others still compare
            print(f"{name:<15}not installed ({error.name})")
    for name, finder in candidates:
        places = PlaceFinder(gazetteer, finder)
        tuned_district, tuned_address, tuned_misses = slot_scores(places, cases, texts, held_out=False)
        held_district, held_address, held_misses = slot_scores(places, cases, texts, held_out=True)
        misses[name] = [*tuned_misses, "    -- held out:", *held_misses]
        slots_cpu = cpu_per_call(places.find, texts, args.repeat)
        scores = f"{tuned_district:>12.1%}{tuned_address:>11.1%}{held_district:>11.1%}{held_address:>10.1%}"
        if finder is None:
            print(f"{name:<15}{'-':>10}{'-':>9}{scores}{'-':>8}{'-':>10}{'-':>9}{'-':>8}{slots_cpu * 1000:>9.3f}")
            continue
        raw_district, raw_address = raw_scores(finder, cases, texts)
        cost = ready_cost(name)
        per_call = cpu_per_call(finder.find, texts, args.repeat)
        print(
            f"{name:<15}{raw_district:>10.1%}{raw_address:>9.1%}{scores}"
            f"{cost['seconds']:>8.2f}{cost['mib']:>10.1f}{installed_mib(name):>9.1f}"
            f"{per_call * 1000:>8.3f}{slots_cpu * 1000:>9.3f}"
        )
    print()
    print("raw: the parser alone on each sentence (all of them); slots: as the division finder behind the")
    print("gazetteer in bot.understanding.places (tuned set; held: the held-out set).")
    print("ready: import and first call in a fresh interpreter; disk: the package and the dependencies it")
    print("brings (pandas, numpy, jiojio…); ms/call: CPU per parser call; slots ms: CPU of PlaceFinder.find")
    print("per labelled sentence (the parser runs only after a division suffix, when the gazetteer named no district).")
    if args.misses:
        for name, missed in misses.items():
            print(f"\n{name}: {len(missed) - 1} wrong")
            print("\n".join(missed))


if __name__ == "__main__":
    main()
