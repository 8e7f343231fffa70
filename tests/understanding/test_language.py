"""Each message's own language: English in a Chinese conversation is English; "ok" keeps the conversation's."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig
from bot.understanding.language import ScriptSigns, answer_locale, detect_locale
from bot.understanding.normalise import Converter, normalise, traditional_converter


@pytest.fixture(scope="module")
def signs(service_config: ServiceConfig) -> ScriptSigns:
    """The configured Cantonese words, and simplified characters told by OpenCC's s2t."""
    return ScriptSigns(service_config.classification.cantonese_markers, traditional_converter())


@pytest.mark.parametrize(
    ("text", "session", "locale"),
    [
        ("I am not happy with your service", "zh-CN", "en"),
        ("my internet is down again", "zh-CN", "en"),
        ("my 宽带 has been broken since Monday", "zh-CN", "en"),
        ("我的wifi又断了", "en", "zh-CN"),
        ("我家楼上漏水,物业一直不管", "en", "zh-CN"),
        ("氣死我了", "zh-CN", "zh-TW"),
        ("謝謝您們的幫忙", "zh-CN", "zh-TW"),
        ("你哋啲清潔工成日唔清垃圾 臭到死", "zh-CN", "zh-TW"),  # one 潔, and Hong Kong's Cantonese
        ("电梯冇电 你哋快啲嚟", "zh-CN", "zh-CN"),  # Cantonese in simplified, as Guangdong writes it
        ("我屋企漏水 搵咗管理处三次都冇人理", "zh-CN", "zh-CN"),  # Guangdong writes 搵 in simplified too
        ("我屋企漏水 搵咗管理處三次都冇人理", "zh-CN", "zh-TW"),  # 處: written as Hong Kong writes
        ("ok", "zh-CN", "zh-CN"),
        ("ok", "en", "en"),
        ("123", "en", "en"),
        ("13800138000", "zh-CN", "zh-CN"),
        ("hi", "zh-CN", "zh-CN"),
        ("好的", "zh-TW", "zh-TW"),
        ("好的", "en", "zh-CN"),
        ("😡😡", "en", "en"),
        # A case or order number is a code, not English words: the conversation keeps its language.
        ("TS202612056LNH5X", "zh-CN", "zh-CN"),
        ("係", "zh-CN", "zh-CN"),
        ("啱", "zh-TW", "zh-TW"),
        ("係呀", "en", "zh-TW"),
        ("TS202612056LNH5X", "zh-TW", "zh-TW"),
        ("my case is TS202612056LNH5X", "zh-CN", "en"),
        # Chinese typed in pinyin, without characters, is Chinese; English of pinyin's shapes is not.
        ("wo jia ting dian le kuai 5 ge xiao shi le", "zh-CN", "zh-CN"),
        ("wo jia dian ti huai le", "en", "zh-CN"),
        ("dianti huai le san tian le", "zh-CN", "zh-CN"),
        ("can he come in", "zh-CN", "en"),
        ("the lift is broken again", "zh-CN", "en"),
    ],
)
def test_locale(converter: Converter, signs: ScriptSigns, text: str, session: str, locale: str) -> None:
    assert detect_locale(normalise(text, converter), session, signs) == locale


@pytest.mark.parametrize(
    "text",
    [
        "收皮啦你哋 水管爆咗冇人理",  # not one character of either script
        "部电梯成日唔郁 等好耐 金星閣",  # 电 and 閣: one of each
        "部電梯成日唔郁 等好耐",  # 電, and the 郁 that s2t would read as 鬱
        "佢哋成日喺度嘈 搞到我瞓唔着",
    ],
)
def test_cantonese_with_as_many_traditional_characters_as_simplified_is_traditional(
    converter: Converter, signs: ScriptSigns, text: str
) -> None:
    assert detect_locale(normalise(text, converter), "zh-CN", signs) == "zh-TW"


@pytest.mark.parametrize(
    "text",
    [
        "电梯冇电 你哋快啲嚟",  # more simplified characters: Guangdong writes Cantonese so
        "小区门口的喇叭太吵了",  # Mandarin, nothing Cantonese in it
        "楼下装修成日都好嘈",
    ],
)
def test_cantonese_with_more_simplified_characters_or_none_stays_simplified(
    converter: Converter, signs: ScriptSigns, text: str
) -> None:
    assert detect_locale(normalise(text, converter), "zh-CN", signs) == "zh-CN"


def test_one_stray_traditional_character_does_not_make_a_long_message_traditional(converter: Converter) -> None:
    text = "小区的电梯已经坏了一个星期了,物业说在等配件,到现在也没有人來修,老人上下楼很不方便"
    assert normalise(text, converter).traditional_characters == 1
    assert detect_locale(normalise(text, converter), "zh-CN") == "zh-CN"


@pytest.mark.parametrize(
    ("text", "session", "answer"),
    [
        ("我的WiFi router TP-LINK坏了", "zh-CN", "zh-CN"),
        ("我的WiFi router TP-LINK坏了", "en", "en"),
        ("my router is broken", "zh-CN", "en"),
        ("ok", "en", "en"),
        ("我家樓下的路燈壞了", "en", "zh-TW"),
        # English sentences around a Chinese name are English.
        ("I live in 阳光花园 3栋, the water pressure is super low every morning", "zh-CN", "en"),
    ],
)
def test_the_answer_locale_turns_english_only_on_english_alone(
    converter: Converter, signs: ScriptSigns, text: str, session: str, answer: str
) -> None:
    assert answer_locale(normalise(text, converter), session, signs=signs) == answer


@pytest.mark.parametrize(
    ("text", "place", "locale"),
    [
        # A Hong Kong address pasted by a customer writing simplified: the rest (楼) tells the script.
        ("我家在太古城金星閣15樓B室 楼上漏水", "太古城金星阁15楼B室", "zh-CN"),
        ("楼上漏水 地址是太古城金星閣 15樓B室", "太古城金星阁15楼B室", "zh-CN"),
        # The rest in Cantonese with no character of either script: Cantonese decides it.
        ("太古城金星閣15樓B室 冇水呀", "太古城金星阁15楼B室", "zh-TW"),
        ("太古城金星閣15樓B室 冷氣機壞咗", "太古城金星阁15楼B室", "zh-TW"),
        # Nothing else to tell it by: the place's own characters do.
        ("太古城金星閣15樓B室 漏水", "太古城金星阁15楼B室", "zh-TW"),
    ],
)
def test_a_place_tells_the_script_only_when_nothing_else_does(
    converter: Converter, signs: ScriptSigns, text: str, place: str, locale: str
) -> None:
    assert detect_locale(normalise(text, converter), "zh-CN", signs, [place]) == locale


@pytest.mark.parametrize(("settled", "answer"), [(False, "zh-TW"), (True, "zh-CN")])
def test_a_short_cantonese_message_before_anything_is_told_is_traditional(
    converter: Converter, signs: ScriptSigns, settled: bool, answer: str
) -> None:
    """A message too short to tell a script by its characters ("冇水呀"): as the first thing told,
    its Cantonese does; once the customer has written, the conversation keeps its script."""
    assert answer_locale(normalise("冇水呀", converter), "zh-CN", settled, signs) == answer


@pytest.mark.parametrize("short", ["好的", "係", "ok"])
def test_a_short_message_without_cantonese_keeps_the_conversations_script(
    converter: Converter, signs: ScriptSigns, short: str
) -> None:
    assert answer_locale(normalise(short, converter), "zh-CN", signs=signs) == "zh-CN"
