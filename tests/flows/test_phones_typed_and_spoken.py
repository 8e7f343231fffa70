"""Phone numbers as customers really type and speak them: told in groups with the pauses voice
input writes, put right at once in the same message, local landlines and Hong Kong numbers
without a code, and a mobile one digit short or long said so (testers' report on phones)."""

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


@pytest.fixture
def english_chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine, locale="en")
    started.send(Started())
    return started


def restated_after(chat: Chat, phone: str, place: str = "阳光花园3栋") -> str:
    """The restatement once ``phone`` answers the phone question and ``place`` the place question."""
    chat.send("楼下麻将馆太吵")
    chat.send(phone)
    assert chat.state is State.AWAIT_AREA, chat.texts(chat.steps[-1])
    return chat.texts(chat.send(place))


@pytest.mark.parametrize(
    "phone",
    ["我电话是幺三八，零零幺幺，二二三三。", "138，0011，2233", "幺三八、零零幺幺、二二三三", "1 3 8 0 0 1 1 2 2 3 3"],
)
def test_a_phone_told_in_groups_with_pauses_is_the_phone_and_no_part_of_the_problem(chat: Chat, phone: str) -> None:
    said = restated_after(chat, phone).splitlines()
    assert "电话：13800112233" in said
    assert "问题：楼下麻将馆太吵（物业服务）" in said
    assert chat.data.description == ["楼下麻将馆太吵"]


def test_a_phone_told_in_groups_with_the_problem_is_not_said_back_as_the_problem(chat: Chat) -> None:
    said = chat.texts(chat.send("楼下麻将馆太吵 电话138，0011，2233 阳光花园3栋")).splitlines()
    assert "电话：13800112233" in said
    problem = next(line for line in said if line.startswith("问题："))
    assert "0011" not in problem and "2233" not in problem


@pytest.mark.parametrize("answer", ["3栋，2单元，502", "1，2，3，4，5，6，7"])
def test_numbers_with_pauses_that_make_no_phone_are_no_phone(chat: Chat, answer: str) -> None:
    chat.send("楼下麻将馆太吵")
    chat.send(answer)
    assert chat.data.phone is None and chat.state is State.AWAIT_PHONE


@pytest.mark.parametrize(
    "phone", ["13812345678 哦不对打错了 是13812345687", "13812345678 啊 不对 说错了，是13812345687"]
)
def test_a_phone_put_right_in_the_same_message_is_the_one_meant_with_no_alternative(chat: Chat, phone: str) -> None:
    said = restated_after(chat, phone).splitlines()
    assert "电话：13812345687" in said
    assert chat.data.alternative_phone is None
    assert chat.data.description == ["楼下麻将馆太吵"]


@pytest.mark.parametrize(
    ("phone", "line"),
    [
        ("88123456", "电话：88123456"),  # no area code configured: kept as typed
        ("座机 8812 3456", "电话：88123456"),
        ("9123 4567", "电话：9123 4567"),  # a Hong Kong mobile, with a space or without
        ("91234567", "电话：9123 4567"),
    ],
)
def test_a_local_landline_or_a_hong_kong_number_without_a_code_is_the_phone(chat: Chat, phone: str, line: str) -> None:
    said = restated_after(chat, phone).splitlines()
    assert line in said


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("+852 9111 2222", "+85291112222"),  # a block phonenumbers does not list yet: the code says where
        ("我的电话 +852 9111 2222", "+85291112222"),  # never the local 8529111 of the code's digits
        ("00852-9111-2222", "+85291112222"),
        ("+853 6999 9999", "+85369999999"),
    ],
)
def test_a_hong_kong_or_macao_number_with_its_country_code_is_the_phone(chat: Chat, phone: str, stored: str) -> None:
    said = restated_after(chat, phone).splitlines()
    assert f"电话：{stored[4:8]} {stored[8:]}" in said, said
    assert chat.data.phone == stored


def test_a_number_with_a_country_code_and_not_its_shape_is_answered_as_no_number(chat: Chat) -> None:
    chat.send("楼下麻将馆太吵")
    step = chat.send("+852 1234 5678")
    assert chat.data.phone is None and chat.phrase_ids(step) == ["invalid_phone"]


def test_the_refusal_of_a_number_names_landlines_and_hong_kong_numbers_too(chat: Chat, english_chat: Chat) -> None:
    chat.send("楼下麻将馆太吵")
    refused = chat.texts(chat.send("1234567"))
    assert "固定电话" in refused and "7到8位" in refused and "9123 4567" in refused
    english_chat.send("my neighbour's dog barks all night")
    refused = english_chat.texts(english_chat.send("12345"))
    assert "landline" in refused and "7 or 8 digits" in refused and "Hong Kong" in refused


@pytest.mark.parametrize(
    ("number", "phrase"),
    [("my numbr is 1391234567", PhraseId.PHONE_DIGIT_SHORT), ("139123456789", PhraseId.PHONE_DIGIT_LONG)],
)
def test_a_mobile_a_digit_short_or_long_is_said_so_and_never_taken_for_the_problem(
    english_chat: Chat, number: str, phrase: PhraseId
) -> None:
    english_chat.send("the water in my flat has been off since this morning")
    step = english_chat.send(number)
    assert english_chat.phrase_ids(step) == [phrase.value]
    assert "11 digits" in english_chat.texts(step)
    english_chat.send("13912345678")
    said = english_chat.texts(english_chat.send("Sunshine Garden block 3")).splitlines()
    assert "Problem: the water in my flat has been off since this morning (Engineering and repairs)" in said
    assert english_chat.data.description == ["the water in my flat has been off since this morning"]


def test_a_mobile_a_digit_short_is_said_so_in_chinese(chat: Chat) -> None:
    chat.send("楼下麻将馆太吵")
    step = chat.send("我的电话是1391234567")
    assert chat.phrase_ids(step) == [PhraseId.PHONE_DIGIT_SHORT.value]
    assert "少了一位" in chat.texts(step)
    assert chat.data.description == ["楼下麻将馆太吵"]
