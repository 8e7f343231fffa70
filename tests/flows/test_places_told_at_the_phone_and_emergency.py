"""Places a player found taken for something else (places4 report): at the phone question an estate and
its car park typed apart ("万达世纪城 地面停车场", "沙田第一城 停車場") or a bare estate's name ("碧水蓝天",
"保利天悦") is the place, noted, never more of the problem nor a phone dodged, and not asked again; an
estate's name alone as a first message asks what happened; in an emergency the estate told after the
building ("3号楼" … "阳光花园") joins it, never the problem's words."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


def at_the_phone_question(engine: ConversationEngine, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    chat.send("电梯坏了")
    assert chat.state is State.AWAIT_PHONE
    return chat


@pytest.mark.parametrize(
    ("said", "place", "phone"),
    [
        ("万达世纪城 地面停车场", "万达世纪城地面停车场", "13912345678"),
        ("沙田第一城 停車場", "沙田第一城停車場", "91234567"),
        ("碧水蓝天", "碧水蓝天", "13912345678"),
        ("保利天悦", "保利天悦", "13912345678"),
    ],
)
def test_a_place_told_at_the_phone_question_is_noted_and_never_asked_again(
    conversation_engine: ConversationEngine, said: str, place: str, phone: str
) -> None:
    chat = at_the_phone_question(conversation_engine)
    noted = chat.send(said)
    assert chat.phrase_ids(noted) == [PhraseId.PLACE_NOTED_ASK_PHONE_FORM]
    assert "不留" not in chat.texts(noted)
    restated = chat.send(phone)
    assert chat.state is State.CONFIRMING
    problem = chat.line(restated, "问题：") if "问题：" in chat.texts(restated) else chat.line(restated, "問題：")
    assert said not in problem and place not in problem
    assert place in chat.texts(restated)


@pytest.mark.parametrize("said", ["稍等一下", "辛苦辛苦", "明白明白"])
def test_words_to_the_bot_at_the_phone_question_are_no_estate(
    conversation_engine: ConversationEngine, said: str
) -> None:
    chat = at_the_phone_question(conversation_engine)
    asked = chat.send(said)
    assert "地址已记录" not in chat.texts(asked)


def test_a_developer_s_estate_alone_as_the_first_message_asks_what_happened(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    asked = chat.send("保利天悦")
    assert chat.phrase_ids(asked) == [PhraseId.INVITE_COMPLAINT_AGAIN]
    assert "已记录" not in chat.texts(asked)


def test_an_estate_told_after_the_building_in_an_emergency_joins_the_place(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for said in ("电梯", "又坏了", "3号楼", "里面困了人！！"):
        chat.send(said)
    assert chat.state is State.HANDED_OFF
    noted = chat.send("阳光花园")
    assert chat.phrase_ids(noted) == [PhraseId.PLACE_NOTED_ASK_PHONE]
    assert "地址已记录：阳光花园3号楼。" in chat.texts(noted)
    # The case the supervisor works has the estate with the building, in place of the building alone.
    assert noted.contact is not None and noted.contact.area == "阳光花园3号楼" and noted.contact.area_replaces
    restated = chat.send("13912345678")
    assert chat.line(restated, "地点：") == "地点：阳光花园3号楼"
    assert "阳光花园" not in chat.line(restated, "问题：")
