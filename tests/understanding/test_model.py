"""The optional model client against a local chat-completions server: answers, failures, limits."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import structlog
from aiohttp import web

from bot.config import Grade, Intent, ServiceConfig, Signal
from bot.logs import configure_logging
from bot.understanding.circuit import CircuitState
from bot.understanding.model import ModelUnderstander, build_model_understander
from bot.understanding.model_settings import ModelSettings
from bot.understanding.result import Slots
from tests.understanding.chat_server import (
    API_KEY,
    MODEL,
    TIMEOUT,
    ChatServer,
    ManualClock,
    chat_server,
    refused_port,
    understander,
)

TEXT = "我叫王芳，电话13912345678，海淀区中关村大街的自来水有异味三天了"
GOOD_ANSWER = {
    "intents": ["complaint"],
    "category": "engineering_repair",
    "grade": "simple",
    "signals": ["emotional"],
    "slots": {
        "phone": "13912345678",
        "name": "王芳",
        "surname": "王",
        "honorific": "女士",
        "address": "海淀区中关村大街",
        "district": "海淀区",
    },
}
GUARD = 20 * TIMEOUT
"""A bound for awaits that must end by themselves; only reached when the code under test hangs."""


async def test_a_good_answer_becomes_an_understanding(service_config: ServiceConfig) -> None:
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        server.answer_object(GOOD_ANSWER)

        result = await model.understand(TEXT, "zh-CN")

    assert result is not None
    assert result.text == TEXT and result.locale == "zh-CN"
    assert result.intents == {Intent.COMPLAINT}
    assert result.category == "engineering_repair"
    assert result.grade is Grade.SIMPLE
    assert result.signals == {Signal.EMOTIONAL}
    assert result.slots == Slots(
        phone="13912345678", name="王芳", surname="王", honorific="女士", address="海淀区中关村大街", district="海淀区"
    )
    assert (model.counters.requests, model.counters.answers, sum(model.counters.failures.values())) == (1, 1, 0)


async def test_the_request_names_the_model_the_key_json_mode_and_the_vocabulary(
    service_config: ServiceConfig,
) -> None:
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        await model.understand(TEXT, "zh-CN")

    [request] = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.body["model"] == MODEL
    assert request.body["response_format"] == {"type": "json_object"}
    assert request.body["temperature"] == 0
    assert not request.body.get("stream")
    assert [message["role"] for message in request.body["messages"]] == ["system", "user"]
    assert request.user_text == TEXT
    prompt = request.system_prompt
    assert "JSON" in prompt  # JSON mode requires the word in the messages
    for category in service_config.classification.categories:
        assert category.id in prompt and category.name.zh_cn in prompt
    for value in [*Intent, *Signal, *Grade]:
        assert value.value in prompt
    for slot in Slots().as_dict():
        assert slot in prompt


async def test_json_schema_mode_sends_the_vocabulary_as_a_schema(service_config: ServiceConfig) -> None:
    async with (
        chat_server() as server,
        understander(server.base_url, service_config.classification, response_format="json_schema") as model,
    ):
        server.answer_object(GOOD_ANSWER)
        assert await model.understand(TEXT, "zh-CN") is not None

    response_format = server.requests[0].body["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    category_ids = {category.id for category in service_config.classification.categories}
    assert set(schema["properties"]["category"]["enum"]) == category_ids | {None}
    assert set(schema["properties"]["intents"]["items"]["enum"]) == {intent.value for intent in Intent}


async def test_without_json_mode_or_key_the_prompt_alone_asks_for_json(service_config: ServiceConfig) -> None:
    """For servers that support neither (older vLLM, some proxies) and need no key (Ollama)."""
    async with (
        chat_server() as server,
        understander(server.base_url, service_config.classification, response_format="none", api_key=None) as model,
    ):
        server.answer("```json\n" + json.dumps(GOOD_ANSWER, ensure_ascii=False) + "\n```")
        result = await model.understand(TEXT, "zh-CN")

    assert result is not None and result.category == "engineering_repair"
    assert "response_format" not in server.requests[0].body


async def test_a_reasoning_models_think_block_is_skipped(service_config: ServiceConfig) -> None:
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        server.answer("<think>The customer reports water.</think>\n" + json.dumps(GOOD_ANSWER))
        result = await model.understand(TEXT, "zh-CN")

    assert result is not None and result.intents == {Intent.COMPLAINT}


async def test_a_slow_model_is_given_up_at_the_timeout(service_config: ServiceConfig) -> None:
    async with (
        chat_server() as server,
        understander(server.base_url, service_config.classification, timeout_seconds=TIMEOUT) as model,
    ):
        server.hold()

        async with asyncio.timeout(GUARD):
            result = await model.understand(TEXT, "zh-CN")

        assert result is None
        assert server.in_flight == 1 and server.finished == 0  # still "thinking" when we gave up
        assert model.counters.failures == {"timeout": 1}
        assert model.in_flight == 0


@pytest.mark.parametrize(
    "content",
    ["not json at all", '{"intents": ["complaint"', "", None],
    ids=["prose", "truncated", "empty", "null"],
)
async def test_malformed_content_gives_no_understanding(service_config: ServiceConfig, content: str | None) -> None:
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        server.answer(content)
        assert await model.understand(TEXT, "zh-CN") is None

    expected = "invalid_response" if content is None else "invalid_json"
    assert model.counters.failures == {expected: 1}


@pytest.mark.parametrize(
    "answer",
    [
        ["complaint"],
        {"category": "billing"},
        {"intents": "complaint"},
        {"intents": [1, 2]},
        {"intents": [], "category": 5},
        {"intents": [], "slots": "王芳"},
        {"intents": [], "slots": {"name": ["王芳"]}},
    ],
    ids=["array", "no-intents", "intents-string", "intents-numbers", "category-number", "slots-string", "name-list"],
)
async def test_content_of_the_wrong_shape_gives_no_understanding(service_config: ServiceConfig, answer: Any) -> None:
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        server.answer_object(answer)
        assert await model.understand(TEXT, "zh-CN") is None

    assert model.counters.failures == {"invalid_schema": 1}


async def test_words_outside_the_vocabulary_are_dropped(service_config: ServiceConfig) -> None:
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        server.answer_object(
            {
                "intents": ["complaint", "refund_request"],
                "category": "water_quality",
                "grade": "urgent",
                "signals": ["emotional", "sleepy"],
                "reply": "您好，我们马上处理",
            }
        )
        result = await model.understand(TEXT, "zh-CN")

    assert result is not None
    assert result.intents == {Intent.COMPLAINT}
    assert result.category is None and result.grade is None
    assert result.signals == {Signal.EMOTIONAL}


@pytest.mark.parametrize(
    ("status", "reason"),
    [(500, "server_error"), (502, "server_error"), (503, "server_error"), (429, "rate_limited"), (400, "http_error")],
)
async def test_an_error_status_gives_no_understanding_and_is_not_retried(
    service_config: ServiceConfig, status: int, reason: str
) -> None:
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        server.fail(status)
        assert await model.understand(TEXT, "zh-CN") is None

    assert len(server.requests) == 1  # no retries: they would outlast the timeout
    assert model.counters.failures == {reason: 1}


@pytest.mark.parametrize(
    "response",
    [
        lambda: web.Response(text="<html>502 Bad Gateway</html>", content_type="text/html"),
        lambda: web.json_response({}),
        lambda: web.json_response({"choices": []}),
    ],
    ids=["html-page", "empty-object", "no-choices"],
)
async def test_a_200_that_is_not_a_completion_gives_no_understanding(
    service_config: ServiceConfig, response: Any
) -> None:
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        server.respond(response)
        assert await model.understand(TEXT, "zh-CN") is None

    assert model.counters.failures == {"invalid_response": 1}


async def test_a_refused_connection_gives_no_understanding(service_config: ServiceConfig) -> None:
    with refused_port() as port:
        async with understander(f"http://127.0.0.1:{port}/v1", service_config.classification) as model:
            async with asyncio.timeout(GUARD):
                assert await model.understand(TEXT, "zh-CN") is None

    assert model.counters.failures == {"connection": 1}


async def test_the_circuit_opens_after_consecutive_failures_and_closes_after_a_success(
    service_config: ServiceConfig,
) -> None:
    clock = ManualClock()
    async with (
        chat_server() as server,
        understander(
            server.base_url, service_config.classification, clock, breaker_failures=3, breaker_open_seconds=30
        ) as model,
    ):
        server.fail(500)
        for _ in range(3):
            assert await model.understand(TEXT, "zh-CN") is None
        states = [model.circuit_state]

        assert await model.understand(TEXT, "zh-CN") is None
        assert await model.understand(TEXT, "zh-CN") is None
        assert len(server.requests) == 3  # the open circuit sent nothing
        assert model.counters.skipped == {"circuit_open": 2}
        assert model.counters.circuit_opened == 1

        clock.advance(29)
        assert await model.understand(TEXT, "zh-CN") is None
        assert len(server.requests) == 3

        clock.advance(1)
        states.append(model.circuit_state)
        server.answer_object(GOOD_ANSWER)
        assert await model.understand(TEXT, "zh-CN") is not None  # the trial
        states.append(model.circuit_state)
        assert await model.understand(TEXT, "zh-CN") is not None
        assert len(server.requests) == 5
        assert states == [CircuitState.OPEN, CircuitState.HALF_OPEN, CircuitState.CLOSED]


async def test_a_success_resets_the_count_of_consecutive_failures(service_config: ServiceConfig) -> None:
    async with (
        chat_server() as server,
        understander(server.base_url, service_config.classification, breaker_failures=3) as model,
    ):
        for behaviour in ("fail", "fail", "answer", "fail", "fail"):
            server.fail(500) if behaviour == "fail" else server.answer_object(GOOD_ANSWER)
            await model.understand(TEXT, "zh-CN")

        assert model.circuit_state is CircuitState.CLOSED
        assert len(server.requests) == 5


async def test_a_failed_trial_opens_the_circuit_again(service_config: ServiceConfig) -> None:
    clock = ManualClock()
    async with (
        chat_server() as server,
        understander(
            server.base_url, service_config.classification, clock, breaker_failures=2, breaker_open_seconds=10
        ) as model,
    ):
        server.fail(503)
        await model.understand(TEXT, "zh-CN")
        await model.understand(TEXT, "zh-CN")
        clock.advance(10)

        assert await model.understand(TEXT, "zh-CN") is None  # the trial, failed
        assert len(server.requests) == 3
        assert model.circuit_state is CircuitState.OPEN
        assert await model.understand(TEXT, "zh-CN") is None
        assert len(server.requests) == 3
        assert model.counters.circuit_opened == 2


async def test_answers_that_are_not_json_never_switch_the_model_off_for_everyone(
    service_config: ServiceConfig,
) -> None:
    """Texts that make the model answer nonsense cost those texts the model, nothing more: the
    endpoint answered, so the breaker stays closed and the next customer is still read."""
    async with (
        chat_server() as server,
        understander(server.base_url, service_config.classification, breaker_failures=5) as model,
    ):
        for content in ["not json", '{"intents": ["complaint"', "", None, '{"intents": "complaint"}'] * 2:
            server.answer(content)
            assert await model.understand(TEXT, "zh-CN", source="conversation:1") is None
        server.fail(400)  # a content filter refusing one text
        assert await model.understand(TEXT, "zh-CN", source="conversation:1") is None
        assert model.circuit_state is CircuitState.CLOSED and model.counters.circuit_opened == 0

        server.answer_object(GOOD_ANSWER)
        assert await model.understand("楼道里有股怪味", "zh-CN", source="conversation:2") is not None


async def test_one_conversations_timeouts_count_once_toward_the_breaker(service_config: ServiceConfig) -> None:
    async with (
        chat_server() as server,
        understander(
            server.base_url, service_config.classification, breaker_failures=2, timeout_seconds=TIMEOUT
        ) as model,
    ):
        server.hold()
        for _ in range(3):
            assert await model.understand(TEXT, "zh-CN", source="conversation:1") is None
        states = [model.circuit_state]
        assert model.counters.failures == {"timeout": 3}

        assert await model.understand(TEXT, "zh-CN", source="conversation:2") is None
        states.append(model.circuit_state)  # two writers' texts time out: the model is down
        assert states == [CircuitState.CLOSED, CircuitState.OPEN]


async def test_a_trial_answered_with_nonsense_closes_the_breaker(service_config: ServiceConfig) -> None:
    clock = ManualClock()
    async with (
        chat_server() as server,
        understander(
            server.base_url, service_config.classification, clock, breaker_failures=1, breaker_open_seconds=5
        ) as model,
    ):
        server.fail(503)
        await model.understand(TEXT, "zh-CN")
        states = [model.circuit_state]
        clock.advance(5)
        server.answer("not json")
        assert await model.understand(TEXT, "zh-CN") is None
        states.append(model.circuit_state)
        assert states == [CircuitState.OPEN, CircuitState.CLOSED]


async def _trial_in_flight(server: ChatServer, model: ModelUnderstander, clock: ManualClock) -> asyncio.Task[Any]:
    """Open the breaker with one failure, let it go half-open, and start the trial call, which the
    server holds."""
    server.fail(500)
    await model.understand(TEXT, "zh-CN")
    clock.advance(5)
    server.hold()
    trial = asyncio.create_task(model.understand(TEXT, "zh-CN"))
    async with asyncio.timeout(GUARD):
        await server.wait_for(lambda s: s.in_flight == 1)
    return trial


async def test_half_open_lets_one_trial_through_at_a_time(service_config: ServiceConfig) -> None:
    clock = ManualClock()
    async with (
        chat_server() as server,
        understander(
            server.base_url, service_config.classification, clock, breaker_failures=1, breaker_open_seconds=5
        ) as model,
    ):
        trial = await _trial_in_flight(server, model, clock)
        server.answer_object(GOOD_ANSWER)
        assert await model.understand(TEXT, "zh-CN") is None  # not a second trial
        assert len(server.requests) == 2

        server.release()
        async with asyncio.timeout(GUARD):
            assert await trial is not None
        assert model.circuit_state is CircuitState.CLOSED


async def test_a_cancelled_trial_leaves_the_next_call_free_to_try(service_config: ServiceConfig) -> None:
    clock = ManualClock()
    async with (
        chat_server() as server,
        understander(
            server.base_url, service_config.classification, clock, breaker_failures=1, breaker_open_seconds=5
        ) as model,
    ):
        trial = await _trial_in_flight(server, model, clock)
        trial.cancel()
        with pytest.raises(asyncio.CancelledError):
            await trial
        server.answer_object(GOOD_ANSWER)
        server.release()

        assert await model.understand(TEXT, "zh-CN") is not None
        assert model.circuit_state is CircuitState.CLOSED


async def test_at_most_max_concurrency_requests_are_in_flight(service_config: ServiceConfig) -> None:
    async with (
        chat_server() as server,
        understander(server.base_url, service_config.classification, max_concurrency=2, timeout_seconds=5) as model,
    ):
        server.answer_object(GOOD_ANSWER)
        server.hold()
        calls = [asyncio.create_task(model.understand(TEXT, "zh-CN")) for _ in range(5)]

        async with asyncio.timeout(GUARD):
            await server.wait_for(lambda s: s.in_flight == 2)
            turned_away = [call for call in calls if call.done()]
            while len(turned_away) < 3:
                await asyncio.wait([call for call in calls if not call.done()], return_when=asyncio.FIRST_COMPLETED)
                turned_away = [call for call in calls if call.done()]
        assert [call.result() for call in turned_away] == [None, None, None]  # at once, not queued
        assert server.in_flight == 2 and model.counters.skipped == {"busy": 3}

        server.release()
        async with asyncio.timeout(GUARD):
            answered = [await call for call in calls if call not in turned_away]

    assert len(answered) == 2 and all(result is not None for result in answered)
    assert server.max_in_flight == 2 and len(server.requests) == 2
    assert model.circuit_state is CircuitState.CLOSED  # being busy is not a failure


async def test_the_models_free_text_never_reaches_the_result(service_config: ServiceConfig) -> None:
    """Nothing the model writes is kept unless it is a vocabulary value or the customer's own
    words: a forbidden phrase in every free-text place of the answer leaves no trace."""
    forbidden = service_config.forbidden.forbidden[0].text
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        server.answer_object(
            {
                "intents": ["complaint", forbidden],
                "category": forbidden,
                "grade": forbidden,
                "signals": [forbidden],
                "reply": forbidden,
                "slots": {field: forbidden for field in Slots().as_dict()},
            }
        )
        result = await model.understand(TEXT, "zh-CN")

    assert result is not None
    assert result.slots == Slots()
    assert forbidden not in json.dumps(result.as_json(), ensure_ascii=False)


@pytest.fixture
def json_logs() -> Iterator[Callable[[], None]]:
    """Configures the logs as ``run`` does, when called (in the test, where stderr is captured)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield lambda: configure_logging(json_output=True, cache_loggers=False)
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


async def test_logs_say_why_the_model_failed_without_the_customers_words(
    service_config: ServiceConfig, json_logs: Callable[[], None], capsys: pytest.CaptureFixture[str]
) -> None:
    json_logs()
    async with chat_server() as server, understander(server.base_url, service_config.classification) as model:
        server.fail(500, body=f"model crashed on input: {TEXT}")
        await model.understand(TEXT, "zh-CN")
        server.answer(f"I cannot answer {TEXT}")
        await model.understand(TEXT, "zh-CN")

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    failures = [line for line in lines if line["event"] == "understanding.model_failed"]
    assert [(line["reason"], line["status"]) for line in failures] == [("server_error", 500), ("invalid_json", None)]
    everything = json.dumps(lines, ensure_ascii=False)
    assert "13912345678" not in everything and "中关村" not in everything


def test_no_model_is_built_unless_configured(service_config: ServiceConfig) -> None:
    assert build_model_understander(None, service_config.classification) is None


async def test_a_configured_model_is_built_from_its_settings(service_config: ServiceConfig) -> None:
    async with chat_server() as server:
        model = build_model_understander(ModelSettings(server.base_url, MODEL), service_config.classification)
        assert model is not None
        server.answer_object({"intents": [], "slots": {"name": "陳大文"}})
        result = await model.understand("我叫陳大文", "zh-CN")  # traditional, folded to simplified
        await model.aclose()

    assert result is not None and result.slots.name == "陈大文"


async def test_an_unexpected_error_gives_no_understanding_and_no_traceback_with_the_text(
    service_config: ServiceConfig, json_logs: Callable[[], None], capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(text: str) -> str:
        raise RuntimeError(f"cannot convert {text}")

    json_logs()
    async with chat_server() as server:
        model = ModelUnderstander(ModelSettings(server.base_url, MODEL), service_config.classification, broken)
        server.answer_object(GOOD_ANSWER)
        result = await model.understand(TEXT, "zh-CN")
        await model.aclose()

    assert result is None and model.counters.failures == {"error": 1}
    output = capsys.readouterr().err
    assert "RuntimeError" in output and "中关村" not in output
