"""Words near danger and self-harm read in their context: sleeping pills taken to sleep, a fire
feared, a near miss; what a problem told around them is about; where staff sent the customer."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig, Signal
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.normalise import Converter
from bot.understanding.understander import Understander


@pytest.mark.parametrize(
    "text",
    [
        "楼上装修吵得我每天靠吃安眠药才能睡 晚上十一点还在砸墙",
        "我老婆被楼上装修吵得神经衰弱，整晚睡不着，现在在吃安眠药。你们物业到底管不管？"
        "我住锦绣江南小区6栋2单元1102，电话13988887777",
        "樓上裝修吵到我要吃安眠藥先瞓得著 晚晚十一點都仲喺度鑽",
    ],
)
def test_sleeping_pills_taken_to_sleep_are_a_noise_complaint_not_self_harm(
    understander: Understander, text: str
) -> None:
    understood = understander.understand(text)
    assert Signal.SELF_HARM not in understood.signals
    assert understood.category == "property_service"


@pytest.mark.parametrize(
    "text",
    ["吃了一整瓶安眠药", "想吃安眠药一了百了", "攒了很多安眠药", "楼上天天吵 我把安眠药都吃了", "我不想活了"],
)
def test_an_overdose_or_an_end_is_self_harm(understander: Understander, text: str) -> None:
    assert Signal.SELF_HARM in understander.understand(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "电动车在楼道充电 一排好几辆 怕着火",
        "楼道里堆满了纸箱 万一着火了怎么办",
        "楼道有火灾隐患",
        "消防通道被占了 担心会起火",
        "楼上往下扔东西 差点砸到我孩子",
        "楼上扔东西 差点砸到人",
    ],
)
def test_a_fire_feared_or_a_near_miss_is_a_property_complaint_not_danger_now(
    understander: Understander, text: str
) -> None:
    understood = understander.understand(text)
    assert Signal.DANGER not in understood.signals
    assert understood.category == "property_service"


@pytest.mark.parametrize(
    "text", ["楼道着火了", "楼道里冒烟了", "现在楼道里冒烟了，好像着火了", "着火了 我好怕", "电梯里有人被困住了"]
)
def test_a_fire_or_smoke_now_is_still_danger(understander: Understander, text: str) -> None:
    assert Signal.DANGER in understander.understand(text).signals


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("楼上往下扔东西 差点砸到我孩子", "property_service"),
        ("樓上啲狗成日吠 嘈到我瞓唔著", "property_service"),
        ("小区里的流浪猫太多了 晚上叫得人睡不着", "property_service"),
        ("小区喷泉的水发臭好几天了", "property_service"),
        ("游乐设施生锈了 孩子划伤了手", "engineering_repair"),
        ("我家墙裂了好大一道缝", "engineering_repair"),
    ],
)
def test_problems_that_fell_to_other_have_their_category(understander: Understander, text: str, category: str) -> None:
    understood = understander.understand(text)
    assert "complaint" in {intent.value for intent in understood.intents}
    assert understood.category == category


def test_where_staff_sent_the_customer_is_not_what_went_wrong(understander: Understander) -> None:
    text = "前台跟我说我不知道 你去找开发商 这不是我们的责任 我家墙裂了好大一道缝"
    assert understander.understand(text).category == "engineering_repair"
    # The developer told as the problem still is one.
    assert understander.understand("开发商交房一年了 房产证还没办下来").category == "real_estate"


def test_the_guard_finds_where_a_phrase_is_in_the_text_as_typed(
    service_config: ServiceConfig, converter: Converter
) -> None:
    guard = ForbiddenGuard(service_config.forbidden, converter.convert)
    text = "前台說：「我不知道」，你去找開發商"
    found = [text[start:end] for start, end in guard.spans(text)]
    assert found[0] == "我不知道"
    assert any(piece.endswith("去找") for piece in found[1:])
