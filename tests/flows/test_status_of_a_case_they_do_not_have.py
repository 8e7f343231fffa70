"""A status question naming a problem none of the customer's cases is about ("话费多扣的那个处理到哪了"
beside a street-light case) is told there is no such case, and which cases they have: never another
case's status as if it were the one asked after."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat, restatement

STREET_LIGHT = "小区门口的路灯坏了一个星期了"
WATER = CaseStatus(
    CaseStage.WAITING,
    "TS20261123WATER2",
    MONDAY_2PM + dt.timedelta(days=2),
    queue_position=3,
    area="阳光花园5栋",
    category="engineering_repair",
    problem="阳光花园5栋停水了",
    own=True,
)
LAMP = CaseStatus(
    CaseStage.WITH_AGENT,
    "TS20261123LAMP23",
    MONDAY_2PM + dt.timedelta(hours=12),
    agent_name="李娜",
    area="阳光花园5栋",
    category="engineering_repair",
    problem=STREET_LIGHT,
    own=True,
)


def street_light_handed_off(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    restatement(chat, STREET_LIGHT)
    chat.send("对")
    assert chat.state is State.HANDED_OFF and chat.data.case_number is not None
    return chat


@pytest.mark.parametrize("question", ["话费多扣的那个处理到哪了", "宽带断网那个怎么样了"])
def test_a_problem_they_have_no_case_of_is_told_so_with_the_case_they_have(
    conversation_engine: ConversationEngine, question: str
) -> None:
    chat = street_light_handed_off(conversation_engine)
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["status_no_such_case"], chat.texts(step)
    said = chat.texts(step)
    assert "没有查到您反映的这个问题" in said
    assert f"{chat.data.case_number} {STREET_LIGHT}" in said  # what they do have, named so
    assert "排队" not in said and "客服代表" not in said  # the street light's status is not told for it
    assert step.complaint is None and step.handoff is None


def test_the_case_they_have_named_by_its_problem_is_still_told(conversation_engine: ConversationEngine) -> None:
    chat = street_light_handed_off(conversation_engine)
    step = chat.send("路灯那个处理到哪了")
    assert chat.phrase_ids(step) == ["status_answer"]
    assert str(chat.data.case_number) in chat.texts(step)


def test_a_status_question_naming_no_problem_is_still_told_where_the_case_stands(
    conversation_engine: ConversationEngine,
) -> None:
    chat = street_light_handed_off(conversation_engine)
    step = chat.send("处理到哪了")
    assert chat.phrase_ids(step) == ["status_answer"]


def test_with_two_cases_neither_of_that_problem_both_are_listed(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for text in ("阳光花园5栋停水了", "13800138000", "对"):
        chat.send(text)
    chat.customer = CustomerView(this_case=LAMP, open_cases=(WATER, LAMP), named_cases=(WATER, LAMP))
    step = chat.send("话费多扣的那个处理到哪了")
    assert chat.phrase_ids(step) == ["status_no_such_case"], chat.texts(step)
    said = chat.texts(step)
    assert f"{WATER.case_number} 停水了" in said and f"{LAMP.case_number} {STREET_LIGHT}" in said
    assert "李娜" not in said
