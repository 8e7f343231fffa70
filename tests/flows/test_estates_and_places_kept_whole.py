"""Places a player found cut short (places4 report): an estate's name typed apart from its building
("翠湖天地 7栋", with its phase: "翠湖天地2期 7栋楼下") stays with it, never asked which estate; a
known place typed on in Latin letters with its tower ("望京SOHO T3 12层"), a car park's numbered space
("B2-108") and a subdistrict (街道) are kept whole, and the problem keeps none of their characters."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


def at_the_phone_question(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("电梯坏了")
    assert chat.state is State.AWAIT_PHONE
    return chat


@pytest.mark.parametrize(
    ("said", "place"), [("翠湖天地2期 7栋楼下", "翠湖天地2期7栋"), ("翠湖天地 7栋", "翠湖天地7栋")]
)
def test_an_estate_typed_apart_from_its_building_at_the_phone_question_is_noted_with_it(
    conversation_engine: ConversationEngine, said: str, place: str
) -> None:
    chat = at_the_phone_question(conversation_engine)
    noted = chat.send(said)
    assert chat.phrase_ids(noted) == [PhraseId.PLACE_NOTED_ASK_PHONE_FORM]
    assert f"地址已记录：{place}。" in chat.texts(noted)
    restated = chat.send("13912345678")
    assert chat.state is State.CONFIRMING
    assert chat.line(restated, "地点：") == f"地点：{place}"


@pytest.mark.parametrize("first", ["翠湖天地 7栋 电梯坏了", "电梯坏了 翠湖天地 7栋", "楼上漏水 翠湖天地 7栋"])
def test_an_estate_typed_apart_from_its_building_with_the_problem_is_never_asked_again(
    conversation_engine: ConversationEngine, first: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(first)
    restated = chat.send("13912345678")
    assert chat.state is State.CONFIRMING
    assert chat.line(restated, "地点：") == "地点：翠湖天地7栋"


@pytest.mark.parametrize(("first", "problem"), [("停电 3号楼", "停电"), ("厨房漏水 7栋", "厨房漏水")])
def test_a_problem_before_a_building_is_no_estate_s_name(
    conversation_engine: ConversationEngine, first: str, problem: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(first)
    asked = chat.send("13912345678")
    assert chat.phrase_ids(asked) == [PhraseId.ASK_ESTATE]
    assert problem not in chat.texts(asked)


@pytest.mark.parametrize(
    ("said", "place"),
    [("望京SOHO T3 12层", "望京SOHO T3 12层"), ("万达世纪城地下车库B2-108", "万达世纪城地下车库B2-108")],
)
def test_a_place_is_kept_with_its_tower_and_its_numbered_space(
    conversation_engine: ConversationEngine, said: str, place: str
) -> None:
    chat = at_the_phone_question(conversation_engine)
    chat.send("13912345678")
    assert chat.state is State.AWAIT_AREA
    restated = chat.send(said)
    assert chat.line(restated, "地点：") == f"地点：{place}"


def test_a_subdistrict_is_one_place_and_none_of_it_goes_into_the_problem(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("朝阳区望京街道 路边的共享单车堆成山 堵路")
    restated = chat.send("13912345678")
    assert chat.line(restated, "地点：") == "地点：朝阳区望京街道"
    assert chat.line(restated, "问题：").startswith("问题：路边的共享单车堆成山 堵路")
