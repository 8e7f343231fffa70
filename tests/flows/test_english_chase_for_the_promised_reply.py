"""A returning English customer chasing the answer their case was promised ("where is my reply",
"WHERE IS MY REPLY. you promised yesterday", "still no reply, nobody got back to me", "you promised to
reply yesterday, nobody called me"; in Chinese "我的回复呢") is asking where
the case stands: they are greeted and told the case's number, that its time has passed (with the
apology and the supervisor) or when the answer comes, never "we will look into it" as if they had
asked a new question."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"


def returning(engine: ConversationEngine, overdue: bool) -> Chat:
    deadline = MONDAY_2PM + dt.timedelta(hours=-2 if overdue else 24)
    status = CaseStatus(
        CaseStage.WAITING,
        CASE,
        deadline,
        area="Sunshine Garden Block 3",
        problem="renovation noise upstairs",
        category="property_service",
        own=True,
    )
    open_case = OpenCase(CASE, deadline, status=status, category="property_service")
    chat = Chat(engine, customer=CustomerView(phone="91234567", open_case=open_case), locale="en")
    chat.send(Started())
    return chat


@pytest.mark.parametrize(
    "message",
    [
        "where is my reply",
        "WHERE IS MY REPLY. you promised yesterday",
        "still no reply, nobody got back to me. useless",
        "you promised to reply yesterday, nobody called me",
    ],
)
def test_the_overdue_case_is_owned_up_to(conversation_engine: ConversationEngine, message: str) -> None:
    chat = returning(conversation_engine, overdue=True)
    step = chat.send(message)
    said = chat.phrase_ids(step)
    assert "status_answer" in said and "consultation_taken" not in said
    assert f"Your case number is {CASE}. We promised to answer by 12 pm today and did not" in chat.texts(step)
    assert step.complaint is None


def test_a_case_still_in_time_is_told_when_the_answer_comes(conversation_engine: ConversationEngine) -> None:
    chat = returning(conversation_engine, overdue=False)
    step = chat.send("wheres my reply??")
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"]
    assert "We will give you a clear answer by 2 pm tomorrow" in chat.texts(step)


def test_the_same_asked_in_chinese(conversation_engine: ConversationEngine) -> None:
    chat = returning(conversation_engine, overdue=True)
    chat.locale = "zh-CN"
    step = chat.send("我的回复呢")
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"]
    assert "原定今天中午12点前给您答复，我们没能按时答复" in chat.texts(step)
    assert step.complaint is None
