"""A question asked in a clause of its own beside the problem ("你们几点上班 楼上装修好吵") or beside the
phone or the place at their question ("13800138000 你们几点下班"): the problem is recorded and the form
goes on as without the question, and the question is answered too: the FAQ's answer after the
problem's acknowledgement and before the next question; with no FAQ answer, noted for the staff
(``message_recorded``, as a question mid-form is)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat, restatement

HOURS = "我们的服务时间是每个工作日8:30至17:30（法定节假日除外）；其他时间您也可以在这里留言，我们上班后会尽快处理。"


def kinds(chat: Chat) -> list[TimelineKind]:
    return [event.kind for step in chat.steps for event in step.audit]


@pytest.mark.parametrize(
    ("first", "entry", "problem"),
    [
        ("你们几点上班 楼上装修好吵", "business_hours", "楼上装修好吵"),
        ("你是机器人吗，楼上装修吵死了", "bot_identity", "楼上装修吵死了"),
    ],
)
def test_the_first_message_s_question_is_answered_and_its_problem_recorded(
    conversation_engine: ConversationEngine, first: str, entry: str, problem: str
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(first)
    assert chat.phrase_ids(step) == ["greeting_opening", "description_recorded", f"faq:{entry}", "ask_phone"]
    assert chat.state is State.AWAIT_PHONE
    assert chat.line(restatement(chat), "问题：").startswith(f"问题：{problem}（")


def test_the_hours_asked_beside_the_problem_are_said(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("你们几点上班 楼上装修好吵")
    assert HOURS in chat.texts(step)
    assert TimelineKind.FAQ_ANSWERED in kinds(chat)


def test_asked_in_english_beside_the_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    step = chat.send("what are your opening hours? the lift has been broken for 3 days")
    assert chat.phrase_ids(step) == ["greeting_opening", "description_recorded", "faq:business_hours", "ask_phone"]
    assert "We are open 8:30 to 17:30 on working days" in chat.texts(step)
    assert chat.state is State.AWAIT_PHONE


def test_whether_it_is_the_service_beside_the_problem_is_answered_by_the_greeting(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("请问是物业吗 电梯坏了")
    # The greeting names the service and the work number: never the same said twice.
    assert chat.phrase_ids(step) == ["greeting_opening", "description_recorded", "ask_phone"]
    assert chat.data.description == ["请问是物业吗 电梯坏了"]


def test_whether_it_is_the_service_after_the_greeting_is_said_before_the_problem_is_taken(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("请问是物业吗 电梯坏了")
    assert chat.phrase_ids(step) == ["faq:right_place", "description_recorded", "ask_phone"]
    assert chat.state is State.AWAIT_PHONE


def test_a_question_no_faq_answers_beside_the_problem_is_noted_for_the_staff(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("请问快递柜在哪 电梯坏了三天了")
    assert chat.phrase_ids(step) == ["greeting_opening", "message_recorded", "ask_phone"]
    assert TimelineKind.CONSULTATION_ASKED in kinds(chat)
    assert chat.line(restatement(chat, "13800138000", "阳光花园3栋"), "问题：").startswith("问题：电梯坏了三天了（")


def test_a_question_about_the_problem_in_its_own_words_is_the_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("请问宽带坏了怎么报修?")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert TimelineKind.CONSULTATION_ASKED not in kinds(chat)


def test_the_phone_given_with_a_question_is_kept_and_the_place_asked(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send("电梯坏了三天了")
    step = chat.send("13800138000 你们几点下班")
    assert chat.phrase_ids(step) == ["faq:business_hours", "ask_area"]  # never the phone asked again
    assert chat.data.phone == "13800138000"
    assert chat.state is State.AWAIT_AREA


def test_the_phone_given_with_a_question_no_faq_answers_is_kept_and_the_question_noted(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send("电梯坏了三天了")
    step = chat.send("13800138000 请问快递柜在哪")
    assert chat.phrase_ids(step) == ["message_recorded", "ask_area"]
    assert TimelineKind.CONSULTATION_ASKED in kinds(chat)
    assert chat.state is State.AWAIT_AREA


def test_the_place_given_with_a_question_is_the_place_without_it(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send("电梯坏了三天了")
    chat.send("13800138000")
    step = chat.send("阳光花园3栋 几点关门")
    assert chat.phrase_ids(step)[0] == "faq:business_hours"
    assert chat.line(step, "地点：") == "地点：阳光花园3栋"
    assert chat.state is State.CONFIRMING


def test_the_phone_put_right_with_a_question_is_restated(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    restatement(chat, "电梯坏了三天了")
    step = chat.send("不对 电话是13900139000 你们几点下班")
    assert chat.phrase_ids(step)[0] == "faq:business_hours"
    assert chat.line(step, "电话：") == "电话：13900139000"


def test_more_of_the_problem_with_a_question_at_the_phone_question(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send("电梯坏了三天了")
    step = chat.send("楼上还在装修 你们几点上班")
    assert chat.phrase_ids(step) == ["faq:business_hours", "ask_phone"]
    assert chat.state is State.AWAIT_PHONE
