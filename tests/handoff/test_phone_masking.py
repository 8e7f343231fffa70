"""Phones shown to an agent who does not own the conversation are masked however the customer
wrote them: the bot reads "186 1234 9876" as a phone, so the console must not show it whole."""

from __future__ import annotations

import pytest

from bot.staff.privacy import mask_phones


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678", "电话138****5678"),
        ("我的手机 186 1234 9876", "我的手机 186 **** 9876"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("电话 138-0013-8000 谢谢", "电话 138-****-8000 谢谢"),
        ("(029)88886666", "(029)****6666"),
        ("029-88886666", "029-****6666"),
        ("０２９－８８８８６６６６", "０２９－****６６６６"),
        ("我电话一三八一二三四五六七八", "我电话一三八****五六七八"),  # as the bot reads it, in numerals
        ("我電話係 9123 4567", "我電話係 **** 4567"),  # a Hong Kong mobile without +852
        ("+85291234567", "+852****4567"),  # eight digits keep only their last four
    ],
)
def test_every_way_of_writing_a_phone_is_masked(text: str, masked: str) -> None:
    assert mask_phones(text) == masked


@pytest.mark.parametrize(
    "text", ["订单号2026120412345678", "工单TS20261205ABCDEF", "宽带账号 88886666 断了三天", "我家住三楼，第一二三次"]
)
def test_order_and_case_numbers_are_not_phones(text: str) -> None:
    assert mask_phones(text) == text
