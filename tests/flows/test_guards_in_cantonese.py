"""A security guard complained of in Cantonese ("個看更好冇禮貌", "保安成日鬧人", "門口個護衛唔理人") is
read as the same complaint in Mandarin ("那个保安很没礼貌", "保安经常骂人", "门口的保安不理人"): our
staff's manner (服务态度) with the staff-error apology first (seed 001 (9)), not 其他; "個保安鬧我" is
"那个保安骂我": the estate's (物业服务), with the staff error too.

看更 and 護衛 are what Hong Kong calls a 保安 (classification.yaml ``misspellings``); 鬧 is to scold.
"""

from __future__ import annotations

import pytest

from bot.config import Signal
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.understanding.understander import Understander
from tests.flows.chat import Chat

CANTONESE_AND_MANDARIN = [
    ("個看更好冇禮貌", "那个保安很没礼貌"),
    ("保安成日鬧人", "保安经常骂人"),
    ("門口個護衛唔理人", "门口的保安不理人"),
]


@pytest.mark.parametrize(("cantonese", "mandarin"), CANTONESE_AND_MANDARIN)
def test_a_guard_in_cantonese_is_read_as_in_mandarin(
    understander: Understander, cantonese: str, mandarin: str
) -> None:
    heard, meant = understander.understand(cantonese), understander.understand(mandarin)
    assert heard.category == meant.category == "service_attitude", (heard, meant)
    assert heard.signals == meant.signals, (heard, meant)


@pytest.mark.parametrize("complaint", [cantonese for cantonese, _ in CANTONESE_AND_MANDARIN])
def test_the_customer_hears_the_staff_error_apology_and_the_restatement_names_the_manner(
    conversation_engine: ConversationEngine, complaint: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    first = chat.send(complaint)
    assert chat.phrase_ids(first)[0] == "staff_error_apology"
    assert chat.texts(first).startswith("對不起，給您添麻煩了，我會將您反映的問題如實上報主管")
    chat.send("13800138000")
    restated = chat.send("陽光花園3棟")
    assert chat.line(restated, "問題：") == f"問題：{complaint}（服務態度）"


def test_a_guard_alone_is_the_estates_and_a_fussing_child_is_not_our_staff(understander: Understander) -> None:
    assert understander.understand("個看更成日瞓覺").category == "property_service"
    scolded, meant = understander.understand("個保安鬧我"), understander.understand("那个保安骂我")
    expected = ("property_service", frozenset({Signal.STAFF_ERROR}))
    assert (scolded.category, scolded.signals) == (meant.category, meant.signals) == expected
    assert understander.understand("楼上小孩天天闹人").category is None
