"""Questions asked while the form is taken are answered (or recorded for the staff), not taken into
the problem nor left without a reply; chatter is not the complaint (tester's report, form questions)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Started
from bot.flows.data import TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def at_the_phone_question(engine: ConversationEngine, problem: str = "电梯坏了", locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    chat.send(problem)
    assert chat.state is State.AWAIT_PHONE
    return chat


def kinds(chat: Chat) -> list[TimelineKind]:
    return [event.kind for step in chat.steps for event in step.audit]


# ------------------------------------------------------------------------- questions mid-form


@pytest.mark.parametrize(
    ("locale", "problem", "question", "answer"),
    [
        ("zh-CN", "电梯坏了", "收费吗", "faq:free_of_charge"),
        ("en", "the lift is broken", "is it free?", "faq:free_of_charge"),
        ("en", "the lift is broken", "how long will this take?", "faq:reply_time"),
        ("en", "the lift is broken", "how long will it take to fix?", "faq:reply_time"),
        ("en", "the lift is broken", "who are you", "faq:work_number"),
        ("zh-CN", "电梯坏了", "你是谁", "faq:work_number"),
    ],
)
def test_a_question_mid_form_gets_its_faq_answer_and_the_form_goes_on(
    engine: ConversationEngine, locale: str, problem: str, question: str, answer: str
) -> None:
    chat = at_the_phone_question(engine, problem, locale)
    step = chat.send(question)
    assert chat.phrase_ids(step) == [answer, "ask_phone"]
    assert chat.data.description == [problem]


def test_who_are_you_is_answered_with_the_greetings_organisation_and_work_number(engine: ConversationEngine) -> None:
    chat = at_the_phone_question(engine)
    work_number = engine.config.service.work_number
    text = chat.texts(chat.send("你是谁"))
    assert work_number in text and engine.config.service.organisation.zh_cn in text


@pytest.mark.parametrize("question", ["开发商是不是你们管", "我明天一早就要出差 能不能今天就处理"])
def test_a_question_the_faq_cannot_answer_is_noted_for_the_staff_not_taken_into_the_problem(
    engine: ConversationEngine, question: str
) -> None:
    chat = at_the_phone_question(engine)
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["message_recorded", "ask_phone"]
    assert chat.data.description == ["电梯坏了"]
    assert TimelineKind.CONSULTATION_ASKED in kinds(chat)


def test_a_problem_asked_whether_we_handle_it_is_still_more_of_the_problem(engine: ConversationEngine) -> None:
    """ "你们管吗" after a problem names no one else to answer for: it is the complaint, not a question."""
    chat = at_the_phone_question(engine)
    chat.wait(120)
    chat.send("楼道全是垃圾 你们管吗")
    assert chat.data.description == ["电梯坏了", "楼道全是垃圾 你们管吗"]


def test_whether_the_repair_itself_costs_is_left_to_the_staff(engine: ConversationEngine) -> None:
    chat = at_the_phone_question(engine)
    step = chat.send("维修要收费吗")
    assert chat.phrase_ids(step) == ["message_recorded", "ask_phone"]


# ------------------------------------------------------------- the supervisor's phone pending


def escalated_without_a_phone(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("楼道的灯坏了一个月了")
    step = chat.send("叫你们领导出来")
    assert chat.phrase_ids(step)[0] == "escalation_ask_phone"
    return chat


def test_a_question_while_the_supervisors_phone_is_asked_is_answered_not_a_refusal(engine: ConversationEngine) -> None:
    chat = escalated_without_a_phone(engine)
    step = chat.send("你们几点下班")
    assert chat.phrase_ids(step) == ["faq:business_hours", "ask_phone"]
    step = chat.send("13912345678")
    assert chat.phrase_ids(step)[0] == "escalation_phone_noted"


def test_the_case_number_asked_while_the_supervisors_phone_is_asked_is_said(engine: ConversationEngine) -> None:
    chat = escalated_without_a_phone(engine)
    case_number = chat.data.case_number
    assert case_number is not None
    step = chat.send("我的投诉编号是多少")
    assert chat.phrase_ids(step) == ["status_answer", "ask_phone"]
    assert case_number in chat.texts(step)


# ------------------------------------------------------------------------ chatter is no complaint


def test_a_compliment_on_the_voice_after_two_warnings_is_harassment_not_the_complaint(
    engine: ConversationEngine,
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    for message in ("美女你几岁了", "加个微信呗", "你声音肯定很好听"):
        step = chat.send(message)
        assert chat.phrase_ids(step) == ["harassment_warning"]
    assert chat.data.description == [] and chat.state is State.AWAIT_DESCRIPTION


def test_asking_whether_anyone_is_there_is_a_hello_not_the_problem(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    for message in ("你好", "在吗", "？？？", "有没有人啊"):
        step = chat.send(message)
        assert {"invite_complaint_again", "ask_details"} & set(chat.phrase_ids(step))
    assert chat.data.description == [] and chat.state is State.AWAIT_DESCRIPTION


def test_an_excuse_for_being_away_is_not_more_of_the_problem(engine: ConversationEngine) -> None:
    chat = at_the_phone_question(engine, "楼道的灯坏了")
    chat.wait(engine.config.timers.idle_prompt_after)
    assert chat.phrase_ids(chat.send(chat.timer(TimerKind.IDLE_PROMPT))) == ["idle_prompt"]
    step = chat.send("在吗 刚才手机没电了")
    assert chat.phrase_ids(step) == ["ask_phone"]
    assert chat.data.description == ["楼道的灯坏了"]


@pytest.mark.parametrize("here", ["在", "在的", "我在呢", "还在！", "嗯在"])
def test_saying_they_are_still_there_gets_the_question_again_and_is_not_the_problem(
    engine: ConversationEngine, here: str
) -> None:
    chat = at_the_phone_question(engine, "楼道的灯坏了")
    chat.wait(engine.config.timers.idle_prompt_after)
    chat.send(chat.timer(TimerKind.IDLE_PROMPT))
    assert chat.phrase_ids(chat.send(here)) == ["ask_phone"]
    chat.send("13912345678")
    chat.wait(engine.config.timers.idle_prompt_after)
    chat.send(chat.timer(TimerKind.IDLE_PROMPT))
    assert chat.phrase_ids(chat.send(here)) == ["ask_area"]
    step = chat.send("阳光花园3栋")
    assert chat.line(step, "问题：") == "问题：楼道的灯坏了（工程维修）"
    assert chat.line(step, "地点：") == "地点：阳光花园3栋"


def test_still_here_in_english_before_the_problem_invites_it(engine: ConversationEngine) -> None:
    chat = Chat(engine, locale="en")
    chat.send(Started())
    chat.send(chat.timer(TimerKind.IDLE_PROMPT))
    step = chat.send("I'm still here")
    assert chat.phrase_ids(step) == ["invite_complaint_again"]
    assert chat.data.description == [] and chat.data.fragments == ()


def test_an_excuse_with_more_of_the_problem_keeps_the_problem(engine: ConversationEngine) -> None:
    chat = at_the_phone_question(engine, "楼道的灯坏了")
    chat.wait(120)
    chat.send("刚才手机没电了 楼道里的电梯也坏了")
    assert len(chat.data.description) == 2
