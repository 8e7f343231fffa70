"""A customer whose case was resolved lately writes again, in a new conversation, that it is not
solved: that case is reopened instead of a new complaint; with two such cases, they are asked
which; another problem, or a case resolved too long ago, files a new complaint as ever."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat

LIGHT = "TS20261120ABC234"
WATER = "TS20261121DEF567"


def _resolved(number: str, problem: str, category: str, days_ago: float = 1) -> CaseStatus:
    return CaseStatus(
        CaseStage.RESOLVED,
        case_number=number,
        area="阳光花园3栋",
        own=True,
        category=category,
        problem=problem,
        resolved_at=MONDAY_2PM - dt.timedelta(days=days_ago),
    )


def _light(days_ago: float = 1) -> CaseStatus:
    return _resolved(LIGHT, "小区门口的路灯坏了一个星期了", "property_service", days_ago)


def _water() -> CaseStatus:
    return _resolved(WATER, "小区停水两天了", "engineering_repair")


def _chat(engine: ConversationEngine, *cases: CaseStatus, locale: str = "zh-CN") -> Chat:
    return Chat(engine, CustomerView(resolved_cases=cases), locale=locale)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("没解决", "zh-CN"),
        ("还是没修好", "zh-CN"),
        ("问题还在", "zh-CN"),
        ("你们说修好了 根本没修", "zh-CN"),
        ("路灯还是没修好", "zh-CN"),
        ("還是沒修好", "zh-CN"),
        ("你們說修好了 根本沒修", "zh-CN"),
        ("it's still not fixed", "en"),
        ("still not solved", "en"),
    ],
)
def test_not_solved_reopens_the_case_resolved_lately(
    conversation_engine: ConversationEngine, text: str, locale: str
) -> None:
    chat = _chat(conversation_engine, _light(), locale=locale)
    step = chat.send(text)
    assert step.reopen_case == LIGHT, chat.phrase_ids(step)
    assert chat.state is State.HANDED_OFF and step.complaint is None and step.handoff is None
    assert "satisfaction_reopened" in chat.phrase_ids(step)
    assert chat.data.case_number == LIGHT


def test_not_solved_after_a_hello_reopens_too(conversation_engine: ConversationEngine) -> None:
    chat = _chat(conversation_engine, _light())
    chat.send("你好")
    step = chat.send("上次的问题还是没修好")
    assert step.reopen_case == LIGHT and "greeting_opening" not in chat.phrase_ids(step)


def test_another_problem_is_a_new_complaint(conversation_engine: ConversationEngine) -> None:
    chat = _chat(conversation_engine, _water())
    step = chat.send("楼道灯还是不亮 坏了一个星期了")
    assert step.reopen_case is None and chat.state is not State.HANDED_OFF
    assert chat.data.case_number is None and "satisfaction_reopened" not in chat.phrase_ids(step)


def test_a_case_resolved_too_long_ago_is_not_reopened(conversation_engine: ConversationEngine) -> None:
    chat = _chat(conversation_engine, _light(days_ago=8))  # followups.reopen_within: 7 days
    step = chat.send("路灯还是没修好")
    assert step.reopen_case is None and "satisfaction_reopened" not in chat.phrase_ids(step)


def test_two_cases_the_words_name_one(conversation_engine: ConversationEngine) -> None:
    chat = _chat(conversation_engine, _water(), _light())
    step = chat.send("路灯还是没修好")
    assert step.reopen_case == LIGHT


def test_two_cases_named_by_neither_asks_which_then_reopens_the_choice(conversation_engine: ConversationEngine) -> None:
    chat = _chat(conversation_engine, _water(), _light())
    asked = chat.send("没解决")
    assert asked.reopen_case is None and "reopen_which_case" in chat.phrase_ids(asked)
    [question] = [reply for reply in asked.replies if reply.phrase_id == "reopen_which_case"]
    assert [option.value for option in question.options] == [WATER, LIGHT]
    assert "停水" in question.options[0].label and "路灯" in question.options[1].label
    step = chat.send("2")  # the second choice, as SMS and WeChat answer it
    assert step.reopen_case == LIGHT and chat.state is State.HANDED_OFF


def test_two_cases_answered_by_subject(conversation_engine: ConversationEngine) -> None:
    chat = _chat(conversation_engine, _water(), _light())
    chat.send("没解决")
    step = chat.send("停水那个")
    assert step.reopen_case == WATER


def test_its_case_number_names_it(conversation_engine: ConversationEngine) -> None:
    chat = _chat(conversation_engine, _water(), _light())
    step = chat.send(f"{WATER} 还是没修好")
    assert step.reopen_case == WATER


def test_another_case_number_is_not_a_reopening_of_this_one(conversation_engine: ConversationEngine) -> None:
    chat = _chat(conversation_engine, _light())
    step = chat.send("TS20261001XYZ789 还是没修好")
    assert step.reopen_case is None and "satisfaction_reopened" not in chat.phrase_ids(step)


@pytest.mark.parametrize("text", ["the problem is still there", "it's still there", "still happening"])
def test_the_problem_still_there_in_english_reopens_the_case_resolved_lately(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = _chat(conversation_engine, _light(), locale="en")
    step = chat.send(text)
    assert step.reopen_case == LIGHT, chat.phrase_ids(step)
    assert "satisfaction_reopened" in chat.phrase_ids(step)
