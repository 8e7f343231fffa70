"""A problem told with a question of when it ends ("停水了 什么时候来水"): a complaint for a customer
with no case open (category, restatement, promise, case number), the open case's status for one
who has it."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
DEADLINE = MONDAY_2PM + dt.timedelta(hours=12)


def filed(chat: Chat, *answers: str) -> str:
    """Answer the form's questions until the case is registered; all the bot said after the problem."""
    said = []
    for answer in (*answers, "对"):
        said.append(chat.texts(chat.send(answer)))
        if chat.state is State.HANDED_OFF:
            break
    return "\n".join(said)


@pytest.mark.parametrize(
    "problem",
    [
        "停水了 什么时候来水啊 急死了",
        "整栋楼停电了 什么时候来电",
        "上周报修的水龙头到现在都没人来修 什么时候能修好",
        "您好 請問一下 我們社區的電梯已經停擺三天了 老人家上下樓很不方便 麻煩盡快處理 謝謝",
    ],
)
def test_a_problem_asked_when_is_filed_for_a_customer_with_no_case(
    conversation_engine: ConversationEngine, problem: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(problem)
    assert "status_no_case" not in chat.phrase_ids(step) and "question_later" not in chat.phrase_ids(step)
    assert chat.state is State.AWAIT_PHONE
    said = filed(chat, "13912345678", "阳光花园3栋")
    registered = chat.steps[-1].complaint
    assert registered is not None and registered.category == "engineering_repair"
    assert registered.case_number in said
    assert any(reply.phrase_id in ("promise", "promise_by_date") for reply in chat.steps[-1].replies)


def test_the_restatement_leaves_the_when_question_out(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("停水了 什么时候来水啊")
    chat.send("13912345678")
    step = chat.send("阳光花园3栋")
    assert "问题：停水了（工程维修）" in chat.texts(step)


def test_a_texted_problem_asked_when_is_filed(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(CustomerSaid("阳光花园3栋停水了 什么时候来水", sender_phone="+8613800001111"))
    assert chat.phrase_ids(step) == ["greeting_opening", "restate", "confirm_question"]
    step = chat.send(CustomerSaid("对", sender_phone="+8613800001111"))
    assert step.complaint is not None and step.complaint.case_number in chat.texts(step)


def test_a_customer_with_the_case_open_asking_when_hears_its_status(conversation_engine: ConversationEngine) -> None:
    status = CaseStatus(CaseStage.WAITING, CASE, DEADLINE, queue_position=3)
    open_case = OpenCase(CASE, DEADLINE, status, category="engineering_repair")
    for question in ("什么时候来水", "停水了 什么时候来水啊"):
        chat = Chat(conversation_engine, customer=CustomerView(open_case=open_case))
        chat.send(Started())
        step = chat.send(question)
        assert chat.phrase_ids(step) == ["status_answer", "anything_else"], question
        assert CASE in chat.texts(step) and step.complaint is None and step.appeal is None


def test_another_problem_asked_when_beside_an_open_case_is_a_new_complaint(
    conversation_engine: ConversationEngine,
) -> None:
    open_case = OpenCase(CASE, DEADLINE, category="billing")
    chat = Chat(conversation_engine, customer=CustomerView(open_case=open_case))
    chat.send(Started())
    step = chat.send("整栋楼停电了 什么时候来电")
    assert "status_answer" not in chat.phrase_ids(step)
    assert chat.state is State.AWAIT_PHONE
