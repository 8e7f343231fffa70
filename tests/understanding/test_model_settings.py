"""``BOT_LLM_*``: off unless both the endpoint and the model are named."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from bot.understanding.model_settings import ModelSettings


def test_off_by_default() -> None:
    assert Settings.from_env({}).llm is None


def test_endpoint_and_model_turn_it_on_with_the_defaults() -> None:
    settings = Settings.from_env({"BOT_LLM_BASE_URL": "http://localhost:11434/v1", "BOT_LLM_MODEL": "qwen2.5:7b"})

    assert settings.llm == ModelSettings("http://localhost:11434/v1", "qwen2.5:7b")
    assert settings.llm.timeout_seconds == 2 and settings.llm.max_concurrency == 4
    assert settings.llm.api_key is None and settings.llm.response_format == "json_object"


def test_every_setting_is_read() -> None:
    settings = Settings.from_env(
        {
            "BOT_LLM_BASE_URL": "https://dashscope.aliyuncs.com/compatible-mode/v1",
            "BOT_LLM_MODEL": "qwen-plus",
            "BOT_LLM_API_KEY": "sk-123",
            "BOT_LLM_TIMEOUT_SECONDS": "1.5",
            "BOT_LLM_MAX_CONCURRENCY": "8",
            "BOT_LLM_BREAKER_FAILURES": "3",
            "BOT_LLM_BREAKER_OPEN_SECONDS": "60",
            "BOT_LLM_RESPONSE_FORMAT": "json_schema",
        }
    )

    assert settings.llm == ModelSettings(
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "qwen-plus",
        api_key="sk-123",
        timeout_seconds=1.5,
        max_concurrency=8,
        breaker_failures=3,
        breaker_open_seconds=60,
        response_format="json_schema",
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BOT_LLM_BASE_URL": "http://localhost:11434/v1"}, "half configured"),
        ({"BOT_LLM_MODEL": "qwen2.5:7b"}, "half configured"),
        ({"BOT_LLM_TIMEOUT_SECONDS": "0"}, "BOT_LLM_TIMEOUT_SECONDS: Input should be greater than 0"),
        ({"BOT_LLM_MAX_CONCURRENCY": "0"}, "BOT_LLM_MAX_CONCURRENCY: Input should be greater than or equal to 1"),
        ({"BOT_LLM_BREAKER_FAILURES": "0"}, "BOT_LLM_BREAKER_FAILURES"),
        ({"BOT_LLM_RESPONSE_FORMAT": "xml"}, "BOT_LLM_RESPONSE_FORMAT"),
    ],
)
def test_a_wrong_setting_stops_start_up(env: dict[str, str], message: str) -> None:
    complete = {"BOT_LLM_BASE_URL": "http://localhost:11434/v1", "BOT_LLM_MODEL": "qwen2.5:7b"}
    if "half configured" not in message:
        env = {**complete, **env}

    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)
