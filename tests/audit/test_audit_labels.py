"""The audit tab names every action the app records (修改客户类别, 发送图片), never its id."""

from __future__ import annotations

import re
from pathlib import Path

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
