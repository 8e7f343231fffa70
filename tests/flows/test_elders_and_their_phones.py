"""An elderly customer and the phone (a player's report, web chat): a landline typed a digit at a
time beside "我没有手机" is the phone, not a refusal; a preamble saying a grandchild set the chat up
is who they are (the elder signal), never the problem; a mobile told "电话139 1234" / "5678", or
before the problem in spoken numerals, is put together; "对" to the phone question agrees to give it."""

from __future__ import annotations

import pytest

from bot.config import Signal
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


def restated(chat: Chat) -> list[str]:
    return chat.texts(chat.steps[-1]).splitlines()


# --------------------------------------------------------------------------- a landline beside "no mobile"


@pytest.mark.parametrize("place_first", [True, False])
def test_a_landline_typed_a_digit_at_a_time_after_no_mobile_is_the_phone(chat: Chat, place_first: bool) -> None:
    chat.send("楼道灯坏了好几天了")
    if place_first:
        chat.send("阳光花园3栋")
    step = chat.send("我没有手机 家里座机 6 2 3 4 5 6 7 8")
    assert chat.data.phone == "62345678" and not chat.data.contact_by_channel
    assert chat.data.phone_refusals == 0
    assert "phone_not_needed" not in chat.phrase_ids(step), chat.texts(step)
    if place_first:
        assert "电话：62345678" in restated(chat)
    else:
        assert chat.state is State.AWAIT_AREA


def test_a_landline_is_never_taken_for_a_hong_kong_mobile(chat: Chat) -> None:
    chat.send("楼道灯坏了好几天了")
    chat.send("阳光花园3栋")
    chat.send("家里座机 62345678")
    assert chat.data.phone == "62345678"
    assert "电话：62345678" in restated(chat)


# --------------------------------------------------------------------------- a preamble is who they are


def test_a_grandchild_s_set_up_is_an_elder_and_no_part_of_the_problem(chat: Chat) -> None:
    step = chat.send("姑娘 我不会打字 是我孙子帮我弄的")
    assert chat.phrase_ids(step) == ["offer_call_back"]  # not "已记录": nothing of a problem yet
    assert chat.data.description == []
    assert Signal.ELDER in chat.data.signals
    step = chat.send("楼道灯不亮 我腿脚不好 晚上出不了门")
    assert "description_recorded" in chat.phrase_ids(step)
    chat.send("阳光花园3栋")
    chat.send("13912345678")
    problem = next(line for line in restated(chat) if line.startswith("问题："))
    assert "灯不亮" in problem and "腿脚不好" in problem and "孙子" not in problem and "打字" not in problem
    done = chat.send("对")
    assert done.complaint is not None and Signal.ELDER.value in done.complaint.signals


# --------------------------------------------------------------------------- a mobile in pieces


@pytest.mark.parametrize("first", ["电话139 1234", "1391234", "手机号是 一三九 一二三四"])
def test_a_mobile_s_first_two_groups_wait_for_the_last(chat: Chat, first: str) -> None:
    chat.send("楼道灯坏了好几天了")
    chat.send("阳光花园3栋")
    step = chat.send(first)
    assert step.replies == [], chat.texts(step)  # heard out, never "这个号码的格式不正确"
    chat.wait(5)
    chat.send("5678")
    assert chat.data.phone == "13912345678"
    assert "电话：13912345678" in restated(chat)
    assert chat.data.description == ["楼道灯坏了好几天了"]


def test_a_mobile_s_first_groups_alone_are_followed_by_asking_the_rest(chat: Chat) -> None:
    chat.send("楼道灯坏了好几天了")
    chat.send("电话139 1234")
    step = chat.send(chat.timer(TimerKind.PHONE_PIECES_PROMPT))
    assert chat.phrase_ids(step) == ["phone_pieces_more"]
    chat.send("5678")
    assert chat.data.phone == "13912345678"


def test_a_phone_told_in_spoken_numerals_before_the_problem_is_the_phone(chat: Chat) -> None:
    for piece in ["电话 ", "一三八", "零零一三"]:
        step = chat.send(piece)
        assert step.replies == [], (piece, chat.texts(step))
        chat.wait(10)
    step = chat.send("八零零零")
    assert chat.data.phone == "13800138000" and chat.data.description == []
    assert chat.state is State.AWAIT_DESCRIPTION and step.replies  # the problem asked for
    chat.send("楼道灯坏了好几天了")
    chat.send("阳光花园3栋")
    assert "电话：13800138000" in restated(chat)
    problem = next(line for line in restated(chat) if line.startswith("问题："))
    assert "一三八" not in problem and "电话" not in problem


# --------------------------------------------------------------------------- "对" gives the phone


@pytest.mark.parametrize("agreeing", ["对", "好的", "嗯"])
def test_agreeing_to_the_phone_question_is_asked_for_the_number_never_let_off(chat: Chat, agreeing: str) -> None:
    chat.send("楼道灯坏了好几天了")
    chat.send("阳光花园3栋")
    chat.send("你们快点来修")  # the question answered with neither: asked a third time
    asks = chat.data.phone_asks
    step = chat.send(agreeing)
    assert chat.phrase_ids(step) == ["ask_phone_number"]
    assert chat.texts(step) == "好的，请问您的电话号码是多少？"
    assert chat.data.phone_asks == asks and not chat.data.contact_by_channel
    assert chat.state is State.AWAIT_PHONE
    chat.send("13912345678")
    assert chat.data.phone == "13912345678" and "电话：13912345678" in restated(chat)


def test_the_phone_named_first_and_then_words_is_the_problem_typed_word_by_word(chat: Chat) -> None:
    assert chat.send("电话").replies == []
    chat.send("打不通")
    assert chat.data.description == ["电话打不通"] and chat.data.phone is None
