"""A customer's text as long as SMS, Telegram and WeChat accept (``max_provider_text_chars``, 20,000
characters) is read in bounded time whatever it repeats, and what it gives at its end is still
found. Understanding runs on the event loop: a finder tried again from every position of a long run
costs the square of its length, and one message of "rm 1 rm 1 …" froze every conversation of the
server (24 s for 12,000 characters; bench/adversarial_understanding.py measures every finder)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.config import ServiceConfig
from bot.understanding.result import Understanding
from bot.understanding.service_voice import ServiceVoice
from bot.understanding.understander import Understander
from tests.cpu_time import cpu_seconds

PROVIDER_LIMIT = 20_000
CPU_BOUND_S = 2.0
"""Generous: each of these took 10 to 80 CPU seconds before, and takes under 0.3 now."""


def repeated(token: str, size: int = PROVIDER_LIMIT) -> str:
    return (token * (size // len(token) + 1))[:size]


def within_bound(read: Callable[[str], object], text: str) -> None:
    spent = cpu_seconds(lambda: read(text))
    assert spent < CPU_BOUND_S, f"{spent:.1f} s of CPU for {len(text)} characters of {text[:12]!r}…"


@pytest.mark.parametrize(
    "token",
    ["rm 1 ", "rm 1A ", "5/F ", "G/F ", "rm1 ", "flat 1   ", "Block 1 , ", "12/F Tower 1 of "],
    ids=["rm 1", "rm 1A", "5/F", "G/F", "rm1", "flat with spaces", "block with commas", "floor tower of"],
)
def test_a_run_of_english_flats_and_floors_is_read_in_bounded_time(understander: Understander, token: str) -> None:
    within_bound(understander.understand, repeated(token))


@pytest.mark.parametrize(
    "token",
    ["呃 ", "嗯嗯 ", "华侨城 ", "阳光城 ", "碧桂园 ", "太古城 ", "住", "儿童乐园的"],
    ids=lambda token: token.strip(),
)
def test_a_run_of_estates_or_the_words_opening_them_is_read_in_bounded_time(
    understander: Understander, token: str
) -> None:
    within_bound(understander.understand, repeated(token))


KEYWORD_PAIRS = [
    "电梯 不能用 ",
    "路灯 没修好 ",
    "还是没修好 还有 电梯也坏了 ",
    "电梯不能用",
    # Written together and cut apart again by the segmenter; what was tried between; in English.
    "门禁用不了",
    "门禁卡刷了好几次都用不了",
    "the lift doesn't work ",
    "上周 着火 ",
    "怕 着火 ",
    "投诉 物业 漏水 ",
]
"""A thing and what is wrong with it, a signal after a word of the past or of fear, an intent beside
a category's word: each pair measured against every other cost 17 s for 2,000 characters once."""


@pytest.mark.parametrize("token", KEYWORD_PAIRS, ids=lambda token: token.strip())
def test_a_run_of_keywords_the_rules_pair_is_read_in_bounded_time(understander: Understander, token: str) -> None:
    within_bound(understander.understand, repeated(token))


@pytest.mark.parametrize("token", KEYWORD_PAIRS[:3], ids=lambda token: token.strip())
def test_a_long_description_read_again_with_a_short_message_is_read_in_bounded_time(
    understander: Understander, token: str
) -> None:
    """A danger told over messages ("电梯" / "里面困了人") reads what was told before with each new
    message: a long description must not make every "被困" that follows dear."""
    within_bound(lambda text: understander.signals_over_messages([text], "被困"), repeated(token))


def test_a_long_description_is_read_once_however_many_short_messages_follow(understander: Understander) -> None:
    """One socket sending "被困" every few seconds after a long description: the description's
    reading is remembered, so twenty of them cost about one."""
    description = repeated("电梯 不能用 ")

    def twenty_short_messages(text: str) -> None:
        for _ in range(20):
            understander.signals_over_messages([text], "被困")

    within_bound(twenty_short_messages, description)


@pytest.mark.parametrize("token", ["  ", "a ", "我 ", "and "], ids=["spaces", "letters", "Chinese", "conjunctions"])
def test_the_service_voice_is_looked_for_in_a_long_text_in_bounded_time(
    service_config: ServiceConfig, understander: Understander, token: str
) -> None:
    voice = ServiceVoice(service_config.classification.form.service_voice, understander.matchable)
    within_bound(voice.cut, "漏水" + repeated(token, PROVIDER_LIMIT - 4) + "漏水")


@pytest.mark.parametrize(
    ("run", "end", "address", "phone"),
    [
        ("rm 1 ", "我住阳光花园3栋2单元502，电话13800138000", "阳光花园3栋2单元502", "+8613800138000"),
        ("呃 ", "我住阳光花园3栋2单元502，电话13800138000", "阳光花园3栋2单元502", "+8613800138000"),
        ("华侨城 ", "我住阳光花园3栋2单元502，电话13800138000", "阳光花园3栋2单元502", "+8613800138000"),
        (
            "the ceiling keeps leaking and nobody comes. ",
            " I live at Flat 5C, Block 2, Taikoo Shing, the water is leaking",
            "Flat 5C, Block 2, Taikoo Shing",
            None,
        ),
    ],
    ids=["after english flats", "after openers", "after estates", "an english rant"],
)
def test_the_place_and_phone_at_the_end_of_a_long_text_are_still_found(
    understander: Understander, run: str, end: str, address: str, phone: str | None
) -> None:
    text = repeated(run, PROVIDER_LIMIT - len(end)) + end
    understood: list[Understanding] = []
    within_bound(lambda text: understood.append(understander.understand(text)), text)
    assert (understood[0].slots.address, understood[0].slots.phone) == (address, phone)


@pytest.mark.parametrize("token", ["1 ", "1, ", "1 - "], ids=["spaces", "commas", "dashes"])
def test_a_long_run_of_digits_typed_apart_is_read_in_bounded_time(understander: Understander, token: str) -> None:
    within_bound(understander.understand, repeated(token, PROVIDER_LIMIT - 2) + "1a")
