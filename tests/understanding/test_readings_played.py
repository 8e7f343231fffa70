"""What a customer player found read wrong: a fire feared now and a strong smell of smoke, English
questions for information, English outages, several problems in one clause, a stopped lift, typos."""

from __future__ import annotations

import pytest

from bot.config import Intent, Signal
from bot.understanding.understander import Understander


@pytest.mark.parametrize(
    "text",
    [
        "我怕楼下着火了 好大一股烟味",
        "我怕楼下着火了",
        "楼道里有烟味 我担心是不是哪家着火了",
        "楼道里一股烟味",
        "楼道里烟味很大",
        "I can smell smoke in the hallway",
    ],
)
def test_a_fire_feared_now_or_a_strong_smell_of_smoke_is_danger(understander: Understander, text: str) -> None:
    understood = understander.understand(text)
    assert Signal.DANGER in understood.signals
    assert Intent.COMPLAINT in understood.intents


@pytest.mark.parametrize(
    "text",
    [
        "怕着火",
        "怕哪天着火",
        "我担心哪天会起火",
        "楼道有火灾隐患",
        "电动车在楼道充电 一排好几辆 怕着火",
        "楼道里堆满了纸箱 万一着火了怎么办",
        "楼道里一股烟味 邻居天天在楼道抽烟",
        "烟味很大 楼下天天有人抽烟",
    ],
)
def test_a_fire_feared_to_come_or_smoke_from_a_smoker_stays_a_complaint(understander: Understander, text: str) -> None:
    understood = understander.understand(text)
    assert Signal.DANGER not in understood.signals
    assert Intent.COMPLAINT in understood.intents


@pytest.mark.parametrize(
    "text",
    [
        "what are your office hours?",
        "ok and how do I pay the parking fee",
        "Hi, just a question, not a complaint: when is the water bill due?",
        "how much is the parking fee?",
    ],
)
def test_an_english_question_for_information_is_no_complaint(understander: Understander, text: str) -> None:
    understood = understander.understand(text)
    assert Intent.QUESTION in understood.intents
    assert Intent.COMPLAINT not in understood.intents


@pytest.mark.parametrize(
    "text",
    [
        "when is someone coming? the lift is broken",
        "what is going on with the lift?",
        "my bill is wrong, what is this charge?",
        "why is my bill so high?",
    ],
)
def test_a_problem_asked_as_a_question_is_still_a_complaint(understander: Understander, text: str) -> None:
    assert Intent.COMPLAINT in understander.understand(text).intents


@pytest.mark.parametrize(
    "text",
    [
        "the water is off AGAIN since this morning",
        "no water since this morning",
        "the power is off",
        "power is out in building 3",
        "no electricity since this morning",
        "no hot water for two days",
    ],
)
def test_an_english_outage_is_a_repair(understander: Understander, text: str) -> None:
    understood = understander.understand(text)
    assert Intent.COMPLAINT in understood.intents
    assert understood.category == "engineering_repair"


@pytest.mark.parametrize(
    ("text", "category", "others"),
    [
        ("the internet is down and the lift is broken too", "network", ("engineering_repair",)),
        ("宽带断了停水了三天了", "network", ("engineering_repair",)),
        ("账单多扣了我68块钱宽带也断了", "billing", ("network",)),
        # Both are repairs: one category, nothing besides.
        ("电梯坏了停水了三天了 阳光花园3栋 13912341234", "engineering_repair", ()),
        ("停水两天了 电梯也坏了一个礼拜 物业根本不管", "engineering_repair", ("property_service",)),
        # A phone given in the clause is about reaching the customer.
        ("宽带断了 打不通就打我老婆的13912345678", "network", ()),
    ],
)
def test_each_problem_told_in_one_clause_gives_its_category(
    understander: Understander, text: str, category: str, others: tuple[str, ...]
) -> None:
    understood = understander.understand(text)
    assert (understood.category, understood.other_categories) == (category, others)


@pytest.mark.parametrize(
    "text",
    ["电梯停了三天了", "我要投诉 电梯天天坏", "电梯坏了", "电梯又停了", "the lift stopped again", "电梯三天两头停"],
)
def test_a_broken_or_stopped_lift_is_a_repair(understander: Understander, text: str) -> None:
    assert understander.understand(text).category == "engineering_repair"


@pytest.mark.parametrize("text", ["电梯下来得很慢", "电梯掉漆了", "停车场天天停满了"])
def test_a_lift_that_works_and_a_full_car_park_are_the_estate_s(understander: Understander, text: str) -> None:
    assert understander.understand(text).category == "property_service"


@pytest.mark.parametrize("text", ["宽代又断了", "网素慢死了"])
def test_typed_slips_of_broadband_and_speed_are_network(understander: Understander, text: str) -> None:
    understood = understander.understand(text)
    assert Intent.COMPLAINT in understood.intents
    assert understood.category == "network"
