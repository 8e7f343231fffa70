"""A spot inside an estate told with no estate, road or district ("小区门口", "我家楼下", "电梯里") is
asked which estate's, once, as a building alone is; the estate told goes before the spot, and none
told leaves the spot as said. A leading "在" is never part of a place."""

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


def _at_the_place_question(chat: Chat) -> None:
    chat.send("保安骂人")
    chat.send("13800138000")
    assert chat.state is State.AWAIT_AREA


def _estate_questions(chat: Chat) -> int:
    return sum(reply.phrase_id == PhraseId.ASK_ESTATE for step in chat.steps for reply in step.replies)


@pytest.mark.parametrize(
    ("answer", "asked", "estate", "place"),
    [
        ("就在小区门口", "请问小区门口是哪个小区的呢？", "阳光花园", "地点：阳光花园小区门口"),
        ("小区门口", "请问小区门口是哪个小区的呢？", "阳光花园小区", "地点：阳光花园小区门口"),
        ("我们小区门口", "请问小区门口是哪个小区的呢？", "阳光花园3栋", "地点：阳光花园3栋门口"),
        ("地下车库", "请问地下车库是哪个小区的呢？", "阳光花园", "地点：阳光花园地下车库"),
        ("我家楼下", "请问楼下是哪个小区的呢？", "阳光花园3栋", "地点：阳光花园3栋楼下"),
        ("电梯里", "请问电梯里是哪个小区的呢？", "阳光花园3栋", "地点：阳光花园3栋电梯里"),
        ("楼道里", "请问楼道里是哪个小区的呢？", "翠湖天地", "地点：翠湖天地楼道里"),
        ("大堂", "请问大堂是哪个小区的呢？", "阳光花园2期", "地点：阳光花园2期大堂"),
        ("单元门口", "请问单元门口是哪个小区的呢？", "阳光花园3栋", "地点：阳光花园3栋单元门口"),
        ("是在西门口", "请问西门口是哪个小区的呢？", "阳光花园", "地点：阳光花园西门口"),
        ("我家楼下啊", "请问楼下是哪个小区的呢？", "3栋", "地点：3栋楼下"),
        ("就在我们单元楼道里", "请问单元楼道里是哪个小区的呢？", "阳光花园5栋", "地点：阳光花园5栋单元楼道里"),
        ("就在小區門口", "請問小區門口是哪個小區的呢？", "陽光花園", "地點：陽光花園小區門口"),
    ],
)
def test_a_spot_alone_is_asked_its_estate_and_the_estate_goes_before_it(
    chat: Chat, answer: str, asked: str, estate: str, place: str
) -> None:
    _at_the_place_question(chat)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == [PhraseId.ASK_ESTATE]
    assert chat.texts(step).startswith(asked)
    step = chat.send(estate)
    assert chat.line(step, place[:3]) == place
    assert _estate_questions(chat) == 1


@pytest.mark.parametrize(
    ("answer", "none", "place"),
    [
        ("就在小区门口", "不知道", "地点：小区门口"),
        ("我家楼下", "没有", "地点：我家楼下"),
        ("在电梯里", "嗯", "地点：电梯里"),
        ("小区门口", "就我们小区啊", "地点：小区门口"),
    ],
)
def test_a_spot_told_no_estate_is_asked_once_and_kept_as_said(chat: Chat, answer: str, none: str, place: str) -> None:
    _at_the_place_question(chat)
    chat.send(answer)
    step = chat.send(none)
    assert chat.line(step, "地点：") == place
    assert _estate_questions(chat) == 1


def test_an_estate_told_with_a_spot_of_its_own_is_the_place(chat: Chat) -> None:
    _at_the_place_question(chat)
    chat.send("小区门口")
    step = chat.send("阳光花园南门")
    assert chat.line(step, "地点：") == "地点：阳光花园南门"


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ("深南大道1号", "地点：深南大道1号"),
        ("阳光花园3栋2单元", "地点：阳光花园3栋2单元"),
        ("在阳光花园3栋", "地点：阳光花园3栋"),
        ("是在翠湖天地5栋", "地点：翠湖天地5栋"),
        ("阳光花园门口", "地点：阳光花园门口"),
        ("翠湖天地地下车库", "地点：翠湖天地地下车库"),
        ("没有", "地点：未提供"),
        ("不涉及", "地点：未提供"),
    ],
)
def test_a_place_naming_where_it_is_is_not_asked_its_estate(chat: Chat, answer: str, place: str) -> None:
    _at_the_place_question(chat)
    step = chat.send(answer)
    assert PhraseId.ASK_ESTATE not in chat.phrase_ids(step)
    assert chat.line(step, "地点：") == place


def test_a_spot_told_at_the_phone_question_is_asked_its_estate_after_the_phone(chat: Chat) -> None:
    chat.send("保安骂人")
    chat.send("我们小区门口")
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == [PhraseId.ASK_ESTATE]
    assert "请问小区门口是哪个小区的呢" in chat.texts(step)
    step = chat.send("阳光花园")
    assert chat.line(step, "地点：") == "地点：阳光花园小区门口"


def test_a_spot_inside_the_first_message_leaves_the_place_question_as_it_was(chat: Chat) -> None:
    chat.send("小区门口垃圾堆成山")
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == [PhraseId.ASK_AREA]
    step = chat.send("阳光花园")
    assert chat.line(step, "地点：") == "地点：阳光花园"
    assert "小区门口垃圾堆成山" in chat.line(step, "问题：")
