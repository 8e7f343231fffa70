"""The administrative divisions found in a customer's words, read from cpca's record directly.

``CpcaDivisions`` reads cpca's private one-sentence function rather than the public ``transform``
(which wraps the same record in a pandas DataFrame at ≈ 100× the cost); these tests hold the two
to the same answer on every labelled address, so an upgrade of cpca that changes either fails here.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.understanding.divisions import CpcaDivisions
from bot.understanding.places import Division

CASES = yaml.safe_load((Path(__file__).parent / "address_cases.yaml").read_text(encoding="utf-8"))
TEXTS = [case["text"] for case in CASES] + ["", "楼道的灯坏了", "上海那边的事情", "北京时间晚上八点"]


@pytest.fixture(scope="module")
def divisions() -> CpcaDivisions:
    return CpcaDivisions()


def _public_record(text: str) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca

    record: dict[str, Any] = cpca.transform([text], pos_sensitive=True).to_dict("records")[0]
    return record


def test_a_province_city_and_district_are_found_where_the_customer_wrote_them(divisions: CpcaDivisions) -> None:
    assert list(divisions.find("我在杭州西湖区文三路上被你们的车撞了")) == [
        Division("杭州市", 2, 4, False),
        Division("西湖区", 4, 7, True),
    ]


def test_words_naming_no_division_find_none(divisions: CpcaDivisions) -> None:
    assert list(divisions.find("楼道的灯坏了，晚上很黑")) == []


@pytest.mark.parametrize("text", TEXTS)
def test_the_record_read_is_the_one_cpcas_public_transform_gives(divisions: CpcaDivisions, text: str) -> None:
    public = _public_record(text)
    expected = [
        (public[level], public[f"{level}_pos"])
        for level in ("省", "市", "区")
        if isinstance(public[level], str) and public[level] and public[f"{level}_pos"] >= 0
    ]
    assert [(division.name, division.start) for division in divisions.find(text)] == expected
