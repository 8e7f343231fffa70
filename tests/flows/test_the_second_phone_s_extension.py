"""A landline with its extension given as the number to try too (places report): the extension is
kept with that number, not lost, and said back with it: in the restatement (备用：010-62345678转8021)
and when noted after the hand-off; the case carries it for the agent (``alternative_extension``)."""

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
    started.send("电梯坏了")
    return started


@pytest.mark.parametrize(
    "messages",
    [
        ["13912345678 打不通就打010-62345678转8021", "阳光花园5栋"],
        ["13912345678", "另外一个号码 010-62345678转8021", "阳光花园5栋"],
        ["13912345678", "另外一个号码 010-62345678", "阳光花园5栋", "备用电话是010-62345678转8021"],
    ],
)
def test_the_second_phone_s_extension_is_restated_with_it(chat: Chat, messages: list[str]) -> None:
    for message in messages:
        restated = chat.send(message)
    assert chat.state is State.CONFIRMING
    assert chat.line(restated, "电话：") == "电话：13912345678（备用：010-62345678转8021）"
    chat.send("对")
    record = next(step.complaint for step in chat.steps if step.complaint is not None)
    assert (record.contact_phone, record.contact_extension) == ("13912345678", None)
    assert (record.alternative_phone, record.alternative_extension) == ("01062345678", "8021")


def test_the_first_phone_s_extension_stays_with_it_when_a_mobile_is_the_second(chat: Chat) -> None:
    chat.send("010-62345678转8021 或者打13912345678")
    restated = chat.send("阳光花园5栋")
    assert chat.line(restated, "电话：") == "电话：010-62345678转8021（备用：13912345678）"


def test_the_second_phone_s_extension_given_after_the_hand_off_is_noted_with_it(chat: Chat) -> None:
    chat.send("13912345678")
    chat.send("阳光花园5栋")
    chat.send("对")
    noted = chat.send("打不通就打我单位的010-62345678转8021")
    assert chat.texts(noted) == "好的，已为您记下备用电话010-62345678转8021，联系不上您时工作人员会拨打这个号码。"
    assert noted.contact is not None
    assert (noted.contact.phone, noted.contact.alternative, noted.contact.extension) == ("01062345678", True, "8021")
