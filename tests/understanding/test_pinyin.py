"""Chinese typed in pinyin (``pinyin:`` in config/classification.yaml) is read as the characters
meant: a yes typed "dui" is a yes, "louxia zhuangxiu tai chao le" a noise complaint; English is
left as it is."""

from __future__ import annotations

import pytest

from bot.config import Intent
from bot.understanding.pinyin import MixedPinyin, PinyinReader
from bot.understanding.understander import Understander


@pytest.mark.parametrize("text", ["dui", "shi de", "dui a", "shi", "hao de", "Dui!"])
def test_a_yes_typed_in_pinyin_is_a_yes_in_chinese(understander: Understander, text: str) -> None:
    understood = understander.understand(text, "zh-CN")
    assert Intent.YES in understood.intents and understood.locale == "zh-CN"


@pytest.mark.parametrize("text", ["bu dui", "bu shi"])
def test_a_no_typed_in_pinyin_is_a_no(understander: Understander, text: str) -> None:
    assert Intent.NO in understander.understand(text, "zh-CN").intents


def test_a_problem_typed_in_pinyin_has_its_category(understander: Understander) -> None:
    understood = understander.understand("louxia zhuangxiu tai chao le", "zh-CN")
    assert understood.category == "property_service" and Intent.COMPLAINT in understood.intents
    assert understander.understand("wo jia lou shang lou shui le", "zh-CN").category == "engineering_repair"


@pytest.mark.parametrize("text", ["the lift is broken again", "can he come in", "shit", "ok"])
def test_english_is_not_read_as_pinyin(text: str) -> None:
    reader = PinyinReader({"shi": "是", "dui": "对", "lou shang": "楼上"})
    assert reader.read(text) is None


def test_pinyin_beside_chinese_characters_is_left_as_it_is() -> None:
    assert PinyinReader({"dui": "对"}).read("dui 的") is None


def test_several_words_are_read_before_one() -> None:
    reader = PinyinReader({"lou shang": "楼上", "lou shui": "漏水", "le": "了", "wo": "我", "jia": "家"})
    assert reader.read("wo jia lou shang lou shui le") == "我 家 楼上 漏水 了"


def test_the_answer_language_of_a_pinyin_yes_stays_chinese(understander: Understander) -> None:
    assert understander.answer_locale("shi de", "zh-CN") == "zh-CN"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("3号楼d梯又停了", "engineering_repair"),
        ("电t困人了", "engineering_repair"),
        ("dian梯里有人抽烟 烟味很大", "property_service"),
        ("楼上l水到我家了", "engineering_repair"),
        ("kuan带又断了", "network"),
    ],
)
def test_a_character_of_a_problem_word_typed_in_pinyin_is_read_as_the_word(
    understander: Understander, text: str, category: str
) -> None:
    understood = understander.understand(text, "zh-CN")
    assert Intent.COMPLAINT in understood.intents and understood.category == category


def test_letters_inside_a_latin_word_or_a_building_are_not_a_character() -> None:
    mixed = MixedPinyin({"dian ti": "电梯", "shi a": "是啊", "lou shui": "漏水"})
    assert mixed.read("电tv坏了") == "电tv坏了"
    assert mixed.read("是a栋的") == "是a栋的"  # a syllable of one letter makes no form
    assert mixed.read("3号楼d梯坏了") == "3号楼电梯坏了"
    assert mixed.read("ad梯") == "ad梯"


def test_a_form_two_words_share_is_read_as_neither() -> None:
    mixed = MixedPinyin({"ting shui": "停水", "tian shui": "甜水"})
    assert mixed.read("t水了") == "t水了"
    assert mixed.read("停s了") == "停水了"
