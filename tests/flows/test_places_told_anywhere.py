"""A place is kept whenever the customer tells it: after an apology at the place question, while
the phone is asked for, at the restatement (merged with a part of a place told before); more of the
problem at the place question stays the problem."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import CustomerSaid, Started, Step
from bot.flows.data import TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def restated(step: Step) -> str:
    """The restatement this step sent (it fails if there was none)."""
    return next(reply.text for reply in step.replies if reply.phrase_id == PhraseId.RESTATE.value)


def test_a_place_after_an_invalid_phone_is_kept_and_the_phone_asked_again(chat: Chat) -> None:
    chat.send("我家水管漏水")
    chat.send("幺捌陆 零零零零 幺幺幺")
    step = chat.send("南湖小区")
    assert chat.phrase_ids(step) == [PhraseId.PLACE_NOTED_ASK_PHONE_FORM.value]
    assert chat.state is State.AWAIT_PHONE and chat.data.area == "南湖小区"
    assert chat.data.description == ["我家水管漏水"]
    step = chat.send("18600001111")
    assert "地点：南湖小区" in restated(step)


def test_a_place_after_an_apology_at_the_place_question_after_the_idle_prompt_is_taken(chat: Chat) -> None:
    chat.send("我家水管漏水")
    chat.send("13800138000")
    chat.send(chat.timer(TimerKind.IDLE_PROMPT))
    step = chat.send("不好意思刚才去做饭了 是御景华府")
    assert chat.data.area == "御景华府" and chat.state is State.CONFIRMING
    assert "地点：御景华府" in restated(step)
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.area == "御景华府"


def test_a_place_told_alone_at_the_restatement_completes_the_part_of_a_place_told_before(chat: Chat) -> None:
    chat.send("我家水管漏水")
    chat.send("13800138000")
    chat.send("6栋门口")
    step = chat.send("紫郡长安")
    assert "地点：紫郡长安6栋门口" in restated(step)
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.area == "紫郡长安6栋门口"


def test_a_place_at_the_restatement_ending_as_one_replaces_a_whole_place(chat: Chat) -> None:
    chat.send("我家水管漏水")
    chat.send("13800138000")
    chat.send("御景华府3栋")
    step = chat.send("南湖小区")
    assert "地点：南湖小区" in restated(step)


def test_where_the_leak_comes_from_is_more_of_the_problem_not_the_place(chat: Chat) -> None:
    chat.send("我家水管漏水")
    chat.send("13800138000")
    step = chat.send("是楼上漏下来的")
    assert chat.state is State.AWAIT_AREA and chat.data.area is None
    assert PhraseId.RESTATE.value not in chat.phrase_ids(step)
    step = chat.send("御景华府3栋")
    assert "楼上漏下来的" in restated(step) and "地点：御景华府3栋" in restated(step)


def test_an_sms_burst_is_restated_once_with_all_of_the_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    restatements = 0
    for message in ["你好", "我要投诉", "我家水管漏水", "是楼上漏下来的", "把我家天花板都泡坏了", "御景华府3栋"]:
        step = chat.send(CustomerSaid(message, sender_phone="13800138000"))
        restatements += chat.phrase_ids(step).count(PhraseId.RESTATE.value)
    assert restatements == 1 and chat.data.area == "御景华府3栋"
    assert chat.data.description == ["我家水管漏水", "是楼上漏下来的", "把我家天花板都泡坏了"]
    assert "楼上漏下来的" in restated(step)
