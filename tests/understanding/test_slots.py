"""Slots from any message: phone, name, surname, honorific, address and district (issue 11)."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import phonenumbers
import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, ServiceConfig, load_config
from bot.core.phones import normalise_phone
from bot.settings import PROJECT_ROOT
from bot.understanding.phones import find_phone, find_phones, national_digits, said_phone
from bot.understanding.result import Slots
from bot.understanding.slots import SlotExtractor
from tests.cpu_time import cpu_seconds
from tests.input_strategies import SENDABLE_CHARACTER

CASES = yaml.safe_load((Path(__file__).parent / "address_cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def extractor(service_config: ServiceConfig) -> SlotExtractor:
    return SlotExtractor.from_config(service_config)


# The example, whole.


def test_one_message_gives_phone_name_surname_address_and_district(extractor: SlotExtractor) -> None:
    slots = extractor.extract("我叫王芳，电话13912345678，海淀区中关村大街的自来水有异味三天了")
    assert slots == Slots(
        phone="+8613912345678", name="王芳", surname="王", honorific=None, address="中关村大街", district="海淀区"
    )


def test_a_message_without_slots_gives_none(extractor: SlotExtractor) -> None:
    assert extractor.extract("你们的服务太差了，我要投诉") == Slots()


# Phones.


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("13912345678", "+8613912345678"),
        ("１３９１２３４５６７８", "+8613912345678"),
        ("我的手机是139 1234 5678", "+8613912345678"),
        ("139-1234-5678", "+8613912345678"),
        ("+86 139 1234 5678", "+8613912345678"),
        ("＋８６ １３９１２３４５６７８", "+8613912345678"),
        ("0086-139-1234-5678", "+8613912345678"),
        ("86 13912345678", "+8613912345678"),
        ("座机010-12345678", "+861012345678"),
        ("0755 1234 5678", "+8675512345678"),
        ("(010)12345678", "+861012345678"),
        ("电话：139—1234—5678，找王女士", "+8613912345678"),
        ("13912345678 或者 13800138000", "+8613912345678"),
        ("电话是一三九一二三四五六七八", "+8613912345678"),
        ("電話是幺三八零零幺三八零零零", "+8613800138000"),
        ("手机 一三九 一二三四 五六七八", "+8613912345678"),
        ("座机〇一〇-一二三四五六七八", "+861012345678"),
        # A letter typed for a digit, when the number it makes is a mobile.
        ("电话1391234O215", "+8613912340215"),
        ("手机139l2340215", "+8613912340215"),
        # Told in groups with the pauses voice input writes, or a digit at a time.
        ("我电话是幺三八，零零幺幺，二二三三。", "+8613800112233"),
        ("138，0011，2233", "+8613800112233"),
        ("幺三八、零零幺幺、二二三三", "+8613800112233"),
        ("1 3 8 0 0 1 1 2 2 3 3", "+8613800112233"),
        ("my number is 138, 0011, 2233", "+8613800112233"),
        # A number put right at once, after more than one word taking it back.
        ("13812345678 哦不对打错了 是13812345687", "+8613812345687"),
        ("13812345678 啊 不对 说错了，是13812345687", "+8613812345687"),
    ],
)
def test_phones_are_found_in_every_usual_form(extractor: SlotExtractor, text: str, phone: str) -> None:
    assert extractor.extract(text).phone == phone


@pytest.mark.parametrize(
    "text",
    [
        "我的订单号是2024050112345",
        "2024-05-01 12:30 停的电",
        "打了400-810-8888没人接",
        # Groups with pauses between them that add up to no valid number.
        "3栋，2单元，502",
        "买了3，5，10个，一共18个",
        "1，2，3，4，5，6，7",
        "幺三八，零零幺幺，二二三",
        "12345678",
        "95588",
        "已经等了30分钟",
        "二〇二四年五月一日停的电",
        "一二三四五六七",
        "010-1234O678",  # a letter read as a digit makes a mobile only
    ],
)
def test_numbers_that_are_not_a_contact_phone_are_not_taken(extractor: SlotExtractor, text: str) -> None:
    assert extractor.extract(text).phone is None


@pytest.mark.parametrize(
    ("text", "phone", "second"),
    [
        ("电话13812345678 打不通就打我老婆的13987654321", "+8613812345678", "+8613987654321"),
        ("13812345678 13987654321", "+8613812345678", "+8613987654321"),
        ("手机138 1234 5678，座机029-88886666", "+8613812345678", "+862988886666"),
        ("电话13812345678，是13812345678", "+8613812345678", None),
        ("电话13812345678", "+8613812345678", None),
    ],
)
def test_a_second_number_in_the_message_is_kept_beside_the_first(
    extractor: SlotExtractor, text: str, phone: str, second: str | None
) -> None:
    slots = extractor.extract(text)
    assert (slots.phone, slots.second_phone) == (phone, second)


def test_a_phone_in_digits_wins_over_chinese_numerals_next_to_it(extractor: SlotExtractor) -> None:
    assert extractor.extract("打了一13912345678").phone == "+8613912345678"
    assert extractor.extract("电话一三九一二三四五六七八，我打了一二三四五六七次").phone == "+8613912345678"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("+86 138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("+86 10 1234 5678", "01012345678"),  # a landline in E.164 gets its trunk 0 back
        ("029-88886666", "02988886666"),
        ("+886 912 345 678", "+886912345678"),  # another country's number keeps its "+"
        ("00852 9123 4567", "+85291234567"),
    ],
)
def test_one_phone_is_stored_one_way_whoever_wrote_it(written: str, stored: str) -> None:
    assert normalise_phone(written) == stored


@pytest.mark.parametrize(
    ("e164", "stored"),
    [("+8613912345678", "13912345678"), ("+861012345678", "01012345678"), ("+8675512345678", "075512345678")],
)
def test_the_engine_gets_the_digits_it_stores_today(service_config: ServiceConfig, e164: str, stored: str) -> None:
    digits = national_digits(e164)
    assert digits == stored
    assert normalise_phone(digits) == stored
    assert re.fullmatch(service_config.service.phone_pattern, digits)


_MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
_LANDLINE = st.tuples(
    st.sampled_from(["010", "020", "021", "022", "0755", "0571", "029", "0371"]),
    st.from_regex(r"[2-8][0-9]{7}", fullmatch=True),
)
_SEPARATOR = st.sampled_from(["", " ", "-", " - ", "\u3000"])
_PREFIX = st.sampled_from(["", "+86", "+86 ", "0086", "0086-", "86 ", "＋８６"])
_FULL_WIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")


def _valid(number: str) -> bool:
    """A number phonenumbers takes as real ("179…" is a carrier prefix it strips, leaving too few digits)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, "CN"))
    except phonenumbers.NumberParseException:
        return False


@settings(max_examples=150, deadline=None)
@given(
    mobile=_MOBILE,
    prefix=_PREFIX,
    separator=_SEPARATOR,
    full_width=st.booleans(),
    before=st.sampled_from(["", "电话", "我的手机号是：", "call me on "]),
)
def test_a_mobile_written_any_way_gives_the_same_e164(
    mobile: str, prefix: str, separator: str, full_width: bool, before: str
) -> None:
    assume(_valid(mobile))
    written = prefix + separator.join([mobile[:3], mobile[3:7], mobile[7:]])
    if full_width:
        written = written.translate(_FULL_WIDTH)
    assert find_phone(unicodedata.normalize("NFKC", f"{before}{written}，谢谢")) == f"+86{mobile}"


@settings(max_examples=150, deadline=None)
@given(landline=_LANDLINE, separator=_SEPARATOR, international=st.booleans(), full_width=st.booleans())
def test_a_landline_written_any_way_gives_the_same_e164(
    landline: tuple[str, str], separator: str, international: bool, full_width: bool
) -> None:
    area, local = landline
    assume(_valid(area + local))
    written = (
        f"+86 {area[1:]}{separator}{local}" if international else f"{area}{separator}{local[:4]}{separator}{local[4:]}"
    )
    if full_width:
        written = written.translate(_FULL_WIDTH)
    found = find_phone(unicodedata.normalize("NFKC", f"座机{written}"))
    assert found == f"+86{area[1:]}{local}"
    assert found is not None and national_digits(found) == area + local


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("我姓陳，電話 0912 345 678", "+886912345678"),  # a Taiwan mobile, in traditional characters
        ("我的電話是 9123 4567", "+85291234567"),  # a Hong Kong mobile
        ("電話 13912345678", "+8613912345678"),  # a mainland number comes first
        ("电话 9123 4567", "+85291234567"),  # in simplified characters too, after a phone word
        ("9123 4567", "+85291234567"),  # or alone, as the answer to the phone question
        ("我交了9123 4567块", None),  # elsewhere eight digits are an amount
        ("2024 0501 那天開始斷網", None),  # a date is no Hong Kong landline
    ],
)
def test_numbers_of_hong_kong_macao_and_taiwan_in_traditional_text(
    extractor: SlotExtractor, text: str, phone: str | None
) -> None:
    assert extractor.extract(text).phone == phone


@settings(max_examples=200, deadline=None)
@given(text=st.text(SENDABLE_CHARACTER, max_size=80) | st.text(st.characters(codec=None), max_size=40))
def test_any_text_gives_slots_without_failing(extractor: SlotExtractor, text: str) -> None:
    slots = extractor.extract(text)
    assert slots.phone is None or slots.phone.startswith("+")


@pytest.mark.parametrize(
    "text",
    [
        "区" * 1990 + "a海淀区",
        "区a海淀区" * 400,
        "海淀区" + "a园" * 990,
        "1 " * 1000,
        "我是" * 1000,
        "Ab Cd 1栋" * 250,
        "A" * 1995 + " 1栋",
        "一" * 1997 + "1栋",
    ],
)
def test_no_text_makes_extraction_backtrack_for_long(extractor: SlotExtractor, text: str) -> None:
    baseline_text = ("我住在朝阳区望京西园三区5号楼，电话13912345678，我叫王芳。" * 60)[: len(text)]
    baseline = cpu_seconds(lambda: extractor.extract(baseline_text))
    assert cpu_seconds(lambda: extractor.extract(text)) < max(baseline, 0.001) * 50


# Names.


@pytest.mark.parametrize(
    ("text", "name", "surname", "honorific"),
    [
        ("我叫王芳", "王芳", "王", None),
        ("我姓李", None, "李", None),
        ("我是张先生", None, "张", "先生"),
        ("免贵姓刘", None, "刘", None),
        ("王女士", None, "王", "女士"),
        ("王女士，电话010-12345678", None, "王", "女士"),
        ("我是王芳，我家的水管漏了", "王芳", "王", None),
        ("我叫欧阳娜娜", "欧阳娜娜", "欧阳", None),
        ("我姓欧阳", None, "欧阳", None),
        ("我叫司马光，电话13912345678", "司马光", "司马", None),
        ("诸葛小姐", None, "诸葛", "小姐"),
        ("我叫李小明电话13912345678", "李小明", "李", None),
        ("my name is John Smith", "John Smith", "Smith", None),
        ("My name is john smith and my phone is 13912345678", "John Smith", "Smith", None),
        ("I'm Mr. Smith", None, "Smith", "Mr"),
        ("this is Ms Li speaking", None, "Li", "Ms"),
        ("My name is Li Na, I live in Haidian", "Li Na", "Li", None),
        # english_surname_intros: a surname alone.
        ("my surname is Smith", None, "Smith", None),
        ("My last name is wang, phone 13912345678", None, "Wang", None),
    ],
)
def test_names_surnames_and_honorifics(
    extractor: SlotExtractor, text: str, name: str | None, surname: str | None, honorific: str | None
) -> None:
    slots = extractor.extract(text)
    assert (slots.name, slots.surname, slots.honorific) == (name, surname, honorific)


@pytest.mark.parametrize(
    ("text", "name", "surname", "honorific"),
    [
        # self_intros: 联系人, 叫我, 本人 (with a colon or not).
        ("联系人周小姐，+86 177 1234 5678", None, "周", "小姐"),
        ("联系人：曹先生 15900002222", None, "曹", "先生"),
        ("叫我陈小姐就好", None, "陈", "小姐"),
        ("本人赵敏，电话：186-0000-1234", "赵敏", "赵", None),
        # self_intro_roles: who the customer is, between 我是 and the name.
        ("我是業主林美玲，電話 138 1234 5678", "林美玲", "林", None),
        ("我是租户何志明", "何志明", "何", None),
        # clause_surname_intros: a clause that is only the surname.
        ("电话13912345678，姓张", None, "张", None),
        # clause_self_intros: the clause saying who it is wins over the one denied.
        ("不是王先生，是汪先生", None, "汪", "先生"),
        # self_description_ends: a description of themselves ending with who they are.
        ("我是住在阳光小区3栋的张女士，楼下烧烤店的油烟太大了", None, "张", "女士"),
        # familiar_prefixes: a surname said familiarly, not a word of not_names.
        ("我是老王 儿子不在家", None, "王", None),
        ("我是小李，电梯坏了", None, "李", None),
        ("我是老师 楼上漏水", None, None, None),
        ("我是小区的业主", None, None, None),
        # English: two or three capitalised words after "this is"/"I am" that end the clause.
        ("This is Emily Chen, my broadband has been down", "Emily Chen", "Chen", None),
        ("I am Li Na.", "Li Na", "Li", None),
    ],
)
def test_more_ways_customers_say_who_they_are(
    extractor: SlotExtractor, text: str, name: str | None, surname: str | None, honorific: str | None
) -> None:
    slots = extractor.extract(text)
    assert (slots.name, slots.surname, slots.honorific) == (name, surname, honorific)


@pytest.mark.parametrize(
    "text",
    [
        "姓张的师傅态度很差",
        "是王先生给我装的宽带",
        "本人于昨天去营业厅办业务",
        "我是说你们的王先生态度很差",
        "It is Sunshine Garden.",
        "This is Customer Service?",
    ],
)
def test_the_new_name_rules_take_no_staff_or_place(extractor: SlotExtractor, text: str) -> None:
    slots = extractor.extract(text)
    assert (slots.name, slots.surname, slots.honorific) == (None, None, None)


def test_a_traditional_name_keeps_the_characters_the_customer_typed(extractor: SlotExtractor) -> None:
    slots = extractor.extract("我叫王芳，電話１３９１２３４５６７８")
    assert (slots.name, slots.phone) == ("王芳", "+8613912345678")
    # OpenCC would simplify 王乾 to 王干 and 張 to 张; a name is the customer's own.
    assert extractor.extract("我是王乾").name == "王乾"
    assert (extractor.extract("我叫張偉").name, extractor.extract("我叫張偉").surname) == ("張偉", "張")


@pytest.mark.parametrize(
    "text",
    [
        "我是业主",
        "我是老人",
        "我是你们的客户",
        "我是老客户了",
        "我是常客",
        "我是来投诉的",
        "我是江西人",
        "我是安徽人",
        "我是海淀的",
        "我叫你们领导出来",
        "我叫了三次都没人理",
        "你们的客服经理姓白，态度很差",
        "你们的李先生说明天来修",
        "我是王女士的儿子",
        "I am not happy with your service",
        "this is ridiculous",
        "please call me back",
    ],
)
def test_words_that_are_not_the_customers_name_are_not_taken(extractor: SlotExtractor, text: str) -> None:
    slots = extractor.extract(text)
    assert (slots.name, slots.surname, slots.honorific) == (None, None, None)


# Addresses and districts.


@pytest.mark.parametrize(
    ("text", "address", "district"),
    [
        ("海淀区中关村大街的自来水有异味三天了", "中关村大街", "海淀区"),
        ("我住在朝阳区望京西园三区5号楼", "望京西园三区5号楼", "朝阳区"),
        ("上海市浦東新區張江路100號停電兩天了", "张江路100号", "浦东新区"),
        ("我家在万柳书院3号楼，电梯坏了一个星期", "万柳书院3号楼", "海淀区"),
        ("中关村大街", "中关村大街", "海淀区"),
        ("我刚才说了，海淀区中关村大街", "中关村大街", "海淀区"),
        ("朝阳区建国路８８号", "建国路88号", "朝阳区"),
        ("我在海淀区上班，家住昌平区回龙观", "回龙观", "昌平区"),
    ],
)
def test_the_address_is_the_place_without_the_chatter(
    extractor: SlotExtractor, text: str, address: str, district: str
) -> None:
    slots = extractor.extract(text)
    assert (slots.address, slots.district) == (address, district)


@pytest.mark.parametrize(
    "text",
    [
        "我是朝阳群众，我要举报",
        "我们小区的路灯坏了",
        "希望和平解决这个问题",
        "路由器坏了",
        "东方明珠的门票退不了，市场价都不止",
    ],
)
def test_false_friends_are_no_address(extractor: SlotExtractor, text: str) -> None:
    slots = extractor.extract(text)
    assert (slots.address, slots.district) == (None, None)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # estate_suffixes: an estate the gazetteer does not know, with a building number or a phase.
        ("我是欧阳先生，阳光花园小区5栋2单元，楼上装修太吵了", "阳光花园小区5栋2单元"),
        ("我们是锦绣花园二期的业主，开发商延期交房", "锦绣花园二期"),
        # building_suffixes: a building number alone is an address; the first one said, not the denied one.
        ("我家是3栋1单元1302，停电一天了", "3栋1单元1302"),
        ("我说的是5号楼，不是3号楼", "5号楼"),
        # a trigger takes a colon or a space before its place, as before.
        ("地址：海淀区知春路甲48号", "知春路甲48号"),
        # typed with spaces between the numbers and their units: the whole address, not "文三路 88".
        ("杭州市西湖区文三路 88 号 3 幢 502", "文三路88号3幢502"),
        ("住在 3 栋 2 单元 1302，停电一天了", "3栋2单元1302"),
        # Hong Kong writes 邨 for an estate, its phase (期) and street after it.
        ("美孚新邨 5期 百老匯街 12號 8樓A室", "美孚新邨5期百老汇街12号8楼A室"),
        ("華富邨 3座的升降機壞咗", "华富邨3座"),
        # spoken_digits: a room number said digit by digit ends the address, as "501" does.
        ("幸福小区五栋一单元六零二", "幸福小区五栋一单元六零二"),
        ("阳光花园三栋二单元五零一的水管爆了", "阳光花园三栋二单元五零一"),
        ("幸福小区五栋一单元三零二室", "幸福小区五栋一单元三零二室"),
        # …but not a word that starts with a numeral, nor two of them.
        ("幸福小区五栋一单元一直漏水", "幸福小区五栋一单元"),
        ("幸福小区五栋一单元三四天没水了", "幸福小区五栋一单元"),
    ],
)
def test_estates_and_buildings_the_gazetteer_does_not_list(extractor: SlotExtractor, text: str, address: str) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Central Park 3栋", "Central Park 3栋"),
        ("住在Sunshine Garden 3栋2单元501", "Sunshine Garden 3栋2单元501"),
        ("I live in Central Park 3栋, the lift is broken", "Central Park 3栋"),
        # english_not_place_words are no estate's name: the rest of it is.
        ("The Grand Mansion 5座", "Grand Mansion 5座"),
        ("Hello 3栋1单元", "3栋1单元"),
        ("OK, Central Park 3栋的电梯坏了", "Central Park 3栋"),
    ],
)
def test_an_estate_named_in_latin_letters_before_its_building_number(
    extractor: SlotExtractor, text: str, address: str
) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    "text",
    [
        # floor_suffixes: a floor is not an address.
        "电梯坏了三天了，我家老人八十多岁，住18楼根本下不了楼",
        "我住三楼，楼上漏水",
        "我住在 18 楼，楼上漏水",
        # not_places, and no place across a comma after a trigger.
        "我妈一个人住，家里卫生间的水管漏了",
        "我住家里",
        # an estate word with no building number or phase after it.
        "我家花园里的花被踩了",
        "阳光花园的保安态度很差",
    ],
)
def test_floors_home_and_bare_estate_words_are_no_address(extractor: SlotExtractor, text: str) -> None:
    assert extractor.extract(text).address is None


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Mr. Zhang here, 88 Jianguo Road, the heating in my flat hasn't worked", "88 Jianguo Road"),
        ("That's the wrong address, it's Sunshine Garden building 5, not building 3", "Sunshine Garden building 5"),
        ("I live at The Sunshine Garden block 2", "Sunshine Garden block 2"),
        ("That's Jade Garden unit 3, please send someone", "Jade Garden unit 3"),
        ("I'm on 9 Xi'an Road", "9 Xi'an Road"),
        # smallest first, as many write it: the room and the building are kept.
        ("Room 1203, Building 5, Sunshine Garden, Chaoyang", "Room 1203, Building 5, Sunshine Garden"),
        ("Flat 1203, Block B, Riverside Garden, Chaoyang", "Flat 1203, Block B, Riverside Garden"),
        ("Sunshine Garden Block A", "Sunshine Garden Block A"),
        ("My Road trip was ruined by your roaming charges", None),
        ("The Garden is dirty", None),
        ("I am not happy with your service", None),
    ],
)
def test_addresses_written_in_english(extractor: SlotExtractor, text: str, address: str | None) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    "case", [case for case in CASES if not case.get("held_out")], ids=lambda case: case["text"][:20]
)
def test_every_labelled_address_is_read_right(extractor: SlotExtractor, case: dict[str, str | None]) -> None:
    slots = extractor.extract(str(case["text"]))
    assert (slots.address, slots.district) == (case["address"], case["district"])


def test_the_held_out_addresses_are_read_right_nine_times_in_ten(extractor: SlotExtractor) -> None:
    held_out = [case for case in CASES if case.get("held_out")]
    read = [(case, extractor.extract(case["text"])) for case in held_out]
    right = [case for case, slots in read if (slots.address, slots.district) == (case["address"], case["district"])]
    assert len(held_out) >= 30
    assert len(right) / len(held_out) >= 0.9


def test_a_manager_adds_an_estate_and_it_is_recognised(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", config_dir)
    before = SlotExtractor.from_config(load_config(config_dir)).extract("翠微路的锦秋家园停水了")
    assert before.district is None
    gazetteer = yaml.safe_load((config_dir / "gazetteer.yaml").read_text(encoding="utf-8"))
    gazetteer["districts"][0]["estates"].append("锦秋家园")
    (config_dir / "gazetteer.yaml").write_text(yaml.safe_dump(gazetteer, allow_unicode=True), encoding="utf-8")
    after = SlotExtractor.from_config(load_config(config_dir)).extract("锦秋家园停水了")
    assert (after.address, after.district) == ("锦秋家园", "海淀区")


def test_a_place_under_two_districts_is_refused(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", config_dir)
    gazetteer = yaml.safe_load((config_dir / "gazetteer.yaml").read_text(encoding="utf-8"))
    gazetteer["districts"][1]["estates"].append(gazetteer["districts"][0]["estates"][0])
    (config_dir / "gazetteer.yaml").write_text(yaml.safe_dump(gazetteer, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    assert "gazetteer.yaml" in str(caught.value) and "listed under both" in str(caught.value)


def test_an_unmistakable_building_ending_that_names_no_building_is_refused(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", config_dir)
    gazetteer = yaml.safe_load((config_dir / "gazetteer.yaml").read_text(encoding="utf-8"))
    gazetteer["unmistakable_building_suffixes"].append("塔")
    (config_dir / "gazetteer.yaml").write_text(yaml.safe_dump(gazetteer, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    assert "unmistakable_building_suffixes" in str(caught.value) and "塔" in str(caught.value)


def test_a_manager_adds_a_compound_surname(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", config_dir)
    names = yaml.safe_load((config_dir / "names.yaml").read_text(encoding="utf-8"))
    assert "拓跋" not in names["compound_surnames"]
    names["compound_surnames"].append("拓跋")
    (config_dir / "names.yaml").write_text(yaml.safe_dump(names, allow_unicode=True), encoding="utf-8")
    slots = SlotExtractor.from_config(load_config(config_dir)).extract("我叫拓跋宏")
    assert (slots.name, slots.surname) == ("拓跋宏", "拓跋")


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        ("13912345678", "13912345678"),
        ("01012345678", "010-12345678"),  # a landline: its area code apart, as people write it
        ("037162345678", "0371-62345678"),
        ("+886912345678", "0912 345 678"),
        ("+85291234567", "9123 4567"),
        ("+8869", "+8869"),  # not a number: as stored
    ],
)
def test_a_stored_phone_is_said_as_its_owner_writes_it(stored: str, said: str) -> None:
    assert said_phone(stored) == said


@pytest.fixture(scope="module")
def xian_extractor(service_config: ServiceConfig) -> SlotExtractor:
    service = service_config.service.model_copy(update={"local_area_code": "029"})
    return SlotExtractor.from_config(service_config.model_copy(update={"service": service}))


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("88665544", "+862988665544"),  # the whole answer to the phone question
        ("座机 8866 5544", "+862988665544"),
        ("家里电话八八六六五五四四", "+862988665544"),  # said digit by digit
        ("打8866-5544找我", "+862988665544"),
        ("电话 13812345678", "+8613812345678"),  # a mobile is still a mobile
        ("電話 9123 4567", "+85291234567"),  # in traditional characters Hong Kong comes first
        ("订单号 88665544", None),  # eight digits without a phone word are not a phone
        ("我交了12345678元", None),
        ("座机 8866554", None),  # seven digits are no Xi'an landline
        ("家里座机 8 8 6 6 5 5 4 4", "+862988665544"),  # typed a digit at a time
    ],
)
def test_a_landline_without_its_area_code_is_the_local_areas(
    xian_extractor: SlotExtractor, text: str, phone: str | None
) -> None:
    assert xian_extractor.extract(text).phone == phone


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("座机 8866 5544", "88665544"),
        # A digit at a time, beside words saying there is no mobile; after 座机 never a Hong Kong mobile.
        ("我没有手机 家里座机 6 2 3 4 5 6 7 8", "62345678"),
        ("座机 62345678", "62345678"),
        ("家里电话 8，8，1，2，3，4，5，6", "88123456"),
        ("电话 6 2 3 4 5 6 7 89", None),  # groups of more than one digit: no number typed a digit at a time
        ("88123456", "88123456"),  # the whole answer to the phone question
        ("电话 8123456", "8123456"),  # seven digits, as smaller cities' numbers are
        ("订单号 88665544", None),
        ("2024 0501", None),  # a day
        ("打了400-810-8888没人接", None),  # the end of a service number
    ],
)
def test_without_a_local_area_code_a_landline_is_kept_as_typed(
    extractor: SlotExtractor, text: str, phone: str | None
) -> None:
    assert extractor.extract(text).phone == phone


# A district is said, or only where the gazetteer puts the place named (never said back).


@pytest.mark.parametrize(
    ("text", "district", "said"),
    [
        ("和平里小区11号楼", "东城区", False),
        ("我家在万柳书院3号楼", "海淀区", False),
        ("海淀知春里小区停电了", "海淀区", True),
        ("西城金融街", "西城区", True),
        ("我住在长安区南门外的翠华苑小区9号楼2单元1203室", "长安区", True),
        ("雁塔区丈八东路的绿地世纪城", "雁塔区", True),
        ("西城公馆", None, False),
        ("嗯 是东城国际", None, False),
        ("西城花园3栋", None, False),
    ],
)
def test_a_district_is_said_only_when_its_words_are_in_the_message(
    extractor: SlotExtractor, text: str, district: str | None, said: bool
) -> None:
    slots = extractor.extract(text)
    assert (slots.district, slots.district_said) == (district, said)


@pytest.mark.parametrize(
    "text", ["幺捌陆 零零零零 幺幺幺幺", "电话壹捌陆零零零零壹壹壹壹", "一八六 〇〇〇〇 一一一一"]
)
def test_a_phone_spelt_in_financial_or_spoken_numerals_is_read(extractor: SlotExtractor, text: str) -> None:
    assert extractor.extract(text).phone == "+8618600001111"


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("电话是一三三五五五五零零三一不对是零三二", "+8613355550032"),
        ("電話是一三三五五五五零零三一不對是零三二", "+8613355550032"),
        ("13355550031 不对 032", "+8613355550032"),
        ("13355550031 sorry 32", "+8613355550032"),
        ("电话13355550031不对是13355550032", "+8613355550032"),
        # The number typed again in groups is the number meant, not its first group as its last digits.
        ("电话是133 5555 0031 不对是133 5555 0032", "+8613355550032"),
        ("电话是133 5555 0031 不对是139-5555-0032", "+8613955550032"),
        ("电话是133 5555 0031 不对 是 133 5555 0032", "+8613355550032"),
        ("电话是133 5555 0031 不对 0032", "+8613355550032"),
        # Not the number's digits: a floor, or no number put right.
        ("电话13355550031 不对 是三楼", "+8613355550031"),
        ("电话13355550031 不是我的 是我儿子的", "+8613355550031"),
        ("电话13355550031 不是一两天了", "+8613355550031"),
    ],
)
def test_the_last_digits_of_a_number_put_right_at_once_replace_its_last_ones(
    extractor: SlotExtractor, text: str, phone: str
) -> None:
    assert extractor.extract(text).phone == phone


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("春华苑5栋1204 13912340209", "+8613912340209"),
        ("2单元1203 13912345678", "+8613912345678"),
        ("138 1234 5678", "+8613812345678"),
        ("010 8888 6666", "+861088886666"),
    ],
)
def test_a_flats_number_before_a_mobile_is_not_read_as_a_landline_with_it(text: str, phone: str) -> None:
    """"1204 13912340209" spells the landline 0391-2340209 too: the mobile typed whole wins."""
    assert find_phones(text) == [phone]


@pytest.mark.parametrize(
    ("text", "phone", "extension"),
    [
        ("座机0755-2688-1234转8021 楼上漏水", "+8675526881234", "8021"),
        ("座机0755-2688-1234转8021楼上漏水", "+8675526881234", "8021"),
        ("電話0755-26881234轉8021", "+8675526881234", "8021"),
        ("办公室电话 010-62345678 分机 302", "+861062345678", "302"),
        ("0755-26881234 分机号：8021", "+8675526881234", "8021"),
        ("call 0755 2688 1234 ext. 8021", "+8675526881234", "8021"),
        ("0755-26881234 x8021", "+8675526881234", "8021"),
        ("0755-26881234（转8021）", "+8675526881234", "8021"),
        # No extension: a mobile has none; words after the number are not one; digits run on are not split.
        ("13800138000转8021", "+8613800138000", None),
        ("0755-26881234 转人工", "+8675526881234", None),
        ("0755-26881234 转2楼", "+8675526881234", None),
        ("0755-26881234 转12楼", "+8675526881234", None),
        ("电话0755-26881234", "+8675526881234", None),
    ],
)
def test_a_landlines_extension_is_kept_apart_from_the_number(
    extractor: SlotExtractor, text: str, phone: str, extension: str | None
) -> None:
    slots = extractor.extract(text)
    assert (slots.phone, slots.phone_extension) == (phone, extension)
