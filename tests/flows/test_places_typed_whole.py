"""Places testers found cut down (place fixes): an answer to the place question, or a place put
right, keeps the whole place the customer typed (the building, unit, floor and flat, a named
building such as 金星閣); a place refined at the confirmation is not doubled; a correction given
straight away at "请问哪一项需要更正？" is applied and shown."""

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
    return started


def restated_line(chat: Chat, label: str) -> str:
    said = chat.texts(chat.steps[-1]).splitlines()
    return next(line for line in said if line.startswith(label))


def at_the_place_question(chat: Chat) -> Chat:
    chat.send("楼上漏水 滴到我家了")
    chat.send("13800138000")
    assert chat.state is State.AWAIT_AREA
    return chat


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ("3-2-501 阳光花园", "3-2-501阳光花园"),
        ("天河区 珠江新城 华穗路 雅居乐 1栋", "天河区珠江新城华穗路雅居乐1栋"),
        ("锦江花园 1号楼 顶楼 1801", "锦江花园1号楼顶楼1801"),
        ("嗯 锦江花园 1号楼 顶楼 1801", "锦江花园1号楼顶楼1801"),
        ("锦江花园 1号楼 顶楼 1801 今天早上", "锦江花园1号楼顶楼1801"),
    ],
)
def test_an_answer_to_the_place_question_keeps_every_part_typed(chat: Chat, answer: str, place: str) -> None:
    at_the_place_question(chat).send(answer)
    assert restated_line(chat, "地点：") == f"地点：{place}"


@pytest.mark.parametrize(
    ("answer", "place"),
    [("杏花邨28座10樓F", "地點：杏花邨28座10樓F"), ("太古城金星閣15樓B", "地點：太古城金星閣15樓B")],
)
def test_a_flat_letter_after_the_floor_without_its_room_word_stays_in_the_place(
    conversation_engine: ConversationEngine, answer: str, place: str
) -> None:
    chat = Chat(conversation_engine, locale="zh-HK")
    chat.send(Started())
    chat.send("樓上漏水 滴到我屋企")
    chat.send("91234567")
    chat.send(answer)
    assert restated_line(chat, "地點：") == place


def test_a_block_floor_and_flat_letter_told_alone_keep_the_letter_when_the_estate_is_asked(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, locale="zh-HK")
    chat.send(Started())
    chat.send("樓上漏水 滴到我屋企")
    chat.send("91234567")
    asked = chat.send("我住12座20樓C")
    assert "12座20樓C是哪個小區" in chat.texts(asked)
    chat.send("杏花邨")
    assert restated_line(chat, "地點：") == "地點：杏花邨12座20樓C"


def test_a_named_building_and_floor_after_an_estate_are_kept_and_can_be_put_right(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, locale="zh-HK")
    chat.send(Started())
    chat.send("樓上漏水 滴到我屋企")
    chat.send("91234567")
    chat.send("太古城 金星閣 15樓")
    assert restated_line(chat, "地點：") == "地點：太古城金星閣15樓"
    chat.send("不對")
    assert chat.state is State.CHOOSE_CORRECTION
    chat.send("3")
    chat.send("太古城 金星閣 15樓 B室")
    assert restated_line(chat, "地點：") == "地點：太古城金星閣15樓B室"


def test_the_flat_said_after_the_urgent_place_question_goes_on_the_case(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("楼道里煤气味特别大 是不是漏气了 我电话13512340000")
    assert chat.phrase_ids(step)[-1] == "urgent_ask_place"
    chat.send("3-2-501 阳光花园")
    assert chat.data.area == "3-2-501阳光花园"


def test_a_place_refined_at_the_confirmation_is_not_doubled(chat: Chat) -> None:
    chat.send("万达世纪城2期的电梯又坏了，每周都坏")
    chat.send("13800138033")
    assert restated_line(chat, "地点：") == "地点：万达世纪城2期"
    chat.send("万达世纪城2期3号楼")
    assert restated_line(chat, "地点：") == "地点：万达世纪城2期3号楼"
    chat.send("对")
    assert chat.data.area == "万达世纪城2期3号楼"


def confirming_the_car_park(chat: Chat) -> Chat:
    chat.send("金地广场地下车库B1层的灯坏了 一直没人修")
    chat.send("13512345678")
    assert restated_line(chat, "地点：") == "地点：金地广场地下车库B1层"
    return chat


@pytest.mark.parametrize("first", [[], ["不对"]])
def test_a_part_of_the_place_put_right_at_once_is_applied_and_restated(chat: Chat, first: list[str]) -> None:
    """At "请问哪一项需要更正？" (or straight after the restatement) the correction itself, not the
    item's name, is given: it is applied and the summary shown again."""
    confirming_the_car_park(chat)
    for said in (*first, "是地下车库B2层 不是B1"):
        chat.send(said)
    assert chat.state is State.CONFIRMING
    assert restated_line(chat, "地点：") == "地点：金地广场地下车库B2层"
    chat.send("对")
    assert chat.data.area == "金地广场地下车库B2层"


@pytest.mark.parametrize(
    ("correction", "label", "line"),
    [
        ("电话是13512345679", "电话：", "电话：13512345679"),
        ("不对 电话是13512345679 刚才打错了", "电话：", "电话：13512345679"),
        ("是灯一闪一闪的 不是坏了", "问题：", "问题：灯一闪一闪的"),
    ],
)
def test_a_phone_or_problem_put_right_at_the_correction_question_is_shown_again(
    chat: Chat, correction: str, label: str, line: str
) -> None:
    confirming_the_car_park(chat).send("不对")
    assert chat.state is State.CHOOSE_CORRECTION
    step = chat.send(correction)
    assert step.state is State.CONFIRMING
    assert restated_line(chat, label).startswith(line)


def test_a_phone_put_right_with_the_no_is_shown_in_the_summary_again(chat: Chat) -> None:
    confirming_the_car_park(chat).send("不对 电话是13512345679 刚才打错了")
    assert chat.state is State.CONFIRMING
    assert restated_line(chat, "电话：") == "电话：13512345679"
    chat.send("对")
    assert chat.data.phone == "13512345679"


@pytest.mark.parametrize(
    ("message", "place"),
    [
        ("锦江花园 1号楼 顶楼 1801 漏水了", "锦江花园1号楼顶楼1801"),
        ("锦江花园1号楼顶楼1801漏水了", "锦江花园1号楼顶楼1801"),
        ("天河区 珠江新城 华穗路 雅居乐 1栋 电梯坏了", "天河区珠江新城华穗路雅居乐1栋"),
    ],
)
def test_the_building_and_flat_after_the_estate_in_a_complaint_are_the_place(
    chat: Chat, message: str, place: str
) -> None:
    chat.send(message)
    chat.send("13800138000")
    assert restated_line(chat, "地点：") == f"地点：{place}"


@pytest.mark.parametrize(
    ("locale", "message", "phone", "problem", "place"),
    [
        (
            "zh-HK",
            "太古城 金星閣 15樓 B室 樓上漏水 滴到我廚房 已經三日",
            "91234567",
            "問題：樓上漏水 滴到我廚房 已經三日",
            "地點：太古城金星閣15樓B室",
        ),
        ("zh-CN", "锦绣花园 紫荆阁 1502 楼上漏水", "13800138000", "问题：楼上漏水", "地点：锦绣花园紫荆阁1502"),
        ("zh-HK", "太古城金星閣15樓B室樓上漏水", "91234567", "問題：樓上漏水", "地點：太古城金星閣15樓B室"),
        ("zh-HK", "沙田第一城12座20樓C室隔離屋好嘈", "91234567", "問題：隔離屋好嘈", "地點：沙田第一城12座20樓C室"),
        (
            "zh-HK",
            "美孚新邨5期百老匯街85號8樓A 冷氣機滴水",
            "91234567",
            "問題：冷氣機滴水",
            "地點：美孚新邨5期百老匯街85號8樓A",
        ),
        (
            "zh-HK",
            "黃大仙下邨龍昌樓1012室 電梯壞咗三日",
            "91234567",
            "問題：電梯壞咗三日",
            "地點：黃大仙下邨龍昌樓1012室",
        ),
        (
            "zh-HK",
            "將軍澳日出康城3期2座35樓E室 水壓好弱",
            "91234567",
            "問題：水壓好弱",
            "地點：將軍澳日出康城3期2座35樓E室",
        ),
        (
            "zh-HK",
            "杏花邨28座10樓F室對面單位養狗成日吠",
            "91234567",
            "問題：對面單位養狗成日吠",
            "地點：杏花邨28座10樓F室",
        ),
        ("zh-CN", "锦绣江南5栋2单元301楼上漏水", "13800138000", "问题：楼上漏水", "地点：锦绣江南5栋2单元301"),
        ("zh-CN", "翠苑小区7栋2单元501停水两天了", "13800138000", "问题：停水两天了", "地点：翠苑小区7栋2单元501"),
    ],
)
def test_a_named_building_floor_and_flat_told_with_the_problem_are_restated_as_the_place(
    conversation_engine: ConversationEngine, locale: str, message: str, phone: str, problem: str, place: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    chat.send(message)
    chat.send(phone)
    label = problem.split("：")[0] + "："
    assert restated_line(chat, label).startswith(f"{problem}（")
    assert restated_line(chat, place.split("：")[0] + "：") == place


def test_a_place_copied_in_traditional_characters_keeps_a_simplified_conversation_simplified(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("楼上漏水 滴到我家厨房了")
    chat.send("13812345678")
    chat.send("太古城金星閣15樓B室")
    # Said back, place and all, in the characters the customer writes in.
    assert restated_line(chat, "地点：") == "地点：太古城金星阁15楼B室"
    promised = chat.texts(chat.send("对"))
    assert "投诉编号" in promised and "編號" not in promised
