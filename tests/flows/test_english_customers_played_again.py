"""English customers played again: a Hong Kong or Singapore address read whole beside the problem or at
the place question ("Flat 7C, 22 Kings Road, North Point", "Unit 12-05, The Sail @ Marina Bay"); a fall on a wet
floor left without a sign and a broken wrist read as the estate's safety and someone hurt, not a repair; an addition
at the restatement past its length said back; "where?" at the phone question answered as "why?" is; the same angry
message a third time within seconds answered, not met with silence."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat

PLACES = [
    "Flat 7C, 22 Kings Road, North Point",
    "Blk 88 Toa Payoh Lor 4",
    "Unit 12-05, The Sail @ Marina Bay",
    "Room 1203, Tower 2, Harbour View Garden",
]


def english_chat(engine: ConversationEngine, *messages: str) -> Chat:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    for message in messages:
        chat.send(message)
    return chat


@pytest.mark.parametrize("place", PLACES)
def test_the_whole_place_beside_the_problem_is_restated(conversation_engine: ConversationEngine, place: str) -> None:
    chat = english_chat(conversation_engine, f"the lift is broken at {place}. 9123 4567")
    assert chat.state is State.CONFIRMING
    assert chat.line(chat.steps[-1], "Place:") == f"Place: {place}"


@pytest.mark.parametrize("place", PLACES)
def test_the_whole_place_first_and_the_problem_after_is_restated(
    conversation_engine: ConversationEngine, place: str
) -> None:
    chat = english_chat(conversation_engine, f"{place}, the lift is broken, 9123 4567")
    assert chat.line(chat.steps[-1], "Place:") == f"Place: {place}"


@pytest.mark.parametrize("place", PLACES)
def test_the_whole_place_answered_is_noted(conversation_engine: ConversationEngine, place: str) -> None:
    chat = english_chat(conversation_engine, "the lift is broken", place)
    assert f"I have noted the address: {place}." in chat.texts(chat.steps[-1])
    step = chat.send("9123 4567")
    assert chat.line(step, "Place:") == f"Place: {place}"


@pytest.mark.parametrize("place", PLACES)
def test_the_whole_place_with_the_phone_is_restated(conversation_engine: ConversationEngine, place: str) -> None:
    chat = english_chat(conversation_engine, "the lift is broken", f"{place} 9123 4567")
    assert chat.line(chat.steps[-1], "Place:") == f"Place: {place}"


def test_a_slip_on_a_wet_floor_and_a_broken_wrist_is_someone_hurt_at_the_estate(
    conversation_engine: ConversationEngine,
) -> None:
    chat = english_chat(conversation_engine)
    step = chat.send("my mother slipped in the lobby and broke her wrist, the floor was wet and no sign")
    assert chat.phrase_ids(step) == ["safety_injured", "urgent_ask_phone"]
    chat.send("9123 4567")
    step = chat.send("Sunshine Garden")
    assert chat.line(step, "Problem:") == (
        "Problem: my mother slipped in the lobby and broke her wrist, the floor was wet and no sign (Property service)"
    )


def test_a_slip_on_a_wet_floor_without_a_sign_in_chinese_is_property_service(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我妈在大堂滑倒摔断了手腕，地很湿也没有警示牌")
    chat.send("13812345678")
    step = chat.send("阳光花园")
    assert chat.line(step, "问题：") == "问题：我妈在大堂滑倒摔断了手腕，地很湿也没有警示牌（物业服务）"


@pytest.mark.parametrize(
    ("locale", "first", "phone", "place", "addition", "problem"),
    [
        (
            "en",
            "the lift in my building has been broken for three days and nobody came to fix it",
            "9123 4567",
            "Sunshine Garden",
            "also the lobby lights are out",
            "Problem: the lift in my building has been broken for three days…, "
            "the lobby lights are out (Engineering and repairs)",
        ),
        (
            "zh-CN",
            "我家楼上卫生间一直往我家天花板漏水已经整整三天了天花板都泡坏了",
            "13812345678",
            "阳光花园",
            "还有楼道灯也坏了好几天了晚上黑漆漆的老人上下楼很不方便",
            "问题：我家楼上卫生间一直往我家天花板漏水已经整整三天了…，还有楼道灯也坏了好几天了…（工程维修）",
        ),
    ],
)
def test_an_addition_at_the_restatement_past_the_length_is_said_back_and_kept(
    conversation_engine: ConversationEngine,
    locale: str,
    first: str,
    phone: str,
    place: str,
    addition: str,
    problem: str,
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    for message in (first, phone, place):
        chat.send(message)
    assert chat.state is State.CONFIRMING
    step = chat.send(addition)
    assert chat.state is State.CONFIRMING
    start = problem.split(":" if locale == "en" else "：")[0]
    assert chat.line(step, start) == problem
    assert chat.data.description == [first, addition]


@pytest.mark.parametrize("where", ["where?", "where", "Where??", "where to call"])
def test_where_at_the_phone_question_hears_what_the_phone_is_for(
    conversation_engine: ConversationEngine, where: str
) -> None:
    chat = english_chat(conversation_engine, "the lift is broken")
    assert chat.state is State.AWAIT_PHONE
    step = chat.send(where)
    assert chat.phrase_ids(step) == ["ask_phone_again"]
    assert chat.data.description == ["the lift is broken"]
    step = chat.send(where)
    assert chat.phrase_ids(step) == ["explain_phone"]
    assert "You do not need to call us." in chat.texts(step)


@pytest.mark.parametrize(
    ("locale", "angry"),
    [("en", "WHY IS THE LIFT STILL BROKEN?!"), ("zh-CN", "电梯怎么还是坏的？！")],
)
def test_the_same_angry_message_a_third_time_within_seconds_is_answered(
    conversation_engine: ConversationEngine, locale: str, angry: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    chat.send(angry)
    assert chat.state is State.AWAIT_PHONE
    assert chat.send(angry).replies == []  # perhaps sent twice by the app: heard in silence
    step = chat.send(angry)
    assert chat.phrase_ids(step) == ["repeat_acknowledged", "ask_phone_again"]
    assert chat.send(angry).replies == []  # never after each one
    assert chat.send(angry).replies == []
    assert chat.phrase_ids(chat.send(angry)) == ["repeat_acknowledged", "ask_phone"]
    assert chat.data.description == [angry]
