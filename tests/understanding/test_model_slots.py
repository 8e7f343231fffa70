"""Slots the model claims are kept only when they are the customer's words and look right."""

from __future__ import annotations

import unicodedata

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.understanding.model_slots import HONORIFICS, SlotChecker
from tests.understanding.chat_server import TO_SIMPLIFIED

CHECKER = SlotChecker(TO_SIMPLIFIED)


def slot(field: str, value: str | None, text: str) -> str | None:
    result: str | None = getattr(CHECKER.check({field: value}, text), field)
    return result


@pytest.mark.parametrize(
    ("value", "text", "kept"),
    [
        ("13912345678", "电话13912345678", "13912345678"),
        ("139-1234-5678", "电话 139 1234 5678", "13912345678"),
        ("+86 139 1234 5678", "+86 13912345678", "13912345678"),
        ("１３９１２３４５６７８", "电话１３９１２３４５６７８", "13912345678"),
        ("010-12345678", "座机010-12345678", "01012345678"),
        ("+44 20 7946 0958", "call +44 20 7946 0958", "+442079460958"),
        ("13800138000", "電話是幺三八零零幺三八零零零", "13800138000"),
    ],
)
def test_a_valid_phone_the_customer_wrote_is_kept_in_one_form(value: str, text: str, kept: str) -> None:
    assert slot("phone", value, text) == kept


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("13800138000", "电话13912345678"),  # made up: not in the message
        ("12345", "12345"),  # not a valid number
        ("call me: 13912345678", "13912345678"),  # not a number's characters
        ("", "13912345678"),
    ],
)
def test_a_phone_the_customer_did_not_write_or_that_is_invalid_is_dropped(value: str, text: str) -> None:
    assert slot("phone", value, text) is None


@pytest.mark.parametrize(
    ("field", "value", "text", "kept"),
    [
        ("name", "王芳", "我叫王芳", "王芳"),
        ("name", "欧阳娜娜", "我是欧阳娜娜", "欧阳娜娜"),
        ("name", "陳大文", "我叫陳大文", "陈大文"),  # traditional, kept simplified
        ("name", "陈大文", "我叫陳大文", "陈大文"),
        ("name", "John Smith", "this is john smith speaking", "John Smith"),
        ("name", "Mary-Jane O'Neil", "I'm Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("surname", "王", "我姓王", "王"),
        ("surname", "Smith", "Mr Smith here", "Smith"),
    ],
)
def test_a_plausible_name_the_customer_wrote_is_kept(field: str, value: str, text: str, kept: str) -> None:
    assert slot(field, value, text) == kept


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("name", "李明", "我叫王芳"),  # not in the message
        ("name", "王", "我姓王"),  # one character is a surname, not a name
        ("name", "请您自己看说明书", "请您自己看说明书"),  # too long for a name
        ("name", "王芳1", "我叫王芳1"),
        ("name", "王 芳!", "我叫王 芳!"),
        ("name", "A" * 41, "A" * 41),
        ("name", "John Paul George Ringo", "John Paul George Ringo"),
        ("surname", "欧阳修", "欧阳修"),
        ("surname", "王先生", "我是王先生"),
    ],
)
def test_anything_else_as_a_name_is_dropped(field: str, value: str, text: str) -> None:
    assert slot(field, value, text) is None


def test_a_surname_outside_the_name_is_dropped() -> None:
    slots = CHECKER.check({"name": "王芳", "surname": "李"}, "我叫王芳，李经理让我找你们")

    assert (slots.name, slots.surname) == ("王芳", None)


@pytest.mark.parametrize(
    ("value", "kept"), [("女士", "女士"), ("先生", "先生"), ("Mr.", "Mr"), ("ms", "Ms"), ("大哥", None), ("女", None)]
)
def test_the_honorific_comes_from_a_closed_list(value: str, kept: str | None) -> None:
    assert slot("honorific", value, "我姓王") == kept


@pytest.mark.parametrize(
    ("value", "text", "kept"),
    [
        ("海淀区中关村大街", "海淀区中关村大街的自来水有异味", "海淀区中关村大街"),
        ("海淀区 中关村大街", "海淀区中关村大街", "海淀区 中关村大街"),
        ("幸福花園3號樓", "我住幸福花園3號樓", "幸福花园3号楼"),
        ("北京市朝阳区建国路88号", "我家在朝阳区", None),  # completed by the model: not the customer's words
        ("这不归我们管，你去找街道办吧", "漏水了", None),
        ("x", "x", None),
        ("中关村\u200b大街", "中关村\u200b大街", "中关村大街"),
        ("中关村\x07大街", "中关村\x07大街", None),
    ],
)
def test_an_address_is_kept_only_in_the_customers_words(value: str, text: str, kept: str | None) -> None:
    assert slot("address", value, text) == kept


@pytest.mark.parametrize(
    ("value", "text", "kept"),
    [
        ("海淀区", "海淀区停水了", "海淀区"),
        ("海淀区", "我在海淀，停水了", "海淀区"),
        ("朝阳区", "我在海淀，停水了", None),
        ("区", "区里停水了", None),
        ("东区", "东边停水了", None),
        ("Haidian District", "water is off in haidian district", "Haidian District"),
        ("海淀区政府门口的大马路", "海淀区政府门口的大马路", None),
    ],
)
def test_a_district_may_add_only_its_suffix_to_the_customers_words(value: str, text: str, kept: str | None) -> None:
    assert slot("district", value, text) == kept


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(min_size=0, max_size=40),
    raw=st.fixed_dictionaries(
        {},
        optional={
            field: st.one_of(st.none(), st.text(max_size=30))
            for field in ("phone", "name", "surname", "honorific", "address", "district")
        },
    ),
    take=st.data(),
)
def test_every_kept_slot_is_the_customers_words_or_from_a_closed_list(
    text: str, raw: dict[str, str | None], take: st.DataObject
) -> None:
    # Half the time a slot is a piece of the message, as a model would copy it.
    for field in list(raw):
        if text and take.draw(st.booleans()):
            start = take.draw(st.integers(0, len(text) - 1))
            raw[field] = text[start : take.draw(st.integers(start + 1, len(text)))]

    slots = CHECKER.check(raw, text)

    # Invisible format characters (a soft hyphen, a zero-width space) are not the customer's words.
    visible = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")
    folded = "".join(TO_SIMPLIFIED(visible).casefold().split())
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())
    for field in ("name", "surname", "address"):
        value = getattr(slots, field)
        assert value is None or "".join(value.casefold().split()) in folded
    assert slots.district is None or "".join(slots.district.casefold().split())[:-1] in folded
    assert slots.honorific is None or slots.honorific in HONORIFICS.values()
    assert slots.phone is None or str(phonenumbers.parse(slots.phone, "CN").national_number) in digits
