"""How customers call themselves after 我是 ("我是5栋的李阿姨") is their 称呼; the same words opening
a clause are as often someone else ("张阿姨家漏水了")."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig
from bot.understanding.slots import SlotExtractor


@pytest.fixture(scope="module")
def extractor(service_config: ServiceConfig) -> SlotExtractor:
    return SlotExtractor.from_config(service_config)


@pytest.mark.parametrize(
    ("text", "surname", "honorific"),
    [("我是5栋的李阿姨 我们楼下的路灯坏了", "李", "阿姨"), ("我是王大爷", "王", "大爷"), ("我是张先生", "张", "先生")],
)
def test_a_customer_introducing_themselves_with_a_familiar_title_is_named_by_it(
    extractor: SlotExtractor, text: str, surname: str, honorific: str
) -> None:
    slots = extractor.extract(text)
    assert (slots.surname, slots.honorific, slots.name) == (surname, honorific, None)


@pytest.mark.parametrize("text", ["张阿姨家漏水了", "楼下王大爷天天半夜唱歌"])
def test_a_familiar_title_not_after_i_am_names_someone_else(extractor: SlotExtractor, text: str) -> None:
    slots = extractor.extract(text)
    assert (slots.surname, slots.honorific) == (None, None)
