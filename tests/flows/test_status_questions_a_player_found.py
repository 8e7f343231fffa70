"""Status questions a player found answered "留言已转给客服代表" (or not at all): Cantonese and
traditional ("處理到邊度", "幾時有人理啊"), when someone comes back ("什么时候再来"), the case number
asked for ("TS号是多少来着"), and a case named by its place after another was asked after ("金色家园的呢");
each hears where the case stands, with its number."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat
from tests.flows.held_cases import held


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def handed_off(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for text in ("楼道灯坏了两周没人修", "13800138000", "阳光花园3栋", "对"):
        chat.send(text)
    assert chat.state is State.HANDED_OFF
    case = CaseStatus(CaseStage.WAITING, chat.data.case_number, MONDAY_2PM + dt.timedelta(hours=21), queue_position=2)
    chat.customer = CustomerView(this_case=case)
    chat.wait(600)
    return chat


@pytest.mark.parametrize("question", ["處理到邊度", "幾時有人理啊", "什么时候再来", "TS号是多少来着", "我的编号是什么"])
def test_each_is_told_where_the_case_stands_with_its_number(engine: ConversationEngine, question: str) -> None:
    chat = handed_off(engine)
    step = chat.send(question)
    assert "status_answer" in chat.phrase_ids(step), chat.texts(step)
    assert chat.data.case_number is not None and chat.data.case_number in chat.texts(step)
    assert "留言已转给" not in chat.texts(step) and "留言已轉給" not in chat.texts(step)


def test_when_they_come_again_is_answered_while_an_agent_holds_the_case(engine: ConversationEngine) -> None:
    chat = held(engine)
    step = chat.send("什么时候再来")
    assert step.replies, "silence"
    assert "status_answer" in chat.phrase_ids(step), chat.texts(step)


SUNSHINE = CaseStatus(
    CaseStage.WAITING,
    "TS20261123SUNNY2",
    MONDAY_2PM + dt.timedelta(days=2),
    queue_position=3,
    area="阳光花园5栋",
    category="engineering_repair",
    problem="阳光花园5栋停水了",
    own=True,
)
GOLDEN = dataclasses.replace(
    SUNSHINE,
    case_number="TS20261123GOLD23",
    area="金色家园2栋",
    problem="小区门口的路灯坏了一个星期了",
    queue_position=None,
    stage=CaseStage.WITH_AGENT,
    agent_name="李娜",
)


def test_a_case_named_by_its_place_after_another_is_told_alone(engine: ConversationEngine) -> None:
    chat = handed_off(engine)
    chat.customer = CustomerView(this_case=SUNSHINE, open_cases=(SUNSHINE, GOLDEN), named_cases=(SUNSHINE, GOLDEN))
    first = chat.send("阳光花园那个处理到哪了")
    assert "TS20261123SUNNY2" in chat.texts(first) and "TS20261123GOLD23" not in chat.texts(first)
    step = chat.send("金色家园的呢")
    said = chat.texts(step)
    assert "TS20261123GOLD23" in said and "TS20261123SUNNY2" not in said, said


@pytest.mark.parametrize("question", ["金色家园的呢", "金色家园那个呢", "金色家园那边怎么样了"])
def test_a_place_with_no_case_of_theirs_is_said_so(engine: ConversationEngine, question: str) -> None:
    chat = handed_off(engine)  # the case is at 阳光花园3栋
    chat.send("处理到哪了")
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["status_no_case_at_place"], chat.texts(step)
    assert "金色家园" in chat.texts(step) and chat.data.area == "阳光花园3栋"


def test_the_case_s_own_place_after_a_status_answer_is_told_its_status(engine: ConversationEngine) -> None:
    chat = handed_off(engine)
    chat.send("处理到哪了")
    step = chat.send("阳光花园的呢")
    assert chat.phrase_ids(step) == ["status_answer"], chat.texts(step)
    assert chat.data.case_number is not None and chat.data.case_number in chat.texts(step)
