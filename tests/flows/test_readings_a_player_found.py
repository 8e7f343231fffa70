"""What a player of the web chat found misread: insults filed as a complaint, an English-speaking
customer's elderly mother missed, a fee rise in traditional characters lost beside a repair, a quote
cutting the restatement short, noise and a lift's button in the wrong category, and a question for a
number answered as an invitation to complain."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.data import TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat, restatement


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def test_insults_alone_are_warned_then_closed_never_filed(chat: Chat) -> None:
    """Seed 002 first (empathy), then seed 001 (13): the harassment warning, and the close after
    ``timers.harassment_close_after`` of more; no insult is ever the problem recorded."""
    first = chat.send("你们客服是不是都是傻子")
    assert chat.phrase_ids(first) == ["empathy", "invite_complaint_again"]
    assert "description_recorded" not in chat.phrase_ids(first)
    second = chat.send("傻逼")
    assert chat.phrase_ids(second) == ["harassment_warning"]
    assert TimerKind.HARASSMENT_CLOSE in chat.data.timers
    chat.send("滚")
    chat.wait(400)
    last = chat.send("滚")
    assert chat.phrase_ids(last) == ["harassment_close"]
    assert chat.state is State.CLOSED and last.close_reason == "harassment"
    assert chat.data.description == []
    assert all(step.complaint is None and step.handoff is None for step in chat.steps)


@pytest.mark.parametrize("insult", ["你们物业是不是都是傻子", "你们客服都是笨蛋", "客服是傻瓜吧"])
def test_calling_us_fools_is_anger_not_the_problem(chat: Chat, insult: str) -> None:
    step = chat.send(insult)
    assert chat.phrase_ids(step) == ["empathy", "invite_complaint_again"]
    assert chat.data.description == []


def test_insults_after_the_problem_are_not_added_to_it(chat: Chat) -> None:
    chat.send("停水两天了")
    step = chat.send("你们客服是不是都是傻子")
    assert chat.phrase_ids(step)[0] == "empathy"
    assert chat.data.description == ["停水两天了"]


@pytest.mark.parametrize(
    "message",
    [
        "the lift has been broken for a week, my mum is 80 and cant walk stairs",
        "no hot water since monday. my dad's 85",
        "I'm 82 and the heating is off",
    ],
)
def test_an_elder_told_of_in_english_is_served_first(conversation_engine: ConversationEngine, message: str) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send(message)
    chat.send("13800138000")
    chat.send("Taikoo Shing Block 2")
    step = chat.send("yes")
    assert step.complaint is not None and "elder" in step.complaint.signals


@pytest.mark.parametrize(
    "message", ["my dad is 80 metres from the gate and the lift is broken", "we paid 80 dollars for the lift repair"]
)
def test_a_number_in_english_that_is_no_age_is_no_elder(conversation_engine: ConversationEngine, message: str) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send(message)
    chat.send("13800138000")
    chat.send("Taikoo Shing Block 2")
    step = chat.send("yes")
    assert step.complaint is not None and "elder" not in step.complaint.signals


@pytest.mark.parametrize("message", ["停水兩天了 電梯也壞了 管理費又加價", "停水两天了 电梯也坏了 物业费又涨价了"])
def test_a_fee_raised_beside_a_repair_is_the_other_problem(chat: Chat, message: str) -> None:
    said = chat.texts(restatement(chat, message))
    assert "收費類" in said or "收费类" in said
    step = chat.send("對")
    assert step.complaint is not None
    assert (step.complaint.category, step.complaint.other_categories) == ("engineering_repair", ("billing",))


def test_what_staff_keep_saying_in_quotes_is_said_back_whole(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("2 weeks no hot water. Your staff keep saying 'wait'. I want your manager NOW")
    chat.send("13800138000")
    step = chat.send("Taikoo Shing Block 2")
    problem = chat.line(step, "Problem:")
    assert "2 weeks no hot water" in problem and "keep saying wait" in problem


def test_what_staff_keep_saying_in_chinese_quotes_is_said_back_whole(chat: Chat) -> None:
    problem = chat.line(restatement(chat, "楼道灯坏了半个月 客服老是说“再等等”"), "问题：")
    assert "再等等" in problem


def test_things_banged_upstairs_beside_an_illness_are_noise(chat: Chat) -> None:
    said = chat.texts(restatement(chat, "我有心脏病 楼上天天砸东西"))
    assert "物业服务" in said and "其他" not in said
    assert "心脏病" in chat.line(chat.steps[-1], "问题：")


def test_a_lift_button_that_does_not_work_is_a_repair(chat: Chat) -> None:
    said = chat.texts(restatement(chat, "电梯按钮不灵"))
    assert "工程维修" in said and "物业服务" not in said


@pytest.mark.parametrize("question", ["物业电话多少", "管理處電話幾多"])
def test_a_number_asked_for_is_a_question_the_faq_answers(chat: Chat, question: str) -> None:
    """Our phone number asked for is answered (faq.yaml service_phone), never taken for a problem nor
    answered by asking for the customer's own phone."""
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["faq:service_phone", "anything_else"]
    assert chat.data.description == [] and chat.state is State.AWAIT_DESCRIPTION
