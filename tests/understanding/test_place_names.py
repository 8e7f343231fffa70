"""Places a tester playing customers saw truncated or wrong (fix-places): an estate's name with no
estate word before its building, a Beijing entrance and flat, a name and number after a district, the
estate named after "叫" rather than a landmark, where the problem is rather than the home, a garage's
parking space, and English buildings and estate words."""

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
        ("锦绣江南6栋的电梯口有人堆了好多纸箱 消防隐患", "锦绣江南6栋"),
        ("锦绣江南6栋", "锦绣江南6栋"),
        ("蓝湾半岛3号楼", "蓝湾半岛3号楼"),
        ("住锦绣江南6栋", "锦绣江南6栋"),
        ("小区叫蓝湾半岛3号楼", "蓝湾半岛3号楼"),
    ],
)
def test_a_name_right_before_a_building_number_is_its_estate(extractor: SlotExtractor, text: str, address: str) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize("text", ["我家6栋", "就是6栋", "他们6栋", "隔壁6栋", "不对 是6栋", "我是6栋的"])
def test_words_saying_whose_or_which_building_are_no_estate(extractor: SlotExtractor, text: str) -> None:
    assert extractor.extract(text).address == "6栋"


@pytest.mark.parametrize(
    ("text", "address", "district"),
    [
        ("我电话18612345678 住在和平里小区11号楼3门502", "和平里小区11号楼3门502", "东城区"),
        ("福田区香蜜湖一号", "香蜜湖一号", "福田区"),
        ("就在万达广场对面那个小区 叫什么来着 好像叫星河湾", "星河湾", None),
        ("我住翠苑小区 但是问题在隔壁金地广场的地下车库 车被刮了 监控说坏了", "金地广场地下车库", None),
        ("星河湾B区地库 B2-117车位", "星河湾B区地库 B2-117车位", None),
    ],
)
def test_the_whole_place_of_the_problem_is_kept(
    extractor: SlotExtractor, text: str, address: str, district: str | None
) -> None:
    slots = extractor.extract(text)
    assert (slots.address, slots.district) == (address, district)


@pytest.mark.parametrize(
    ("text", "address"),
    [("朝阳区停电5号到现在", None), ("人民路12号门口", "人民路12号"), ("阳光花园的保安太凶了", None)],
)
def test_a_date_a_house_front_or_a_person_is_no_more_of_the_place(
    extractor: SlotExtractor, text: str, address: str | None
) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("The lift in building 3 of Sunshine Garden is broken again", "building 3 of Sunshine Garden"),
        (
            "The dog next door barks all night and I can't sleep. Building 12, Green Park. Phone +86 138 0013 8000",
            "Building 12, Green Park",
        ),
        ("Block 2, Harbour Heights", "Block 2, Harbour Heights"),
    ],
)
def test_an_english_building_stays_with_its_estate(extractor: SlotExtractor, text: str, address: str) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("its flat 12B tower 3 Lohas Park", "flat 12B tower 3 Lohas Park"),
        ("it's Flat 5C, Block 2, Taikoo Shing", "Flat 5C, Block 2, Taikoo Shing"),
        ("my address is flat 3A tower 1 city one shatin", "flat 3A tower 1 city one shatin"),
        ("I live at 12/F Tower 3 Lohas Park", "12/F Tower 3 Lohas Park"),
        ("Rm 1203, 12/F, Tower 5, Metro Harbour View", "Rm 1203, 12/F, Tower 5, Metro Harbour View"),
        ("Flat D 8th floor Block 12 Mei Foo Sun Chuen", "Flat D 8th floor Block 12 Mei Foo Sun Chuen"),
        ("unit 2301 The Harbourside", "unit 2301 The Harbourside"),
        ("G/F shop 3 Nathan Road", "G/F shop 3 Nathan Road"),
        ("Room 301, Building 5, Jinxiu Jiangnan", "Room 301, Building 5, Jinxiu Jiangnan"),
        ("address: Flat 2A, 3/F, Block B, Kornhill", "Flat 2A, 3/F, Block B, Kornhill"),
        ("we are at flat 3a block 2 taikoo shing", "flat 3a block 2 taikoo shing"),
        ("the water in room 301 is leaking since Monday", None),
    ],
)
def test_a_hong_kong_address_in_english_keeps_its_floor_flat_and_block_without_the_words_before_it(
    extractor: SlotExtractor, text: str, address: str | None
) -> None:
    assert extractor.extract(text).address == address
