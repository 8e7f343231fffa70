"""Two problems in one message: the category of the main one, and the categories of the others."""

from __future__ import annotations

import pytest

from bot.understanding.understander import Understander


@pytest.mark.parametrize(
    ("text", "category", "others"),
    [
        ("停水两天了 电梯也坏了一个礼拜 物业根本不管", "engineering_repair", ("property_service",)),
        ("宽带断了，客服态度很差", "network", ("service_attitude",)),
        ("话费多扣了50 宽带也老是掉线", "network", ("billing",)),
        ("停水两天了\n物业也不管", "engineering_repair", ("property_service",)),
        ("I was overcharged on my bill, and the internet keeps dropping", "billing", ("network",)),
    ],
)
def test_each_problem_told_has_its_category(
    understander: Understander, text: str, category: str, others: tuple[str, ...]
) -> None:
    understood = understander.understand(text)
    assert (understood.category, understood.other_categories) == (category, others)


@pytest.mark.parametrize(
    "text",
    [
        "电梯，坏了一个礼拜",  # the lift says where the fault is, not a second problem
        "停水两天了，我打了热线",  # whom the customer called
        "停水两天了 电话13812345678 打不通就打我老婆的13987654321",  # how to reach the customer
        "楼道灯坏了",
        "谢谢你们",
    ],
)
def test_where_who_and_how_to_reach_the_customer_are_no_other_problem(understander: Understander, text: str) -> None:
    assert understander.understand(text).other_categories == ()


def test_the_other_categories_are_shown_by_the_understand_command(understander: Understander) -> None:
    shown = understander.understand("停水两天了 电梯也坏了一个礼拜 物业根本不管").as_json()
    assert (shown["category"], shown["other_categories"]) == ("engineering_repair", ["property_service"])
