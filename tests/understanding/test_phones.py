"""The phone reader: a number said together with the one it is not ("是136…1111不是136…1112")."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig
from bot.understanding.phones import DeniedNumbers, TailPutRight
from bot.understanding.slots import SlotExtractor

RIGHT, WRONG = "+8613600001111", "+8613600001112"


@pytest.fixture(scope="module")
def extractor(service_config: ServiceConfig) -> SlotExtractor:
    return SlotExtractor.from_config(service_config)


@pytest.mark.parametrize(
    "text",
    [
        "电话写错了 是13600001111不是13600001112",
        "电话写错了 不是13600001112是13600001111",
        "不对 电话是13600001111不是13600001112",
        "电话是13600001111 不是13600001112",
        "13600001111 不是 13600001112",
        "电话是一三六零零零零一一一一不是一三六零零零零一一一二",
        "電話係13600001111唔係13600001112",
        "it's 13600001111 not 13600001112",
        "13600001112不是，是13600001111",
    ],
)
def test_the_number_after_a_denial_is_never_the_phone(extractor: SlotExtractor, text: str) -> None:
    slots = extractor.extract(text)
    assert (slots.phone, slots.second_phone) == (RIGHT, None)


@pytest.mark.parametrize(
    ("text", "phone", "second"),
    [
        # Nothing denied: two numbers, the second one to try too.
        ("电话13600001111 打不通就打我老婆的13600001112", RIGHT, WRONG),
        # Both denied: nothing says which is right, both stay as typed.
        ("不是13600001111 也不是13600001112", RIGHT, WRONG),
        # A number put right at its end, "不对" taking the digits back.
        ("电话13600001112不对是13600001111", RIGHT, None),
        ("电话13600001112 不对 1111", RIGHT, None),
    ],
)
def test_numbers_no_denial_tells_apart_stay_as_typed(
    extractor: SlotExtractor, text: str, phone: str, second: str | None
) -> None:
    slots = extractor.extract(text)
    assert (slots.phone, slots.second_phone) == (phone, second)


@pytest.mark.parametrize(
    "text", ["no, the phone is wrong, it's 9876 5433 not 9876 5432", "not 9876 5432, should be 9876 5433"]
)
def test_a_hong_kong_mobile_denied_is_never_the_phone(extractor: SlotExtractor, text: str) -> None:
    assert extractor.extract(text).phone == "+85298765433"
    assert extractor.asked_phones(text) == ["+85298765433"]


def test_the_last_digits_after_the_number_said_right_are_the_wrong_ones(extractor: SlotExtractor) -> None:
    """ "是…0031不是032": the number said with 是 is right, the digits after 不是 are what it is not."""
    assert extractor.extract("电话是13355550031不是032").phone == "+8613355550031"
    assert extractor.extract("电话是13355550031 不对 是032").phone == "+8613355550032"


def test_denied_numbers_are_dropped_only_beside_a_right_one() -> None:
    denied = DeniedNumbers(["不是", "not"])
    assert denied.right_ones("是13600001111不是13600001112", [RIGHT, WRONG]) == [RIGHT]
    assert denied.right_ones("不是+86 136 0000 1112, 是13600001111", [WRONG, RIGHT]) == [RIGHT]
    assert denied.right_ones("it's 9876 5433 not 9876 5432", ["+85298765433", "+85298765432"], "HK") == ["+85298765433"]
    assert denied.right_ones("不是13600001112", [WRONG]) == [WRONG]
    assert denied.right_ones("cannot 13600001112 13600001111", [WRONG, RIGHT]) == [WRONG, RIGHT]


def test_a_bare_denial_takes_no_digits_back() -> None:
    put_right = TailPutRight(["不对", "不是"], ["是"], ["楼"], denials=["不是"])
    assert (
        put_right.apply("13600001111不是13600001112", "13600001111不是13600001112")[0] == "13600001111不是13600001112"
    )
    assert put_right.apply("13600001112不是 是13600001111", "13600001112不是 是13600001111")[0] == "13600001111"
    assert put_right.apply("13600001112不对13600001111", "13600001112不对13600001111")[0] == "13600001111"


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        (
            "my balcony drain is blocked, water everywhere 9876 1234, Flat 3A, 8/F, Block 1, City One Shatin",
            "+85298761234",
        ),
        ("toilet leaking, 9222 3333, Block 1, Kornhill", "+85292223333"),
        ("toilet leaking 98761234", "+85298761234"),
        # An address's numbers are never a phone's pieces.
        ("Flat 9876 1234 is leaking", None),
        ("lift broken since 2024 0501, Block 1, Kornhill", None),
    ],
)
def test_a_hong_kong_mobile_in_english_needs_no_phone_word(
    extractor: SlotExtractor, text: str, phone: str | None
) -> None:
    assert extractor.extract(text).phone == phone
