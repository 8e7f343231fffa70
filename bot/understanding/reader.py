"""Reading one customer message: the rules, merged with the model's reading when one is configured."""

from __future__ import annotations

from bot.understanding.merge import merge
from bot.understanding.model import ModelUnderstander
from bot.understanding.result import Understanding
from bot.understanding.understander import Understander


class MessageReader:
    """What the pipeline, the ``understand`` command and the manager's try-a-sentence box share."""

    def __init__(self, understander: Understander, model: ModelUnderstander | None = None) -> None:
        self.understander = understander
        self.model = model

    @property
    def uses_model(self) -> bool:
        return self.model is not None

    async def read(self, text: str, locale: str | None = None) -> Understanding:
        """The rules' reading, completed by the model's when it answers in time (never replaced)."""
        rules = self.understander.understand(text, locale)
        if self.model is None:
            return rules
        return merge(rules, await self.model.understand(text, rules.locale))

    async def aclose(self) -> None:
        if self.model is not None:
            await self.model.aclose()
