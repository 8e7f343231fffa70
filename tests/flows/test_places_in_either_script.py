"""A place is one place in either script: a case's place is stored as its customer wrote it
(陽光花園5棟), the customer may name it later in the other script (阳光花园5栋), and a place put right
is kept in the characters the customer writes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

LEAK = CaseStatus(
    CaseStage.WAITING,
    "TS20261123LEAK11",
    MONDAY_2PM + dt.timedelta(days=2),
    area="阳光花园5栋",
    category="engineering_repair",
    problem="楼上漏水",
    own=True,
)
PIPE = CaseStatus(
    CaseStage.WAITING,
    "TS20261123PIPE22",
    MONDAY_2PM + dt.timedelta(days=1),
    area="金地广场3号楼",
    category="engineering_repair",
    problem="水管爆了",
    own=True,
)


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


@pytest.mark.parametrize(
    ("stored", "question"),
    [
        ("阳光花园5栋", "陽光花園5棟那個處理到哪了"),
        ("陽光花園5棟", "阳光花园5栋那个处理到哪了"),
    ],
)
def test_a_status_question_naming_a_case_s_place_in_the_other_script_hears_of_that_case(
    engine: ConversationEngine, stored: str, question: str
) -> None:
    leak = dataclasses.replace(LEAK, area=stored)
    open_case = OpenCase(PIPE.case_number or "", PIPE.deadline_at or MONDAY_2PM, status=PIPE, category=PIPE.category)
    chat = Chat(engine, CustomerView(open_case=open_case, open_cases=(leak, PIPE)))
    chat.send(Started())
    said = chat.texts(chat.send(question))
    assert "TS20261123LEAK11" in said and "TS20261123PIPE22" not in said, said


def _handed_off_in_traditional(engine: ConversationEngine, place: str) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for message in ("樓道的垃圾三天沒人清理", "13800138000", place, "對"):
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    return chat


def test_a_place_corrected_after_the_hand_off_keeps_the_customer_s_traditional_characters(
    engine: ConversationEngine,
) -> None:
    chat = _handed_off_in_traditional(engine, "陽光花園3棟2單元")
    step = chat.send("地址也寫錯了，是陽光花園5棟不是3棟")
    assert chat.phrase_ids(step) == ["place_corrected"]
    assert "地址已更正為：陽光花園5棟" in chat.texts(step)
    assert step.contact is not None and step.contact.area_replaces
    assert step.contact.area == "陽光花園5棟"  # what the agent sees on the case, as with its first place


def test_the_same_place_in_the_other_script_after_the_hand_off_is_no_correction(engine: ConversationEngine) -> None:
    chat = _handed_off_in_traditional(engine, "陽光花園5棟")
    step = chat.send("地址是阳光花园5栋")
    assert "place_corrected" not in chat.phrase_ids(step)
    assert step.contact is None


def test_a_floor_put_right_in_traditional_at_the_restatement_is_restated_in_traditional(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    for message in ("樓道的垃圾三天沒人清理", "13800138000", "陽光花園3棟21樓"):
        chat.send(message)
    step = chat.send("不對 是12樓不是21樓")
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    assert chat.line(step, "地點：") == "地點：陽光花園3棟12樓"
    step = chat.send("對")
    assert step.complaint is not None and step.complaint.area == "陽光花園3棟12樓"


def test_more_told_after_the_hand_off_at_the_case_s_place_in_the_other_script_opens_no_second_case(
    engine: ConversationEngine,
) -> None:
    """The case took the place of the resolved case it follows, as that customer wrote it (陽光花園3棟);
    more of the problem there, written 阳光花园3栋, is no new case at another place."""
    resolved = CaseStatus(CaseStage.RESOLVED, "TS20261120DZYGQP", MONDAY_2PM, area="陽光花園3棟", own=True)
    chat = Chat(engine, CustomerView(phone="13800138000", named_cases=(resolved,)))
    chat.send(Started())
    chat.send("TS20261120DZYGQP 垃圾又堆满了！楼道都走不了人")
    chat.send("对")
    assert chat.state is State.HANDED_OFF
    step = chat.send("还有 阳光花园3栋门口的垃圾桶也满了 没人清理")
    assert "another_problem_new_case" not in chat.phrase_ids(step)
    assert step.complaint is None and chat.state is State.HANDED_OFF


def test_an_emergency_s_place_given_after_the_hand_off_is_kept_in_traditional(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    for message in ("家裡煤氣洩漏了 好大的味道", "13800138000"):
        chat.send(message)
    step = chat.send("陽光花園5棟2單元501")
    assert chat.line(step, "地點：") == "地點：陽光花園5棟2單元501"
    assert step.contact is not None and step.contact.area == "陽光花園5棟2單元501"
