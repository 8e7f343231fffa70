"""A part of an estate named after it (阳光花园南门, Sunshine Garden clubhouse), a building named after
it with its floor and flat (太古城 金星閣 15樓 B室, typed on too: 太古城金星閣15樓B室樓上漏水), a flat's letter
or room number typed on into the problem (12座20樓C, 2单元501停水) and a building number written bare after
an English estate (Sunshine Garden 3) are part of the place."""

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


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("太古城 金星閣 15樓 B室 樓上漏水 滴到我廚房 已經三日", "太古城金星阁15楼B室"),
        ("我住太古城 金星閣 15樓B室 樓上漏水", "太古城金星阁15楼B室"),
        ("太古城 金星閣 樓上漏水", "太古城金星阁"),
        ("我住沙田第一城 12座 23樓 A室 成晚有人装修好嘈", "沙田第一城12座23楼A室"),
        ("黄埔花园 8期 青樺閣 3楼 门口垃圾冇人清", "黄埔花园8期青桦阁3楼"),
        ("锦绣花园 紫荆阁 1502 楼上漏水", "锦绣花园紫荆阁1502"),
        ("锦绣花园紫荆阁1502楼上漏水", "锦绣花园紫荆阁1502"),
        ("锦绣花园 紫荆阁 楼上漏水", "锦绣花园紫荆阁"),
        ("置富花園 富怡閣 20樓 D室 冇熱水三日", "置富花园富怡阁20楼D室"),
        ("锦绣花园 海景軒 12樓 A室 漏水", "锦绣花园海景轩12楼A室"),
        ("嘉湖山莊 樂湖居 3座 15樓 成日停電", "嘉湖山庄乐湖居3座15楼"),
        ("海怡半島 2座 18樓 C室 隔離裝修好嘈", "海怡半岛2座18楼C室"),
    ],
)
def test_a_named_building_after_an_estate_is_part_of_the_place_with_its_floor_and_flat(
    extractor: SlotExtractor, text: str, address: str
) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("太古城金星閣15樓B室樓上漏水", "太古城金星阁15楼B室"),
        ("沙田第一城12座20樓C室隔離屋好嘈", "沙田第一城12座20楼C室"),
        ("美孚新邨5期百老匯街85號8樓A 冷氣機滴水", "美孚新邨5期百老汇街85号8楼A"),
        ("黃大仙下邨龍昌樓1012室 電梯壞咗三日", "黄大仙下邨龙昌楼1012室"),
        # 将军澳 is the district, its own slot; the customer still reads 將軍澳日出康城3期2座35樓E室.
        ("將軍澳日出康城3期2座35樓E室 水壓好弱", "日出康城3期2座35楼E室"),
        ("杏花邨28座10樓F室對面單位養狗成日吠", "杏花邨28座10楼F室"),
        ("太和邨喜和樓10樓B室電梯壞咗", "太和邨喜和楼10楼B室"),
        ("我住太古城寶星閣20樓A 成日停水", "太古城宝星阁20楼A"),
        ("麗港城3期15座8樓D室走廊啲燈唔著", "丽港城3期15座8楼D室"),
        ("太古城金星閣樓上漏水", "太古城金星阁"),
        ("太古城12座20樓C室冇水", "太古城12座20楼C室"),
        ("太平花园3栋1201漏水", "太平花园3栋1201"),
        ("我住12座20樓C", "12座20楼C"),
        ("锦绣江南5栋2单元301楼上漏水", "锦绣江南5栋2单元301"),
        ("翠苑小区7栋2单元501停水两天了", "翠苑小区7栋2单元501"),
        ("幸福家园12号楼3单元602暖气不热", "幸福家园12号楼3单元602"),
    ],
)
def test_a_place_typed_on_into_the_problem_without_a_space_is_the_whole_place(
    extractor: SlotExtractor, text: str, address: str
) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("太古城停車場好多垃圾", "太古城停车场"),
        ("太吵了 晚上睡唔着", None),
        ("阳光花园5栋100多户停水", "阳光花园5栋"),
        ("阳光花园5栋2单元500块物业费乱收", "阳光花园5栋2单元"),
        ("5栋2单元2021年就开始漏水", "5栋2单元"),
        ("住8楼a lot of noise", None),
        ("3栋1单元13800138000", "3栋1单元"),
    ],
)
def test_a_count_a_word_or_a_phone_after_the_building_is_no_flat(
    extractor: SlotExtractor, text: str, address: str | None
) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("阳光花园 客服中心 没人接", "阳光花园"),
        ("阳光花园 邻居 3楼 装修好吵", "阳光花园"),
        ("阳光花园 阁楼漏水", "阳光花园"),
        ("阳光花园3栋 1502 楼上漏水", "阳光花园3栋1502"),
        ("阳光花园3栋1502楼下天天装修", "阳光花园3栋1502"),
        ("太古城 今日 3點 停水", "太古城"),
    ],
)
def test_words_ending_as_a_building_does_or_saying_which_flat_are_no_part_of_the_place(
    extractor: SlotExtractor, text: str, address: str
) -> None:
    assert extractor.extract(text).address == address
