"""The configuration's limits: texts filled with ``str.format`` take plain ``{name}``s only, and
numbers far out of range are refused, at start-up as in the standards editor."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.config import (
    MAX_PHRASE_CHARS,
    ChannelsConfig,
    DeadlineTable,
    FaqEntry,
    Followups,
    QueueSettings,
    ServiceConfig,
    Timers,
    WebchatLimits,
    template_names,
    template_problem,
)
from bot.standards.validation import rendering_problems


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{work_number:d}号", "{work_number:d}: write a placeholder as {name} alone"),
        ("{work_number:>300000}", "{work_number:>300000}: write a placeholder as {name} alone"),
        ("{work_number!r}", "{work_number!r}: write a placeholder as {name} alone"),
        ("{work_number:{deadline}}", "{work_number:{deadline}}: write a placeholder"),
        ("{}", "{}: a placeholder is a name in braces"),
        ("{0}", "{0}: a placeholder is a name in braces"),
        ("{work_number.real}", "{work_number.real}: a placeholder is a name in braces"),
        ("{work_number[0]}", "{work_number[0]}: a placeholder is a name in braces"),
        ("请看{", "write a brace as {{ or }}"),
        ("{case_number}", "unknown variables ['case_number']; allowed: ['work_number']"),
    ],
)
def test_a_text_with_more_than_plain_names_is_refused(text: str, said: str) -> None:
    problem = template_problem(text, {"work_number"})
    assert problem is not None and said in problem


def test_plain_names_and_doubled_braces_are_fine() -> None:
    assert template_problem("{{工号}}{work_number}号, {work_number}", {"work_number"}) is None
    assert template_names("{a}{b}{a}") == {"a", "b"}


def test_an_faq_answer_with_a_format_spec_is_refused_naming_its_language() -> None:
    with pytest.raises(ValidationError) as caught:
        FaqEntry.model_validate(
            {"id": "hours", "keywords": [["几点"]], "answer": {"zh-CN": "工号{work_number:>9}", "en": "ok"}}
        )
    assert "zh-CN: {work_number:>9}: write a placeholder" in str(caught.value)


def test_the_shipped_phrases_time_words_and_answers_are_said(service_config: ServiceConfig) -> None:
    assert rendering_problems(service_config) == []


def test_a_phrase_longer_than_a_few_sentences_is_refused(service_config: ServiceConfig) -> None:
    book = service_config.phrases["en"].model_dump(mode="json")
    book["phrases"]["goodbye"] = "Bye. " * (MAX_PHRASE_CHARS // 5 + 1)
    with pytest.raises(ValidationError, match="at most 2000 characters"):
        type(service_config.phrases["en"]).model_validate(book)


def _with(model: Any, base: Any, **changes: Any) -> Any:
    return model.model_validate({**base.model_dump(mode="json"), **changes})


@pytest.mark.parametrize("hours", [1e12, 1e7, 721, float("inf"), float("nan"), 0, -1, 0.1, 0.49])
def test_deadline_hours_are_at_least_half_an_hour_and_at_most_30_days(
    service_config: ServiceConfig, hours: float
) -> None:
    table = service_config.deadlines.model_dump(mode="json")
    table["table"]["simple"]["standard"] = hours
    with pytest.raises(ValidationError):
        DeadlineTable.model_validate(table)
    table["table"]["simple"]["standard"] = 720
    DeadlineTable.model_validate(table)
    table["table"]["simple"]["standard"] = 0.5  # the standards editor's least
    DeadlineTable.model_validate(table)


def test_deadline_rules_extensions_and_working_days_are_bounded(service_config: ServiceConfig) -> None:
    base = service_config.deadlines
    for changes in (
        {"overrides": [{"signal": "danger", "deadline": {"hours": 1e7}}]},
        {"overrides": [{"signal": "danger", "deadline": {"hours": 0.1}}]},
        {"overrides": [{"category": "real_estate", "deadline": {"working_days": 31}}]},
        {"extension_min_hours": 1e9},
        {"extensions_per_case": 10**6},
    ):
        with pytest.raises(ValidationError):
            _with(DeadlineTable, base, **changes)


@pytest.mark.parametrize("days", [0.00002, 0.4, 366, 1e12])
def test_progress_follow_ups_are_at_least_half_a_day_apart(service_config: ServiceConfig, days: float) -> None:
    base = service_config.followups
    with pytest.raises(ValidationError) as caught:
        _with(Followups, base, progress_days={"engineering_repair": days})
    assert "progress_days.engineering_repair" in str(caught.value)
    assert _with(Followups, base, progress_days={"engineering_repair": 0.5}).progress_days == {
        "engineering_repair": 0.5
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("callback_delay", 10**12), ("answer_window", 1), ("answer_window", 10**12)],
)
def test_the_callback_timers_are_bounded(service_config: ServiceConfig, field: str, value: int) -> None:
    with pytest.raises(ValidationError):
        _with(Followups, service_config.followups, **{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("idle_prompt_after", 86_401),
        ("idle_close_after", 10**12),
        ("harassment_close_after", 10**9),
        ("handoff_ack_after", 10**9),
        ("form_reask_after", 10**9),
        ("resume_after_idle_close", 8 * 86_400),
        ("resume_after_idle_close", -1),
        ("idle_prompt_after", 0),
    ],
)
def test_conversation_timers_are_bounded(service_config: ServiceConfig, field: str, value: int) -> None:
    with pytest.raises(ValidationError) as caught:
        _with(Timers, service_config.timers, **{field: value})
    assert field in str(caught.value)


def test_queue_and_web_chat_numbers_are_bounded(service_config: ServiceConfig) -> None:
    with pytest.raises(ValidationError):
        _with(QueueSettings, service_config.queue, aging_minutes=1e12)
    with pytest.raises(ValidationError):
        _with(QueueSettings, service_config.queue, cluster_alert={"min_customers": 3, "window_hours": 1e12})
    with pytest.raises(ValidationError):
        _with(WebchatLimits, service_config.channels.webchat, sessions_window_minutes=1e12)


def test_provider_channels_keep_at_least_what_web_chat_takes(service_config: ServiceConfig) -> None:
    with pytest.raises(ValidationError) as caught:
        _with(ChannelsConfig, service_config.channels, max_text_chars=3000, max_provider_text_chars=2500)
    assert "max_provider_text_chars must be at least max_text_chars" in str(caught.value)
    assert _with(ChannelsConfig, service_config.channels, max_provider_text_chars=2000).max_provider_text_chars == 2000
