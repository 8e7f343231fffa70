"""The labelled corpus: its size and spread, and that every label is one the product knows."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from bot.config import Intent, ServiceConfig, Signal
from tests.understanding.corpus import LOCALES, CorpusError, CorpusItem, load_corpus

GUARDED = (Intent.HUMAN, Intent.SUPERVISOR, Intent.STATUS_QUERY)


@pytest.fixture(scope="module")
def category_ids(service_config: ServiceConfig) -> list[str]:
    return [category.id for category in service_config.classification.categories]


@pytest.fixture(scope="module")
def corpus(category_ids: list[str]) -> tuple[CorpusItem, ...]:
    return load_corpus(category_ids)


def test_the_corpus_is_big_enough_and_spread_over_every_label(
    corpus: tuple[CorpusItem, ...], category_ids: list[str], service_config: ServiceConfig
) -> None:
    assert len(corpus) >= 320
    complaints = [item for item in corpus if Intent.COMPLAINT in item.intents]
    assert len(complaints) >= 140
    per_category = Counter(item.category for item in complaints)
    for category in category_ids:
        if category != service_config.classification.fallback_category:
            assert per_category[category] >= 12, category
    per_intent = Counter(intent for item in corpus for intent in item.intents)
    for intent in GUARDED:
        assert per_intent[intent] >= 15, intent
    assert set(per_intent) == set(Intent), "every intent of the vocabulary occurs"
    assert {signal for item in corpus for signal in item.signals} == set(Signal)
    with_slots = [item for item in corpus if any(value is not None for value in item.slots.as_dict().values())]
    assert len(with_slots) >= 40


def test_simplified_chinese_is_the_majority_with_traditional_and_english_beside_it(
    corpus: tuple[CorpusItem, ...],
) -> None:
    locales = Counter(item.locale for item in corpus)
    assert set(locales) == set(LOCALES)
    assert locales["zh-CN"] > len(corpus) / 2
    assert locales["zh-TW"] >= 30
    assert locales["en"] >= 30


def test_every_label_is_a_configured_id_or_vocabulary_member(
    corpus: tuple[CorpusItem, ...], category_ids: list[str]
) -> None:
    for item in corpus:
        assert item.locale in LOCALES
        assert all(isinstance(intent, Intent) for intent in item.intents)
        assert all(isinstance(signal, Signal) for signal in item.signals)
        if Intent.COMPLAINT in item.intents:
            assert item.category in category_ids, item.text
        else:
            assert item.category is None, item.text


def test_no_text_appears_twice_even_after_width_and_space_folding(corpus: tuple[CorpusItem, ...]) -> None:
    folded = Counter("".join(unicodedata.normalize("NFKC", item.text).split()) for item in corpus)
    assert [text for text, count in folded.items() if count > 1] == []


@pytest.mark.parametrize(
    ("text", "intents", "category"),
    [
        ("I am not happy with your service", {Intent.COMPLAINT}, "service_attitude"),
        ("我家楼上漏水…物业一直不管", {Intent.COMPLAINT}, "engineering_repair"),
        ("我要人工客服,你们的宽带三天没网了,没人管", {Intent.HUMAN, Intent.COMPLAINT}, "network"),
        ("叫你们领导出来", {Intent.SUPERVISOR}, None),
        ("我要找你们经理", {Intent.SUPERVISOR}, None),
        ("我的投诉怎么样了?", {Intent.STATUS_QUERY}, None),
        ("你们营业时间是几点?", {Intent.QUESTION}, None),
        ("謝謝您們的幫忙", {Intent.THANKS}, None),
        ("我刚才说了，海淀区中关村大街", {Intent.CORRECTION}, None),
    ],
)
def test_the_issue_examples_are_in_the_corpus_as_written(
    corpus: tuple[CorpusItem, ...], text: str, intents: set[Intent], category: str | None
) -> None:
    item = next(item for item in corpus if item.text == text)
    assert item.intents == intents
    assert item.category == category


def test_the_issue_example_with_every_slot(corpus: tuple[CorpusItem, ...]) -> None:
    item = next(item for item in corpus if item.text.startswith("我叫王芳，电话13912345678"))
    assert item.slots.as_dict() == {
        "phone": "+8613912345678",
        "name": "王芳",
        "surname": "王",
        "honorific": None,
        "address": "中关村大街",
        "district": "海淀区",
    }


def _item(text: str, **fields: str) -> str:
    """One corpus item in flow YAML; ``fields`` replace the defaults (keys are written as given)."""
    values = {"locale": "zh-CN", "intents": "[]", "category": "null", "signals": "[]", "slots": "{}"} | fields
    return "{" + f'text: "{text}", ' + ", ".join(f"{key}: {value}" for key, value in values.items()) + "}"


_VALID = _item("宽带断了", intents="[complaint]", category="network")


@pytest.mark.parametrize(
    ("item", "complaint"),
    [
        (_item("对", intents="[yes]"), "quote yes/no"),
        (_item("转人工", intents="[humans]"), "unknown Intent"),
        (_item("气死了", signals="[angry]"), "unknown Signal"),
        (_item("宽带坏了", intents="[complaint]", category="internet"), "needs a category"),
        (_item("宽带坏了", intents="[complaint]"), "needs a category"),
        (_item("谢谢", intents="[thanks]", category="billing"), "not a complaint"),
        (_item("hi", locale="fr"), "locale"),
        (_item("1391234567", slots='{phone: "+861391234567"}'), "E.164"),
        (_item("13912345678", slots='{phone: "13912345678"}'), "E.164"),
        (_item("王先生", slots="{surname: 王, honorific: 先森}"), "honorific"),
        (_item("我叫王芳", slots="{name: 王芳, surname: 李}"), "not part of name"),
        (_item("我叫王芳", slots="{name: 王芳}"), "needs its surname"),
        (_item("我住海淀", slots="{area: 海淀}"), "unknown slots"),
        (_item("宽带坏了", intent="[complaint]"), "unknown fields"),
        (_VALID, "duplicate"),
    ],
)
def test_an_invalid_label_is_an_error_naming_the_item(tmp_path: Path, item: str, complaint: str) -> None:
    path = tmp_path / "corpus.yaml"
    path.write_text(f"items:\n- {_VALID}\n- {item}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=complaint) as raised:
        load_corpus(["network", "billing", "other"], path)
    assert "item 2" in str(raised.value)


def test_the_valid_item_of_those_tests_loads(tmp_path: Path) -> None:
    path = tmp_path / "corpus.yaml"
    path.write_text(f"items:\n- {_VALID}\n", encoding="utf-8")
    (item,) = load_corpus(["network"], path)
    assert (item.text, item.intents, item.category) == ("宽带断了", frozenset({Intent.COMPLAINT}), "network")


def test_the_held_out_file_is_valid_new_and_about_slots(
    category_ids: list[str], corpus: tuple[CorpusItem, ...]
) -> None:
    held_out = load_corpus(category_ids, Path(__file__).with_name("heldout.yaml"))
    with_slots = [item for item in held_out if any(item.slots.as_dict().values())]
    assert len(with_slots) >= 40
    assert not {item.text for item in held_out} & {item.text for item in corpus}


def test_the_held_out_complaints_are_valid_new_and_cover_every_category(
    category_ids: list[str], corpus: tuple[CorpusItem, ...]
) -> None:
    held_out = load_corpus(category_ids, Path(__file__).with_name("heldout_complaints.yaml"))
    assert len(held_out) >= 100
    assert all(Intent.COMPLAINT in item.intents for item in held_out)
    assert {item.category for item in held_out} == set(category_ids)
    assert {item.locale for item in held_out} == {"zh-CN", "zh-TW", "en"}
    slot_held_out = load_corpus(category_ids, Path(__file__).with_name("heldout.yaml"))
    known = {item.text for item in corpus} | {item.text for item in slot_held_out}
    assert not {item.text for item in held_out} & known
