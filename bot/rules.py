"""Manager rules: ordered conditions → routing actions, and the pure function that applies them.

A rule set is a list of rules, run in order against the facts of one handoff:

* a rule **matches** when every condition it gives matches; an omitted or empty condition
  matches anything. A list condition matches when the fact is one of the listed values
  (``signals``: when the complaint carries any of the listed signals; ``keywords``: when the
  complaint text contains any of them, case-insensitive);
* for ``queue`` and ``priority``, the **first** matching rule that sets one wins;
* notifications (``notify_supervisor``, ``notify_account_manager``) and
  ``route_to_previous_owner`` **accumulate**: any matching rule can switch them on;
* a matching rule with ``stop: true`` ends the evaluation;
* when no rule sets the queue or the priority, the engine's own request stands.

This module does no I/O and imports nothing of the product, so ``bot.config`` can validate
``config/rules.yaml`` with it; checks against the known categories, tiers, signals, queues and
channels take a :class:`Vocabulary` built from the configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

MAX_RULES = 200
"""Rules in one set: each is run for every hand-off, and a manager reads them all on one page."""
MAX_KEYWORDS = 200
"""Keywords of one rule."""
MAX_KEYWORDS_IN_ALL = 2_000
"""Keywords of the whole set: every one is looked for in the complaint at every hand-off."""
MAX_KEYWORD_CHARS = 50
"""A keyword is a word or a short phrase the complaint holds, never a text."""
MAX_LISTED = 100
"""Ids of one list condition (categories, channels, tiers, signals): more than any vocabulary has."""
_CODED = frozenset({"too_long", "string_too_long", "too_short", "string_too_short"})
"""Pydantic's error types the consoles say in the manager's language, with the limit."""

STORED = "stored"
"""The validation context of a version read back from storage (``{STORED: True}``): saved under
the limits of its day, it is read whole, never dropped for a limit set since."""


def _at_most(most: int, code: str, message: str) -> AfterValidator:
    """A list or text of at most ``most`` items or characters, when saved: the error has pydantic's
    own ``code`` (``too_long``, ``string_too_long``) and ``max_length``, as a ``Field`` limit would."""

    def check(value: Any, info: ValidationInfo) -> Any:
        if len(value) > most and not (info.context or {}).get(STORED):
            raise PydanticCustomError(code, message, {"max_length": most})
        return value

    return AfterValidator(check)


_ITEMS = "List should have at most {max_length} items"
_CHARACTERS = "String should have at most {max_length} characters"
Keyword = Annotated[str, _at_most(MAX_KEYWORD_CHARS, "string_too_long", _CHARACTERS)]
Listed = Annotated[list[str], _at_most(MAX_LISTED, "too_long", _ITEMS)]


class RulesError(ValueError):
    """Invalid rules; the message names the path, e.g. ``rules[2].when.categories: unknown category 'xyz'``.
    ``problem``: what the consoles say in the manager's language instead ({"code": …, "path": …}),
    when the problem has a code (a name two rules share: ``rule_name_taken``)."""

    def __init__(self, message: str, problem: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.problem = problem or {}


class DuplicateRuleName(ValueError):
    """Two rules called the same: the later one's ``index`` (from 0) and the ``name``."""

    def __init__(self, index: int, name: str) -> None:
        super().__init__(f"rules[{index}].name: another rule is already called {name!r}")
        self.index, self.name = index, name


class TooManyKeywords(ValueError):
    """The rules' keywords together are more than :data:`MAX_KEYWORDS_IN_ALL`."""

    def __init__(self) -> None:
        super().__init__(f"rules: at most {MAX_KEYWORDS_IN_ALL} keywords in all the rules together")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleConditions(_Strict):
    """``when``: every given condition must match; omitted or empty ones match anything."""

    categories: Listed = []
    grades: Annotated[list[Literal["simple", "complex"]], _at_most(2, "too_long", _ITEMS)] = []
    channels: Listed = []
    tiers: Listed = []
    signals: Listed = []
    keywords: Annotated[list[Keyword], _at_most(MAX_KEYWORDS, "too_long", _ITEMS)] = []
    outside_business_hours: StrictBool | None = None
    repeat_complaint: StrictBool | None = None

    @field_validator("keywords")
    @classmethod
    def _no_blank_keywords(cls, value: list[str]) -> list[str]:
        if any(not keyword.strip() for keyword in value):
            raise ValueError("a keyword must not be blank (it would match every complaint)")
        return value


class RuleActions(_Strict):
    """``then``: what a matching rule does."""

    queue: str | None = None
    priority: int | None = Field(default=None, ge=0, le=2, strict=True)
    """0 urgent, 1 elevated, 2 normal."""
    notify_supervisor: StrictBool = False
    notify_account_manager: StrictBool = False
    route_to_previous_owner: StrictBool = False
    """首问负责: the agent who owned the customer's previous case takes this one at once."""

    def does_something(self) -> bool:
        return (
            self.queue is not None
            or self.priority is not None
            or self.notify_supervisor
            or self.notify_account_manager
            or self.route_to_previous_owner
        )


class Rule(_Strict):
    name: str = Field(min_length=1, max_length=120)
    when: RuleConditions = RuleConditions()
    then: RuleActions = RuleActions()
    stop: StrictBool = False

    @model_validator(mode="after")
    def _has_effect(self) -> Rule:
        if not self.then.does_something() and not self.stop:
            raise ValueError("the rule does nothing: give an action under 'then' or 'stop: true'")
        return self


class RuleSet(_Strict):
    """``config/rules.yaml`` and the body of ``PUT /api/rules``."""

    rules: Annotated[list[Rule], _at_most(MAX_RULES, "too_long", _ITEMS)] = []

    @model_validator(mode="after")
    def _keywords_in_all(self, info: ValidationInfo) -> RuleSet:
        stored = (info.context or {}).get(STORED)
        if not stored and sum(len(rule.when.keywords) for rule in self.rules) > MAX_KEYWORDS_IN_ALL:
            raise TooManyKeywords()
        return self

    @model_validator(mode="after")
    def _unique_names(self) -> RuleSet:
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            if rule.name in seen:
                raise DuplicateRuleName(index, rule.name)
            seen.add(rule.name)
        return self

    def as_json(self) -> list[dict[str, Any]]:
        return [rule.model_dump(mode="json") for rule in self.rules]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The ids rules may name, taken from the configuration."""

    categories: frozenset[str]
    tiers: frozenset[str]
    signals: frozenset[str]
    queues: frozenset[str]
    channels: frozenset[str]


def _path(location: Iterable[int | str]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


@dataclass(frozen=True, slots=True)
class UnknownReference:
    """A rule naming an id the vocabulary does not know: the rule's ``index`` (from 0) and
    ``name``, the ``field`` ("when.categories", "then.queue"), the id's ``kind`` and ``value``."""

    index: int
    name: str
    field: str
    kind: str
    value: str

    def __str__(self) -> str:
        return f"rules[{self.index}].{self.field}: unknown {self.kind} {self.value!r}"


def unknown_references(rule_set: RuleSet, vocabulary: Vocabulary) -> list[UnknownReference]:
    """Every reference of ``rule_set`` to an id ``vocabulary`` does not know, in rule order."""
    found: list[UnknownReference] = []
    known = {
        "categories": ("category", vocabulary.categories),
        "channels": ("channel", vocabulary.channels),
        "tiers": ("tier", vocabulary.tiers),
        "signals": ("signal", vocabulary.signals),
    }
    for index, rule in enumerate(rule_set.rules):
        for field_name, (kind, allowed) in known.items():
            for value in getattr(rule.when, field_name):
                if value not in allowed:
                    found.append(UnknownReference(index, rule.name, f"when.{field_name}", kind, value))
        if rule.then.queue is not None and rule.then.queue not in vocabulary.queues:
            found.append(UnknownReference(index, rule.name, "then.queue", "queue", rule.then.queue))
    return found


def check_vocabulary(rule_set: RuleSet, vocabulary: Vocabulary) -> list[str]:
    """Every reference to an unknown id, as ``rules[i].<field>: unknown <kind> '<id>'``."""
    return [str(reference) for reference in unknown_references(rule_set, vocabulary)]


def parse_rules(rules: Any, vocabulary: Vocabulary) -> RuleSet:
    """Validate rules as given to ``PUT /api/rules`` (a list of RULE objects).

    Raises:
        RulesError: naming the path of the first problem, e.g. ``rules[0].then.priority: …``.
    """
    if not isinstance(rules, list):
        raise RulesError("rules: must be a list of rules")
    try:
        rule_set = RuleSet.model_validate({"rules": rules})
    except ValidationError as error:
        first = error.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        cause = (first.get("ctx") or {}).get("error")
        if isinstance(cause, DuplicateRuleName):
            path = f"rules[{cause.index}].name"
            taken = {"code": "rule_name_taken", "path": path, "rule": cause.index + 1, "rule_name": cause.name}
            raise RulesError(str(cause), taken) from None
        if isinstance(cause, TooManyKeywords):
            raise RulesError(
                str(cause), {"code": "too_many_keywords", "path": "rules", "limit": MAX_KEYWORDS_IN_ALL}
            ) from None
        if message.startswith("rules["):
            raise RulesError(message) from None
        path = _path(first["loc"])
        raise RulesError(f"{path}: {message}", _size_problem(first, path)) from None
    problems = check_vocabulary(rule_set, vocabulary)
    if problems:
        raise RulesError(problems[0])
    return rule_set


def _size_problem(error: Any, path: str) -> dict[str, Any] | None:
    """A too long or too short list or text as the consoles say it: its code, its path, the rule's
    number (from 1) and the limit ({"code": "too_long", "path": "rules[2].when.keywords", "rule": 3,
    "limit": 200}); None for any other problem."""
    if error["type"] not in _CODED:
        return None
    context = error.get("ctx") or {}
    limit = context.get("max_length", context.get("min_length"))
    location = error["loc"]
    problem: dict[str, Any] = {"code": error["type"], "path": path, "limit": limit}
    if len(location) > 2 and location[0] == "rules" and isinstance(location[1], int):
        problem["rule"] = location[1] + 1
    return problem


# ---------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class RoutingFacts:
    """What the rules may look at when a conversation is handed off."""

    category: str | None
    grade: str | None
    channel: str
    tier: str
    signals: frozenset[str] = frozenset()
    text: str = ""
    outside_business_hours: bool = False
    repeat_complaint: bool = False


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    """What the matching rules decided; ``None`` queue or priority leaves the engine's choice."""

    queue: str | None = None
    priority: int | None = None
    notify_supervisor: bool = False
    notify_account_manager: bool = False
    route_to_previous_owner: bool = False
    matched: tuple[str, ...] = ()


def matches(conditions: RuleConditions, facts: RoutingFacts) -> bool:
    """Whether every condition given matches ``facts``."""
    if conditions.categories and facts.category not in conditions.categories:
        return False
    if conditions.grades and facts.grade not in conditions.grades:
        return False
    if conditions.channels and facts.channel not in conditions.channels:
        return False
    if conditions.tiers and facts.tier not in conditions.tiers:
        return False
    if conditions.signals and not facts.signals.intersection(conditions.signals):
        return False
    if conditions.keywords:
        folded = facts.text.lower()
        if not any(keyword.lower() in folded for keyword in conditions.keywords):
            return False
    outside = conditions.outside_business_hours
    if outside is not None and outside != facts.outside_business_hours:
        return False
    return conditions.repeat_complaint is None or conditions.repeat_complaint == facts.repeat_complaint


def decide(facts: RoutingFacts, rules: Sequence[Rule]) -> RoutingDecision:
    """Run ``rules`` in order over ``facts`` (semantics in the module docstring)."""
    queue: str | None = None
    priority: int | None = None
    notify_supervisor = notify_account_manager = route_to_previous_owner = False
    matched: list[str] = []
    for rule in rules:
        if not matches(rule.when, facts):
            continue
        matched.append(rule.name)
        action = rule.then
        if queue is None:
            queue = action.queue
        if priority is None:
            priority = action.priority
        notify_supervisor = notify_supervisor or action.notify_supervisor
        notify_account_manager = notify_account_manager or action.notify_account_manager
        route_to_previous_owner = route_to_previous_owner or action.route_to_previous_owner
        if rule.stop:
            break
    return RoutingDecision(
        queue=queue,
        priority=priority,
        notify_supervisor=notify_supervisor,
        notify_account_manager=notify_account_manager,
        route_to_previous_owner=route_to_previous_owner,
        matched=tuple(matched),
    )


def changes_between(before: Sequence[Rule], after: Sequence[Rule]) -> dict[str, list[str]]:
    """Rule names added, removed and changed (including moved) from ``before`` to ``after``."""
    old = {rule.name: (index, rule) for index, rule in enumerate(before)}
    new = {rule.name: (index, rule) for index, rule in enumerate(after)}
    return {
        "added": [name for name in new if name not in old],
        "removed": [name for name in old if name not in new],
        "changed": [name for name in new if name in old and old[name] != new[name]],
    }


__all__ = [
    "MAX_KEYWORDS",
    "MAX_KEYWORDS_IN_ALL",
    "MAX_KEYWORD_CHARS",
    "MAX_LISTED",
    "MAX_RULES",
    "STORED",
    "RoutingDecision",
    "RoutingFacts",
    "Rule",
    "RuleActions",
    "RuleConditions",
    "RuleSet",
    "RulesError",
    "UnknownReference",
    "Vocabulary",
    "changes_between",
    "check_vocabulary",
    "decide",
    "matches",
    "parse_rules",
    "unknown_references",
]
