"""A customer putting their own words right inside one message ("停水了 哦不对 是停电了"): the words
taken back are never restated nor asked back, what the customer meant is; what is denied after what
is right ("是15楼 不是5楼", "是电梯坏了不是门禁坏了") is dropped; what was told in earlier messages stays."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat, restatement


def started(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    return chat


# --------------------------------------------------------------------------- the problem


@pytest.mark.parametrize(
    ("told", "restated"),
    [
        ("停水了 哦不对 是停电了", "问题：停电了（工程维修）"),
        ("停水了，不对，是停电了", "问题：停电了（工程维修）"),
        ("停水了 不对是停电了", "问题：停电了（工程维修）"),
        ("漏水 不对 是没有暖气", "问题：没有暖气（工程维修）"),
        ("哦说错了 是电梯坏了不是门禁坏了", "问题：电梯坏了（工程维修）"),
    ],
)
def test_the_first_message_putting_itself_right_is_restated_as_meant(
    conversation_engine: ConversationEngine, told: str, restated: str
) -> None:
    chat = started(conversation_engine)
    step = chat.send(told)
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    step = restatement(chat)
    assert chat.line(step, "问题：") == restated


@pytest.mark.parametrize("told", ["唔係 係停電", "停水了 唔係 係停電"])
def test_a_cantonese_no_before_what_is_right_is_restated_as_meant(
    conversation_engine: ConversationEngine, told: str
) -> None:
    chat = started(conversation_engine)
    chat.send(told)
    step = restatement(chat)
    problem = next(line for line in chat.texts(step).splitlines() if line.startswith(("问题：", "問題：")))
    assert problem.endswith("停電（工程维修）") or problem.endswith("停電（工程維修）")
    assert "係" not in problem and "停水" not in problem


def test_a_message_taking_back_its_own_words_keeps_the_problem_told_before(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started(conversation_engine)
    chat.send("楼上漏水")
    chat.send("停水了 哦不对 是停电了")
    step = restatement(chat)
    assert chat.line(step, "问题：") == "问题：楼上漏水，停电了（工程维修）"


@pytest.mark.parametrize(
    ("told", "restated"),
    [
        # A no before no word of what is right contradicts someone else: nothing is taken back.
        ("楼上漏水 不对 是楼上那家", "问题：楼上漏水 是楼上那家（工程维修）"),
        ("电梯不是第一次坏了", "问题：电梯不是第一次坏了（工程维修）"),
        ("我家停水了", "问题：我家停水了（工程维修）"),
    ],
)
def test_a_message_putting_nothing_right_is_restated_as_told(
    conversation_engine: ConversationEngine, told: str, restated: str
) -> None:
    chat = started(conversation_engine)
    chat.send(told)
    assert chat.line(restatement(chat), "问题：") == restated


def test_a_message_taking_back_its_own_words_at_the_restatement_is_the_problem(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started(conversation_engine)
    chat.send("楼上漏水")
    restatement(chat)
    step = chat.send("停水了 不对 是停电了")
    assert chat.line(step, "问题：") == "问题：停电了（工程维修）"


# --------------------------------------------------------------------------- the place and the phone


@pytest.mark.parametrize(
    "said", ["不对 是15楼 不是5楼", "不对 是15楼不是5楼", "不对是15楼不是5楼", "不对，是15楼，不是5楼"]
)
def test_a_place_put_right_at_the_place_question_asks_after_what_is_right(
    conversation_engine: ConversationEngine, said: str
) -> None:
    chat = started(conversation_engine)
    chat.send("楼上漏水")
    chat.send("13812345678")
    assert chat.state is State.AWAIT_AREA
    step = chat.send(said)
    assert chat.texts(step).startswith("请问15楼是哪个小区的呢？")
    step = chat.send("幸福小区")
    assert chat.line(step, "地点：") == "地点：幸福小区15楼"


def test_a_phone_put_right_at_the_phone_question_keeps_the_right_number(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started(conversation_engine)
    chat.send("楼上漏水")
    step = chat.send("不是139 是138开头的 13812345678")
    assert chat.phrase_ids(step) == ["ask_area"]
    step = chat.send("幸福小区3栋501")
    assert chat.line(step, "电话：") == "电话：13812345678"
    assert chat.line(step, "问题：") == "问题：楼上漏水（工程维修）"


# --------------------------------------------------------------------------- in English


def started_in_english(engine: ConversationEngine) -> Chat:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    return chat


def english_restatement(chat: Chat) -> Step:
    step = chat.steps[-1]
    for message in ("13812345678", "Flat 5C, 12/F, Tower 3, Taikoo Shing"):
        if chat.state is State.CONFIRMING:
            break
        step = chat.send(message)
    assert chat.state is State.CONFIRMING
    return step


@pytest.mark.parametrize(
    ("told", "restated"),
    [
        ("the water is off, sorry I mean the power is off", "Problem: the power is off (Engineering and repairs)"),
        ("the water is off sorry I mean the power is off", "Problem: the power is off (Engineering and repairs)"),
        ("no water, no wait, it's no power", "Problem: no power (Engineering and repairs)"),
    ],
)
def test_an_english_first_message_putting_itself_right_is_restated_as_meant(
    conversation_engine: ConversationEngine, told: str, restated: str
) -> None:
    chat = started_in_english(conversation_engine)
    step = chat.send(told)
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.line(english_restatement(chat), "Problem: ") == restated


@pytest.mark.parametrize(
    ("told", "restated"),
    [
        ("the lift is broken", "Problem: the lift is broken (Engineering and repairs)"),
        # A no before nothing said to be right takes nothing back.
        ("no water since this morning", "Problem: no water since this morning (Engineering and repairs)"),
        # More of the same thing after a no: nothing taken back.
        (
            "the lift is broken, no, it's been broken for a week",
            "Problem: the lift is broken, it's been broken for a week (Engineering and repairs)",
        ),
    ],
)
def test_an_english_message_putting_nothing_right_is_restated_as_told(
    conversation_engine: ConversationEngine, told: str, restated: str
) -> None:
    chat = started_in_english(conversation_engine)
    chat.send(told)
    assert chat.line(english_restatement(chat), "Problem: ") == restated


@pytest.mark.parametrize(
    ("said", "place"),
    [
        ("no, it's 15/F not 5/F", "15/F"),
        ("no it's 15/F", "15/F"),
        ("sorry, 15th floor, not 5th", "15th floor"),
        ("15th floor, not 5th", "15th floor"),
        # The sorry is only politeness beside what is right: never answered in place of the place.
        ("sorry I mean 15/F", "15/F"),
        ("sorry, I mean 15/F not 5/F", "15/F"),
    ],
)
def test_an_english_place_put_right_at_the_place_question_keeps_what_is_right(
    conversation_engine: ConversationEngine, said: str, place: str
) -> None:
    chat = started_in_english(conversation_engine)
    chat.send("the lift is broken")
    chat.send("13812345678")
    assert chat.state is State.AWAIT_AREA
    step = chat.send(said)
    # A floor alone: which estate it is in is asked, as for "15楼".
    assert chat.texts(step).startswith(f"Which residential community is {place} in?")


@pytest.mark.parametrize("said", ["15楼 不是5楼", "不好意思 我是说15楼"])
def test_a_chinese_place_put_right_without_a_no_asks_after_what_is_right(
    conversation_engine: ConversationEngine, said: str
) -> None:
    chat = started(conversation_engine)
    chat.send("楼上漏水")
    chat.send("13812345678")
    step = chat.send(said)
    assert chat.texts(step).startswith("请问15楼是哪个小区的呢？")


def test_an_english_phone_put_right_at_the_phone_question_keeps_the_right_number(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started_in_english(conversation_engine)
    chat.send("the lift is broken")
    step = chat.send("not 139, it's 13812345678")
    assert chat.phrase_ids(step) == ["ask_area"]
    step = chat.send("Flat 5C, 12/F, Tower 3, Taikoo Shing")
    assert chat.line(step, "Phone: ") == "Phone: 13812345678"


def test_an_english_no_at_the_restatement_still_asks_what_to_correct(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started_in_english(conversation_engine)
    chat.send("the lift is broken")
    english_restatement(chat)
    step = chat.send("no")
    assert chat.phrase_ids(step) == ["ask_correction"]


@pytest.mark.parametrize("said", ["no it's fine", "no it's all good", "no, it's alright"])
def test_an_english_no_its_fine_at_the_phone_question_is_never_taken_as_the_place(
    conversation_engine: ConversationEngine, said: str
) -> None:
    chat = started_in_english(conversation_engine)
    chat.send("the lift is broken")
    step = chat.send(said)
    assert chat.state is State.AWAIT_PHONE
    assert chat.data.area is None
    assert "address" not in chat.texts(step)
