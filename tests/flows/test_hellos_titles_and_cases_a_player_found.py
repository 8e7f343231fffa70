"""What customer players found in the conversation (convo): a title put right at the restatement
without the surname ("不对 我是女的", "I'm a woman, Ms not Mr") addresses the customer so from then
on; an open case asked after by its problem in a new conversation, in Cantonese too ("話費多扣嗰單點呀"),
hears where it stands, never an appeal; a hello said again after the hand-off is not greeted word
for word again."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat, restatement

# --------------------------------------------------------------------------- an open case asked after by its problem

BILL_NUMBER = "TS20261120BILL01"
BILL_DUE = MONDAY_2PM + dt.timedelta(hours=20)
BILL = CaseStatus(
    CaseStage.WAITING,
    BILL_NUMBER,
    BILL_DUE,
    queue_position=3,
    category="billing",
    problem="这个月话费多扣了50块",
)
"""The customer's billing case, filed in an earlier conversation and still waiting."""


@pytest.mark.parametrize("question", ["话费多扣的那个处理到哪了", "話費多扣嗰單點呀", "话费多扣嗰单点样"])
def test_an_open_case_asked_after_by_its_problem_in_a_new_conversation_hears_where_it_stands(
    conversation_engine: ConversationEngine, question: str
) -> None:
    customer = CustomerView(open_case=OpenCase(BILL_NUMBER, BILL_DUE, status=BILL, category="billing"))
    chat = Chat(conversation_engine, customer=customer)
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["greeting_opening", "status_answer", "anything_else"], chat.texts(step)
    assert BILL_NUMBER in chat.texts(step)
    assert step.handoff is None and chat.state is State.AWAIT_DESCRIPTION


# --------------------------------------------------------------------------- a hello said again after the hand-off


def handed_off(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for text in ("楼道灯坏了两周没人修", "13800138000", "阳光花园3栋", "对"):
        chat.send(text)
    assert chat.state is State.HANDED_OFF
    return chat


@pytest.mark.parametrize("hellos", [("喂", "喂", "喂"), ("喂？", "喂喂", "喂")])
def test_a_hello_said_again_after_the_hand_off_is_not_greeted_word_for_word_again(
    conversation_engine: ConversationEngine, hellos: tuple[str, str, str]
) -> None:
    chat = handed_off(conversation_engine)
    said = [chat.texts(chat.send(hello)) for hello in hellos]
    assert chat.phrase_ids(chat.steps[-3]) == ["greeting_opening", "anything_else"]
    assert chat.phrase_ids(chat.steps[-2]) == ["hello_again"]
    assert said[1] == "您好！请问有什么能够帮助您？"
    assert said[0] != said[1] and said[1] != said[2]


# --------------------------------------------------------------------------- the title put right without the surname


def restated_as(engine: ConversationEngine, introduction: str, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    chat.send(introduction)
    restatement(chat, "13800138000", "阳光花园3栋" if locale == "zh-CN" else "Taikoo Shing block 2")
    return chat


@pytest.mark.parametrize("said", ["不对 我是女的", "我是女士", "是女的不是先生", "不对", "不对，我是女的。"])
def test_a_woman_saying_so_at_the_restatement_is_addressed_as_one_from_then_on(
    conversation_engine: ConversationEngine, said: str
) -> None:
    chat = restated_as(conversation_engine, "我是王先生 楼上漏水")
    assert chat.line(chat.steps[-1], "称呼：") == "称呼：王先生"
    step = chat.send(said) if said != "不对" else (chat.send("不对"), chat.send("我是女的"))[1]
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    assert chat.line(step, "称呼：") == "称呼：王女士"
    step = chat.send("对")
    assert step.complaint is not None
    assert (step.complaint.customer_surname, step.complaint.customer_title) == ("王", "female")


def test_an_english_customer_saying_she_is_a_woman_is_ms_not_mr(conversation_engine: ConversationEngine) -> None:
    chat = restated_as(conversation_engine, "I'm Mr Smith, the ceiling is leaking", locale="en")
    step = chat.send("I'm a woman, Ms not Mr")
    assert chat.line(step, "Name:") == "Name: Ms Smith"
    step = chat.send("yes")
    assert step.complaint is not None and step.complaint.customer_title == "female"


def test_a_woman_named_in_a_correction_of_the_problem_leaves_the_title_alone(
    conversation_engine: ConversationEngine,
) -> None:
    chat = restated_as(conversation_engine, "我是王先生 楼上漏水")
    step = chat.send("不对 楼上那个女的天天半夜跺脚")
    assert "称呼：王先生" in chat.texts(step)
