"""An insult aimed at us ("你们这帮垃圾", "你们这帮废物 垃圾") is anger, met with empathy at every stage
(seed 002 四: stay calm, apologise, serve on): never a complaint about the rubbish, never a new case
beside the one handed off, never said back in the restatement nor taken as the place, never a score
nor the problem back at the 回访."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Resolved, Started, TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat

INSULTS = ["你们这帮垃圾", "你们这帮废物 垃圾", "你们这群垃圾", "你们都是垃圾", "你哋班垃圾", "你们这帮饭桶"]
PROBLEM = "楼道灯坏了两周没人修"


def told(engine: ConversationEngine, *messages: str) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for message in messages:
        chat.send(message)
    return chat


def handed_off(engine: ConversationEngine) -> Chat:
    chat = told(engine, PROBLEM, "13800138000", "阳光花园3栋", "对")
    assert chat.state is State.HANDED_OFF
    chat.wait(600)
    return chat


@pytest.mark.parametrize("insult", INSULTS)
def test_an_insult_as_the_first_message_is_anger_and_the_problem_is_asked_for(
    conversation_engine: ConversationEngine, insult: str
) -> None:
    chat = told(conversation_engine)
    step = chat.send(insult)
    assert chat.phrase_ids(step) == ["empathy", "invite_complaint_again"]
    assert "已记录" not in chat.texts(step)
    assert chat.data.description == [] and chat.state is State.AWAIT_DESCRIPTION


@pytest.mark.parametrize("insult", INSULTS)
def test_an_insult_in_the_form_is_met_with_empathy_and_the_same_question_never_recorded(
    conversation_engine: ConversationEngine, insult: str
) -> None:
    chat = told(conversation_engine, PROBLEM)
    assert chat.phrase_ids(chat.send(insult)) == ["empathy", "ask_phone_again"]
    chat.send("13800138000")
    assert chat.phrase_ids(chat.send(insult)) == ["empathy", "ask_area"]
    step = chat.send("阳光花园3栋")
    assert chat.line(step, "问题：") == f"问题：{PROBLEM}（工程维修）"
    assert chat.line(step, "地点：") == "地点：阳光花园3栋"
    assert chat.phrase_ids(chat.send(insult)) == ["empathy", "confirm_question_again"]
    assert chat.data.description == [PROBLEM]


@pytest.mark.parametrize("insult", INSULTS)
def test_an_insult_after_the_hand_off_is_met_with_empathy_and_opens_no_case(
    conversation_engine: ConversationEngine, insult: str
) -> None:
    chat = handed_off(conversation_engine)
    case_number = chat.data.case_number
    step = chat.send(insult)
    assert chat.phrase_ids(step) == ["empathy", "handoff_ack"]
    assert "不是同一件事" not in chat.texts(step) and "问题：" not in chat.texts(step)
    assert step.complaint is None and step.handoff is None and step.contact is None
    assert chat.state is State.HANDED_OFF and chat.data.case_number == case_number
    assert chat.data.description == [PROBLEM]
    # Again within the acknowledgement's quiet minutes: still answered, never a new case.
    again = chat.send(insult)
    assert chat.phrase_ids(again) == ["empathy", "message_recorded"] and chat.state is State.HANDED_OFF


def test_an_insult_with_the_problem_keeps_the_problem_and_leaves_the_insult_out(
    conversation_engine: ConversationEngine,
) -> None:
    chat = told(conversation_engine, "你们这帮垃圾 电梯坏了三天没人修", "13800138000")
    step = chat.send("阳光花园3栋")
    assert chat.line(step, "问题：") == "问题：电梯坏了三天没人修（工程维修）"


@pytest.mark.parametrize("rubbish", ["门口一堆垃圾没人收", "楼道里这些垃圾一个星期没人收"])
def test_rubbish_counted_as_things_is_still_the_rubbish(conversation_engine: ConversationEngine, rubbish: str) -> None:
    chat = told(conversation_engine, rubbish, "13800138000")
    step = chat.send("阳光花园3栋")
    assert chat.line(step, "问题：") == f"问题：{rubbish}（物业服务）"


def resolved_and_asked(engine: ConversationEngine, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    if locale == "en":
        for message in ("The street lamp outside block 3 is broken", "13800138000", "Sunshine Garden block 3", "yes"):
            chat.send(message)
    else:
        for message in (PROBLEM, "13800138000", "阳光花园3栋", "对"):
            chat.send(message)
    chat.send(Resolved())
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert chat.state is State.AWAIT_RATING
    return chat


@pytest.mark.parametrize(("insult", "locale"), [("你们这帮垃圾", "zh-CN"), ("you are all useless trash", "en")])
def test_an_insult_at_the_callback_is_met_with_empathy_and_the_rating_asked_again(
    conversation_engine: ConversationEngine, insult: str, locale: str
) -> None:
    """Neither a score, nor the problem back (no reopening: "useless" alone says the handling was),
    nor a new problem restated."""
    chat = resolved_and_asked(conversation_engine, locale)
    step = chat.send(insult)
    assert chat.phrase_ids(step) == ["empathy", "satisfaction_rating_reask"]
    assert not step.reopen and step.satisfaction is None and step.complaint is None
    assert chat.state is State.AWAIT_RATING


def test_an_insult_as_the_callback_s_comment_is_apologised_for_whatever_the_score(
    conversation_engine: ConversationEngine,
) -> None:
    chat = resolved_and_asked(conversation_engine)
    chat.send("5")
    step = chat.send("你们这帮垃圾")
    assert chat.phrase_ids(step) == ["satisfaction_sorry"]
    recorded = step.satisfaction
    assert recorded is not None and (recorded.rating, recorded.comment) == (5, "你们这帮垃圾")
    assert chat.state is State.CLOSED and step.complaint is None
