"""The agent console names every timeline kind the code writes, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Grade, Intent, PhraseId, ServiceConfig, Signal
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.understanding.result import Understanding

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "bot" / "web" / "static" / "console.js"
STAFF = ROOT / "bot" / "web" / "static" / "staff.js"
STANDARDS = ROOT / "bot" / "web" / "static" / "standards.js"


def _object_literal(source: str, name: str) -> dict[str, str]:
    """The keys and string values of ``const <name> = { key: T("value"), ... };`` (one level, no
    nesting; each value a message of the staff pages' catalogue, issue 15)."""
    match = re.search(rf"const {name} = \{{(.*?)\}};", source, re.DOTALL)
    assert match is not None, f"{name} not found"
    return _pairs(match.group(1), name)


def _pairs(body: str, name: str) -> dict[str, str]:
    body = "\n".join(line for line in body.splitlines() if not line.strip().startswith("//"))
    pair = r'([A-Za-z_][A-Za-z0-9_]*|"[^"]*")\s*:\s*T\("([^"]*)"\)'
    pairs = re.findall(pair, body)
    leftover = re.sub(pair, "", body)
    assert leftover.replace(",", "").strip() == "", f"{name} is not a plain object of strings: {leftover!r}"
    return {key.strip('"'): value for key, value in pairs}


def test_every_timeline_kind_has_a_console_label_and_every_label_a_kind() -> None:
    labels = _object_literal(CONSOLE.read_text(encoding="utf-8"), "EVENT_NAMES")
    kinds = {kind.value for kind in TimelineKind}
    assert sorted(kinds - labels.keys()) == [], "timeline kinds the console shows unlabelled"
    assert sorted(labels.keys() - kinds) == [], "console labels for kinds no code writes"
    assert all(label.strip() for label in labels.values())


def test_every_timeline_kind_is_written_somewhere() -> None:
    """A kind no writer names would get a label for an event that never happens."""
    sources = [
        path.read_text(encoding="utf-8")
        for folder in ("bot", "workers")
        for path in (ROOT / folder).rglob("*.py")
        if path != ROOT / "bot" / "timeline.py"
    ]
    used = {name for source in sources for name in re.findall(r"TimelineKind\.([A-Z_]+)", source)}
    assert sorted(kind.name for kind in TimelineKind if kind.name not in used) == []


def test_every_ticket_reason_has_a_label_in_the_queue() -> None:
    """The queue shows each ticket's reason: an appeal reads 客户申诉, not "appeal"."""
    match = re.search(r"\n    reason: \{(.*?)\},", STAFF.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None, "LABELS.reason not found in staff.js"
    labels = _pairs(match.group(1), "LABELS.reason")
    assert sorted({reason.value for reason in TicketReason} - labels.keys()) == []


def test_every_signal_has_a_label_and_can_be_picked_for_a_deadline_override() -> None:
    """A case's signals are named in the consoles (情绪激动, 紧急危险), and the deadline editor
    offers each of them for an override: a signal added to the code without either would show
    as an id, or could not be given its own deadline from the console."""
    match = re.search(r"\n    signal: \{(.*?)\},", STAFF.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None, "LABELS.signal not found in staff.js"
    signals = {signal.value for signal in Signal}
    assert _pairs(match.group(1), "LABELS.signal").keys() == signals
    editor = re.search(r"const SIGNALS = \[(.*?)\];", STANDARDS.read_text(encoding="utf-8"), re.DOTALL)
    assert editor is not None, "SIGNALS not found in standards.js"
    assert set(re.findall(r'"([a-z_]+)"', editor.group(1))) == signals


def test_every_phrase_has_a_name_in_the_standards_editor() -> None:
    """Managers edit phrases by name (开场白, 客户放弃投诉·不登记): a phrase added to the code
    without one would show in the editor as its id."""
    labels = _object_literal(STANDARDS.read_text(encoding="utf-8"), "PHRASE_LABELS")
    assert labels.keys() == {phrase.value for phrase in PhraseId}


def test_the_consoles_name_each_tier_as_the_configuration_does(service_config: ServiceConfig) -> None:
    """The queue card's badge names a tier from the console's catalogue; the customer panel, from
    ``labels.tiers`` of ``config/handoff.yaml``: both say VIP客户 for vip."""
    match = re.search(r"\n    tier: \{(.*?)\},", STAFF.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None, "LABELS.tier not found in staff.js"
    configured = {tier["id"]: tier["name"] for tier in service_config.tiers_named("zh-CN")}
    assert _pairs(match.group(1), "LABELS.tier") == configured
    assert configured == {"standard": "标准客户", "high_value": "高价值客户", "vip": "VIP客户", "group": "集团客户"}


def _labels(kind: str) -> dict[str, str]:
    """``LABELS.<kind>`` of staff.js: the names the consoles show for one kind of id."""
    match = re.search(rf"\n    {kind}: \{{(.*?)\n?\s*\}},", STAFF.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None, f"LABELS.{kind} not found in staff.js"
    return _pairs(match.group(1), f"LABELS.{kind}")


def test_everything_the_understanding_outputs_has_a_label_in_the_try_a_sentence_tab() -> None:
    """The 理解测试 tab names each intent, signal and slot (问题未解决, 备用电话), never
    "not_resolved not_resolved": one added to the understanding without a label fails here."""
    reading = Understanding(text="", locale="zh-CN").as_json()
    assert isinstance(reading["slots"], dict)
    assert sorted(set(reading["slots"]) - _labels("slot").keys()) == []
    assert sorted({intent.value for intent in Intent} - _labels("intent").keys()) == []
    assert sorted({signal.value for signal in Signal} - _labels("signal").keys()) == []
    assert sorted({grade.value for grade in Grade} - _labels("grade").keys()) == []
