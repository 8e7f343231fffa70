"""Keyword rules: intents, signals, categories, grades and phone numbers."""

from __future__ import annotations

import pytest

from bot.config import Grade, Intent, KeywordRule, ServiceConfig, Signal
from bot.flows.classify import classify, detect_intents, detect_signals, find_phone, matches


def test_a_length_cap_keeps_long_complaints_from_counting_as_thanks(service_config: ServiceConfig) -> None:
    rules = service_config.classification
    assert Intent.THANKS in detect_intents("谢谢!", rules)
    assert Intent.THANKS not in detect_intents("你们的电梯已经坏了整整一个星期了到现在还没人修,谢谢", rules)


def test_exact_rules_need_the_whole_message() -> None:
    rule = KeywordRule(keywords=["对"], exact=True)
    assert matches(rule, "对。")
    assert not matches(rule, "对面楼的噪音")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("这个月话费多扣了五十块", "billing"),
        ("家里网络老是掉线", "network"),
        ("小区电梯又坏了", "property_service"),
        ("卫生间漏水", "engineering_repair"),
        ("开发商迟迟不交房", "real_estate"),
        ("营业员态度太差", "service_attitude"),
        ("随便说说", "other"),
    ],
)
def test_categories_by_keyword(service_config: ServiceConfig, text: str, category: str) -> None:
    assert classify(text, service_config.classification).category == category


def test_grade_follows_category_keywords_and_repeats(service_config: ServiceConfig) -> None:
    rules = service_config.classification
    assert classify("小区电梯又坏了", rules).grade is Grade.SIMPLE
    assert classify("小区电梯又坏了,反复报修一直没解决", rules).grade is Grade.COMPLEX
    assert classify("卫生间漏水", rules).grade is Grade.COMPLEX
    repeat = classify("小区电梯又坏了", rules, prior_categories=frozenset({"property_service"}))
    assert repeat.grade is Grade.COMPLEX and Signal.REPEAT in repeat.signals


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("我要找记者曝光", Signal.MEDIA_LEGAL),
        ("我已经请了律师", Signal.MEDIA_LEGAL),
        ("去工信部投诉你们", Signal.MEDIA_LEGAL),
        ("再不修我就砸了", Signal.VIOLENCE),
        ("气死我了", Signal.EMOTIONAL),
        ("我家里老人八十多岁了,电梯坏了下不了楼", Signal.ELDER),
    ],
)
def test_signals(service_config: ServiceConfig, text: str, signal: Signal) -> None:
    assert signal in detect_signals(text, service_config.classification)


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("我的电话是13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+8613800138000", "+8613800138000"),
        ("座机 029-88886666", "029-88886666"),
        ("12345", None),
        ("电梯坏了", None),
    ],
)
def test_phone_numbers(service_config: ServiceConfig, text: str, phone: str | None) -> None:
    assert find_phone(text, service_config.service.phone_pattern) == phone
