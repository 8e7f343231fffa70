"""The scoring arithmetic of bench/understanding.py, on a hand-made example."""

from __future__ import annotations

import pytest

from bot.config import Intent, Signal
from bot.understanding.result import Slots, Understanding
from tests.understanding.metrics import Counts, SlotScore, normalise_phone, score

BILL = "这个月话费多扣了五十，气死了"
HUMAN = "转人工，我叫王芳"
NETWORK = "海淀区中关村大街断网了"
STATUS = "Any update on my complaint?"


def _pairs() -> list[tuple[Understanding, Understanding]]:
    return [
        (
            Understanding(
                BILL,
                "zh-CN",
                frozenset({Intent.COMPLAINT}),
                "billing",
                signals=frozenset({Signal.EMOTIONAL}),
                slots=Slots(phone="+8613912345678"),
            ),
            Understanding(
                BILL,
                "zh-CN",
                frozenset({Intent.COMPLAINT, Intent.HUMAN}),
                "billing",
                signals=frozenset({Signal.EMOTIONAL}),
                slots=Slots(phone="139-1234-5678"),
            ),
        ),
        (
            Understanding(HUMAN, "zh-CN", frozenset({Intent.HUMAN}), slots=Slots(name="王芳", surname="王")),
            Understanding(
                HUMAN,
                "zh-CN",
                frozenset({Intent.HUMAN}),
                signals=frozenset({Signal.EMOTIONAL}),
                slots=Slots(surname="王"),
            ),
        ),
        (
            Understanding(
                NETWORK,
                "zh-CN",
                frozenset({Intent.COMPLAINT}),
                "network",
                slots=Slots(district="海淀区", address="中关村大街"),
            ),
            Understanding(
                NETWORK,
                "zh-CN",
                frozenset({Intent.COMPLAINT}),
                "billing",
                slots=Slots(phone="13800138000", district="海澱區", address="中关村"),
            ),
        ),
        (
            Understanding(STATUS, "en", frozenset({Intent.STATUS_QUERY}), slots=Slots(honorific="女士")),
            Understanding(STATUS, "zh-CN", frozenset({Intent.COMPLAINT}), "other", slots=Slots(honorific="小姐")),
        ),
    ]


def test_precision_and_recall_per_intent_cover_the_labelled_intents() -> None:
    scores = score(_pairs())
    assert scores.items == 4
    assert scores.intents == {
        Intent.COMPLAINT: Counts(tp=2, fp=1, fn=0),
        Intent.HUMAN: Counts(tp=1, fp=1, fn=0),
        Intent.STATUS_QUERY: Counts(tp=0, fp=0, fn=1),
    }
    assert scores.intents[Intent.COMPLAINT].precision == pytest.approx(2 / 3)
    assert scores.intents[Intent.COMPLAINT].recall == 1.0
    assert scores.intents[Intent.HUMAN].precision == 0.5
    assert scores.intents[Intent.STATUS_QUERY].precision is None
    assert scores.intents[Intent.STATUS_QUERY].recall == 0.0
    assert scores.signals == {Signal.EMOTIONAL: Counts(tp=1, fp=1, fn=0)}


def test_category_accuracy_counts_only_the_labelled_complaints() -> None:
    scores = score(_pairs())
    assert (scores.category.hits, scores.category.total) == (1, 2)
    assert scores.category.value == 0.5


def test_slots_compare_normalised_and_a_spurious_slot_counts_against() -> None:
    scores = score(_pairs())
    assert scores.slots["phone"] == SlotScore(labelled=1, correct=1, spurious=1)
    assert scores.slots["phone"].accuracy == 0.5
    assert scores.slots["name"] == SlotScore(labelled=1, missed=1)
    assert scores.slots["surname"] == SlotScore(labelled=1, correct=1)
    assert scores.slots["district"] == SlotScore(labelled=1, correct=1), "traditional folds to simplified"
    assert scores.slots["address"] == SlotScore(labelled=1, wrong=1)
    assert scores.slots["honorific"] == SlotScore(labelled=1, correct=1), "小姐 is 女士"
    overall = scores.slots_overall
    assert overall == SlotScore(labelled=6, correct=4, wrong=1, missed=1, spurious=1)
    assert overall.accuracy == pytest.approx(4 / 7)


def test_locale_accuracy_and_false_requests_on_complaints() -> None:
    scores = score(_pairs())
    assert (scores.locale.hits, scores.locale.total) == (3, 4)
    assert scores.complaint_false_positives == {
        Intent.HUMAN: [BILL],
        Intent.SUPERVISOR: [],
        Intent.STATUS_QUERY: [],
    }


@pytest.mark.parametrize(
    "written",
    [
        "+8613912345678",
        "+86 139-1234-5678",
        "139 1234 5678",
        "１３９１２３４５６７８",
        "0086 13912345678",
        "13912345678",
    ],
)
def test_phones_compare_as_e164_digits(written: str) -> None:
    assert normalise_phone(written) == "8613912345678"


def test_a_landline_keeps_its_area_code_without_the_trunk_zero() -> None:
    assert normalise_phone("010-62345678") == "861062345678"
    assert normalise_phone("+861062345678") == "861062345678"


def test_nothing_to_score_gives_no_figures_rather_than_zero() -> None:
    scores = score([])
    assert scores.category.value is None
    assert scores.slots_overall.accuracy is None
    assert scores.locale.value is None
    assert scores.intents == {}
