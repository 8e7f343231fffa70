"""Chinese numerals as ages are written ("七十八", "九十", "一百零二")."""

from __future__ import annotations

import pytest

from bot.understanding.ages import chinese_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("七十八", 78),
        ("九十", 90),
        ("十五", 15),
        ("八", 8),
        ("一百零二", 102),
        ("一百", 100),
        ("两百", 200),
        ("七八", None),  # seven or eight: a range, not an age
    ],
)
def test_chinese_numbers(text: str, number: int | None) -> None:
    assert chinese_number(text) == number
