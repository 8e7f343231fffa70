"""Places a customer player wrote (places report): a full address with its province and city is said
back whole and none of it as the problem; an apology or an "ok" before the place, and the phone
typed with it, are no part of it; a flat number said aloud before a filler is kept and the filler is
not; an estate's car park and gate are parts of the place; "in" after a developer's estate is not
part of its name."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import State
from tests.flows.chat import Chat


def restated_line(chat: Chat, label: str) -> str:
    said = chat.texts(chat.steps[-1]).splitlines()
    return next(line for line in said if line.startswith(label))


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def sms(engine: ConversationEngine, *messages: str, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    for message in messages:
        chat.send(CustomerSaid(message, sender_phone="13912345604"))
    return chat


def test_a_full_address_with_province_and_city_is_the_place_and_none_of_the_problem(chat: Chat) -> None:
    chat.send("广东省深圳市南山区粤海街道科苑南路3099号阳光花园5栋2单元1203室 燃气费多扣了两百")
    chat.send("13912340019")
    assert chat.state is State.CONFIRMING
    assert restated_line(chat, "地点：") == "地点：广东省深圳市南山区粤海街道科苑南路3099号阳光花园5栋2单元1203室"
    assert restated_line(chat, "问题：") == "问题：燃气费多扣了两百（收费类）"


def test_a_village_address_over_sms_is_the_place_whole(conversation_engine: ConversationEngine) -> None:
    chat = sms(conversation_engine, "河南省周口市淮阳县王店镇李家村三组 自来水停了两天了 没人管")
    assert chat.state is State.CONFIRMING
    assert restated_line(chat, "地点：") == "地点：河南省周口市淮阳县王店镇李家村三组"
    assert restated_line(chat, "问题：") == "问题：自来水停了两天了 没人管（工程维修）"


@pytest.mark.parametrize("answer", ["sorry 13812345678 阳光花园5栋", "OK 13812345678 阳光花园5栋"])
def test_an_english_apology_and_the_phone_before_the_place_are_not_the_place(chat: Chat, answer: str) -> None:
    chat.send("水管漏水了 楼上往下滴水")
    chat.send(answer)
    assert restated_line(chat, "地点：") == "地点：阳光花园5栋"
    assert restated_line(chat, "电话：") == "电话：13812345678"


@pytest.mark.parametrize("answer", ["sorry 阳光花园5栋", "Hi, 阳光花园5栋"])
def test_an_english_apology_at_the_place_question_is_not_the_place(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    chat = sms(conversation_engine, "水管漏水了 楼上往下滴水", answer)
    assert restated_line(chat, "地点：") == "地点：阳光花园5栋"


@pytest.mark.parametrize(
    "message",
    [
        "那个嗯我家暖气不热啊 幸福小区十二栋三单元502啊 电话是13912340050",
        "嗯那个就是啊我想说一下那个我们家那个暖气啊不热已经好几天了嗯那个我住在那个幸福小区十二栋三单元502啊"
        "电话是一三九一二三四五六七八",
    ],
)
def test_a_flat_number_said_aloud_before_a_filler_is_kept_and_the_filler_is_not(chat: Chat, message: str) -> None:
    chat.send(message)
    assert chat.state is State.CONFIRMING
    assert restated_line(chat, "地点：") == "地点：幸福小区十二栋三单元502"
    problem = restated_line(chat, "问题：")
    assert "502" not in problem and "幸福" not in problem and "啊（" not in problem


def test_a_filler_around_the_answer_to_where_is_not_the_place(chat: Chat) -> None:
    chat.send("水管漏水了")
    chat.send("13912340050")
    chat.send("就我家楼下啊")
    chat.send("不知道")  # which estate's
    assert restated_line(chat, "地点：") == "地点：我家楼下"


def test_an_estates_car_park_in_english_is_the_place(conversation_engine: ConversationEngine) -> None:
    chat = sms(conversation_engine, "The pipe is leaking", "Sunshine Garden carpark", locale="en")
    assert restated_line(chat, "Place:") == "Place: Sunshine Garden carpark"


def test_the_gate_of_an_estate_is_the_place_and_leaves_no_dangling_words(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("Your security guard Mr Li shouted at my kid yesterday at the north gate of Sunshine Garden")
    chat.send("13912340050")
    assert restated_line(chat, "Place:") == "Place: north gate of Sunshine Garden"
    problem = "Problem: Your security guard Mr Li shouted at my kid yesterday (Service attitude)"  # as 保安吼我孩子 is
    assert restated_line(chat, "Problem:") == problem


@pytest.mark.parametrize(
    ("message", "place"), [("我住恒大绿洲里5栋 停水了", "恒大绿洲5栋"), ("我家在万科城里3栋 停电了", "万科城3栋")]
)
def test_in_a_developers_estate_is_not_part_of_its_name(chat: Chat, message: str, place: str) -> None:
    chat.send(message)
    chat.send("13912340050")
    assert restated_line(chat, "地点：") == f"地点：{place}"
    assert restated_line(chat, "问题：").startswith("问题：停")
