"""The guard's model client against a local chat-completions server: what it is asked, which
answers it believes, and that its logs never quote the agent."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import structlog

from bot.config import ServiceConfig
from bot.logs import configure_logging
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.guard_model import GuardModel, build_guard_model
from bot.understanding.model_settings import ModelSettings
from tests.understanding.chat_server import (
    ANSWER_TIMEOUT,
    API_KEY,
    MODEL,
    TIMEOUT,
    TO_SIMPLIFIED,
    chat_server,
    refused_port,
)

REPLY = "这种事你问我也没用，我们这边管不了"


@asynccontextmanager
async def guard_model(base_url: str, config: ServiceConfig, **overrides: Any) -> AsyncIterator[GuardModel]:
    options: dict[str, Any] = {"api_key": API_KEY, "timeout_seconds": ANSWER_TIMEOUT, **overrides}
    guard = ForbiddenGuard(config.forbidden, TO_SIMPLIFIED)
    model = GuardModel(ModelSettings(base_url=base_url, model=MODEL, **options), config.forbidden, guard)
    try:
        yield model
    finally:
        await model.aclose()


async def test_the_prompt_lists_the_configured_phrases_by_number_and_patterns_by_id(
    service_config: ServiceConfig,
) -> None:
    async with chat_server() as server, guard_model(server.base_url, service_config) as model:
        server.answer_object({"forbidden": False})
        assert await model.check(REPLY) is None

    [request] = server.requests
    assert request.user_text == REPLY
    for index, phrase in enumerate(service_config.forbidden.forbidden):
        assert f"{index}: {phrase.text}" in request.system_prompt
    for pattern in service_config.forbidden.patterns:
        assert f"{pattern.id}: e.g. {pattern.examples[0]}" in request.system_prompt
    assert request.body["response_format"] == {"type": "json_object"}
    assert model.counters.answers == 1


async def test_structured_outputs_get_the_answers_schema(service_config: ServiceConfig) -> None:
    structured = {"response_format": "json_schema"}
    async with chat_server() as server, guard_model(server.base_url, service_config, **structured) as model:
        await model.check(REPLY)
    schema = server.requests[0].body["response_format"]["json_schema"]["schema"]
    assert schema["required"] == ["forbidden", "matches", "quote"]


async def test_a_quote_is_found_whatever_its_width_script_or_punctuation(service_config: ServiceConfig) -> None:
    async with chat_server() as server, guard_model(server.base_url, service_config) as model:
        server.answer_object({"forbidden": True, "matches": "impatient", "quote": "你問我也沒用！"})
        hit = await model.check(REPLY)

    assert hit is not None
    assert (hit.by, hit.forbidden, hit.pattern_id) == ("model", "你問我也沒用！", "impatient")
    assert hit.instead == "不要着急，让我来帮您。"  # the configured instead, never the model's words


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"forbidden": True, "matches": "impatient", "quote": "你有完没完"}, "quote_not_in_text"),
        ({"forbidden": True, "matches": "impatient", "quote": "，。"}, "quote_not_in_text"),
        ({"forbidden": True, "matches": "impatient"}, "quote_not_in_text"),
        ({"forbidden": True, "matches": "made_up", "quote": "你问我也没用"}, "unknown_item"),
        ({"forbidden": True, "matches": -1, "quote": "你问我也没用"}, "unknown_item"),
        ({"forbidden": True, "matches": None, "quote": "你问我也没用"}, "unknown_item"),
    ],
)
async def test_an_answer_that_does_not_hold_is_ignored(
    service_config: ServiceConfig, answer: object, reason: str
) -> None:
    async with chat_server() as server, guard_model(server.base_url, service_config) as model:
        server.answer_object(answer)
        assert await model.check(REPLY) is None
    assert model.ignored == {reason: 1}
    assert not model.counters.failures  # the model answered; its answer just does not hold


@pytest.mark.parametrize(
    ("content", "reason"),
    [("这句话有忌语", "invalid_json"), ('{"forbidden": "maybe"}', "invalid_schema"), ("[1, 2]", "invalid_schema")],
)
async def test_nonsense_is_a_failure(service_config: ServiceConfig, content: str, reason: str) -> None:
    async with chat_server() as server, guard_model(server.base_url, service_config) as model:
        server.answer(content)
        assert await model.check(REPLY) is None
    assert model.counters.failures == {reason: 1}


async def test_a_model_that_is_down_or_slow_gives_no_opinion(service_config: ServiceConfig) -> None:
    with refused_port() as port:
        async with guard_model(f"http://127.0.0.1:{port}/v1", service_config) as model:
            assert await model.check(REPLY) is None
    assert model.counters.failures == {"connection": 1}
    async with chat_server() as server, guard_model(server.base_url, service_config, timeout_seconds=TIMEOUT) as model:
        server.hold()
        assert await model.check(REPLY) is None
    assert model.counters.failures == {"timeout": 1}


@pytest.fixture
def json_logs() -> Iterator[Callable[[], None]]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield lambda: configure_logging(json_output=True, cache_loggers=False)
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


async def test_logs_never_quote_the_agent(
    service_config: ServiceConfig, json_logs: Callable[[], None], capsys: pytest.CaptureFixture[str]
) -> None:
    json_logs()
    async with chat_server() as server, guard_model(server.base_url, service_config) as model:
        server.answer_object({"forbidden": True, "matches": "impatient", "quote": "管不了也没用"})
        await model.check(REPLY)
        server.fail(500, body=f"crashed on {REPLY}")
        await model.check(REPLY)

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    events = [(line["event"], line.get("reason"), line.get("purpose")) for line in lines]
    assert ("guard.model_answer_ignored", "quote_not_in_text", None) in events
    assert ("understanding.model_failed", "server_error", "guard") in events
    assert "没用" not in json.dumps(lines, ensure_ascii=False)


def test_no_model_is_built_unless_configured(service_config: ServiceConfig) -> None:
    guard = ForbiddenGuard(service_config.forbidden, TO_SIMPLIFIED)
    assert build_guard_model(None, service_config.forbidden, guard) is None
