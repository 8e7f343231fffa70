"""The model's second opinion on an agent's reply, through the reply route, against a local
chat-completions server: asked only when the rules find nothing, believed only when it holds."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import ServiceConfig
from bot.understanding.model_settings import ModelSettings
from tests.conftest import AppFactory
from tests.staff import claimed_conversation
from tests.understanding.chat_server import API_KEY, MODEL, ChatServer, chat_server

PARAPHRASE = "这种事你问我也没用"
"""Sending the customer away in words no configured phrase or pattern has."""


async def _reply(client: Any, csrf: str, conversation_id: int, text: str, **extra: object) -> tuple[int, Any]:
    response = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text, **extra}, headers={"X-CSRF-Token": csrf}
    )
    return response.status, await response.json()


def _guard_requests(server: ChatServer, text: str) -> int:
    return sum(1 for request in server.requests if request.user_text == text)


async def test_the_model_flags_a_paraphrase_the_rules_miss_with_the_configured_suggestion(
    make_client: AppFactory,
) -> None:
    async with chat_server() as server:
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=5))
        csrf, conversation_id, socket = await claimed_conversation(client, "li")
        server.answer_object({"forbidden": True, "matches": "not_our_business", "quote": "你问我也没用"})

        status, body = await _reply(client, csrf, conversation_id, PARAPHRASE)

        assert status == 422
        assert (body["by"], body["forbidden"], body["suggestion"]) == ("model", "你问我也没用", "这是我们的责任")
        assert body["can_override"] is True
        prompt = server.requests[-1].system_prompt
        assert "服务忌语" in prompt and "not_our_business" in prompt
        named = [body["forbidden"]]
        status, _ = await _reply(client, csrf, conversation_id, PARAPHRASE, override=True, forbidden=named)
        assert status == 201  # the agent may send past the model's opinion
        assert _guard_requests(server, PARAPHRASE) == 1  # the override does not ask again
        await socket.close()


async def test_the_suggestion_for_a_phrase_number_is_that_phrases_configured_instead(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    phrases = service_config.forbidden.forbidden
    number = next(index for index, item in enumerate(phrases) if item.text == "我不知道")
    async with chat_server() as server:
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=5))
        csrf, conversation_id, socket = await claimed_conversation(client, "wang")
        server.answer_object({"forbidden": True, "matches": number, "quote": "我也不太清楚"})

        status, body = await _reply(client, csrf, conversation_id, "这个我也不太清楚。")

        assert status == 422 and body["by"] == "model"
        assert body["suggestion"] == phrases[number].instead
        await socket.close()


@pytest.mark.parametrize(
    "answer",
    [
        {"forbidden": True, "matches": "not_our_business", "quote": "这不归我们管"},  # words the agent never wrote
        {"forbidden": True, "matches": "no_such_pattern", "quote": "你问我也没用"},
        {"forbidden": True, "matches": 999, "quote": "你问我也没用"},
        {"forbidden": False, "matches": None, "quote": None},
    ],
    ids=["quote-not-in-text", "unknown-pattern", "unknown-number", "clean"],
)
async def test_an_answer_that_does_not_hold_lets_the_reply_go(make_client: AppFactory, answer: object) -> None:
    async with chat_server() as server:
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=5))
        csrf, conversation_id, socket = await claimed_conversation(client, "zhao")
        server.answer_object(answer)

        status, body = await _reply(client, csrf, conversation_id, PARAPHRASE)

        assert status == 201, body
        assert _guard_requests(server, PARAPHRASE) == 1
        await socket.close()


@pytest.mark.parametrize("trouble", ["down", "slow", "invalid-json"])
async def test_without_an_opinion_in_time_the_rules_verdict_stands(make_client: AppFactory, trouble: str) -> None:
    # Only the held model needs the time limit to run out; the others answer at once, and a
    # short limit on a busy machine would expire before their request even arrives.
    timeout = 2 if trouble == "slow" else 5
    async with chat_server() as server:
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=timeout))
        csrf, conversation_id, socket = await claimed_conversation(client, "chen")
        if trouble == "down":
            server.fail(503)
        elif trouble == "slow":
            server.hold()
        else:
            server.answer("forbidden: yes")

        status, body = await _reply(client, csrf, conversation_id, PARAPHRASE)

        assert status == 201, body
        assert _guard_requests(server, PARAPHRASE) == 1
        server.release()
        await socket.close()


async def test_a_rules_hit_does_not_ask_the_model(make_client: AppFactory) -> None:
    async with chat_server() as server:
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=5))
        csrf, conversation_id, socket = await claimed_conversation(client, "zhou")
        text = "这不归我们管，你去找街道办吧"

        status, body = await _reply(client, csrf, conversation_id, text)

        assert status == 422 and body["by"] == "rules" and body["forbidden"] == "不归我们管"
        assert _guard_requests(server, text) == 0
        await socket.close()


async def test_without_a_model_the_rules_alone_decide(make_client: AppFactory) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "sun")
    status, _ = await _reply(client, csrf, conversation_id, PARAPHRASE)
    assert status == 201  # the rules miss this paraphrase; only the model would catch it
    status, body = await _reply(client, csrf, conversation_id, "我不知道")
    assert status == 422 and body["by"] == "rules"
    await socket.close()
