"""Every forbidden phrase (and every example of a paraphrase) typed with any of its characters in
another form of that character (a player found "我不淸楚", 淸 U+6DF8 drawn as 清, accepted as a
reply): each character replaced by
each variant ``han_variants.txt`` knows of it, any number of them at once, is still refused; the
correct expressions so typed, and ordinary replies, are still clean."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import ServiceConfig
from bot.understanding.guard import ForbiddenGuard
from tests.understanding.chat_server import TO_SIMPLIFIED


def _variants_by_character() -> dict[str, list[str]]:
    """``han_variants.txt`` read backwards: each Chinese character with its other forms."""
    text = resources.files("bot.understanding").joinpath("han_variants.txt").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            variant, chinese = line.split("\t")
            found.setdefault(chinese, []).append(variant)
    return found


VARIANTS = _variants_by_character()


@pytest.fixture(scope="module")
def guard(service_config: ServiceConfig) -> ForbiddenGuard:
    return ForbiddenGuard(service_config.forbidden, TO_SIMPLIFIED)


def _disguised(text: str, draw: st.DrawFn) -> str:
    """``text`` with some of its characters (those with known variants) in another form."""
    typed = []
    for ch in text:
        forms = VARIANTS.get(TO_SIMPLIFIED(ch), [])
        typed.append(draw(st.sampled_from([ch, *forms])) if forms else ch)
    return "".join(typed)


def test_the_variants_a_player_typed_are_known() -> None:
    assert "淸" in VARIANTS["清"] and "応" in VARIANTS["应"] and "㑹" in VARIANTS["会"]


def test_each_variant_of_each_character_of_each_forbidden_phrase_is_refused(
    service_config: ServiceConfig, guard: ForbiddenGuard
) -> None:
    tried = 0
    for item in service_config.forbidden.forbidden:
        for index, ch in enumerate(item.text):
            for form in VARIANTS.get(TO_SIMPLIFIED(ch), []):
                typed = item.text[:index] + form + item.text[index + 1 :]
                assert guard.check(typed) is not None, (item.text, typed)
                tried += 1
    assert tried > 100


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_forbidden_phrase_with_any_characters_in_other_forms_is_refused(
    service_config: ServiceConfig, guard: ForbiddenGuard, data: st.DataObject
) -> None:
    phrases = [item.text for item in service_config.forbidden.forbidden]
    examples = [example for item in service_config.forbidden.patterns for example in item.examples]
    phrase = data.draw(st.sampled_from([*phrases, *examples]))
    # words before a Chinese phrase (an English one keeps its own start: "idk" is a word)
    before = (
        ""
        if any(ch.isascii() and ch.isalpha() for ch in phrase)
        else data.draw(st.sampled_from(["", "暖气的事", "不好意思，"]))
    )
    typed = before + data.draw(st.composite(lambda draw: _disguised(phrase, draw))())
    assert guard.check(typed) is not None, typed


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_ordinary_replies_in_other_forms_are_clean(
    service_config: ServiceConfig, guard: ForbiddenGuard, data: st.DataObject
) -> None:
    ordinary = [
        *service_config.forbidden.correct_expressions,
        "暖气的事我问清楚了，明天上午师傅上门",
        "您的情况我已经记录清楚，我们会尽快处理",
        "清洁工明天会来清理楼道",
        "这个问题我们会负责到底，请您放心",
    ]
    reply = data.draw(st.sampled_from(ordinary))
    typed = data.draw(st.composite(lambda draw: _disguised(reply, draw))())
    assert guard.check(typed) is None, typed
