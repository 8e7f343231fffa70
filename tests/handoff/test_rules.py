"""Manager rules as pure functions: validation with a path, evaluation order, the default rules."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, ServiceConfig, load_config
from bot.rules import (
    RoutingDecision,
    RoutingFacts,
    Rule,
    RulesError,
    decide,
    matches,
    parse_rules,
)
from bot.settings import PROJECT_ROOT

PLAIN = RoutingFacts(category="billing", grade="simple", channel="webchat", tier="standard", text="话费多扣了")


def rule(name: str, when: dict[str, Any] | None = None, stop: bool = False, **then: Any) -> Rule:
    return Rule.model_validate({"name": name, "when": when or {}, "then": then, "stop": stop})


# ---------------------------------------------------------------------------- evaluation


def test_no_rules_leave_the_engine_request_alone() -> None:
    assert decide(PLAIN, []) == RoutingDecision()


def test_the_first_matching_rule_that_sets_queue_or_priority_wins_each_separately() -> None:
    rules = [
        rule("not billing", {"categories": ["network"]}, queue="network", priority=0),
        rule("billing priority", {"categories": ["billing"]}, priority=1),
        rule("billing queue", {"categories": ["billing"]}, queue="billing", priority=2),
        rule("later queue", {}, queue="general"),
    ]
    decision = decide(PLAIN, rules)
    assert (decision.queue, decision.priority) == ("billing", 1)
    assert decision.matched == ("billing priority", "billing queue", "later queue")


def test_notifications_accumulate_and_stop_ends_the_evaluation() -> None:
    rules = [
        rule("tell the supervisor", {}, notify_supervisor=True),
        rule("tell the account manager and stop", {"tiers": ["standard"]}, stop=True, notify_account_manager=True),
        rule("never reached", {}, route_to_previous_owner=True, queue="general"),
    ]
    decision = decide(PLAIN, rules)
    assert decision.notify_supervisor and decision.notify_account_manager
    assert not decision.route_to_previous_owner and decision.queue is None
    assert decision.matched == ("tell the supervisor", "tell the account manager and stop")


def test_a_stop_rule_that_does_not_match_does_not_stop() -> None:
    rules = [rule("vip only", {"tiers": ["vip"]}, stop=True, priority=0), rule("all", {}, priority=2)]
    assert decide(PLAIN, rules).priority == 2


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({"categories": ["billing", "network"]}, True),
        ({"categories": ["network"]}, False),
        ({"grades": ["simple"]}, True),
        ({"grades": ["complex"]}, False),
        ({"channels": ["webchat"]}, True),
        ({"channels": ["sms"]}, False),
        ({"tiers": ["vip", "group"]}, False),
        ({"signals": ["emotional", "repeat"]}, True),
        ({"signals": ["violence"]}, False),
        ({"keywords": ["多扣"]}, True),
        ({"keywords": ["HELLO"]}, True),
        ({"keywords": ["宽带", "goodbye"]}, False),
        ({"outside_business_hours": False}, True),
        ({"outside_business_hours": True}, False),
        ({"repeat_complaint": True}, True),
        ({"repeat_complaint": False}, False),
        ({"categories": ["billing"], "tiers": ["vip"]}, False),  # all given conditions must match
        ({}, True),
    ],
)
def test_each_condition(when: dict[str, Any], expected: bool) -> None:
    facts = RoutingFacts(
        category="billing",
        grade="simple",
        channel="webchat",
        tier="standard",
        signals=frozenset({"repeat"}),
        text="话费多扣了 Hello",
        repeat_complaint=True,
    )
    assert matches(rule("r", when, priority=1).when, facts) is expected


def test_keywords_ignore_case_and_a_missing_category_matches_no_category_condition() -> None:
    facts = RoutingFacts(category=None, grade=None, channel="sms", tier="standard", text="I want a LAWYER")
    assert matches(rule("r", {"keywords": ["lawyer"]}, priority=0).when, facts)
    assert not matches(rule("r", {"categories": ["billing"]}, priority=0).when, facts)


_names = st.sampled_from(["billing", "network", "other"])
_facts = st.builds(
    RoutingFacts,
    category=st.one_of(st.none(), _names),
    grade=st.sampled_from(["simple", "complex"]),
    channel=st.sampled_from(["webchat", "sms"]),
    tier=st.sampled_from(["standard", "vip"]),
    signals=st.frozensets(st.sampled_from(["emotional", "violence"])),
    outside_business_hours=st.booleans(),
    repeat_complaint=st.booleans(),
)
_rules = st.lists(
    st.builds(
        lambda index, categories, tiers, queue, priority, supervisor, stop: rule(
            f"rule {index}",
            {"categories": categories, "tiers": tiers},
            stop=stop,
            queue=queue,
            priority=priority,
            notify_supervisor=supervisor or (queue is None and priority is None and not stop),
        ),
        st.integers(),
        st.lists(_names, max_size=2),
        st.lists(st.sampled_from(["standard", "vip"]), max_size=1),
        st.one_of(st.none(), st.sampled_from(["general", "billing"])),
        st.one_of(st.none(), st.integers(0, 2)),
        st.booleans(),
        st.booleans(),
    ),
    max_size=6,
).map(lambda rules: [r.model_copy(update={"name": f"rule {i}"}) for i, r in enumerate(rules)])


@given(_facts, _rules)
def test_decide_agrees_with_a_plain_reading_of_the_semantics(facts: RoutingFacts, rules: list[Rule]) -> None:
    considered: list[Rule] = []
    for candidate in rules:
        if matches(candidate.when, facts):
            considered.append(candidate)
            if candidate.stop:
                break
    decision = decide(facts, rules)
    assert decision.matched == tuple(r.name for r in considered)
    assert decision.queue == next((r.then.queue for r in considered if r.then.queue is not None), None)
    assert decision.priority == next((r.then.priority for r in considered if r.then.priority is not None), None)
    assert decision.notify_supervisor == any(r.then.notify_supervisor for r in considered)


@given(_facts, _rules)
def test_rules_after_a_matching_stop_rule_never_change_the_decision(facts: RoutingFacts, rules: list[Rule]) -> None:
    stopper = rule("stopper", {}, stop=True)
    extra = rule("after", {}, queue="billing", priority=0, notify_account_manager=True)
    assert decide(facts, [*rules, stopper, extra]).queue == decide(facts, [*rules, stopper]).queue
    assert decide(facts, [*rules, stopper, extra]).matched == decide(facts, [*rules, stopper]).matched


# ---------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("rules", "error"),
    [
        (
            [
                {"name": "a", "then": {"priority": 1}},
                {"name": "b", "then": {"priority": 1}},
                {"name": "c", "when": {"categories": ["xyz"]}, "then": {"priority": 1}},
            ],
            "rules[2].when.categories: unknown category 'xyz'",
        ),
        ([{"name": "a", "then": {"queue": "nowhere"}}], "rules[0].then.queue: unknown queue 'nowhere'"),
        ([{"name": "a", "when": {"tiers": ["gold"]}, "then": {"priority": 0}}], "rules[0].when.tiers: unknown tier"),
        ([{"name": "a", "when": {"signals": ["angry"]}, "then": {"priority": 0}}], "rules[0].when.signals: unknown"),
        ([{"name": "a", "when": {"channels": ["fax"]}, "then": {"priority": 0}}], "rules[0].when.channels: unknown"),
        ([{"name": "a", "then": {"priority": 5}}], "rules[0].then.priority: Input should be less than or equal to 2"),
        ([{"name": "a", "then": {"priority": "1"}}], "rules[0].then.priority:"),
        ([{"name": "a", "when": {"grades": ["hard"]}, "then": {"priority": 1}}], "rules[0].when.grades[0]:"),
        ([{"name": "a", "when": {"colour": "red"}, "then": {"priority": 1}}], "rules[0].when.colour: Extra inputs"),
        ([{"name": "a", "when": {"keywords": [" "]}, "then": {"priority": 1}}], "rules[0].when.keywords: "),
        ([{"name": "", "then": {"priority": 1}}], "rules[0].name:"),
        ([{"name": "a", "then": {}}], "rules[0]: the rule does nothing"),
        ([{"name": "a", "then": {"priority": 1}}, {"name": "a", "then": {"priority": 2}}], "rules[1].name: another"),
        ([{"name": "a", "then": {"notify_supervisor": "yes"}}], "rules[0].then.notify_supervisor:"),
        ({"name": "a"}, "rules: must be a list"),
    ],
)
def test_invalid_rules_are_refused_naming_the_path(service_config: ServiceConfig, rules: Any, error: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(rules, service_config.rule_vocabulary())
    assert str(caught.value).startswith(error), str(caught.value)


def test_valid_rules_parse_with_defaults_filled_in(service_config: ServiceConfig) -> None:
    parsed = parse_rules(
        [{"name": "billing team", "when": {"categories": ["billing"]}, "then": {"queue": "billing"}}],
        service_config.rule_vocabulary(),
    )
    assert parsed.as_json() == [
        {
            "name": "billing team",
            "when": {
                "categories": ["billing"],
                "grades": [],
                "channels": [],
                "tiers": [],
                "signals": [],
                "keywords": [],
                "outside_business_hours": None,
                "repeat_complaint": None,
            },
            "then": {
                "queue": "billing",
                "priority": None,
                "notify_supervisor": False,
                "notify_account_manager": False,
                "route_to_previous_owner": False,
            },
            "stop": False,
        }
    ]


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", target)
    return target


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_rules_file_naming_an_unknown_queue_is_refused(config_copy: Path) -> None:
    _edit(config_copy / "rules.yaml", lambda data: data["rules"][0]["then"].update(queue="legal"))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "rules.yaml" in str(caught.value) and "rules[0].then.queue: unknown queue 'legal'" in str(caught.value)


def test_a_malformed_rule_names_the_file_and_key(config_copy: Path) -> None:
    _edit(config_copy / "rules.yaml", lambda data: data["rules"][1]["then"].update(priority=7))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "rules.yaml: rules.1.then.priority" in str(caught.value)


def test_the_supervisor_queue_is_required(config_copy: Path) -> None:
    _edit(
        config_copy / "handoff.yaml",
        lambda data: data.update(queues=[q for q in data["queues"] if q["id"] != "supervisor"]),
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "handoff.yaml" in str(caught.value) and "supervisor" in str(caught.value)


def test_check_config_covers_the_rules(config_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    from bot.__main__ import main

    _edit(config_copy / "rules.yaml", lambda data: data["rules"][0]["when"].update(tiers=["platinum"]))
    os.environ["BOT_CONFIG_DIR"] = str(config_copy)
    try:
        assert main(["check-config"]) == 2
    finally:
        del os.environ["BOT_CONFIG_DIR"]
    assert "unknown tier 'platinum'" in capsys.readouterr().err


# ---------------------------------------------------------------------------- the default rules


def _default(service_config: ServiceConfig, **facts: Any) -> RoutingDecision:
    base: dict[str, Any] = {"category": "billing", "grade": "simple", "channel": "webchat", "tier": "standard"}
    return decide(RoutingFacts(**{**base, **facts}), service_config.rules.rules)


def test_defaults_send_threats_and_violence_to_the_supervisor_at_once(service_config: ServiceConfig) -> None:
    for signal in ("media_legal", "violence"):
        decision = _default(service_config, signals=frozenset({signal}), tier="vip", category="real_estate")
        assert (decision.queue, decision.priority, decision.notify_supervisor) == ("supervisor", 0, True)
        assert decision.notify_account_manager  # a VIP's account manager is told as well


def test_defaults_for_customer_tiers(service_config: ServiceConfig) -> None:
    for tier in ("vip", "group"):
        decision = _default(service_config, tier=tier, grade="complex")
        assert (decision.queue, decision.priority, decision.notify_account_manager) == (None, 0, True)
    high = _default(service_config, tier="high_value")
    assert (high.priority, high.notify_account_manager) == (1, True)


def test_defaults_for_repeat_complex_emotional_staff_error_and_night(service_config: ServiceConfig) -> None:
    repeat = _default(service_config, repeat_complaint=True)
    assert repeat.route_to_previous_owner and repeat.priority == 1
    assert _default(service_config, grade="complex").priority == 1
    assert _default(service_config, signals=frozenset({"emotional"})).priority == 1
    staff_error = _default(service_config, signals=frozenset({"staff_error"}))
    assert (staff_error.priority, staff_error.notify_supervisor) == (1, True)
    assert _default(service_config, signals=frozenset({"elder"})).priority == 1  # 长者优先
    assert _default(service_config, signals=frozenset({"health"})).priority == 1  # ill or pregnant: as an elder
    night = _default(service_config, outside_business_hours=True)
    assert night.notify_supervisor and night.priority is None


def test_defaults_send_real_estate_to_the_developer_team_and_leave_plain_complaints_alone(
    service_config: ServiceConfig,
) -> None:
    assert _default(service_config, category="real_estate").queue == "real_estate"
    plain = _default(service_config)
    assert plain == RoutingDecision()
