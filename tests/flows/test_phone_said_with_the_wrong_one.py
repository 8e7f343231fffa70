"""A phone given together with the wrong one ("是136…1111不是136…1112", "不是136…1112是136…1111"):
the number after 是 is kept, the one after 不是 never, at every step of the conversation."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


@pytest.mark.parametrize(
    "answer",
    ["电话是13600009888不是13600009880", "电话是13600009888 不是13600009880", "电话不是13600009880 是13600009888"],
)
def test_at_the_phone_question_the_number_said_right_is_kept(chat: Chat, answer: str) -> None:
    chat.send("楼道灯坏了一个星期了")
    chat.send(answer)
    said = chat.texts(chat.send("阳光花园3栋")).splitlines()
    assert "电话：13600009888" in said
    record = chat.send("对").complaint
    assert record is not None and (record.contact_phone, record.alternative_phone) == ("13600009888", None)


@pytest.mark.parametrize(
    "correction",
    [
        "不对 电话是13600009999不是13600009991",
        "不对 电话不是13600009991是13600009999",
        "电话写错了 是13600009999不是13600009991",
    ],
)
def test_at_the_restatement_the_number_said_right_puts_the_phone_right(chat: Chat, correction: str) -> None:
    chat.send("楼道灯坏了一个星期了 阳光花园3栋 电话13600009991")
    step = chat.send(correction)
    assert chat.phrase_ids(step) != ["ask_correct_phone"]  # never "请您留下正确的联系电话。"
    assert "电话：13600009999" in chat.texts(step).splitlines()
    record = chat.send("对").complaint
    assert record is not None and (record.contact_phone, record.alternative_phone) == ("13600009999", None)


@pytest.mark.parametrize(
    "correction", ["电话写错了 是13600001111不是13600001112", "电话写错了 不是13600001112是13600001111"]
)
def test_after_the_hand_off_the_case_calls_the_number_said_right(chat: Chat, correction: str) -> None:
    for message in ("楼道灯坏了一个星期了", "13600001112", "阳光花园3栋", "对"):
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    step = chat.send(correction)
    assert chat.phrase_ids(step) == ["contact_corrected"] and "13600001111" in chat.texts(step)
    assert chat.data.phone == "13600001111"
    assert step.contact is not None and (step.contact.phone, step.contact.replaces) == ("13600001111", True)
