"""Reading one customer message: the rules, merged with the model's reading when one is configured."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.understanding.merge import merge
from bot.understanding.model import ModelUnderstander
from bot.understanding.result import Understanding
from bot.understanding.understander import Understander


class MessageReader:
    """What the pipeline, the ``understand`` command and the manager's try-a-sentence box share."""

    def __init__(
        self,
        understander: Understander,
        model: ModelUnderstander | None = None,
        on_model_missing: Callable[[], None] | None = None,
    ) -> None:
        """``on_model_missing`` is called when the model gives no reading and the rules' stands alone."""
        self.understander = understander
        self.model = model
        self._on_model_missing = on_model_missing

    @property
    def uses_model(self) -> bool:
        return self.model is not None

    async def read(self, text: str, locale: str | None = None, source: str | None = None) -> Understanding:
        """The rules' reading, completed by the model's when it answers in time (never replaced),
        as far as ``model_trust`` believes it (:mod:`~bot.understanding.model_trust`) and with only
        the slots the rules would say back (:meth:`Understander.model_slots`). ``source``
        names the writer (a conversation) to the model's circuit breaker."""
        rules = self.understander.understand(text, locale)
        if self.model is None:
            return rules
        reading = await self.model.understand(text, rules.locale, source)
        if reading is None:
            if self._on_model_missing is not None:
                self._on_model_missing()
            return merge(rules, None)
        reading = replace(reading, slots=self.understander.model_slots(reading.slots, rules.locale))
        return merge(rules, self.model.trust.vet(rules, reading))

    def skip_busy(self) -> None:
        """A text left to the rules alone, unasked, as its writer has a model call in flight already."""
        if self.model is not None:
            self.model.counters.skipped["conversation_busy"] += 1
        if self._on_model_missing is not None:
            self._on_model_missing()

    async def aclose(self) -> None:
        if self.model is not None:
            await self.model.aclose()
