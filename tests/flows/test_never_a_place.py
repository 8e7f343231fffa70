"""Words of not knowing, not wanting, a retort or fillers ("不知道", "不清楚", "随便", "你猜", "not sure")
are never a place, on any path: the phone question of the duty supervisor's path (after "你们根本不管
第三次投诉了 我要找你们领导", where "不知道" was once noted as the address because 道 ends a road's
name), the place question of the form, of the supervisor's path and of an emergency. The customer
never hears "地址已记录：不知道" and the restatement says 地点：未提供."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat

NOT_A_PLACE = [
    *("不知道", "不清楚", "随便", "你猜", "not sure"),
    *("不知道啊", "我也不清楚", "无所谓", "不晓得", "I'm not sure"),
    # All is well, no need: the words of "不用了", in English.
    *("no it's fine", "it's fine", "nah it's ok", "that's fine"),
]
REPEATED_ESCALATION = "你们根本不管 第三次投诉了 我要找你们领导"
MANAGER = "物业乱收停车费 叫你们经理出来"
GAS = "楼道里煤气味特别大 是不是漏气了"
PHONE = "13800138000"


def _chat(engine: ConversationEngine, answer: str) -> Chat:
    chat = Chat(engine, locale="en" if answer.isascii() else "zh-CN")
    chat.send(Started())
    return chat


def _place_noted(chat: Chat) -> bool:
    """Was the customer ever told an address was noted ("好的，地址已记录：…")?"""
    return any(str(phrase).startswith("place_noted") for step in chat.steps for phrase in chat.phrase_ids(step))


@pytest.mark.parametrize("answer", NOT_A_PLACE)
@pytest.mark.parametrize("first", [REPEATED_ESCALATION, MANAGER, GAS])
def test_an_answer_to_the_supervisors_phone_question_saying_nothing_of_where_is_no_place(
    conversation_engine: ConversationEngine, first: str, answer: str
) -> None:
    chat = _chat(conversation_engine, answer)
    chat.send(first)
    assert chat.state is State.HANDED_OFF
    step = chat.send(answer)
    assert chat.data.area is None, chat.texts(step)
    assert not _place_noted(chat), chat.texts(step)
    step = chat.send(PHONE)
    assert chat.data.area is None
    assert chat.line(step, "地点：" if chat.locale == "zh-CN" else "Place:") in ("地点：未提供", "Place: not given")


@pytest.mark.parametrize("answer", NOT_A_PLACE)
@pytest.mark.parametrize("first", [MANAGER, GAS])
def test_an_answer_to_the_supervisors_place_question_saying_nothing_of_where_is_no_place(
    conversation_engine: ConversationEngine, first: str, answer: str
) -> None:
    chat = _chat(conversation_engine, answer)
    chat.send(first)
    chat.send(PHONE)
    step = chat.send(answer)
    assert chat.data.area is None, chat.texts(step)
    assert "地点：" + answer not in chat.texts(step)
    assert not _place_noted(chat)


@pytest.mark.parametrize("answer", NOT_A_PLACE)
def test_an_answer_to_the_forms_place_question_saying_nothing_of_where_is_no_place(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    chat = _chat(conversation_engine, answer)
    english = "The lift in my building has been broken all morning"
    chat.send("小区电梯坏了 停了一上午" if chat.locale == "zh-CN" else english)
    chat.send(PHONE)
    assert chat.state is State.AWAIT_AREA
    step = chat.send(answer)
    assert chat.data.area is None, chat.texts(step)
    assert answer not in chat.texts(step)
    assert not _place_noted(chat)


@pytest.mark.parametrize("place", ["阳光花园5栋", "不知道叫什么路 就在阳光花园门口"])
def test_a_place_beside_words_of_not_knowing_is_still_the_place(
    conversation_engine: ConversationEngine, place: str
) -> None:
    chat = _chat(conversation_engine, place)
    chat.send(REPEATED_ESCALATION)
    step = chat.send(place)
    assert chat.data.area is not None and chat.data.area.startswith("阳光花园")
    assert "地址已记录：阳光花园" in chat.texts(step)


ENGLISH_PROBLEM = "hi, my kitchen tap is leaking since yesterday"


@pytest.mark.parametrize("answer", ["no it's fine", "it's fine", "nah it's ok", "No, it's fine.", "that's alright"])
def test_all_is_well_at_the_english_place_question_asks_once_more_with_the_way_out(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    chat = _chat(conversation_engine, answer)
    chat.send(ENGLISH_PROBLEM)
    chat.send("my number is 91234567")
    step = chat.send(answer)
    assert chat.data.area is None
    assert chat.phrase_ids(step) == ["ask_area_again"]
    assert 'If there is no particular place, please reply "none".' in chat.texts(step)
    step = chat.send(answer)
    assert chat.line(step, "Place:") == "Place: not given"


@pytest.mark.parametrize(
    "answer", ["skip", "Skip it.", "no need", "not needed", "no thanks", "never mind", "doesn't matter", "I don't know"]
)
def test_skipping_the_english_place_question_goes_on_without_a_place(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    chat = _chat(conversation_engine, answer)
    chat.send(ENGLISH_PROBLEM)
    chat.send("my number is 91234567")
    step = chat.send(answer)
    assert chat.state is State.CONFIRMING
    assert chat.line(step, "Place:") == "Place: not given"
