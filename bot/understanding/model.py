"""Optional understanding by a language model behind an OpenAI-compatible chat-completions API.

The model only classifies: it is asked for the same typed result the rules give (intents,
category, grade, signals, slots), its answer is validated (``model_schema``, ``model_slots``),
and the caller merges it with the rules (``merge``). Nothing it writes reaches a customer.

It is an aid, never a dependency: whenever the model is slow, down, rate-limited, busy or answers
nonsense, :meth:`ModelUnderstander.understand` returns None within the timeout and the rules
alone decide. Repeated failures open a circuit breaker so a dead endpoint costs nothing
(:class:`~bot.understanding.model_client.ModelClient`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import opencc

from bot.config import Classification
from bot.understanding.circuit import CircuitState
from bot.understanding.model_client import ModelClient, ModelCounters, response_format
from bot.understanding.model_prompt import answer_schema, system_prompt
from bot.understanding.model_schema import parse_answer
from bot.understanding.model_settings import ModelSettings
from bot.understanding.model_slots import SlotChecker, ToSimplified
from bot.understanding.model_trust import TrustRules
from bot.understanding.normalise import fold, simplified_converter
from bot.understanding.result import Understanding


class ModelUnderstander:
    """One process's model reader of customer messages: build it once at start, share it,
    :meth:`aclose` it at the end. Safe to call from many tasks of one event loop."""

    def __init__(
        self,
        settings: ModelSettings,
        classification: Classification,
        to_simplified: ToSimplified,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._category_ids = frozenset(category.id for category in classification.categories)
        self._slots = SlotChecker(to_simplified)
        self._prompt = system_prompt(classification.categories)
        category_ids = sorted(self._category_ids)
        self._response_format = response_format(settings, "understanding", lambda: answer_schema(category_ids))
        self._client = ModelClient(settings, "understanding", monotonic)
        converter = simplified_converter()
        self.trust = TrustRules(classification.model_trust, lambda text: converter.convert(fold(text)))
        """What of the model's reading is believed (``model_trust:``)."""

    @property
    def counters(self) -> ModelCounters:
        return self._client.counters

    @property
    def circuit_state(self) -> CircuitState:
        return self._client.circuit_state

    @property
    def in_flight(self) -> int:
        return self._client.in_flight

    async def understand(self, text: str, locale: str, source: str | None = None) -> Understanding | None:
        """The model's reading of one customer message, or None without it.

        Args:
            text: the customer's message as received.
            locale: the message's locale as the rules found it; copied into the result.
            source: who wrote it (a conversation), so its failures count once toward the breaker.

        Returns:
            An :class:`Understanding` with only vocabulary values and grounded slots, or None when
            the text carries a payload meant for the model (``model_trust.untrusted``: it is not
            sent), the model is off for now (circuit open, all ``max_concurrency`` requests in
            flight), slow (past ``timeout_seconds``), failing, or answering invalid JSON. Never
            raises, except :class:`asyncio.CancelledError` when the caller is cancelled.
        """
        if self.trust.untrusted(text):
            self._client.counters.skipped["untrusted"] += 1
            return None
        return await self._client.ask(
            self._prompt,
            text,
            self._response_format,
            lambda content: parse_answer(content, text, locale, self._category_ids, self._slots),
            source,
        )

    async def aclose(self) -> None:
        await self._client.aclose()


def build_model_understander(
    settings: ModelSettings | None, classification: Classification
) -> ModelUnderstander | None:
    """The process's model client, or None when no model is configured (``BOT_LLM_*`` unset)."""
    if settings is None:
        return None
    return ModelUnderstander(settings, classification, opencc.OpenCC("t2s").convert)
