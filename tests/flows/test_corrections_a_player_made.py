"""Corrections at the restatement as a customer player made them (correct2): the problem said to be
wrong or short of something is replaced or completed by what is said beside it, never by the words
about it ("问题说错了", "问题写得不全"); "please register it" confirms; a title told after the surname
alone is how the customer is addressed, restated at once; a problem dictated without a pause is
cut where a clause ends."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat, restatement


def restated(engine: ConversationEngine, problem: str, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    chat.send(problem)
    restatement(chat, "13800138000", "阳光花园3栋" if locale == "zh-CN" else "Taikoo Shing block 2")
    return chat


# --------------------------------------------------------------------------- the problem put right


@pytest.mark.parametrize("after_a_no", [False, True], ids=["at the restatement", "after 不对"])
def test_a_problem_said_to_be_wrong_is_replaced_by_the_one_told(
    conversation_engine: ConversationEngine, after_a_no: bool
) -> None:
    chat = restated(conversation_engine, "楼上漏水 天花板都湿了")
    if after_a_no:
        assert chat.phrase_ids(chat.send("不对")) == ["ask_correction"]
    step = chat.send("问题说错了 不是漏水 是楼上半夜装修太吵")
    assert chat.line(step, "问题：") == "问题：楼上半夜装修太吵（物业服务）"
    assert chat.data.description == ["楼上半夜装修太吵"]


def test_a_problem_said_wrong_by_whoever_said_it_is_the_one_told(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "楼上漏水")
    step = chat.send("我刚才说错了 是楼下漏水")
    assert chat.line(step, "问题：") == "问题：楼下漏水（工程维修）"


@pytest.mark.parametrize("after_a_no", [False, True], ids=["at the restatement", "after 不对"])
def test_a_problem_said_to_be_short_of_something_is_completed_by_what_tells_it_again(
    conversation_engine: ConversationEngine, after_a_no: bool
) -> None:
    chat = restated(conversation_engine, "电梯坏了")
    if after_a_no:
        chat.send("不对")
    step = chat.send("问题写得不全 是电梯坏了一个星期了")
    assert chat.line(step, "问题：") == "问题：电梯坏了一个星期了（工程维修）"
    assert chat.state is State.CONFIRMING


def test_a_problem_said_to_be_short_of_something_keeps_what_it_told(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "电梯坏了")
    step = chat.send("问题写得不全 楼道的灯也不亮")
    assert chat.line(step, "问题：") == "问题：电梯坏了，楼道的灯也不亮（工程维修）"


def test_a_problem_said_short_with_nothing_more_is_asked_for(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "楼上漏水")
    assert chat.phrase_ids(chat.send("问题写得不全")) == ["ask_correct_description"]


def test_the_problem_named_in_english_as_the_item_to_correct_is_asked_for(
    conversation_engine: ConversationEngine,
) -> None:
    chat = restated(conversation_engine, "the ceiling is leaking", locale="en")
    chat.send("no")
    assert chat.phrase_ids(chat.send("the problem")) == ["ask_correct_description"]
    step = chat.send("the lift is broken")
    assert chat.line(step, "Problem:") == "Problem: the lift is broken (Engineering and repairs)"


@pytest.mark.parametrize(
    ("locale", "problem", "asked"),
    [
        ("en", "the ceiling is leaking", "actually, please register it"),
        ("en", "the ceiling is leaking", "please register it"),
        ("zh-CN", "楼上漏水", "帮我登记吧"),
    ],
)
@pytest.mark.parametrize("after_a_no", [False, True], ids=["at the restatement", "after a no"])
def test_asking_to_register_it_confirms_the_problem_as_restated(
    conversation_engine: ConversationEngine, locale: str, problem: str, asked: str, after_a_no: bool
) -> None:
    chat = restated(conversation_engine, problem, locale=locale)
    if after_a_no:
        chat.send("no" if locale == "en" else "不对")
    step = chat.send(asked)
    assert chat.phrase_ids(step)[0] == "confirmed_thanks"
    assert step.complaint is not None and step.complaint.description == problem


def test_asking_to_register_it_with_a_problem_of_its_own_is_no_confirmation(
    conversation_engine: ConversationEngine,
) -> None:
    chat = restated(conversation_engine, "楼上漏水")
    step = chat.send("帮我登记一下 电梯也坏了")
    assert chat.state is State.CONFIRMING and "电梯也坏了" in chat.line(step, "问题：")


# --------------------------------------------------------------------------- the name


def test_a_surname_alone_is_restated_in_the_configured_surname_form(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "我姓王 楼上漏水")
    assert chat.line(chat.steps[-1], "称呼：") == "称呼：姓王"  # restate_surname: no guessed title


@pytest.mark.parametrize("said", ["不对 我是王女士 不是王先生", "我是王女士", "不对 我是王女士"])
def test_a_title_told_after_the_surname_alone_is_how_the_customer_is_addressed(
    conversation_engine: ConversationEngine, said: str
) -> None:
    chat = restated(conversation_engine, "我姓王 楼上漏水")
    step = chat.send(said)
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    assert chat.line(step, "称呼：") == "称呼：王女士"
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.customer_title == "female"


def test_a_title_told_after_which_item_is_wrong_is_restated(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "我姓王 楼上漏水")
    chat.send("不对")
    step = chat.send("我是王女士")
    assert chat.line(step, "称呼：") == "称呼：王女士"


# --------------------------------------------------------------------------- a long problem cut


def test_a_problem_dictated_without_a_pause_is_cut_where_a_clause_ends(
    conversation_engine: ConversationEngine,
) -> None:
    chat = restated(
        conversation_engine,
        "[voice]喂你好我跟你说我们这栋楼的电梯从上个月开始到现在已经坏了三次了每次打电话给你们物业都说马上来修"
        "结果等了一整天都没人来我家老人八十多岁了腿脚不好天天爬楼梯爬不动",
    )
    assert chat.line(chat.steps[-1], "问题：") == "问题：我们这栋楼的电梯从上个月开始到现在已经坏了三次了…（工程维修）"
