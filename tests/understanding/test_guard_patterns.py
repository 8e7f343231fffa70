"""Managers' paraphrase patterns are matched by RE2, in time proportional to the text: a pattern
that would backtrack in Python's ``re`` cannot stall the guard, and what RE2 cannot do is refused
when the pattern is saved, saying why."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import ForbiddenList, ForbiddenPattern, ServiceConfig
from bot.core.manager_patterns import MAX_PATTERN_CHARS, ManagerPattern, PatternError, pattern_problem
from bot.understanding.guard import ForbiddenGuard
from tests.cpu_time import cpu_seconds
from tests.understanding.chat_server import TO_SIMPLIFIED

EVIL = "([a-p]+[a-p]+)+z"
ALMOST = "abcdefghijklmnopabcdefghijk"


def test_a_backtracking_pattern_reads_a_long_almost_match_at_once() -> None:
    pattern = ManagerPattern(EVIL)
    found: list[str | None] = []
    assert cpu_seconds(lambda: found.append(pattern.search(ALMOST * 4000))) < 0.5  # 108,000 characters
    assert found == [None]
    assert pattern.search("xxabzyy") == "abz"
    assert pattern.find_all("abz cdz") == ["abz", "cdz"]


def test_the_guard_with_a_backtracking_pattern_answers_at_once(service_config: ServiceConfig) -> None:
    evil = ForbiddenPattern(id="evil", pattern=EVIL, instead="请您对我讲吧！", examples=["abz"])
    shipped = service_config.forbidden.model_dump()
    forbidden = ForbiddenList.model_validate({**shipped, "patterns": [*shipped["patterns"], evil]})
    guard = ForbiddenGuard(forbidden, TO_SIMPLIFIED)
    found: list[object] = []
    spent = cpu_seconds(
        lambda: found.extend([guard.check(f"您说的地址是{ALMOST * 70}吗"), guard.check_all(ALMOST * 70)])
    )
    assert found == [None, []]
    assert spent < 0.5
    assert guard.examples_missed(forbidden) == []
    hit = guard.check("你自己看说明书")
    assert hit is not None and hit.pattern_id == "do_it_yourself" and hit.forbidden == "你自己看"


@pytest.mark.parametrize(
    ("pattern", "said"),
    [
        ("(?<!不)管", "look-around"),
        ("管(?=不)", "look-around"),
        (r"(你)\1", "back-references"),
        ("a{1000}{1000}", "not a valid regular expression"),
        ("(不归", "not a valid regular expression"),
        ("x" * (MAX_PATTERN_CHARS + 1), f"at most {MAX_PATTERN_CHARS} characters"),
    ],
)
def test_what_re2_cannot_do_is_refused_saying_why(pattern: str, said: str) -> None:
    with pytest.raises(PatternError) as refused:
        ManagerPattern(pattern)
    assert said in str(refused.value)
    assert pattern_problem(pattern) == str(refused.value)
    with pytest.raises(ValidationError) as caught:
        ForbiddenPattern(id="p", pattern=pattern, instead="请您对我讲吧！", examples=["管"])
    assert said in str(caught.value)


def test_the_shipped_patterns_are_re2_patterns_and_catch_their_examples(service_config: ServiceConfig) -> None:
    for item in service_config.forbidden.patterns:
        assert pattern_problem(item.pattern) is None
    guard = ForbiddenGuard(service_config.forbidden, TO_SIMPLIFIED)
    assert guard.examples_missed(service_config.forbidden) == []
