"""A second case told in the same conversation (another problem while the first is with the staff,
or a new problem at the first one's satisfaction callback) is taken down afresh, but the customer
is not asked again for what they already gave: the contact phone, the number to try when it does
not answer, their name and the script they write in are the new case's too."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Resolved, Started
from bot.flows.data import TimerKind
from bot.flows.records import ComplaintRecord, State
from tests.flows.chat import Chat

FIRST = ("阳光花园5栋停水了 我姓王", "电话13812345678 打不通就打我老婆的13987654321")


def _first_case(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for text in FIRST:
        chat.send(text)
    assert chat.send("对").complaint is not None and chat.state is State.HANDED_OFF
    return chat


def while_with_the_staff(chat: Chat, problem: str) -> None:
    chat.send(f"另外还有个事 {problem}")


def at_the_callback(chat: Chat, problem: str) -> None:
    chat.send(Resolved(summary="已恢复供水"))
    asked = chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    assert chat.phrase_ids(asked) == ["satisfaction_ask_rating_summary"]
    chat.send(f"另外 {problem}")


SECOND = "翠湖天地3栋的电梯坏了一个星期了"


def _registered(chat: Chat, yes: str = "对") -> ComplaintRecord:
    step = chat.send(yes)
    assert step.complaint is not None and chat.state is State.HANDED_OFF
    return step.complaint


@pytest.mark.parametrize("second", [while_with_the_staff, at_the_callback])
def test_the_second_case_keeps_the_phone_the_alternative_and_the_name(
    conversation_engine: ConversationEngine, second: Callable[[Chat, str], None]
) -> None:
    chat = _first_case(conversation_engine)
    first = chat.data.case_number
    second(chat, SECOND)
    restated = chat.texts(chat.steps[-1]).splitlines()
    assert "电话：13812345678（备用：13987654321）" in restated, restated
    assert "称呼：姓王" in restated and "地点：翠湖天地3栋" in restated, restated
    assert "ask_phone" not in chat.phrase_ids(chat.steps[-1])
    record = _registered(chat)
    assert record.case_number != first
    assert (record.contact_phone, record.alternative_phone) == ("13812345678", "13987654321")
    assert record.customer_surname == "王" and record.area == "翠湖天地3栋"


@pytest.mark.parametrize("second", [while_with_the_staff, at_the_callback])
def test_the_second_case_is_said_in_the_customer_s_script(
    conversation_engine: ConversationEngine, second: Callable[[Chat, str], None]
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("陽光花園5棟停水了 電話13812345678")
    assert chat.send("對").complaint is not None
    second(chat, "翠湖天地3棟的電梯壞了一個星期了")
    said = chat.texts(chat.steps[-1])
    assert "請問以上內容是否正確" in said and "电梯" not in said, said
