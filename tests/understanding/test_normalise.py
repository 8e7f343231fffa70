"""Normalisation: width, script, case, invisible characters and repeats, so keywords match what customers type."""

from __future__ import annotations

import pytest

from bot.understanding.normalise import Converter, fold, normalise


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("１３８００１３８０００", "13800138000"),
        ("ＨＡＰＰＹ，真的！", "happy,真的!"),
        ("投\u200b诉", "投诉"),
        ("\ufeff在吗\u200d", "在吗"),
        ("投\u180b诉", "投诉"),  # a Mongolian free variation selector: invisible
        ("投\u3164诉", "投诉"),  # a Hangul filler
        ("投\u17b4诉", "投诉"),  # a Khmer inherent vowel
        ("投\U000e0041诉", "投诉"),  # a tag character
        ("谢谢❤️", "谢谢❤"),
        ("啊啊啊啊啊", "啊啊啊"),
        ("!!!!!", "!!!"),
        ("！！！", "!!!"),
        ("！！", "!!"),
        ("？？？？", "???"),
        ("soooo slow", "sooo slow"),
        ("电话13888888888", "电话13888888888"),
        ("😡😡😡😡", "😡😡😡"),
        ("  I   am\tnot  happy ", "i am not happy"),
        ("Real　Person", "real person"),
        ("I don’t want an agent", "i don't want an agent"),
        ("坏了\ud83d", "坏了?"),
    ],
)
def test_fold(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_traditional_characters_become_simplified(converter: Converter) -> None:
    message = normalise("謝謝您們的幫忙", converter)
    assert message.text == "谢谢您们的帮忙"
    assert message.folded == "謝謝您們的幫忙"
    assert message.traditional_characters == 4


def test_simplified_text_is_left_as_it_is(converter: Converter) -> None:
    message = normalise("我家楼上漏水,物业一直不管", converter)
    assert message.text == message.folded
    assert message.traditional_characters == 0


def test_full_width_traditional_shouting_is_all_of_it_at_once(converter: Converter) -> None:
    assert normalise("氣死我了！！！！", converter).text == "气死我了!!!"
