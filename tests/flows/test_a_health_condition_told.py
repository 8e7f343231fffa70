"""A customer who tells of an illness, a pregnancy or an operation ("我有心脏病 天天睡不着") is heard:
cared for at once (never met with silence as the rest of a problem being typed), the condition said
back with the problem within the restatement's length, never taken for the place, and the case
served first, as an elder's is (长者优先 extended to the frail)."""

from __future__ import annotations

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat

HEALTH_NOTED = PhraseId.HEALTH_NOTED.value


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    chat = Chat(conversation_engine)
    chat.send(Started())
    return chat


def _problem(chat: Chat, step: Step) -> str:
    return chat.line(step, "问题：")


def test_told_alone_it_is_cared_for_and_the_phone_asked(chat: Chat) -> None:
    step = chat.send("我有心脏病 天天睡不着")
    assert chat.phrase_ids(step) == [HEALTH_NOTED, "description_recorded", "ask_phone"]
    assert "请您多保重身体" in chat.texts(step)
    chat.send("13800138000")
    restated = chat.send("阳光花园3栋")
    assert _problem(chat, restated) == "问题：我有心脏病 天天睡不着（物业服务）"
    done = chat.send("对")
    assert done.complaint is not None and "health" in done.complaint.signals
    assert done.handoff is not None and done.handoff.priority == 1


def test_told_right_after_the_noise_it_is_answered_not_heard_out_in_silence(chat: Chat) -> None:
    chat.send("楼上装修太吵了")
    step = chat.send("我有心脏病 天天睡不着")
    assert chat.phrase_ids(step)[0] == HEALTH_NOTED
    assert chat.phrase_ids(step)[-1] in ("ask_phone", "ask_phone_again")
    chat.send("13800138000")
    restated = chat.send("阳光花园3栋")
    assert _problem(chat, restated) == "问题：楼上装修太吵了，我有心脏病 天天睡不着（物业服务）"


def test_it_is_cared_for_once(chat: Chat) -> None:
    chat.send("我有心脏病 天天睡不着")
    again = chat.send("楼上天天半夜拖椅子 心脏病都要犯了")
    assert HEALTH_NOTED not in chat.phrase_ids(again)


def test_at_the_place_question_it_is_never_the_place(chat: Chat) -> None:
    chat.send("楼上装修吵死了")
    chat.send("13800138000")
    step = chat.send("我刚做完手术在家休养 医生说要静养")
    assert chat.phrase_ids(step)[0] == HEALTH_NOTED and chat.phrase_ids(step)[-1] == "ask_area"
    assert chat.state is State.AWAIT_AREA and chat.data.area is None
    restated = chat.send("阳光花园3栋")
    assert chat.line(restated, "地点：") == "地点：阳光花园3栋"
    assert "我刚做完手术在家休养" in _problem(chat, restated)


@pytest.mark.parametrize(
    ("answer", "said_back"),
    [
        ("13800138000 我老婆怀孕了", "问题：楼上装修吵死了，我老婆怀孕了（物业服务）"),
        ("我有心脏病 住在阳光花园3栋", "问题：楼上装修吵死了，我有心脏病（物业服务）"),
    ],
    ids=["beside the phone", "beside the place"],
)
def test_told_beside_an_item_it_goes_with_the_problem(chat: Chat, answer: str, said_back: str) -> None:
    chat.send("楼上装修吵死了")
    if "阳光花园" in answer:
        chat.send("13800138000")
    step = chat.send(answer)
    assert HEALTH_NOTED in chat.phrase_ids(step)
    restated = step if chat.state is State.CONFIRMING else chat.send("阳光花园3栋")
    assert _problem(chat, restated) == said_back


@pytest.mark.parametrize(
    ("told", "kept"),
    [
        (
            "楼上那家人每天半夜十二点还在拖椅子蹦迪 吵得整栋楼都听得见 找了保安三次都没用 我有心脏病 天天睡不着",
            "我有心脏病",
        ),
        (
            "楼上那家人每天半夜十二点还在拖椅子蹦迪，吵得整栋楼都听得见，我老婆怀孕七个月了，天天睡不好",
            "我老婆怀孕七个月了",
        ),
        ("楼上那家人每天半夜十二点还在拖椅子蹦迪 吵得整栋楼都听得见 傻逼邻居 我有心脏病 天天睡不着", "我有心脏病"),
    ],
    ids=["after a long story", "its own clause", "beside an insult"],
)
def test_a_long_complaint_keeps_the_condition_within_the_restatement(chat: Chat, told: str, kept: str) -> None:
    chat.send(told)
    chat.send("13800138000")
    problem = _problem(chat, chat.send("阳光花园3栋")).removeprefix("问题：").removesuffix("（物业服务）")
    assert kept in problem and len(problem) <= 40
    assert problem.startswith("楼上那家人每天半夜十二点还在拖椅子蹦迪")
    assert "傻逼" not in problem


def test_in_cantonese_it_is_cared_for_in_traditional_characters(chat: Chat) -> None:
    step = chat.send("樓上成日拖櫈 我有心臟病 成晚瞓唔著 你哋理唔理")
    assert chat.phrase_ids(step)[0] == HEALTH_NOTED and "請您多保重身體" in chat.texts(step)
    chat.send("91234567")
    restated = chat.send("太古城金星閣15樓B室")
    assert "我有心臟病" in chat.line(restated, "問題：") and "（物業服務）" in chat.line(restated, "問題：")


def test_in_english_it_is_cared_for_and_kept(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("the people upstairs drill every night, it's unbearable")
    step = chat.send("I have a heart condition and I cannot sleep")
    assert chat.phrase_ids(step)[0] == HEALTH_NOTED and "take good care of yourself" in chat.texts(step)
    chat.send("98765432")
    restated = chat.send("Flat 5C, Block 2, Taikoo Shing")
    assert "I have a heart condition" in chat.line(restated, "Problem:")


def test_a_condition_denied_is_none(chat: Chat) -> None:
    step = chat.send("我没有心脏病 就是楼上太吵了")
    assert HEALTH_NOTED not in chat.phrase_ids(step) and "health" not in chat.data.signals


def test_told_after_the_hand_off_it_is_cared_for_and_kept_on_the_case(chat: Chat) -> None:
    chat.send("楼上装修太吵了")
    chat.send("13800138000")
    chat.send("阳光花园3栋")
    done = chat.send("对")
    assert done.complaint is not None and chat.state is State.HANDED_OFF
    step = chat.send("我有心脏病 天天睡不着")
    assert chat.phrase_ids(step) == [HEALTH_NOTED]
    assert step.contact is not None and step.contact.case_number == done.complaint.case_number
    assert step.contact.more_of_the_problem == "我有心脏病 天天睡不着"
    assert step.contact.more_signals == ("health",)


def test_told_after_the_hand_off_with_another_problem_that_problem_is_a_case_of_its_own(chat: Chat) -> None:
    chat.send("楼上装修太吵了")
    chat.send("13800138000")
    chat.send("阳光花园3栋")
    chat.send("对")
    step = chat.send("我有心脏病 电梯也坏了")
    assert "another_problem_new_case" in chat.phrase_ids(step)


def test_told_at_the_restatement_it_is_restated_with_the_problem(chat: Chat) -> None:
    chat.send("楼上天天吵")
    chat.send("13800138000")
    chat.send("阳光花园3栋")
    step = chat.send("我有心脏病")
    assert chat.phrase_ids(step)[:2] == [HEALTH_NOTED, "restate"]
    assert _problem(chat, step) == "问题：楼上天天吵，我有心脏病（物业服务）"


def test_told_while_the_duty_supervisor_s_phone_is_asked_it_is_cared_for_and_kept(chat: Chat) -> None:
    chat.send("楼上天天吵 再不管我就找记者曝光")
    step = chat.send("我有心脏病 经不起折腾")
    assert chat.phrase_ids(step) == [HEALTH_NOTED, "ask_phone"]
    assert step.contact is not None and step.contact.more_signals == ("health",)
