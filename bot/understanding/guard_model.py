"""The model's second opinion on an agent's reply, asked only when the guard's rules find nothing.

The model is shown the configured forbidden phrases (numbered) and paraphrase patterns (by id,
with their examples) and answers ``{"forbidden": bool, "matches": <number or id>, "quote": "…"}``.
An answer counts only when the item exists and the quote occurs in the agent's text (both
folded like the rules fold them); the suggestion is then that item's configured ``instead``.
So nothing the model writes is shown to anyone except the agent's own words it quoted.
Slow, down, busy or nonsense: no opinion, and the rules' verdict stands.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StrictStr, ValidationError

from bot.config import ForbiddenList
from bot.understanding.guard import ForbiddenGuard, GuardHit
from bot.understanding.model_client import InvalidAnswer, ModelClient, ModelCounters, json_object, response_format
from bot.understanding.model_settings import ModelSettings

log = structlog.get_logger(__name__)

IGNORED_REASONS = ("unknown_item", "quote_not_in_text")

_EXAMPLES_PER_PATTERN = 3


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    forbidden: StrictBool
    matches: StrictInt | StrictStr | None = None
    quote: StrictStr | None = None


@dataclass(frozen=True, slots=True)
class _Opinion:
    hit: GuardHit | None
    ignored: str | None = None
    """Why a "forbidden" answer was not believed (:data:`IGNORED_REASONS`)."""


def guard_prompt(forbidden: ForbiddenList) -> str:
    """The instructions sent before every agent reply, built once per configuration."""
    phrases = "\n".join(f"{index}: {item.text}" for index, item in enumerate(forbidden.forbidden))
    patterns = "\n".join(
        f"{item.id}: e.g. " + " / ".join(item.examples[:_EXAMPLES_PER_PATTERN]) for item in forbidden.patterns
    )
    shape = json.dumps(
        {
            "forbidden": "true | false",
            "matches": "<number of the closest phrase, or id of the closest kind, or null>",
            "quote": "<the agent's forbidden words, copied exactly, or null>",
        },
        ensure_ascii=False,
    )
    return (
        "You check one reply a customer-service agent is about to send to a customer (Chinese, "
        "traditional Chinese or English). The service standards forbid some expressions (服务忌语): "
        "blaming the customer, refusing responsibility, sending the customer elsewhere, telling them to "
        "sort it out themselves, impatience or rudeness, saying 'I don't know'. Decide whether the "
        "reply contains such an expression, in these words or in other words with the same meaning. "
        "A polite reply that only mentions a topic is not forbidden. You never write a reply or a "
        f"correction. Answer with a single JSON object and nothing else, of this shape:\n{shape}\n\n"
        f"The forbidden phrases, by number:\n{phrases}\n\n"
        f"The forbidden kinds of paraphrase, by id:\n{patterns}\n\n"
        "matches: when forbidden is true, the number of the forbidden phrase or the id of the kind "
        "closest in meaning; quote: the agent's words that are forbidden, copied exactly from the reply."
    )


def guard_answer_schema() -> dict[str, object]:
    """The answer as a JSON schema, for servers with structured outputs (``json_schema``)."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["forbidden", "matches", "quote"],
        "properties": {
            "forbidden": {"type": "boolean"},
            "matches": {"type": ["integer", "string", "null"]},
            "quote": {"type": ["string", "null"]},
        },
    }


class GuardModel:
    """One process's second opinion for :class:`~bot.understanding.guard.ForbiddenGuard`: build it
    once at start, share it, :meth:`aclose` it at the end."""

    def __init__(
        self,
        settings: ModelSettings,
        forbidden: ForbiddenList,
        guard: ForbiddenGuard,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._forbidden = forbidden
        self._guard = guard
        self._pattern_ids = {item.id: item for item in forbidden.patterns}
        self._prompt = guard_prompt(forbidden)
        self._response_format = response_format(settings, "forbidden_expression", guard_answer_schema)
        self._client = ModelClient(settings, "guard", monotonic)
        self.ignored: Counter[str] = Counter()
        """"Forbidden" answers not believed, by reason (:data:`IGNORED_REASONS`)."""

    @property
    def counters(self) -> ModelCounters:
        return self._client.counters

    async def check(self, text: str) -> GuardHit | None:
        """The model's opinion of an agent's reply the rules found clean.

        Returns:
            A :class:`GuardHit` with ``by="model"``, the agent's quoted words and the matched
            item's configured ``instead`` and ``source``; None when the model finds nothing, gives
            an answer that does not hold (an unknown item, a quote not in ``text``), or gives none
            in time. Never raises, except :class:`asyncio.CancelledError`.
        """
        opinion = await self._client.ask(self._prompt, text, self._response_format, lambda c: self._parse(c, text))
        if opinion is None:
            return None
        if opinion.ignored is not None:
            self.ignored[opinion.ignored] += 1
            log.info("guard.model_answer_ignored", reason=opinion.ignored)
        return opinion.hit

    async def aclose(self) -> None:
        await self._client.aclose()

    def _parse(self, content: str, text: str) -> _Opinion:
        try:
            answer = _Answer.model_validate(json_object(content))
        except ValidationError:
            raise InvalidAnswer("invalid_schema") from None
        if not answer.forbidden:
            return _Opinion(None)
        item = self._item(answer.matches)
        if item is None:
            return _Opinion(None, "unknown_item")
        quote = (answer.quote or "").strip()
        folded_quote = self._guard.fold(quote)
        if not folded_quote or folded_quote not in self._guard.fold(text):
            return _Opinion(None, "quote_not_in_text")
        instead, source, pattern_id = item
        return _Opinion(GuardHit(forbidden=quote, instead=instead, source=source, pattern_id=pattern_id, by="model"))

    def _item(self, matches: int | str | None) -> tuple[str, str, str | None] | None:
        """(instead, source, pattern id) of the configured phrase number or pattern id ``matches``."""
        if isinstance(matches, str) and matches.strip().isdigit():
            matches = int(matches.strip())
        if isinstance(matches, int):
            phrases = self._forbidden.forbidden
            if 0 <= matches < len(phrases):
                return phrases[matches].instead, phrases[matches].source, None
            return None
        pattern = self._pattern_ids.get(matches.strip()) if isinstance(matches, str) else None
        return None if pattern is None else (pattern.instead, pattern.source, pattern.id)


def build_guard_model(
    settings: ModelSettings | None, forbidden: ForbiddenList, guard: ForbiddenGuard
) -> GuardModel | None:
    """The guard's second opinion, or None when no model is configured (``BOT_LLM_*`` unset)."""
    return None if settings is None else GuardModel(settings, forbidden, guard)
