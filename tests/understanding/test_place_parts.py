"""A part of an estate named after it (阳光花园南门, Sunshine Garden clubhouse) and a building
number written bare after an English estate (Sunshine Garden 3) are part of the place."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig
from bot.understanding.slots import SlotExtractor


@pytest.fixture(scope="module")
def extractor(service_config: ServiceConfig) -> SlotExtractor:
    return SlotExtractor.from_config(service_config)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("小区门口的减速带被压坏了 电话13900112233 阳光花园南门", "阳光花园南门"),
        ("垃圾桶满了没人清 电话13800005599 翠湖花园北门", "翠湖花园北门"),
        ("金色家园东门", "金色家园东门"),
        ("阳光花园南门的路灯不亮", "阳光花园南门"),
        ("翠湖花园停车场的灯坏了", "翠湖花园停车场"),
    ],
)
def test_a_gate_or_facility_after_an_estate_is_part_of_the_place(
    extractor: SlotExtractor, text: str, address: str
) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize("text", ["阳光花园的保安态度很差", "我家花园里的花被踩了", "小区门口的减速带被压坏了"])
def test_an_estate_word_without_a_building_or_a_part_is_still_no_address(extractor: SlotExtractor, text: str) -> None:
    assert extractor.extract(text).address is None


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Sunshine Garden 3", "Sunshine Garden 3"),
        ("Sunshine Garden 3, room 502", "Sunshine Garden 3, room 502"),
        (
            "the gym equipment is broken at Sunshine Garden clubhouse, call me at 13800007788",
            "Sunshine Garden clubhouse",
        ),
        ("Sunshine Garden north gate", "Sunshine Garden north gate"),
        ("Sunshine Garden building 3", "Sunshine Garden building 3"),
    ],
)
def test_an_english_estate_keeps_its_building_number_and_its_part(
    extractor: SlotExtractor, text: str, address: str
) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    "text", ["the lift at Sunshine Garden 3 times broke this month", "Sunshine Garden 2 weeks without water"]
)
def test_a_number_counting_something_after_an_english_estate_is_not_its_building(
    extractor: SlotExtractor, text: str
) -> None:
    assert extractor.extract(text).address == "Sunshine Garden"
