"""Questions asked back while the form is taken are answered, never heard out in silence nor
restated as part of the problem (seed 003: listen → ask → soothe → confirm; seed 001 (16): a
question not answerable now is recorded for the staff)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat

PROBLEM = "我家门口的快递柜占了消防通道 还收超时费"


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def asked_for_the_phone(engine: ConversationEngine, problem: str = PROBLEM) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    chat.send(problem)
    assert chat.state is State.AWAIT_PHONE
    return chat


@pytest.mark.parametrize("question", ["你要我电话干嘛？", "你们要我电话干什么", "why do you need my phone number?"])
def test_asking_what_the_phone_is_for_hears_what_it_is_for(engine: ConversationEngine, question: str) -> None:
    chat = asked_for_the_phone(engine)
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["phone_reassure"]
    assert chat.data.description == [PROBLEM]


def test_questions_while_asked_for_the_phone_are_answered_and_kept_out_of_the_problem(
    engine: ConversationEngine,
) -> None:
    """Play-cust 12: each question gets an answer, and the restatement says only the problem."""
    chat = asked_for_the_phone(engine)
    assert chat.phrase_ids(chat.send("你要我电话干嘛？")) == ["phone_reassure"]
    step = chat.send("你们不知道我住哪吗？")
    # asked once why, the question again says how to decline
    assert chat.phrase_ids(step) == ["message_recorded", "ask_phone_again"]
    chat.send("13611112222")
    step = chat.send("天通苑东三区")
    assert chat.state is State.CONFIRMING
    restatement = chat.texts(step)
    assert "问题：我家门口的快递柜占了消防通道 还收超时费（" in restatement
    assert "干嘛" not in restatement and "住哪" not in restatement
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.description == PROBLEM


def test_asking_how_we_will_reach_them_after_refusing_the_phone_is_told_this_conversation(
    engine: ConversationEngine,
) -> None:
    chat = asked_for_the_phone(engine, "小区绿化带全被人种菜了 还泼粪 臭死了")
    assert chat.phrase_ids(chat.send("我不想留电话")) == ["phone_reassure"]
    step = chat.send("那你们怎么联系我？")
    assert chat.phrase_ids(step) == ["phone_not_needed", "ask_area"]
    assert "本次对话" in chat.texts(step)
    assert chat.data.contact_by_channel and chat.data.phone is None
    step = chat.send("瑞景家园")
    assert "通过本次对话的渠道与您联系" in chat.texts(step)


def test_a_question_at_the_restatement_is_answered_and_the_confirmation_asked_again(
    engine: ConversationEngine,
) -> None:
    chat = asked_for_the_phone(engine, "小区里的流浪猫太多了 晚上叫得跟小孩哭一样")
    chat.send("13900009999")
    chat.send("海棠湾")
    assert chat.state is State.CONFIRMING
    step = chat.send("你们会派人抓猫吗？")
    assert chat.phrase_ids(step) == ["message_recorded", "confirm_question"]
    assert chat.state is State.CONFIRMING
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.description == "小区里的流浪猫太多了 晚上叫得跟小孩哭一样"
