"""Two problems in one message: the category of the main one, and the categories of the others."""

from __future__ import annotations

import pytest

from bot.understanding.understander import Understander


@pytest.mark.parametrize(
    ("text", "category", "others"),
    [
        ("停水两天了 电梯也坏了一个礼拜 物业根本不管", "engineering_repair", ("property_service",)),
        ("宽带断了，客服态度很差", "network", ("service_attitude",)),
        # The first problem told is the main one, also when a later one has more keywords.
        ("话费多扣了50 宽带也老是掉线", "billing", ("network",)),
        (
            "你好我是李秀英 我要投诉 我家宽带从上周五开始就一直断断续续的 看个视频卡得要死"
            " 然后上个月的账单还多扣了我68块钱 说是什么增值业务 我从来没订过"
            " 另外你们的装维师傅约了周二来结果放我鸽子 电话也不接 我的电话是186-1234-0014"
            " 地址是海淀区学院路30号院2号楼1单元601 你们赶紧给我处理",
            "network",
            ("billing", "service_attitude"),
        ),
        ("停水两天了\n物业也不管", "engineering_repair", ("property_service",)),
        ("I was overcharged on my bill, and the internet keeps dropping", "billing", ("network",)),
        # A numbered list: rubbish nobody clears is a problem of its own, not where the lights are out.
        ("1.电梯坏了 2.楼道灯不亮 3.垃圾没人清 阳光花园5栋 13912340046", "engineering_repair", ("property_service",)),
        # Staff misbehaving is a problem of its own, after the broken things.
        ("电梯坏了三天了 楼道灯也不亮 保安还骂人", "engineering_repair", ("service_attitude",)),
        ("停水两天了 前台还爱答不理", "engineering_repair", ("service_attitude",)),
        ("宽带断了三天 客服态度恶劣", "network", ("service_attitude",)),
        # Nobody dealing with it is how the estate is kept, as before.
        ("楼上漏水 物业不管", "engineering_repair", ("property_service",)),
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
