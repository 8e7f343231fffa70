"""One use of the optional language model: ask it one question, get a validated answer or None.

Shared machinery of every question the bot asks the model (reading a customer's message, a
second opinion on an agent's reply): an OpenAI-compatible chat-completions call under a strict
timeout, at most ``max_concurrency`` requests in flight, a circuit breaker after repeated
failures, and counters. It never raises (except :class:`asyncio.CancelledError`) and never logs
what customers or agents wrote: only reasons, statuses and durations.

Only a failure of the endpoint itself counts toward the breaker (a timeout, a refused
connection, 429, 5xx, 401/403/404, a 200 that is no chat completion): what one message makes the
model say (invalid JSON, a wrong shape, no content, a 400/413/422 refusal of what it carries) costs
that message the model and nothing more, so crafted texts cannot switch the model off for everyone.
And one writer's failures count once per streak (``source``): a customer whose texts make the
model time out again and again cannot open the breaker alone.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import openai
import structlog
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam, completion_create_params

from bot.understanding.circuit import CircuitBreaker, CircuitState
from bot.understanding.model_settings import ModelSettings

log = structlog.get_logger(__name__)

MAX_ANSWER_TOKENS = 400
"""The answer is a small JSON object; a model that rambles past this is cut off (invalid JSON)."""
NO_API_KEY = "none"
"""Sent when no key is configured (Ollama, a local vLLM): the client library insists on one."""

FAILURE_REASONS = (
    "timeout",
    "connection",
    "rate_limited",
    "server_error",
    "http_error",
    "invalid_response",
    "invalid_json",
    "invalid_schema",
    "error",
)
MESSAGE_STATUSES = frozenset({400, 413, 422})
"""HTTP statuses that refuse one request for what it carries (a content filter, a text too long):
that message's failure, not the endpoint's, so they never count toward the breaker."""
SKIP_REASONS = ("circuit_open", "busy", "untrusted", "conversation_busy")
"""``untrusted``: the text carries a payload meant for the model; ``conversation_busy``: its
conversation already has a call in flight (the pipeline's reader)."""

Answer = TypeVar("Answer")


class InvalidAnswer(Exception):
    """The model's answer is unusable; ``reason`` is ``invalid_json`` or ``invalid_schema``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def json_object(content: str) -> object:
    """The JSON in the model's reply ``content``.

    Tolerates what compatible servers add around the object (a code fence, a reasoning model's
    ``<think>`` block): the outermost ``{…}`` is read.

    Raises:
        InvalidAnswer: ``invalid_json`` when there is none.
    """
    payload = _json(content)
    if payload is None:
        start, end = content.find("{"), content.rfind("}")
        payload = _json(content[start : end + 1]) if 0 <= start < end else None
    if payload is None:
        raise InvalidAnswer("invalid_json")
    return payload


def _json(text: str) -> object | None:
    try:
        return json.loads(text)  # type: ignore[no-any-return]
    except (ValueError, RecursionError):
        return None


@dataclass
class ModelCounters:
    """Running totals since start, for metrics: read them, never write them."""

    requests: int = 0
    """Requests sent to the model."""
    answers: int = 0
    """Valid answers returned to the caller."""
    failures: Counter[str] = field(default_factory=Counter)
    """Requests that gave no answer, by reason (:data:`FAILURE_REASONS`)."""
    skipped: Counter[str] = field(default_factory=Counter)
    """Questions not sent at all, by reason (:data:`SKIP_REASONS`)."""
    circuit_opened: int = 0
    """Times the circuit breaker opened."""


class _Failure(Exception):
    """No answer; ``counts``: the endpoint's failure (toward the breaker), not one message's."""

    def __init__(self, reason: str, status: int | None = None, counts: bool = True) -> None:
        super().__init__(reason)
        self.reason, self.status, self.counts = reason, status, counts


class ModelClient:
    """One kind of question to the model, with its own limits: build it once at start, share it,
    :meth:`aclose` it at the end. Safe to call from many tasks of one event loop.

    ``purpose`` names the question in logs (``understanding``, ``guard``).
    """

    def __init__(
        self,
        settings: ModelSettings,
        purpose: str,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._purpose = purpose
        self._monotonic = monotonic
        self._breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_open_seconds, monotonic)
        self._in_flight = 0
        self.counters = ModelCounters()
        self._client = AsyncOpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key or NO_API_KEY,
            timeout=settings.timeout_seconds,
            max_retries=0,
        )

    @property
    def settings(self) -> ModelSettings:
        return self._settings

    @property
    def circuit_state(self) -> CircuitState:
        return self._breaker.state

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def ask(
        self,
        prompt: str,
        text: str,
        response_format: completion_create_params.ResponseFormat | None,
        parse: Callable[[str], Answer],
        source: str | None = None,
    ) -> Answer | None:
        """The model's answer about ``text`` under the instructions ``prompt``, or None without it.

        Args:
            prompt: the system message.
            text: the user message: what a customer or an agent wrote.
            response_format: sent as is when not None.
            parse: turns the reply's content into the answer; raises :class:`InvalidAnswer`.
            source: who wrote ``text`` (a conversation): its endpoint failures count once toward
                the breaker until a call succeeds; None counts each one.

        Returns:
            ``parse``'s answer, or None when the model is off for now (circuit open, all
            ``max_concurrency`` requests in flight), slow (past ``timeout_seconds``), failing, or
            answering invalid JSON. Never raises, except :class:`asyncio.CancelledError` when the
            caller is cancelled.
        """
        if self._in_flight >= self._settings.max_concurrency:
            self.counters.skipped["busy"] += 1
            return None
        if not self._breaker.allow():
            self.counters.skipped["circuit_open"] += 1
            return None
        self._in_flight += 1
        self.counters.requests += 1
        started = self._monotonic()
        try:
            answer = parse(await self._content(prompt, text, response_format))
        except InvalidAnswer as invalid:
            # The endpoint answered: only this message's answer is unusable.
            self._failed(invalid.reason, None, started, source, counts=False)
            return None
        except _Failure as failure:
            self._failed(failure.reason, failure.status, started, source, failure.counts)
            return None
        except asyncio.CancelledError:
            self._breaker.release()
            raise
        except Exception as error:  # a bug or a library surprise must not cost anyone an answer
            # No traceback: exception messages (pydantic's, the library's) may quote the user's text.
            log.error("understanding.model_error", purpose=self._purpose, error_type=type(error).__name__)
            self._failed("error", None, started, source, counts=False)
            return None
        finally:
            self._in_flight -= 1
        if self._breaker.state is not CircuitState.CLOSED:
            log.info("understanding.model_circuit_closed", purpose=self._purpose)
        self._breaker.record_success()
        self.counters.answers += 1
        log.debug(
            "understanding.model_answered",
            purpose=self._purpose,
            elapsed_ms=round((self._monotonic() - started) * 1000),
        )
        return answer

    async def aclose(self) -> None:
        await self._client.close()

    async def _content(
        self, prompt: str, text: str, response_format: completion_create_params.ResponseFormat | None
    ) -> str:
        completion = await self._complete(prompt, text, response_format)
        try:
            content = completion.choices[0].message.content
        except (AttributeError, IndexError, TypeError):  # 200 but not a chat completion (an HTML page, {})
            raise _Failure("invalid_response") from None
        if not isinstance(content, str):  # a chat completion without text (a refusal): this message's
            raise _Failure("invalid_response", counts=False)
        return content

    async def _complete(
        self, prompt: str, text: str, response_format: completion_create_params.ResponseFormat | None
    ) -> ChatCompletion:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": prompt},
            {"role": "user", "content": text},
        ]
        create = self._client.chat.completions.create
        try:
            async with asyncio.timeout(self._settings.timeout_seconds):
                if response_format is None:
                    return await create(
                        model=self._settings.model, messages=messages, temperature=0, max_tokens=MAX_ANSWER_TOKENS
                    )
                return await create(
                    model=self._settings.model,
                    messages=messages,
                    temperature=0,
                    max_tokens=MAX_ANSWER_TOKENS,
                    response_format=response_format,
                )
        except (TimeoutError, openai.APITimeoutError):
            raise _Failure("timeout") from None
        except openai.APIConnectionError:
            raise _Failure("connection") from None
        except openai.RateLimitError as error:
            raise _Failure("rate_limited", error.status_code) from None
        except openai.APIStatusError as error:
            reason = "server_error" if error.status_code >= 500 else "http_error"
            raise _Failure(reason, error.status_code, counts=error.status_code not in MESSAGE_STATUSES) from None
        except openai.APIError:
            raise _Failure("invalid_response") from None

    def _failed(self, reason: str, status: int | None, started: float, source: str | None, counts: bool) -> None:
        self.counters.failures[reason] += 1
        if counts:
            opened = self._breaker.record_failure(source)
        else:
            self._breaker.record_success()  # the endpoint answered; only this message's answer is unusable
            opened = False
        # The reason and status only: error bodies and messages may quote what was written.
        log.warning(
            "understanding.model_failed",
            purpose=self._purpose,
            reason=reason,
            status=status,
            elapsed_ms=round((self._monotonic() - started) * 1000),
        )
        if opened:
            self.counters.circuit_opened += 1
            log.warning(
                "understanding.model_circuit_opened",
                purpose=self._purpose,
                failures=self._settings.breaker_failures,
                open_seconds=self._settings.breaker_open_seconds,
            )


def response_format(
    settings: ModelSettings, name: str, schema: Callable[[], dict[str, object]]
) -> completion_create_params.ResponseFormat | None:
    """What ``settings.response_format`` asks to send; ``schema`` builds the answer's JSON schema."""
    if settings.response_format == "json_object":
        return {"type": "json_object"}
    if settings.response_format == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema()}}
    return None
