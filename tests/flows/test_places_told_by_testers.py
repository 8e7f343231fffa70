"""Places as a tester playing customers gave them: a part put right alone keeps the rest of the place
("不对 是5栋", "唔係 係16樓B室"), a part said and then said again whole is said once, thanks and a form
of address are no place, a building told after the estate adds to it, an elderly customer's words
typed apart are restated as one problem, a place told at the duty supervisor's phone question is the
place, and a long SMS rant keeps its flat and its concrete problem."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def restated(chat: Chat, problem: str, place: str) -> Chat:
    chat.send(problem)
    chat.send("13812345678")
    chat.send(place)
    assert chat.state is State.CONFIRMING
    return chat


@pytest.mark.parametrize(
    ("problem", "place", "answer", "right"),
    [
        ("电梯坏了三天了", "阳光花园3栋1202", "不对 是5栋 5栋1202", "地点：阳光花园5栋1202"),
        ("电梯坏了三天了", "阳光花园3栋1202", "不对 是5栋", "地点：阳光花园5栋1202"),
        ("電梯壞了三天了", "陽光花園3棟1202", "不對 是5棟 5棟1202", "地點：陽光花園5棟1202"),
        ("電梯壞了三天了", "陽光花園3棟1202", "不對 是5棟", "地點：陽光花園5棟1202"),
    ],
)
def test_the_building_put_right_alone_or_said_twice_keeps_the_flat(
    chat: Chat, problem: str, place: str, answer: str, right: str
) -> None:
    restated(chat, problem, place)
    step = chat.send(answer)
    assert chat.line(step, right[:3]) == right
    assert PhraseId.ASK_CORRECTION not in chat.phrase_ids(step)


@pytest.mark.parametrize(
    ("problem", "place", "answer", "right", "kept"),
    [
        ("電梯壞咗三日", "太古城金星閣12樓B室", "唔係 係16樓B室", "地點：太古城金星閣16樓B室", "問題：電梯壞咗三日"),
        ("電梯壞咗三日", "太古城金星閣12樓B室", "唔係係16樓B室", "地點：太古城金星閣16樓B室", "問題：電梯壞咗三日"),
        (
            "电梯坏了三天了",
            "太古城金星阁12楼B室",
            "不对 是16楼B室",
            "地点：太古城金星阁16楼B室",
            "问题：电梯坏了三天了",
        ),
    ],
)
def test_a_floor_put_right_in_cantonese_or_mandarin_replaces_only_the_floor(
    chat: Chat, problem: str, place: str, answer: str, right: str, kept: str
) -> None:
    restated(chat, problem, place)
    step = chat.send(answer)
    assert chat.line(step, right[:3]) == right
    assert chat.line(step, kept[:3]).startswith(kept)


@pytest.mark.parametrize(
    ("problem", "thanks"), [("家里暖气不热好几天了", "谢谢 闺女"), ("家裡暖氣不熱好幾天了", "謝謝 閨女")]
)
def test_thanks_and_a_form_of_address_at_the_place_question_are_no_place(
    chat: Chat, problem: str, thanks: str
) -> None:
    chat.send(problem)
    chat.send("13812345678")
    step = chat.send(thanks)
    assert chat.state is State.AWAIT_AREA and chat.data.area is None
    assert PhraseId.CONFIRM_QUESTION not in chat.phrase_ids(step)


@pytest.mark.parametrize(
    ("problem", "estate", "building", "whole"),
    [
        ("家里暖气不热", "住在红星小区", "3号楼", "地点：红星小区3号楼"),
        ("家裡暖氣不熱", "住在紅星小區", "3號樓", "地點：紅星小區3號樓"),
    ],
)
def test_a_building_told_after_the_estate_at_the_phone_question_adds_to_the_place(
    chat: Chat, problem: str, estate: str, building: str, whole: str
) -> None:
    chat.send(problem)
    chat.send(estate)
    chat.send(building)
    step = chat.send("13812345678")
    assert chat.line(step, whole[:3]) == whole


@pytest.mark.parametrize(
    ("pieces", "problem", "place"),
    [
        (
            ["红星 小区", "老人", "家里 暖气", "不热", "好几天了", "冷"],
            "问题：家里暖气，不热，好几天了",
            "地点：红星小区",
        ),
        (
            ["紅星 小區", "老人", "家裡 暖氣", "不熱", "好幾天了", "冷"],
            "問題：家裡暖氣，不熱，好幾天了",
            "地點：紅星小區",
        ),
    ],
)
def test_an_elderly_customers_words_typed_apart_are_the_place_and_one_problem(
    chat: Chat, pieces: list[str], problem: str, place: str
) -> None:
    for piece in pieces:
        chat.send(piece)
    step = chat.send("13812345678")
    assert chat.line(step, problem[:3]).startswith(problem)
    assert chat.line(step, place[:3]) == place
    assert "老人" not in chat.line(step, problem[:3])
    assert "好几天了冷" not in " ".join(chat.data.description)


@pytest.mark.parametrize(
    ("threat", "place", "said"),
    [
        ("物业乱收停车费，再不处理我就打12345，找电视台曝光", "翠湖天地 地面停车场", "地点：翠湖天地 地面停车场"),
        ("物業亂收停車費，再不處理我就打12345，找電視台曝光", "翠湖天地 地面停車場", "地點：翠湖天地 地面停車場"),
    ],
)
def test_a_place_told_at_the_supervisors_phone_question_is_the_place(
    conversation_engine: ConversationEngine, threat: str, place: str, said: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(threat)
    step = chat.send(place)
    assert chat.phrase_ids(step) == [PhraseId.PLACE_NOTED_ASK_PHONE]
    assert "停车场" not in "".join(chat.data.description[1:])
    step = chat.send("不留")
    assert PhraseId.ASK_AREA not in chat.phrase_ids(step)
    assert chat.line(step, said[:3]) == said


_RANT = (
    "你们物业到底管不管事？我交了物业费你们就是这样服务的？一天到晚不见人影，打电话也没人接，"
    "说了好多次了一直拖着，"
)
_RANT_TRADITIONAL = (
    "你們物業到底管不管事？我交了物業費你們就是這樣服務的？一天到晚不見人影，打電話也沒人接，"
    "說了好多次了一直拖著，"
)


@pytest.mark.parametrize(
    ("rant", "end", "place", "lamp"),
    [
        (_RANT, "阳光花园7栋302 楼道灯坏了好几天了 晚上黑漆漆的", "地点：阳光花园7栋302", "问题：楼道灯坏了"),
        (
            _RANT_TRADITIONAL,
            "陽光花園7棟302 樓道燈壞了好幾天了 晚上黑漆漆的",
            "地點：陽光花園7棟302",
            "問題：樓道燈壞了",
        ),
    ],
)
def test_a_long_sms_rant_keeps_the_flat_and_the_concrete_problem(
    chat: Chat, rant: str, end: str, place: str, lamp: str
) -> None:
    text = rant * ((3000 - len(end)) // len(rant)) + end
    assert len(text) > 2900
    step = chat.send(CustomerSaid(text, sender_phone="13912345678"))
    assert chat.line(step, place[:3]) == place
    assert chat.line(step, lamp[:3]).startswith(lamp)  # what is wrong first, the anger after it if room is left
