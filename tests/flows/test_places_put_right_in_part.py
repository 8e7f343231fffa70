"""The place a tester playing angry customers gave in parts and put right in parts: a part told after
the restatement completes the place or puts its own part right, never wiping the rest; a part said
wrong and the right one in one message is put right at once; the place is never cut out of the
middle of the problem's words; a place typed in fragments is joined, its lead-in never the place."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.data import TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def restated(chat: Chat, place: str) -> Chat:
    chat.send("电梯坏了三天了")
    chat.send("13812345678")
    chat.send(place)
    assert chat.state is State.CONFIRMING
    return chat


@pytest.mark.parametrize(
    ("place", "more", "whole"),
    [
        ("阳光花园5栋", "302室", "阳光花园5栋302室"),
        ("幸福里小区8号楼", "302室", "幸福里小区8号楼302室"),
        ("阳光花园5栋", "2单元302室", "阳光花园5栋2单元302室"),
    ],
)
def test_a_flat_told_after_the_restatement_completes_the_place(chat: Chat, place: str, more: str, whole: str) -> None:
    restated(chat, place)
    step = chat.send(more)
    assert chat.line(step, "地点：") == f"地点：{whole}"
    assert chat.state is State.CONFIRMING


def test_the_floor_given_as_the_right_place_puts_only_the_floor_right(chat: Chat) -> None:
    restated(chat, "阳光花园5栋21楼")
    chat.send("不对")
    chat.send("地址")
    step = chat.send("12楼")
    assert chat.line(step, "地点：") == "地点：阳光花园5栋12楼"


@pytest.mark.parametrize("answer", ["不对 是12楼不是21楼", "12楼不是21楼", "哦 是12楼 不是21楼", "是12楼，不是21楼"])
def test_the_right_floor_and_the_wrong_one_at_the_restatement_put_it_right_at_once(chat: Chat, answer: str) -> None:
    restated(chat, "阳光花园5栋21楼")
    step = chat.send(answer)
    assert chat.line(step, "地点：") == "地点：阳光花园5栋12楼"
    assert PhraseId.ASK_CORRECTION not in chat.phrase_ids(step)
    assert chat.line(step, "问题：").startswith("问题：电梯坏了三天了（")


@pytest.mark.parametrize("answer", ["12楼不是21楼", "不对 是12楼不是21楼"])
def test_the_floor_put_right_before_the_restatement_is_the_place_not_the_problem(chat: Chat, answer: str) -> None:
    chat.send("阳光花园5栋21楼 电梯坏了三天了")
    assert chat.state is State.AWAIT_PHONE
    chat.send(answer)
    assert chat.data.area == "阳光花园5栋12楼"
    step = chat.send("13812345678")
    assert chat.line(step, "地点：") == "地点：阳光花园5栋12楼"
    problem = chat.line(step, "问题：")
    assert "12楼" not in problem and "不是" not in problem


def test_the_right_place_with_a_thing_in_it_is_taken_when_asked_for(chat: Chat) -> None:
    restated(chat, "阳光花园5栋21楼")
    chat.send("不对")
    chat.send("地址")
    step = chat.send("绿城桂花园12楼电梯")
    assert chat.line(step, "地点：").startswith("地点：绿城桂花园12楼")


@pytest.mark.parametrize("answer", ["no wait, its Tower 2 not Tower 1", "it's Tower 2, not Tower 1"])
def test_an_english_block_put_right_replaces_only_the_block(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("the lift is broken for three days")
    chat.send("13812345678")
    chat.send("Tower 1, Sunshine Garden")
    step = chat.send(answer)
    assert chat.line(step, "Place:") == "Place: Tower 2, Sunshine Garden"


@pytest.mark.parametrize(
    "told",
    ["绿城桂花园21楼 电梯里面的灯坏了黑漆漆的 小孩都不敢坐", "绿城桂花园21楼电梯里面的灯坏了黑漆漆的 小孩都不敢坐"],
)
def test_the_place_is_never_cut_out_of_the_middle_of_the_problem(chat: Chat, told: str) -> None:
    chat.send(told)
    step = chat.send("13812345678")
    assert chat.line(step, "问题：").startswith("问题：电梯里面的灯坏了黑漆漆的")
    assert chat.line(step, "地点：") == "地点：绿城桂花园21楼"


def test_a_place_typed_in_fragments_is_joined_and_its_lead_in_is_no_place(chat: Chat) -> None:
    chat.send("我家水管漏水好几天了")
    chat.send("13812345678")
    step = chat.send("地址是")
    assert not step.replies and chat.data.area is None
    assert chat.state is State.AWAIT_AREA
    chat.send("和平里")
    chat.send("小区")
    step = chat.send("3号楼")
    assert chat.line(step, "地点：") == "地点：和平里小区3号楼"


@pytest.mark.parametrize("lead_in", ["住在", "我家在", "地址是", "嗯 地址是"])
def test_a_lead_in_alone_is_heard_out_then_the_rest_asked_for(chat: Chat, lead_in: str) -> None:
    chat.send("我家水管漏水好几天了")
    chat.send("13812345678")
    assert not chat.send(lead_in).replies
    chat.wait(chat.engine.config.timers.phone_pieces_prompt_after)
    step = chat.send(chat.timer(TimerKind.PLACE_PIECES_PROMPT))
    assert chat.phrase_ids(step) == [PhraseId.PLACE_PIECES_MORE]
    step = chat.send("住在和平里小区3号楼")
    assert chat.line(step, "地点：") == "地点：和平里小区3号楼"


def test_the_word_phone_alone_is_no_part_of_the_problem(chat: Chat) -> None:
    chat.send("我家水管漏水好几天了")
    assert not chat.send("电话").replies
    chat.send("13812345678")
    assert chat.data.description == ["我家水管漏水好几天了"]
    assert chat.data.phone == "13812345678"
