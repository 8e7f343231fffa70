"""Places as customers give them: an estate said in a pause of its own before its block (Hong
Kong's 座), a block told later in the message, a place given with the escalation's phone, time
words and fillers around a place, parts of roads and basements, Cantonese 喺."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def _at_the_place_question(chat: Chat) -> None:
    chat.send("电梯坏了三天了")
    chat.send("13912345678")
    assert chat.state is State.AWAIT_AREA


def test_an_estate_in_its_own_pause_before_its_block_is_the_estate(chat: Chat) -> None:
    _at_the_place_question(chat)
    step = chat.send("太古城 12座")
    assert PhraseId.ASK_ESTATE not in chat.phrase_ids(step)
    assert chat.line(step, "地点：") == "地点：太古城12座"


def test_an_estate_and_its_block_at_the_phone_question_are_noted_whole(chat: Chat) -> None:
    chat.send("电梯坏了三天了")
    step = chat.send("太古城 12座")
    assert chat.phrase_ids(step) == [PhraseId.PLACE_NOTED_ASK_PHONE_FORM]
    assert "太古城12座" in chat.texts(step)
    step = chat.send("13912345678")
    assert chat.line(step, "地点：") == "地点：太古城12座"


def test_a_block_told_later_in_the_message_joins_the_estate_named(chat: Chat) -> None:
    chat.send("我们那个小区叫做华润二十四城，电梯老是坏，上个礼拜还困了人，我住在十二栋")
    step = chat.send("13912345678")
    assert chat.line(step, "地点：") == "地点：华润二十四城十二栋"


def _escalated(chat: Chat) -> None:
    step = chat.send("小区垃圾一个礼拜没人清运了，叫你们领导出来")
    assert chat.state is State.HANDED_OFF and chat.data.case_number is not None
    assert "电话号码" in chat.texts(step)


def test_an_estate_given_with_the_phone_for_the_supervisor_is_not_asked_again(chat: Chat) -> None:
    _escalated(chat)
    step = chat.send("13899990000 保利天悦")
    assert PhraseId.ASK_AREA not in chat.phrase_ids(step)
    assert step.contact is not None
    assert (step.contact.phone, step.contact.area) == ("13899990000", "保利天悦")


def test_the_surname_and_place_given_with_the_phone_for_the_supervisor_go_on_the_case(chat: Chat) -> None:
    _escalated(chat)
    step = chat.send("我姓李 电话15288887777 地址是南山区海岸城7栋")
    assert PhraseId.ASK_AREA not in chat.phrase_ids(step)
    assert step.contact is not None
    assert (step.contact.phone, step.contact.surname) == ("15288887777", "李")
    assert step.contact.area is not None and "海岸城7栋" in step.contact.area


def test_a_time_is_no_part_of_a_place_and_a_gate_alone_asks_its_estate_once(chat: Chat) -> None:
    _at_the_place_question(chat)
    step = chat.send("就是今天早上 在南门")
    assert chat.phrase_ids(step) == [PhraseId.ASK_ESTATE]
    assert "今天" not in chat.texts(step)
    step = chat.send("阳光花园")
    assert chat.line(step, "地点：") == "地点：阳光花园南门"


def test_a_gate_alone_is_asked_about_only_once(chat: Chat) -> None:
    _at_the_place_question(chat)
    chat.send("今天早上在南门")
    step = chat.send("不知道")
    assert chat.line(step, "地点：") == "地点：南门"


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ("台北市信義區 松仁路100號 翠湖天地", "地點：台北市信義區松仁路100號翠湖天地"),
        ("金地格林小镇 地下二层", "地点：金地格林小镇地下二层"),
        ("金地格林小镇 负二楼", "地点：金地格林小镇负二楼"),
        ("学府路和文化路交叉口那边", "地点：学府路和文化路交叉口"),
        ("我住喺海怡半島2座15樓B室", "地點：海怡半島2座15樓B室"),
    ],
)
def test_a_place_answered_is_kept_whole_without_the_words_around_it(chat: Chat, answer: str, place: str) -> None:
    _at_the_place_question(chat)
    step = chat.send(answer)
    assert chat.state is State.CONFIRMING
    assert chat.line(step, place.split("：")[0] + "：") == place


def test_a_problem_said_after_the_address_is_no_part_of_the_place(chat: Chat) -> None:
    _at_the_place_question(chat)
    chat.send("松仁路100号 漏水")
    assert chat.data.area == "松仁路100号"
