"""The alerts and the dashboard shipped in deploy/ name only metrics the code serves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.observability.metrics import Metrics

ROOT = Path(__file__).resolve().parent.parent.parent
NAME = re.compile(r"\bcomplaint_bot_[a-z0-9_]+")


def alert_expressions() -> list[str]:
    loaded = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text(encoding="utf-8"))
    return [str(rule["expr"]) for group in loaded["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    expressions: list[str] = []
    for path in sorted((ROOT / "deploy/grafana").glob("*.json")):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        expressions.extend(target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", []))
    return expressions


@pytest.mark.parametrize("source", ["alerts", "dashboard"])
def test_every_metric_named_in_deploy_is_served(source: str) -> None:
    expressions = alert_expressions() if source == "alerts" else dashboard_expressions()
    named = {name for expression in expressions for name in NAME.findall(expression)}
    assert named, f"the {source} name no complaint_bot_ metric"
    assert named <= Metrics().names(), sorted(named - Metrics().names())


def test_the_alerts_cover_what_an_operator_must_hear_about() -> None:
    named = {name for expression in alert_expressions() for name in NAME.findall(expression)}
    assert {
        "complaint_bot_promise_breaches_total",
        "complaint_bot_dead_letters_total",
        "complaint_bot_queue_oldest_wait_seconds",
        "complaint_bot_deliveries_total",
    } <= named


def test_the_dashboard_shows_every_metric() -> None:
    shown = {name for expression in dashboard_expressions() for name in NAME.findall(expression)}
    families = {family.name for family in Metrics().registry.collect()}
    assert all(any(name.startswith(family) for name in shown) for family in families), families
