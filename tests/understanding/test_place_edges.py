"""Where a place ends and what belongs to it (h5 report): a phone typed after the place is the
phone, not the place's end; the part of a building named after it (顶楼, 地下室, 楼道) is kept; a
place said in pieces or in a long spoken message is found; spaces inside a Chinese place go."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig
from bot.understanding.slots import SlotExtractor


@pytest.fixture(scope="module")
def extractor(service_config: ServiceConfig) -> SlotExtractor:
    return SlotExtractor.from_config(service_config)


@pytest.mark.parametrize(
    ("text", "address", "phone"),
    [
        ("小区的水压太低了 阳光花园11栋 13800006024", "阳光花园11栋", "+8613800006024"),
        ("垃圾房门坏了关不上 翠湖花园5栋 13900007005", "翠湖花园5栋", "+8613900007005"),
        ("电梯异响 锦绣华庭3号楼 13900007006 姓孙", "锦绣华庭3号楼", "+8613900007006"),
        ("阳光花园3栋2单元1102 010-87654321", "阳光花园3栋2单元1102", "+861087654321"),
        ("阳光花园3栋 133-5555-0004", "阳光花园3栋", "+8613355550004"),
        ("手机 133-5555-0004 座机 029-88886666", None, "+8613355550004"),
        ("阳光花园5-2-1201室 133-5555-0004 座机", "阳光花园5-2-1201室", "+8613355550004"),
    ],
)
def test_a_phone_typed_right_after_the_place_is_the_phone_and_not_part_of_the_place(
    extractor: SlotExtractor, text: str, address: str, phone: str
) -> None:
    slots = extractor.extract(text)
    assert (slots.address, slots.phone) == (address, phone)


@pytest.mark.parametrize(
    ("text", "address"),
    [("阳光花园3栋2单元 1102", "阳光花园3栋2单元1102"), ("2单元501的楼道灯坏了", "2单元501")],
)
def test_a_room_number_still_ends_the_place(extractor: SlotExtractor, text: str, address: str) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("1栋顶楼", "1栋顶楼"),
        ("6栋地下室", "6栋地下室"),
        ("我回来了 地址是阳光花园1栋顶楼", "阳光花园1栋顶楼"),
        ("我在阳光花园6栋地下室 电话13900001234", "阳光花园6栋地下室"),
        ("滨江花园5栋楼道里", "滨江花园5栋楼道"),
        ("地库的灯坏了 电话13900007010 阳光花园地库", "阳光花园地库"),
    ],
)
def test_the_part_of_a_building_named_after_it_is_part_of_the_place(
    extractor: SlotExtractor, text: str, address: str
) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("住在翠湖花园 几栋我想想 12栋", "翠湖花园12栋"),
        ("喂喂 你好 我跟你说啊 就是我们那个小区就是那个阳光花园啊 七栋那个电梯啊 又坏了", "阳光花园七栋"),
    ],
)
def test_a_place_said_in_pieces_is_the_whole_place(extractor: SlotExtractor, text: str, address: str) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Sunshine Garden bldg 4", "Sunshine Garden bldg 4"),
        ("Sunshine Garden , Block 3 , Flat 12 B", "Sunshine Garden, Block 3, Flat 12 B"),
        (
            "hello i am 78 years old i live sunshine garden block 2 room 1203 my phone is 138 0000 6003",
            "sunshine garden block 2 room 1203",
        ),
    ],
)
def test_english_places_keep_their_building_flat_and_room(extractor: SlotExtractor, text: str, address: str) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize("text", ["i live in a flat", "we live with it every day, block 3 is fine"])
def test_lower_case_english_without_an_estate_is_no_place(extractor: SlotExtractor, text: str) -> None:
    assert extractor.extract(text).address is None


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("朝阳区建国路 88 号 6 栋", "建国路88号6栋"),
        ("锦绣华庭\u30005号楼\u30003单元", "锦绣华庭5号楼3单元"),
        ("阳光花园 3 栋 2 单元 1102", "阳光花园3栋2单元1102"),
        ("Central Park 3栋", "Central Park 3栋"),
    ],
)
def test_spaces_inside_a_chinese_place_are_not_kept(extractor: SlotExtractor, text: str, address: str) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "phone"),
    [("电话幺三八零零零六零零二二", "+8613800060022"), ("幺三九 零零零七 零幺三三", "+8613900070133")],
)
def test_a_phone_said_with_yao_for_one_is_read(extractor: SlotExtractor, text: str, phone: str) -> None:
    assert extractor.extract(text).phone == phone


@pytest.mark.parametrize(
    "text", ["幺三九零零零七零幺三", "一二三四五六七八九十", "三四五六七", "我家一共三口人 住了八九十年"]
)
def test_spoken_numerals_that_are_no_whole_phone_are_no_phone(extractor: SlotExtractor, text: str) -> None:
    assert extractor.extract(text).phone is None


@pytest.mark.parametrize(
    ("text", "region", "district", "address"),
    [
        ("广东省深圳市南山区粤海街道科苑南路3099号 燃气费多扣了", "广东省深圳市", "南山区", "粤海街道科苑南路3099号"),
        ("北京市海淀区学院路30号停水了", "北京市", "海淀区", "学院路30号"),
        ("吉林省长春市朝阳区红旗街的店不给退货", "吉林省长春市", "朝阳区", "红旗街"),
        ("海淀区学院路30号停水了", None, "海淀区", "学院路30号"),
    ],
)
def test_the_province_and_city_before_a_place_are_its_region(
    extractor: SlotExtractor, text: str, region: str | None, district: str, address: str
) -> None:
    slots = extractor.extract(text)
    assert (slots.region, slots.district, slots.address) == (region, district, address)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("幸福小区十二栋三单元502啊 电话是13912340050", "幸福小区十二栋三单元502"),
        ("幸福小区12栋3单元502吧 暖气不热", "幸福小区12栋3单元502"),
        ("我住恒大绿洲里5栋2单元301 停水了", "恒大绿洲5栋2单元301"),
        ("万科城里停水了", "万科城"),
        ("和平里5栋停水", "和平里5栋"),
    ],
)
def test_a_filler_or_in_after_the_place_is_not_part_of_it(extractor: SlotExtractor, text: str, address: str) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("shouted at my kid at the north gate of Sunshine Garden", "north gate of Sunshine Garden"),
        ("Sunshine Garden carpark lights are broken", "Sunshine Garden carpark"),
    ],
)
def test_a_part_of_an_english_estate_is_part_of_the_place(extractor: SlotExtractor, text: str, address: str) -> None:
    assert extractor.extract(text).address == address
