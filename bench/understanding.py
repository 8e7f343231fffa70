"""Understanding accuracy and CPU cost on the labelled corpus: the old keyword matcher beside the new understander.

Loads tests/understanding/corpus.yaml (every label validated) and understands each message twice,
in the same run: (a) the old matcher, the bot.flows.classify functions put together the way the
complaint flow uses them, and (b) the new understander (bot.understanding.understander), when it
exists. Prints, side by side, per-intent and per-signal precision and recall, category accuracy on
the complaint items, per-slot and overall slot accuracy, locale accuracy, false human /
supervisor / status_query requests on complaint items, and the CPU time per message (median of
several passes of time.process_time after a warm-up pass), then PASS/MISS per target.

    python bench/understanding.py [--corpus PATH] [--passes 7] [--json] [--errors]

--corpus measures another file in the same format, e.g. tests/understanding/heldout.yaml (sentences
the rules were not tuned on).
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Intent, ServiceConfig, Signal, load_config  # noqa: E402
from bot.flows.classify import (  # noqa: E402
    classify,
    detect_intents,
    detect_signals,
    find_phone,
    looks_like_phone_attempt,
)
from bot.understanding.result import Slots, Understanding  # noqa: E402
from tests.understanding.corpus import CORPUS_PATH, CorpusItem, load_corpus  # noqa: E402
from tests.understanding.metrics import GUARDED_INTENTS, SLOT_NAMES, Scores, score  # noqa: E402

Understand = Callable[[str], Understanding]

NEW_MODULE = "bot.understanding.understander"
CATEGORY_TARGET = 0.90
SLOT_TARGET = 0.90
CPU_TARGET_US = 1000.0
"""Issue 11: understanding runs on every message, "keep it well under 1 ms without the model"."""

# How the complaint flow (bot/flows/complaint.py _on_customer, bot/flows/side_answers.py side_intent) treats a message
# while it waits for a description: a threat is appended and escalated; harassment, a request for a
# person, a side intent or a greeting is answered instead; anything else is the complaint text.
_ESCALATING = frozenset({Signal.MEDIA_LEGAL, Signal.VIOLENCE})
_ANSWERED_INSTEAD = frozenset(
    {Intent.HUMAN, Intent.THANKS, Intent.APOLOGY, Intent.SUGGESTION, Intent.OUT_OF_SCOPE, Intent.GREETING}
)
# Only asked for in the confirming and phone states, where the flow reads them as answers: counting
# them as complaint text would charge the old matcher for a state it never meets them in.
_ANSWERS = frozenset({Intent.YES, Intent.NO})


def old_understander(config: ServiceConfig) -> Understand:
    """The keyword matcher the flow uses today, as one Understanding per message."""
    rules, pattern, locale = config.classification, config.service.phone_pattern, config.service.default_locale

    def understand(text: str) -> Understanding:
        intents = set(detect_intents(text, rules))
        signals = detect_signals(text, rules)
        phone = find_phone(text, pattern)
        if signals & _ESCALATING:
            takes_as_complaint = True
        elif Intent.HARASSMENT in intents and not signals:
            takes_as_complaint = False
        else:
            takes_as_complaint = not (
                intents & (_ANSWERED_INSTEAD | _ANSWERS) or (phone is not None and looks_like_phone_attempt(text))
            )
        category = grade = None
        if takes_as_complaint:
            intents.add(Intent.COMPLAINT)
            classified = classify(text, rules)
            category, grade, signals = classified.category, classified.grade, classified.signals
        return Understanding(
            text=text,
            locale=locale,
            intents=frozenset(intents),
            category=category,
            grade=grade,
            signals=signals,
            slots=Slots(phone=phone),
        )

    return understand


def new_understander(config: ServiceConfig) -> Understand | None:
    """The new understander, or None while its module does not exist on this branch."""
    try:
        module = importlib.import_module(NEW_MODULE)
    except ModuleNotFoundError as error:
        if error.name != NEW_MODULE:
            raise
        return None
    understander = module.Understander.from_config(config)

    def understand(text: str) -> Understanding:
        result: Understanding = understander.understand(text, locale=None)
        return result

    return understand


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    scores: Scores
    setup_ms: float
    cpu_us: float
    predictions: tuple[Understanding, ...]


def measure(name: str, build: Callable[[], Understand | None], items: Sequence[CorpusItem], passes: int) -> Run | None:
    started = time.process_time()
    understand = build()
    if understand is None:
        return None
    setup_ms = (time.process_time() - started) * 1000
    texts = [item.text for item in items]
    predictions = tuple(understand(text) for text in texts)  # also the warm-up pass
    per_pass: list[float] = []
    for _ in range(passes):
        started = time.process_time()
        for text in texts:
            understand(text)
        per_pass.append((time.process_time() - started) / len(texts) * 1_000_000)
    scores = score(zip((item.expected() for item in items), predictions, strict=True))
    return Run(name, scores, setup_ms, statistics.median(per_pass), predictions)


# ------------------------------------------------------------------ targets


def targets(run: Run) -> list[tuple[str, bool]]:
    scores = run.scores
    checks = [
        (f"category accuracy >= {CATEGORY_TARGET:.0%}", (scores.category.value or 0) >= CATEGORY_TARGET),
        (f"slot accuracy >= {SLOT_TARGET:.0%}", (scores.slots_overall.accuracy or 0) >= SLOT_TARGET),
    ]
    for intent in GUARDED_INTENTS:
        counts = scores.intents.get(intent)
        checks.append((f"{intent.value} recall 100%", counts is not None and counts.recall == 1.0))
        checks.append(
            (f"{intent.value}: no false positive on complaints", not scores.complaint_false_positives[intent])
        )
    checks.append((f"CPU < {CPU_TARGET_US:.0f} µs/message", run.cpu_us < CPU_TARGET_US))
    return checks


# ------------------------------------------------------------------ output


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _pr(precision: float | None, recall: float | None) -> str:
    return f"{_percent(precision):>6} / {_percent(recall):>6}"


def _shown(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(path)


def print_report(items: Sequence[CorpusItem], runs: list[Run], missing_new: bool, path: Path) -> None:
    complaints = sum(1 for item in items if Intent.COMPLAINT in item.intents)
    print(f"corpus: {_shown(path)}: {len(items)} messages, {complaints} complaints")
    if missing_new:
        print("new understander: not available")
    names = [run.name for run in runs]

    def row(label: str, values: Sequence[str]) -> None:
        print(f"  {label:46s}" + "".join(f"{value:>24s}" for value in values))

    heading = print
    print()
    row("", names)
    heading("intents (precision / recall)")
    for intent in runs[0].scores.intents:
        row(
            f"{intent.value} ({runs[0].scores.intents[intent].tp + runs[0].scores.intents[intent].fn})",
            [_pr(run.scores.intents[intent].precision, run.scores.intents[intent].recall) for run in runs],
        )
    heading("signals (precision / recall)")
    for signal in runs[0].scores.signals:
        row(
            f"{signal.value} ({runs[0].scores.signals[signal].tp + runs[0].scores.signals[signal].fn})",
            [_pr(run.scores.signals[signal].precision, run.scores.signals[signal].recall) for run in runs],
        )
    heading("accuracy")
    category = runs[0].scores.category
    row(
        f"category (on {category.total} complaints)",
        [f"{_percent(r.scores.category.value)} ({r.scores.category.hits})" for r in runs],
    )
    for name in SLOT_NAMES:
        labelled = runs[0].scores.slots[name].labelled
        row(
            f"slot {name} ({labelled} labelled)",
            [f"{_percent(r.scores.slots[name].accuracy)} (+{r.scores.slots[name].spurious} spurious)" for r in runs],
        )
    row("slots overall", [_percent(r.scores.slots_overall.accuracy) for r in runs])
    row("locale", [_percent(r.scores.locale.value) for r in runs])
    heading("false requests on complaint items")
    for intent in GUARDED_INTENTS:
        row(intent.value, [str(len(r.scores.complaint_false_positives[intent])) for r in runs])
    heading("CPU")
    row("setup (ms)", [f"{r.setup_ms:.0f}" for r in runs])
    row("per message (µs, median of passes)", [f"{r.cpu_us:.1f}" for r in runs])
    heading("targets")
    checks = [targets(run) for run in runs]
    for index, (label, _) in enumerate(checks[0]):
        row(label, ["PASS" if check[index][1] else "MISS" for check in checks])


def print_errors(items: Sequence[CorpusItem], run: Run) -> None:
    """The items the understander got wrong on the targeted figures, to read one by one."""
    print(f"\nerrors of the {run.name}:")
    for item, got in zip(items, run.predictions, strict=True):
        problems: list[str] = []
        if Intent.COMPLAINT in item.intents and got.category != item.category:
            problems.append(f"category {got.category} (want {item.category})")
        for intent in GUARDED_INTENTS:
            if (intent in item.intents) != (intent in got.intents):
                problems.append(f"{intent.value} {'missed' if intent in item.intents else 'false'}")
        want, have = item.slots.as_dict(), got.slots.as_dict()
        single = score([(item.expected(), got)])
        for name in SLOT_NAMES:
            if single.slots[name].correct != single.slots[name].labelled or single.slots[name].spurious:
                problems.append(f"{name} {have[name]!r} (want {want[name]!r})")
        if problems:
            print(f"  {item.text[:60]!r}: " + "; ".join(problems))


def scores_json(run: Run) -> dict[str, object]:
    scores = run.scores
    return {
        "intents": {
            i.value: {"precision": c.precision, "recall": c.recall, "tp": c.tp, "fp": c.fp, "fn": c.fn}
            for i, c in scores.intents.items()
        },
        "signals": {
            s.value: {"precision": c.precision, "recall": c.recall, "tp": c.tp, "fp": c.fp, "fn": c.fn}
            for s, c in scores.signals.items()
        },
        "category_accuracy": scores.category.value,
        "slots": {
            name: {
                "accuracy": slot.accuracy,
                "labelled": slot.labelled,
                "correct": slot.correct,
                "wrong": slot.wrong,
                "missed": slot.missed,
                "spurious": slot.spurious,
            }
            for name, slot in scores.slots.items()
        },
        "slot_accuracy": scores.slots_overall.accuracy,
        "locale_accuracy": scores.locale.value,
        "complaint_false_positives": {i.value: texts for i, texts in scores.complaint_false_positives.items()},
        "setup_ms": run.setup_ms,
        "cpu_us_per_message": run.cpu_us,
        "targets": {label: passed for label, passed in targets(run)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_PATH, help="the labelled corpus file to measure")
    parser.add_argument("--passes", type=int, default=7, help="timed passes over the corpus (after one warm-up)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--errors", action="store_true", help="also list the items each understander got wrong")
    arguments = parser.parse_args()
    config = load_config(ROOT / "config")
    items = load_corpus([category.id for category in config.classification.categories], arguments.corpus)
    old = measure("old matcher", lambda: old_understander(config), items, arguments.passes)
    assert old is not None
    new = measure("new understander", lambda: new_understander(config), items, arguments.passes)
    runs = [old] if new is None else [old, new]
    if arguments.json:
        print(
            json.dumps(
                {
                    "corpus": {
                        "path": _shown(arguments.corpus),
                        "items": len(items),
                        "complaints": sum(Intent.COMPLAINT in i.intents for i in items),
                    },
                    "passes": arguments.passes,
                    "old": scores_json(old),
                    "new": None if new is None else scores_json(new),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    print_report(items, runs, missing_new=new is None, path=arguments.corpus)
    if arguments.errors:
        for run in runs:
            print_errors(items, run)


if __name__ == "__main__":
    main()
