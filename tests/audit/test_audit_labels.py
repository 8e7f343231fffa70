"""The audit tab names every action the app records (修改客户类别, 发送图片), never its id."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.staff.audit import ERROR_KEYS
from bot.staff.audit_api import known_actions
from tests.conftest import AppFactory

AUDIT_JS = Path(__file__).resolve().parents[2] / "bot" / "web" / "static" / "audit.js"


def _labelled(name: str) -> set[str]:
    match = re.search(rf"const {name} = \{{(.*?)\}};", AUDIT_JS.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None, f"{name} not found in audit.js"
    return set(re.findall(r"\b([a-z_]+): T\(", match.group(1)))


async def test_every_audited_action_has_a_label_in_the_audit_tab(make_client: AppFactory) -> None:
    client = await make_client()
    assert sorted(known_actions(client.app) - _labelled("ACTIONS")) == []


BOT = AUDIT_JS.parents[2]


def _noted_keys() -> set[str]:
    """Every detail key a handler notes (``note(request, hours=…)``), the error's companions and
    what the audit itself adds."""
    found = set(ERROR_KEYS) | {"query", "username_chars", "error"}
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id
            if isinstance(node, ast.Call) and called in ("note", "audit_note"):
                found |= {keyword.arg for keyword in node.keywords if keyword.arg not in (None, "target")}
    return found


def _names_in_set(name: str) -> set[str]:
    match = re.search(rf"const {name} = new Set\(\[(.*?)\]\);", AUDIT_JS.read_text(encoding="utf-8"))
    assert match is not None, f"{name} not found in audit.js"
    return set(re.findall(r'"([a-z_]+)"', match.group(1)))


def test_every_detail_key_a_handler_notes_has_a_label_or_is_deliberately_hidden() -> None:
    noted = _noted_keys()
    assert {"hours", "why", "previous_deadline_at", "previous_tier", "reply_in", "role"} <= noted  # the scan finds them
    shown = _labelled("DETAILS") | _names_in_set("HIDDEN") | _names_in_set("CODED")
    assert sorted(noted - shown) == []


def test_ids_in_the_details_are_shown_by_their_names() -> None:
    """Roles, queues, tiers, languages and times are named, never shown as their ids."""
    named = set(re.findall(r"^\s+([a-z_]+): \(v\) =>", _block("VALUES"), re.MULTILINE))
    wanted = {"role", "queue", "queues", "tier", "previous_tier", "locale", "limit"}
    wanted |= {"previous_deadline_at", "deadline_at"}
    assert sorted(wanted - named) == []


def _block(name: str) -> str:
    match = re.search(rf"const {name} = \{{(.*?)\n  \}};", AUDIT_JS.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None, f"{name} not found in audit.js"
    return match.group(1)
