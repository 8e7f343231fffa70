"""Places of other cities told with the problem are taken whole, never asked again nor said back wrong: a
district the address parser does not know, or knows only by its full name ("浦东张杨路500弄", "將軍澳尚德邨尚智樓",
"臺北信義路五段7號"), said back as written and counted under its district; Hong Kong's public estate with its
named block. The lift broken again in Cantonese ("部lift又壞咗") is a repair, not someone shut in: only being
trapped hears the lift's advice."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from bot.understanding.understander import Understander
from tests.flows.chat import Chat


def restated(engine: ConversationEngine, message: str, phone: str = "13800138000", locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    chat.send(message)
    chat.send(phone)
    assert chat.state is State.CONFIRMING  # the place was taken: not asked again
    return chat


@pytest.mark.parametrize(
    ("message", "place", "problem", "district"),
    [
        (
            "浦东新区张杨路500弄3号楼楼道灯坏了",
            "地点：浦东新区张杨路500弄3号楼",
            "问题：楼道灯坏了（工程维修）",
            "浦东新区",
        ),
        ("浦东张杨路500弄3号楼楼道灯坏了", "地点：浦东张杨路500弄3号楼", "问题：楼道灯坏了（工程维修）", "浦东新区"),
        ("上海浦东张杨路500弄3号楼 停水了", "地点：上海浦东张杨路500弄3号楼", "问题：停水了（工程维修）", "浦东新区"),
        ("將軍澳尚德邨尚智樓 部lift又壞咗", "地點：將軍澳尚德邨尚智樓", "問題：部lift又壞咗（工程維修）", "将军澳"),
        ("台北市信義路五段7號 路燈不亮", "地點：台北市信義路五段7號", "問題：路燈不亮（工程維修）", "台北市"),
        ("臺北信義路五段7號 路燈不亮", "地點：臺北信義路五段7號", "問題：路燈不亮（工程維修）", "台北市"),
        ("海淀中關村大街1號 路燈不亮", "地點：海淀中關村大街1號", "問題：路燈不亮（工程維修）", "海淀区"),
    ],
)
def test_a_place_of_another_city_is_taken_whole_and_said_back_as_written(
    conversation_engine: ConversationEngine,
    understander: Understander,
    message: str,
    place: str,
    problem: str,
    district: str,
) -> None:
    chat = restated(conversation_engine, message)
    step = chat.steps[-1]
    assert chat.line(step, place[:3]) == place
    assert chat.line(step, problem[:3]) == problem
    assert chat.data.area is not None
    assert understander.district(chat.data.area) == district  # the reports count it there


def test_a_road_named_after_a_city_is_no_district(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "台北路5号停水了")
    assert chat.line(chat.steps[-1], "地点：") == "地点：台北路5号"


def test_a_named_block_of_an_estate_told_at_the_place_question_is_kept(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("部lift又壞咗")
    chat.send("91234567")
    step = chat.send("將軍澳尚德邨尚智樓")
    assert chat.line(step, "地點：") == "地點：將軍澳尚德邨尚智樓"


@pytest.mark.parametrize("message", ["部lift又壞咗", "將軍澳尚德邨尚智樓 部lift又壞咗", "部lift又壞咗呀 快啲嚟整"])
def test_the_lift_broken_again_hears_no_advice_for_someone_shut_in(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(message)
    assert "safety_lift" not in chat.phrase_ids(step)
    assert chat.state is State.AWAIT_PHONE


@pytest.mark.parametrize("message", ["困咗喺部lift入面", "被困电梯", "部lift又壞咗 我喺入面"])
def test_someone_shut_in_the_lift_hears_the_lift_s_advice(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step)[0] == "safety_lift"
