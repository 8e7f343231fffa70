"""The model's answer, validated: the JSON text becomes an :class:`Understanding` or is rejected.

Rejected (:class:`InvalidAnswer`): not JSON, not an object, no ``intents`` list, a field of the
wrong type. Dropped silently: intents, signals, a category or a grade outside the vocabulary,
slots that fail :class:`~bot.understanding.model_slots.SlotChecker`, and any other key (a model
that adds a "reply" or an "explanation" gets neither read nor kept).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.config import Grade, Intent, Signal
from bot.understanding.model_client import InvalidAnswer, json_object
from bot.understanding.model_prompt import SLOT_FIELDS
from bot.understanding.model_slots import SlotChecker
from bot.understanding.result import Understanding

__all__ = ["InvalidAnswer", "parse_answer"]

_INTENTS = frozenset(intent.value for intent in Intent)
_SIGNALS = frozenset(signal.value for signal in Signal)
_GRADES = frozenset(grade.value for grade in Grade)


class _AnswerSlots(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    phone: str | None = None
    name: str | None = None
    surname: str | None = None
    honorific: str | None = None
    address: str | None = None
    district: str | None = None

    @field_validator("phone", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # Some models write the phone as a JSON number.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    intents: list[str]
    category: str | None = None
    grade: str | None = None
    signals: list[str] = []
    slots: _AnswerSlots = _AnswerSlots()

    @field_validator("signals", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("slots", mode="before")
    @classmethod
    def _null_slots(cls, value: Any) -> Any:
        return {} if value is None else value


def parse_answer(
    content: str, text: str, locale: str, category_ids: Collection[str], slot_checker: SlotChecker
) -> Understanding:
    """The model's reply ``content`` about the customer's ``text``, as an :class:`Understanding`.

    Raises:
        InvalidAnswer: the content is not a JSON object of the answer's shape (see
            :func:`~bot.understanding.model_client.json_object`).
    """
    payload = json_object(content)
    try:
        answer = _Answer.model_validate(payload)
    except ValidationError:
        raise InvalidAnswer("invalid_schema") from None
    return Understanding(
        text=text,
        locale=locale,
        intents=frozenset(Intent(value) for value in answer.intents if value in _INTENTS),
        category=answer.category if answer.category in category_ids else None,
        grade=Grade(answer.grade) if answer.grade in _GRADES else None,
        signals=frozenset(Signal(value) for value in answer.signals if value in _SIGNALS),
        slots=slot_checker.check({name: getattr(answer.slots, name) for name in SLOT_FIELDS}, text),
    )

