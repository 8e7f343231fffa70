"""Phones shown to an agent who does not own the conversation are masked however the customer
wrote them: the bot reads "186 1234 9876" as a phone, so the console must not show it whole."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        # A Hong Kong mobile in a block phonenumbers does not list yet, taken with its code.
        ("+852 9111 2222", "+852 **** 2222"),
        ("+85291112222", "+852****2222"),
        # Partly in numerals, as the bot reads them too: none may show its middle digits.
        ("138一二三四5678", "138****5678"),
        ("电话一三八 1234 5678", "电话一三八 **** 5678"),
        ("幺三八1234 5678", "幺三八**** 5678"),
        ("138 1234 五六七八", "138 **** 五六七八"),
        ("一三八-一二三四-五六七八", "一三八-****-五六七八"),
        ("1三8一2三4五6七8", "1三8****五6七8"),
        ("手机号138-12-34-56-78", "手机号138-**-**-56-78"),
        # Eight digits inside a partly spelt mobile are neither a Hong Kong mobile nor a landline.
        ("一六62276575八", "一六6****575八"),
        ("1九10102946四", "1九1****946四"),
        # Groups with the pauses voice input writes between them, as the bot reads them.
        ("我电话是幺三八，零零幺幺，二二三三。", "我电话是幺三八，****，二二三三。"),
        ("电话138，0011，2233 阳光花园", "电话138，****，2233 阳光花园"),
        ("138, 0011, 2233", "138, ****, 2233"),
        ("幺三八、零零幺幺、二二三三", "幺三八、****、二二三三"),
        # A local landline kept as typed (the contact field): its last four only.
        ("88123456", "****3456"),
    ],
)
def test_every_way_of_writing_a_phone_is_masked(text: str, masked: str) -> None:
    assert mask_phones(text) == masked


_NUMERALS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))


@settings(max_examples=200, deadline=None)
@given(mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), spelt=st.lists(st.booleans(), min_size=11, max_size=11))
def test_a_mobile_with_any_of_its_digits_in_numerals_hides_its_middle(mobile: str, spelt: list[bool]) -> None:
    written = "".join(_NUMERALS[digit] if numeral else digit for digit, numeral in zip(mobile, spelt, strict=True))
    masked = mask_phones(f"电话{written}谢谢")
    assert masked is not None and masked[2 + 3 : 2 + 7] == "****", masked


@pytest.mark.parametrize(
    "text", ["订单号2026120412345678", "工单TS20261205ABCDEF", "宽带账号 88886666 断了三天", "我家住三楼，第一二三次"]
)
def test_order_and_case_numbers_are_not_phones(text: str) -> None:
    assert mask_phones(text) == text


def test_phones_in_a_run_longer_than_the_matchers_window_are_all_masked() -> None:
    """A long run of digits and separators is read in overlapping windows: each number is whole
    in one of them wherever it falls."""
    numbers = ["138 1234 5678", "186 1234 9876", "139 8765 4321", "137 5555 6666", "135 2468 1357"]
    for shift in range(len(numbers)):
        text = " - ".join([*numbers[shift:], "(029) 8888 6666", *numbers[:shift]])
        masked = mask_phones(text)
        assert masked is not None
        for number in numbers:
            assert f"{number[:3]} **** {number[-4:]}" in masked, masked


def test_a_message_of_more_numbers_than_anyone_tells_shows_none_of_them_whole() -> None:
    """Past a few numbers the rest are starred whole rather than read one by one (an agent's view
    must not wait on a message built to be slow to read), so no phone slips through unmasked."""
    numbers = [f"13{index}1234{index:04d}" for index in range(10)]
    text = "，".join(f"电话 {number[:3]} {number[3:7]} {number[7:]}" for number in numbers)
    masked = mask_phones(text)
    assert masked is not None
    for number in numbers:
        assert f"{number[3:7]} {number[7:]}" not in masked
        assert number[7:] in masked  # the last four stay, as for every masked phone


def test_a_phone_spelt_in_financial_numerals_is_masked() -> None:
    assert mask_phones("电话壹叁捌壹贰叁肆伍陆柒捌") == "电话壹叁捌****伍陆柒捌"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # Characters that show as nothing, between the digits or before them.
        ("电话138\u200b1234\u200b5678谢谢", "电话138\u200b****\u200b5678谢谢"),
        ("电话1\u200c3\u200d8\u20601234\ufeff5678", "电话1\u200c3\u200d8\u2060****\ufeff5678"),
        ("电话\u200b13812345678", "电话\u200b138****5678"),
        # A digit at a time, a space between each.
        ("电话 1 3 8 1 2 3 4 5 6 7 8 谢谢", "电话 1 3 8 * * * * 5 6 7 8 谢谢"),
        ("1 3 8\u200b 1 2 3 4 5 6 7 8", "1 3 8\u200b * * * * 5 6 7 8"),
        ("住3 栋 2 单元 电话1 3 8 1 2 3 4 5 6 7 8", "住3 栋 2 单元 电话1 3 8 * * * * 5 6 7 8"),
    ],
)
def test_a_phone_hidden_by_invisible_characters_or_spaced_digits_is_masked(text: str, masked: str) -> None:
    """What shows as a phone on the agent's screen is masked, the rest of the text as written."""
    assert mask_phones(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("139。8765。4321", "139。****。4321"),
        ("另外打不通就打我老婆的 139。2222。3333", "另外打不通就打我老婆的 139。****。3333"),
        ("1  3  9  1  2  3  4  5  6  7  8", "1  3  9  *  *  *  *  5  6  7  8"),
        ("1-3-9-1-2-3-4-5-6-7-8", "1-3-9-*-*-*-*-5-6-7-8"),
        ("电话①③⑨①②③④⑤⑥⑦⑧", "电话①③⑨****⑤⑥⑦⑧"),
        ("电话𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "电话𝟏𝟑𝟗****𝟓𝟔𝟕𝟖"),
    ],
)
def test_every_phone_the_bot_reads_is_masked_however_its_digits_are_drawn_or_parted(text: str, masked: str) -> None:
    """Each of these the bot reads as +8613…: the agent sees the middle starred, the rest as written."""
    assert mask_phones(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "3 栋 2 单元",
        "阳光花园 3 栋 2 单元 501",
        "等了 2 3 天",
        "第 1 2 3 次打电话",
        "订单 123456 789",
        "a\u200bb 3 号",
        "3栋，2单元，502",
        "买了3，5，10个",
        "订单 2024-05-01 金额 12.5 元",
        "第①②③条",
    ],
)
def test_small_numbers_with_spaces_are_not_phones(text: str) -> None:
    assert mask_phones(text) == text


_HIDERS = st.sampled_from(["", "", " ", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])


@settings(max_examples=200, deadline=None)
@given(mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), between=st.lists(_HIDERS, min_size=10, max_size=10))
def test_a_mobile_with_anything_invisible_or_one_space_between_its_digits_hides_its_middle(
    mobile: str, between: list[str]
) -> None:
    written = mobile[0] + "".join(hider + digit for hider, digit in zip(between, mobile[1:], strict=True))
    masked = mask_phones(f"电话{written}谢谢")
    assert masked is not None
    shown = "".join(ch for ch in masked if ch.isdigit() or ch == "*")
    assert shown == mobile[:3] + "****" + mobile[7:], masked


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("1\u206055839116\u200d8\u200d2", "155****1682"),
        ("168 85 359\xad9 97", "168****9997"),
        ("1\xad7975 8750\u200c5\ufeff2", "179****5052"),
    ],
)
def test_a_mobile_whose_hidden_digits_also_read_as_a_landline_is_masked_as_the_mobile(written: str, shown: str) -> None:
    masked = mask_phones(f"电话{written}谢谢")
    assert masked is not None
    assert "".join(ch for ch in masked if ch.isdigit() or ch == "*") == shown
