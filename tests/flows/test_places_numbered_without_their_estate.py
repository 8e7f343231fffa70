"""Places told as numbers alone and the estates told after them (places report): a block lettered
rather than numbered ("B座12楼"), a flat written with dashes ("3-2-1201") and a floor said by who
lives there ("我住18樓") are asked which estate they are in, in the customer's script, and the answer
makes one place with them, named as long as the customer named it ("金融街中心"); a car park's level
("B2") stays with it."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


def at_the_place_question(engine: ConversationEngine, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    if locale == "zh-HK":
        chat.send("部電梯壞咗")
        chat.send("91234567")
    else:
        chat.send("电梯坏了")
        chat.send("13912345678")
    assert chat.state is State.AWAIT_AREA
    return chat


def test_a_lettered_block_is_asked_its_estate_and_the_estate_named_in_full_goes_before_it(
    conversation_engine: ConversationEngine,
) -> None:
    chat = at_the_place_question(conversation_engine)
    asked = chat.send("B座12楼")
    assert chat.texts(asked) == "请问B座12楼是哪个小区的呢？请您告诉我小区名称，例如“阳光花园”。"
    restated = chat.send("金融街中心")
    assert chat.state is State.CONFIRMING
    assert chat.line(restated, "地点：") == "地点：金融街中心B座12楼"


@pytest.mark.parametrize(("estate", "place"), [("阳光花园", "阳光花园3-2-1201"), ("幸福里小区", "幸福里小区3-2-1201")])
def test_a_flat_written_with_dashes_alone_is_asked_its_estate(
    conversation_engine: ConversationEngine, estate: str, place: str
) -> None:
    chat = at_the_place_question(conversation_engine)
    asked = chat.send("3-2-1201")
    assert chat.phrase_ids(asked) == [PhraseId.ASK_ESTATE]
    assert chat.texts(asked) == "请问3-2-1201是哪个小区的呢？请您告诉我小区名称，例如“阳光花园”。"
    assert chat.line(chat.send(estate), "地点：") == f"地点：{place}"


def test_a_flat_written_with_dashes_with_the_problem_is_asked_its_estate_after_the_phone(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("电梯坏了 3-2-1201")
    asked = chat.send("13912345678")
    assert chat.phrase_ids(asked) == [PhraseId.ASK_ESTATE]
    assert chat.line(chat.send("不知道"), "地点：") == "地点：3-2-1201"


def test_a_flat_written_with_dashes_after_its_estate_is_not_asked_again(
    conversation_engine: ConversationEngine,
) -> None:
    chat = at_the_place_question(conversation_engine)
    restated = chat.send("阳光花园3-2-1201")
    assert chat.state is State.CONFIRMING
    assert chat.line(restated, "地点：") == "地点：阳光花园3-2-1201"


def test_a_car_park_s_level_stays_with_the_place(conversation_engine: ConversationEngine) -> None:
    chat = at_the_place_question(conversation_engine)
    restated = chat.send("碧水湾地下车库B2")
    assert chat.line(restated, "地点：") == "地点：碧水湾地下车库B2"


def test_a_car_park_s_level_told_with_the_problem_stays_with_the_place_and_out_of_the_problem(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("碧水湾地下车库B2漏水")
    restated = chat.send("13912345678")
    assert chat.line(restated, "地点：") == "地点：碧水湾地下车库B2"
    assert "B2" not in chat.line(restated, "问题：")


def test_a_floor_a_hong_kong_customer_lives_on_is_asked_its_estate_in_traditional_script(
    conversation_engine: ConversationEngine,
) -> None:
    chat = at_the_place_question(conversation_engine, "zh-HK")
    asked = chat.send("我住18樓")
    assert chat.texts(asked) == "請問18樓是哪個小區的呢？請您告訴我小區名稱，例如“陽光花園”。"
    restated = chat.send("太古城")
    assert chat.line(restated, "地點：") == "地點：太古城18樓"
    assert chat.line(restated, "問題：") == "問題：部電梯壞咗（工程維修）"


def test_a_floor_a_hong_kong_customer_lives_on_is_said_back_as_the_floor_when_no_estate_is_known(
    conversation_engine: ConversationEngine,
) -> None:
    chat = at_the_place_question(conversation_engine, "zh-HK")
    chat.send("我住18樓")
    restated = chat.send("唔知")
    assert chat.state is State.CONFIRMING
    assert chat.line(restated, "地點：") == "地點：18樓"


def test_a_floor_a_customer_lives_on_is_the_floor_without_who_lives_there(
    conversation_engine: ConversationEngine,
) -> None:
    chat = at_the_place_question(conversation_engine)
    asked = chat.send("我住18楼")
    assert chat.texts(asked) == "请问18楼是哪个小区的呢？请您告诉我小区名称，例如“阳光花园”。"
    assert chat.line(chat.send("阳光花园"), "地点：") == "地点：阳光花园18楼"


def test_an_estate_named_after_a_street_answering_the_restatement_goes_before_the_block(
    conversation_engine: ConversationEngine,
) -> None:
    chat = at_the_place_question(conversation_engine)
    chat.send("B座12楼")
    assert chat.line(chat.send("不知道"), "地点：") == "地点：B座12楼"
    restated = chat.send("金融街中心")
    assert chat.state is State.CONFIRMING
    assert chat.line(restated, "地点：") == "地点：金融街中心B座12楼"


def test_an_estate_named_after_a_street_with_its_block_is_the_place_whole(
    conversation_engine: ConversationEngine,
) -> None:
    chat = at_the_place_question(conversation_engine)
    restated = chat.send("金融街中心B座12楼")
    assert chat.line(restated, "地点：") == "地点：金融街中心B座12楼"


@pytest.mark.parametrize(
    ("part", "estate", "place"),
    [
        ("15楼", "阳光花园3栋", "阳光花园3栋15楼"),
        ("3单元", "阳光花园3栋", "阳光花园3栋3单元"),
        ("6栋门口", "御景华府3栋", "御景华府3栋"),  # a building of its own replaces the one told before
        ("15楼", "阳光花园3栋1502室", "阳光花园3栋1502室"),
    ],
)
def test_a_floor_or_unit_told_first_stays_inside_the_estate_and_building_told_after(
    conversation_engine: ConversationEngine, part: str, estate: str, place: str
) -> None:
    chat = at_the_place_question(conversation_engine)
    chat.send(part)
    restated = chat.send(estate)
    assert chat.state is State.CONFIRMING
    assert chat.line(restated, "地点：") == f"地点：{place}"
