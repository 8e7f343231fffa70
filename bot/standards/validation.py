"""A draft of a section checked exactly like start-up, with the other sections in force.

The section's model, then the whole ``ServiceConfig`` (its cross-checks), then what
``python -m bot check-config`` adds (every phrase, deadline wording and FAQ answer is filled in
with sample values as at run time; forbidden patterns catch their own examples), then the
standards' own rules: every phrase uses only its placeholders, as plain ``{name}``s, and no
standard phrase or FAQ answer says a forbidden phrase. Each problem names the dotted path of the
bad key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.config import (
    PHRASE_VARIABLES,
    DeadlineTable,
    FaqEntry,
    Grade,
    LocalizedText,
    PhraseId,
    ServiceConfig,
    error_limit,
    template_names,
    template_problem,
)
from bot.core.phrases import Phrases
from bot.flows.deadline import describe_moment
from bot.rules import RuleSet, unknown_references
from bot.standards.sections import Section, with_sections
from bot.understanding.guard import ForbiddenGuard

_KEY_PREFIX = re.compile(r"^([A-Za-z_][\w-]*(?:\[\d+\]|\.[\w-]+)*): (.+)$", re.DOTALL)
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class Problem:
    """A bad key: its dotted ``path``, an English ``message``, and for the consoles to say it in
    the staff's language a ``code`` (pydantic's error type, or ``unknown_placeholders``), the
    ``limit`` the value broke and the placeholder ``names`` not allowed (with those ``allowed``);
    ``forbidden_phrase`` names the ``forbidden`` phrase said and the ``suggestion`` to say instead."""

    path: str
    message: str
    code: str | None = None
    limit: float | int | None = None
    names: tuple[str, ...] = ()
    allowed: tuple[str, ...] | None = None
    forbidden: str | None = None
    suggestion: str | None = None
    rule: int | None = None
    """A manager rule the problem is about, numbered from 1 as the rules page numbers it."""
    rule_name: str | None = None
    kind: str | None = None
    """What ``names`` are ids of ("category", "tier", …) when that is not the field's own kind."""

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {"path": self.path, "message": self.message}
        if self.code is not None:
            found["code"] = self.code
        if self.limit is not None:
            found["limit"] = self.limit
        if self.allowed is not None:
            found["names"], found["allowed"] = list(self.names), list(self.allowed)
        elif self.names:
            found["names"] = list(self.names)
        if self.rule is not None:
            found["rule"], found["rule_name"] = self.rule, self.rule_name
        if self.kind is not None:
            found["kind"] = self.kind
        if self.forbidden is not None:
            found["forbidden"], found["suggestion"] = self.forbidden, self.suggestion
        return found


class Invalid(Exception):
    """The draft does not validate; ``problems`` name each bad key."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{problem.path}: {problem.message}" for problem in problems))
        self.problems = problems


def _message_path(message: str) -> tuple[str | None, str]:
    """A config message that starts with the key it is about ("table.simple: tiers missing"),
    split into that key (dotted) and the rest."""
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    found = _KEY_PREFIX.match(message)
    if found is None:
        return None, message
    key = found.group(1).removesuffix(".yaml")
    return _INDEX.sub(r".\1", key), found.group(2)


def _from_pydantic(prefix: str, error: ValidationError, fallback: str) -> list[Problem]:
    problems = []
    for item in error.errors():
        parts = [prefix] if prefix else []
        parts += [str(part) for part in item["loc"]]
        key, message = _message_path(item["msg"])
        if key is not None:
            parts.append(key)
        path = ".".join(parts) or fallback
        code = item["type"] if key is None else None  # a config check's own sentence has no code
        problems.append(Problem(path, message, code, error_limit(item.get("ctx"))))
    return problems


def placeholder_problems(body: Any) -> list[Problem]:
    """Each phrase that uses a placeholder it may not, or one with a format or conversion
    (``{work_number:d}``), or a broken brace, by its path."""
    problems: list[Problem] = []
    if not isinstance(body, dict):
        return problems
    for locale, book in body.items():
        phrases = book.get("phrases") if isinstance(book, dict) else None
        if not isinstance(phrases, dict):
            continue
        for phrase_id, text in phrases.items():
            if phrase_id not in PhraseId.__members__.values() or not isinstance(text, str):
                continue
            allowed = PHRASE_VARIABLES.get(PhraseId(phrase_id), frozenset())
            problem = template_problem(text, allowed, word="placeholders")
            if problem is None:
                continue
            path = f"phrases.{locale}.phrases.{phrase_id}"
            try:
                unknown = tuple(sorted(template_names(text) - allowed))
            except ValueError:
                unknown = ()
            if unknown:
                allowed_names = tuple(sorted(allowed))
                problems.append(Problem(path, problem, "unknown_placeholders", names=unknown, allowed=allowed_names))
            else:
                problems.append(Problem(path, problem, "bad_placeholder"))
    return problems


_SAMPLE_NOW = dt.datetime(2026, 12, 3, 10, 15, tzinfo=dt.UTC)
_SAMPLE_MOMENTS = [
    _SAMPLE_NOW + dt.timedelta(days=days, hours=hours, minutes=minutes)
    for days in (0, 1, 2, 9)
    for hours, minutes in ((0, 0), (5, 15), (-10, 0), (13, 45))
]
"""Deadlines to say in every locale's time words at save time: today, tomorrow, the day after and
later; on the hour, at half past and at other minutes; in every part of the day."""


def rendering_problems(config: ServiceConfig) -> list[Problem]:
    """Each phrase, deadline wording and FAQ answer that fails when filled as at run time (with
    sample values): refused when saved rather than failing every conversation that says it."""
    problems: list[Problem] = []
    phrases = Phrases(config)
    samples = {name: f"<{name}>" for names in PHRASE_VARIABLES.values() for name in names}
    timezone = ZoneInfo(config.service.timezone)
    for locale, book in config.phrases.items():
        for phrase_id in book.phrases:
            try:
                phrases.render(phrase_id, locale, **samples)
            except (ValueError, KeyError, IndexError, AttributeError) as error:
                problems.append(Problem(f"phrases.{locale}.phrases.{phrase_id.value}", f"cannot be said: {error}"))
        try:
            for moment in _SAMPLE_MOMENTS:
                describe_moment(moment, _SAMPLE_NOW, timezone, book.time_words)
        except (ValueError, KeyError, IndexError, AttributeError) as error:
            problems.append(Problem(f"phrases.{locale}.time_words", f"a deadline cannot be said: {error}"))
    for index, entry in enumerate(config.faq.entries):
        for field, answer in _faq_answers(entry):
            for locale in ("zh-CN", "en"):
                try:
                    answer.get(locale).format(**config.faq_answer_values(locale))
                except (ValueError, KeyError, IndexError, AttributeError) as error:
                    problems.append(Problem(f"faq.entries.{index}.{field}.{locale}", f"cannot be said: {error}"))
    return problems


def _faq_answers(entry: FaqEntry) -> list[tuple[str, LocalizedText]]:
    """An FAQ entry's answers by field: ``answer``, and ``after_handoff`` when it has one."""
    answers = [("answer", entry.answer)]
    if entry.after_handoff is not None:
        answers.append(("after_handoff", entry.after_handoff))
    return answers


def _spoken(config: ServiceConfig) -> list[tuple[str, str]]:
    """Every text the bot may say (standard phrases and FAQ answers, each locale), by its key."""
    return [
        (f"phrases.{locale}.phrases.{phrase_id.value}", text)
        for locale, book in config.phrases.items()
        for phrase_id, text in book.phrases.items()
    ] + [
        (f"faq.entries.{index}.{field}.{locale}", text)
        for index, entry in enumerate(config.faq.entries)
        for field, answer in _faq_answers(entry)
        for locale, text in answer.model_dump(by_alias=True).items()
    ]


def standard_problems(
    config: ServiceConfig, to_simplified: Callable[[str], str], checked: ServiceConfig | None = None
) -> list[Problem]:
    """What start-up's checks beyond the models find: phrases, deadline wordings or FAQ answers
    that cannot be filled in, patterns that miss their own examples, and standard phrases or FAQ
    answers that say a forbidden phrase.

    ``checked``: a configuration already checked (the one in force): under the same forbidden
    phrases, only the texts that differ from it are scanned. The scan is nearly all of a save's
    cost (about 0.35 s of CPU for every text of both locales, several seconds on a small busy
    machine), and a deadlines or timers save changes no text."""
    guard = ForbiddenGuard(config.forbidden, to_simplified)
    problems = rendering_problems(config) + [
        Problem(f"forbidden.patterns.{index}.examples.{number}", f"the pattern {item.id!r} does not catch {example!r}")
        for index, item in enumerate(config.forbidden.patterns)
        for number, example in enumerate(item.examples)
        if not guard.catches(item, example)
    ]
    spoken = _spoken(config)
    if checked is not None and checked.forbidden == config.forbidden:
        said_before = set(_spoken(checked))
        spoken = [item for item in spoken if item not in said_before]
    for path, text in spoken:
        hit = guard.check(text)
        if hit is not None:
            problems.append(
                Problem(
                    path,
                    f"says the forbidden phrase {hit.forbidden!r}: say {hit.instead!r} instead",
                    code="forbidden_phrase",
                    forbidden=hit.forbidden,
                    suggestion=hit.instead,
                )
            )
    return problems


def validate(
    section: Section, body: Any, in_force: ServiceConfig, to_simplified: Callable[[str], str]
) -> ServiceConfig:
    """The whole configuration with ``body`` as ``section``; raises :class:`Invalid`."""
    problems = placeholder_problems(body) if section.id == "phrases" else []
    if problems:
        raise Invalid(problems)
    try:
        value = section.parse(body)
    except ValidationError as error:
        raise Invalid(_from_pydantic(section.id, error, section.id)) from None
    if section.id == "phrases":
        problems = [
            Problem(f"phrases.{locale}.locale", f"{book.locale!r} does not match its key {locale!r}")
            for locale, book in value.items()
            if book.locale != locale
        ]
        if not value:
            problems.append(Problem("phrases", "give at least one locale's phrases"))
        if problems:
            raise Invalid(problems)
    try:
        config = with_sections(in_force, {section.id: value})
    except ValidationError as error:
        raise Invalid(_from_pydantic("", error, section.id)) from None
    problems = standard_problems(config, to_simplified, checked=in_force)
    if section.id == "deadlines":
        # Only when the deadlines are what is saved: a table stored before this check never keeps
        # a manager from saving another section.
        problems += grade_order_problems(config.deadlines)
    if problems:
        raise Invalid(problems)
    return config


def grade_order_problems(deadlines: DeadlineTable) -> list[Problem]:
    """A tier whose simple complaints get more hours than its complex ones: an order that
    contradicts itself (a simple complaint promised later than a complex one), refused as 0 hours
    are; ``limit`` is the complex hours the simple ones may not pass."""
    simple, complex_ = deadlines.table[Grade.SIMPLE], deadlines.table[Grade.COMPLEX]
    return [
        Problem(
            f"deadlines.table.simple.{tier}",
            f"{simple[tier]:g} hours for a simple complaint is longer than the {complex_[tier]:g} hours "
            "for a complex one of the same tier",
            code="simple_over_complex",
            limit=complex_[tier],
        )
        for tier in deadlines.tiers
        if simple[tier] > complex_[tier]
    ]


def rule_problems(rules: RuleSet, config: ServiceConfig) -> list[Problem]:
    """The manager rules in force (stored versions, not only ``rules.yaml``) naming a category or
    tier the draft takes away: ``rules.<i>.when.categories``, with the rule as the rules page
    numbers and names it, for the console to say which rule to change first."""
    return [
        Problem(
            f"rules.{reference.index}.{reference.field}",
            str(reference).split(": ", 1)[1],
            code="rule_unknown_reference",
            names=(reference.value,),
            rule=reference.index + 1,
            rule_name=reference.name,
            kind=reference.kind,
        )
        for reference in unknown_references(rules, config.rule_vocabulary())
    ]
