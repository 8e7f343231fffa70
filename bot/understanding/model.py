"""Optional understanding by a language model behind an OpenAI-compatible chat-completions API.

The model only classifies: it is asked for the same typed result the rules give (intents,
category, grade, signals, slots), its answer is validated (``model_schema``, ``model_slots``),
and the caller merges it with the rules (``merge``). Nothing it writes reaches a customer.

It is an aid, never a dependency: whenever the model is slow, down, rate-limited, busy or answers
nonsense, :meth:`ModelUnderstander.understand` returns None within the timeout and the rules
alone decide. Repeated failures open a circuit breaker so a dead endpoint costs nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import openai
import opencc
import structlog
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam, completion_create_params

from bot.config import Classification
from bot.understanding.circuit import CircuitBreaker, CircuitState
from bot.understanding.model_prompt import answer_schema, system_prompt
from bot.understanding.model_schema import InvalidAnswer, parse_answer
from bot.understanding.model_settings import ModelSettings
from bot.understanding.model_slots import SlotChecker, ToSimplified
from bot.understanding.result import Understanding

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
SKIP_REASONS = ("circuit_open", "busy")


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
    """Messages not sent at all, by reason (:data:`SKIP_REASONS`)."""
    circuit_opened: int = 0
    """Times the circuit breaker opened."""


class _Failure(Exception):
    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


class ModelUnderstander:
    """One process's client of the model: build it once at start, share it, :meth:`aclose` it at
    the end. Safe to call from many tasks of one event loop."""

    def __init__(
        self,
        settings: ModelSettings,
        classification: Classification,
        to_simplified: ToSimplified,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._category_ids = frozenset(category.id for category in classification.categories)
        self._slots = SlotChecker(to_simplified)
        self._monotonic = monotonic
        self._prompt = system_prompt(classification.categories)
        self._response_format = _response_format(settings, sorted(self._category_ids))
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
    def circuit_state(self) -> CircuitState:
        return self._breaker.state

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def understand(self, text: str, locale: str) -> Understanding | None:
        """The model's reading of one customer message, or None without it.

        Args:
            text: the customer's message as received.
            locale: the message's locale as the rules found it; copied into the result.

        Returns:
            An :class:`Understanding` with only vocabulary values and grounded slots, or None when
            the model is off for now (circuit open, all ``max_concurrency`` requests in flight),
            slow (past ``timeout_seconds``), failing, or answering invalid JSON. Never raises,
            except :class:`asyncio.CancelledError` when the caller is cancelled.
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
            understanding = await self._ask(text, locale)
        except _Failure as failure:
            self._failed(failure.reason, failure.status, started)
            return None
        except asyncio.CancelledError:
            self._breaker.release()
            raise
        except Exception as error:  # a bug or a library surprise must not cost the customer an answer
            # No traceback: exception messages (pydantic's, the library's) may quote the customer's text.
            log.error("understanding.model_error", error_type=type(error).__name__)
            self._failed("error", None, started)
            return None
        finally:
            self._in_flight -= 1
        if self._breaker.state is not CircuitState.CLOSED:
            log.info("understanding.model_circuit_closed")
        self._breaker.record_success()
        self.counters.answers += 1
        log.debug("understanding.model_answered", elapsed_ms=round((self._monotonic() - started) * 1000))
        return understanding

    async def aclose(self) -> None:
        await self._client.close()

    async def _ask(self, text: str, locale: str) -> Understanding:
        completion = await self._complete(text)
        try:
            content = completion.choices[0].message.content
        except (AttributeError, IndexError, TypeError):  # 200 but not a chat completion (an HTML page, {})
            raise _Failure("invalid_response") from None
        if not isinstance(content, str):
            raise _Failure("invalid_response")
        try:
            return parse_answer(content, text, locale, self._category_ids, self._slots)
        except InvalidAnswer as invalid:
            raise _Failure(invalid.reason) from None

    async def _complete(self, text: str) -> ChatCompletion:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": self._prompt},
            {"role": "user", "content": text},
        ]
        create = self._client.chat.completions.create
        try:
            async with asyncio.timeout(self._settings.timeout_seconds):
                if self._response_format is None:
                    return await create(
                        model=self._settings.model, messages=messages, temperature=0, max_tokens=MAX_ANSWER_TOKENS
                    )
                return await create(
                    model=self._settings.model,
                    messages=messages,
                    temperature=0,
                    max_tokens=MAX_ANSWER_TOKENS,
                    response_format=self._response_format,
                )
        except (TimeoutError, openai.APITimeoutError):
            raise _Failure("timeout") from None
        except openai.APIConnectionError:
            raise _Failure("connection") from None
        except openai.RateLimitError as error:
            raise _Failure("rate_limited", error.status_code) from None
        except openai.APIStatusError as error:
            reason = "server_error" if error.status_code >= 500 else "http_error"
            raise _Failure(reason, error.status_code) from None
        except openai.APIError:
            raise _Failure("invalid_response") from None

    def _failed(self, reason: str, status: int | None, started: float) -> None:
        self.counters.failures[reason] += 1
        opened = self._breaker.record_failure()
        # The reason and status only: error bodies and messages may quote what the customer wrote.
        log.warning(
            "understanding.model_failed",
            reason=reason,
            status=status,
            elapsed_ms=round((self._monotonic() - started) * 1000),
        )
        if opened:
            self.counters.circuit_opened += 1
            log.warning(
                "understanding.model_circuit_opened",
                failures=self._settings.breaker_failures,
                open_seconds=self._settings.breaker_open_seconds,
            )


def _response_format(
    settings: ModelSettings, category_ids: list[str]
) -> completion_create_params.ResponseFormat | None:
    if settings.response_format == "json_object":
        return {"type": "json_object"}
    if settings.response_format == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "understanding", "strict": True, "schema": answer_schema(category_ids)},
        }
    return None


def build_model_understander(
    settings: ModelSettings | None, classification: Classification
) -> ModelUnderstander | None:
    """The process's model client, or None when no model is configured (``BOT_LLM_*`` unset)."""
    if settings is None:
        return None
    return ModelUnderstander(settings, classification, opencc.OpenCC("t2s").convert)
