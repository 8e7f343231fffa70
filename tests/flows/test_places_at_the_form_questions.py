"""Places answered at the form's questions: words about the phone at the place question are no
place; an estate said in a pause of its own is the place, with the building said before it; a
place holding a word of the complaint at the phone question is noted as the place, not more of
the problem; a bare "不对" to the place question has it asked again."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import State
from tests.flows.chat import Chat

SMS_NUMBER = "13912345604"


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def test_the_phone_spoken_of_at_the_place_question_is_no_place(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(CustomerSaid("燃气费 暖气费 一起扣了 扣了两次", sender_phone=SMS_NUMBER))
    step = chat.send(CustomerSaid("用这个手机号就行", sender_phone=SMS_NUMBER))
    assert chat.state is State.AWAIT_AREA
    assert chat.phrase_ids(step) == [PhraseId.ASK_AREA_AGAIN]
    assert chat.data.phone == SMS_NUMBER
    chat.send(CustomerSaid("幸福小区3栋", sender_phone=SMS_NUMBER))
    assert chat.line(chat.steps[-1], "地点：") == "地点：幸福小区3栋"


def test_the_estate_said_after_the_building_in_its_own_pause_is_part_of_the_place(chat: Chat) -> None:
    chat.send("对门邻居把鞋柜和杂物堆在楼道里，我说了几次他还骂我，你们管不管")
    chat.send("12栋 就是和平小区的 13912340308")
    assert chat.state is State.CONFIRMING
    assert chat.line(chat.steps[-1], "地点：") == "地点：和平小区12栋"


def test_the_estate_told_again_with_a_filler_answers_which_estate(chat: Chat) -> None:
    chat.send("对门邻居把鞋柜和杂物堆在楼道里")
    chat.send("12栋 13912340308")
    assert PhraseId.ASK_ESTATE in chat.phrase_ids(chat.steps[-1])
    chat.send("和平小区啊 我刚说了")
    assert chat.state is State.CONFIRMING
    assert chat.line(chat.steps[-1], "地点：") == "地点：和平小区12栋"


@pytest.mark.parametrize(
    ("problem", "place", "area"),
    [
        ("停车费乱收费 临时停车两小时 收了我30块", "在锦绣家园北门停车场", "锦绣家园北门"),
        ("快递柜坏了 取不出快递", "快递柜在碧水湾小区东门", "碧水湾小区东门"),
    ],
)
def test_a_place_with_a_word_of_the_complaint_at_the_phone_question_is_noted_as_the_place(
    chat: Chat, problem: str, place: str, area: str
) -> None:
    chat.send(problem)
    step = chat.send(place)
    assert chat.phrase_ids(step) == [PhraseId.PLACE_NOTED_ASK_PHONE_FORM]
    assert chat.data.area == area
    assert chat.data.description == [problem]


def test_a_place_after_more_of_the_problem_at_the_phone_question_is_still_the_problem(chat: Chat) -> None:
    chat.send("停车费乱收费")
    chat.send("临时停车两小时收了我30块 在锦绣家园北门")
    assert chat.data.description[-1] == "临时停车两小时收了我30块 在锦绣家园北门"


@pytest.mark.parametrize(
    ("message", "place", "problem"),
    [
        ("停车场收费乱 锦绣家园 13912340804", "地点：锦绣家园", "问题：停车场收费乱（物业服务）"),
        ("电梯坏了 阳光花园 13912340805", "地点：阳光花园", "问题：电梯坏了（工程维修）"),
    ],
)
def test_an_estate_said_as_a_pause_of_its_own_in_the_complaint_is_the_place(
    chat: Chat, message: str, place: str, problem: str
) -> None:
    chat.send(message)
    assert chat.state is State.CONFIRMING
    assert chat.line(chat.steps[-1], "地点：") == place
    assert chat.line(chat.steps[-1], "问题：") == problem


def test_a_bare_no_to_the_place_question_has_it_asked_again(chat: Chat) -> None:
    chat.send("水管漏水了 楼上往下滴水")
    chat.send("13912340111")
    step = chat.send("不对")
    assert chat.state is State.AWAIT_AREA
    assert chat.phrase_ids(step) == [PhraseId.ASK_AREA_AGAIN]


def test_a_gate_of_an_estate_in_pinyin_with_the_phone_is_the_place(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("The parcel locker ate my package and won't open.")
    chat.send("east gate of Bishuiwan, phone 13912340404")
    assert chat.state is State.CONFIRMING
    assert chat.data.area == "east gate of Bishuiwan"


def test_an_estate_named_alone_at_the_phone_question_is_the_estate_of_the_building_told(chat: Chat) -> None:
    """c37: "锦绣江南" went into the problem, the phone was asked word for word again, and after the
    number "请问5栋是哪个小区的呢？"."""
    chat.send("5栋的路灯坏了一个月了")
    step = chat.send("锦绣江南")
    assert chat.state is State.AWAIT_PHONE
    assert chat.phrase_ids(step) == [PhraseId.PLACE_NOTED_ASK_PHONE_FORM]
    assert "锦绣江南5栋" in chat.texts(step)
    step = chat.send("13900002222")
    assert "哪个小区" not in chat.texts(step)
    assert "锦绣江南" not in chat.line(step, "问题：")
    assert chat.line(step, "地点：") == "地点：锦绣江南5栋"


def test_a_hong_kong_address_in_english_at_the_phone_question_is_the_place(chat: Chat) -> None:
    """c46: the flat, tower, estate and district sent at the phone question were asked for again."""
    chat.send("The corridor lights on our floor have been out for a week")
    step = chat.send("Rm 1203, 12/F, Tower 5, Metro Harbour View, Tai Kok Tsui")
    assert chat.state is State.AWAIT_PHONE
    assert chat.phrase_ids(step) == [PhraseId.PLACE_NOTED_ASK_PHONE_FORM]
    step = chat.send("13900002222")
    assert PhraseId.CONFIRM_QUESTION in chat.phrase_ids(step)
    assert "Metro Harbour View" in chat.texts(step)


def test_the_words_before_an_english_address_at_the_phone_question_are_no_part_of_the_place(chat: Chat) -> None:
    """The bot noted "its flat 12B tower 3 Lohas Park" and restated it as the place."""
    chat.send("The corridor lights on our floor have been out for a week")
    step = chat.send("its flat 12B tower 3 Lohas Park")
    assert chat.state is State.AWAIT_PHONE
    assert "the address: flat 12B tower 3 Lohas Park" in chat.texts(step)
    step = chat.send("13900002222")
    assert chat.line(step, "Place:") == "Place: flat 12B tower 3 Lohas Park"
