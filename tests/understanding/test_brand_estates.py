"""An estate named after its developer's brand ("万达世纪城", "融创九棠府") is the place, kept whole;
the brand alone, or the company ("恒大的物业"), is no place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.config import ServiceConfig, load_config
from bot.settings import PROJECT_ROOT
from bot.understanding.slots import SlotExtractor


@pytest.fixture(scope="module")
def extractor(service_config: ServiceConfig) -> SlotExtractor:
    return SlotExtractor.from_config(service_config)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("万达世纪城停水了", "万达世纪城"),
        ("我住绿地新都会 停水了", "绿地新都会"),
        ("恒大绿洲3期停电", "恒大绿洲3期"),
        ("龙湖天街地下车库漏水", "龙湖天街地下车库"),
        ("融创九棠府物业不作为", "融创九棠府"),
        ("万达广场的电影院不退票", "万达广场"),
        ("碧桂园凤凰城5栋停水", "碧桂园凤凰城5栋"),
        ("保利花园二期的电梯坏了", "保利花园二期"),
        ("绿地新都会3栋停水", "绿地新都会3栋"),
        ("万科3期停水三天了", "万科3期"),
        ("我住万科城 停水了", "万科城"),
        ("中海一号院停电", "中海一号院"),
        ("15900001111 万达世纪城", "万达世纪城"),
        # 里 after the estate is "in" it, not part of its name as in 和平里.
        ("万科城里停水了", "万科城"),
        ("万达广场里面电梯坏了", "万达广场"),
    ],
)
def test_an_estate_named_after_its_developer_is_the_place_whole(
    extractor: SlotExtractor, text: str, address: str
) -> None:
    assert extractor.extract(text).address == address


@pytest.mark.parametrize(
    "text",
    [
        "恒大的物业太差了",
        "恒大物业太差了",
        "万科集团的客服电话打不通",
        "碧桂园服务的管家态度很差",
        "保利地产交房延期了",
        "融创烂尾了我们怎么办",
        "我在万达看电影被多收钱了",
        "我买的万科的房子漏水",
        "我住恒大那边",
        "小区绿地被占用了",
        "开发商把绿地改成了商铺",
        "招商银行的信用卡被盗刷",
        "中建三局的工地晚上施工太吵",
        "华润燃气又涨价了",
    ],
)
def test_a_brand_alone_or_the_company_is_no_place(extractor: SlotExtractor, text: str) -> None:
    assert extractor.extract(text).address is None


def test_a_brand_starting_a_districts_name_is_the_district(extractor: SlotExtractor) -> None:
    slots = extractor.extract("广州越秀区北京路停电")
    assert (slots.address, slots.district) == ("北京路", "越秀区")


def test_a_listed_estates_name_after_a_brand_is_another_estate_with_no_district_of_its_own(
    extractor: SlotExtractor,
) -> None:
    assert extractor.extract("世纪城停水了").district == "海淀区"
    slots = extractor.extract("万达世纪城停水了")
    assert (slots.address, slots.district) == ("万达世纪城", None)


def test_a_manager_adds_a_brand_and_its_estates_are_recognised(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", config_dir)
    before = SlotExtractor.from_config(load_config(config_dir)).extract("鸿坤云墅地下车库的灯坏了")
    assert before.address is None
    gazetteer = yaml.safe_load((config_dir / "gazetteer.yaml").read_text(encoding="utf-8"))
    gazetteer["developer_brands"].append("鸿坤")
    (config_dir / "gazetteer.yaml").write_text(yaml.safe_dump(gazetteer, allow_unicode=True), encoding="utf-8")
    after = SlotExtractor.from_config(load_config(config_dir)).extract("鸿坤云墅地下车库的灯坏了")
    assert after.address == "鸿坤云墅地下车库"
