"""The editable sections of the service standards: what each holds and who may read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter

from bot.config import (
    Calendar,
    Classification,
    DeadlineTable,
    Faq,
    Followups,
    ForbiddenList,
    PhraseBook,
    ServiceConfig,
    Timers,
)


@dataclass(frozen=True, slots=True)
class Section:
    """One section: its id (also its ``ServiceConfig`` field) and its model."""

    id: str
    adapter: TypeAdapter[Any]
    staff_may_read: bool
    """Agents and supervisors may read it (not change it)."""
    files: str
    """Where its defaults live under ``config/``."""

    def body_of(self, config: ServiceConfig) -> Any:
        """The section of ``config`` as JSON, in the shape of its YAML file."""
        return self.adapter.dump_python(getattr(config, self.id), mode="json", by_alias=True)

    def completed(self, body: Any, shipped: Any) -> Any:
        """``body`` with what a newer ``config/`` requires and it lacks, taken from ``shipped``:
        the phrases of situations added since (per locale, and whole new locales). Other sections'
        new keys have defaults in their models, so their bodies stay as they are."""
        if self.id != "phrases" or not isinstance(body, dict) or not isinstance(shipped, dict):
            return body
        books = {locale: book for locale, book in shipped.items() if locale not in body}
        for locale, book in body.items():
            shipped_book = shipped.get(locale)
            if isinstance(book, dict) and isinstance(shipped_book, dict):
                phrases = {**shipped_book.get("phrases", {}), **book.get("phrases", {})}
                books[locale] = {**book, "phrases": phrases}
            else:
                books[locale] = book
        return books

    def parse(self, body: Any) -> Any:
        """The section's value for ``ServiceConfig`` (raises pydantic's ``ValidationError``)."""
        return self.adapter.validate_python(body)


def _section(section_id: str, model: type[BaseModel] | Any, files: str, staff_may_read: bool = False) -> Section:
    return Section(section_id, TypeAdapter(model), staff_may_read, files)


def build_sections() -> dict[str, Section]:
    """Every editable section, in the console's order."""
    sections = [
        _section("phrases", dict[str, PhraseBook], "phrases/<locale>.yaml", staff_may_read=True),
        _section("forbidden", ForbiddenList, "forbidden.yaml", staff_may_read=True),
        _section("deadlines", DeadlineTable, "deadlines.yaml"),
        _section("classification", Classification, "classification.yaml"),
        _section("calendar", Calendar, "calendar.yaml"),
        _section("followups", Followups, "followups.yaml"),
        _section("timers", Timers, "timers.yaml"),
        _section("faq", Faq, "faq.yaml"),
    ]
    return {section.id: section for section in sections}


def with_sections(config: ServiceConfig, values: dict[str, Any]) -> ServiceConfig:
    """``config`` with the given sections' parsed values, re-validated as a whole (the
    cross-checks between sections); raises pydantic's ``ValidationError``."""
    fields = {name: getattr(config, name) for name in ServiceConfig.model_fields}
    return ServiceConfig.model_validate({**fields, **values})
