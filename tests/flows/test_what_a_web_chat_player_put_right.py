"""What a player talking to the web chat found, each as they typed it: a place put right after the
hand-off naming another estate replaces the old one (never glued onto it); a floor put right in
English at the restatement for a place that names none changes only the place; digits alone are
never a problem, nor is a case's phone proven by its last digits at a status question lent to a new
case; "哦不对 是东门那边" is where, not more of the problem; "不知道" answering a question is no
problem text; "算了 不想说了" gives the complaint up."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import PhraseId
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

RATS = "地下室有老鼠 好多 晚上吱吱叫"


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def handed_off(chat: Chat, *messages: str) -> Chat:
    for message in messages:
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    return chat


@pytest.mark.parametrize(
    ("told", "correction", "said", "stored"),
    [
        (("阳光新城 13711110000",), "地址也寫錯了，是陽光花園5棟", "地址已更正為：陽光花園5棟。", "陽光花園5棟"),
        (("13711110000", "阳光新城"), "地址错了 应该是翠湖天地2栋", "地址已更正为：翠湖天地2栋。", "翠湖天地2栋"),
    ],
    ids=["traditional", "simplified"],
)
def test_a_place_put_right_after_the_hand_off_naming_another_estate_replaces_it(
    chat: Chat, told: tuple[str, ...], correction: str, said: str, stored: str
) -> None:
    handed_off(chat, RATS, *told, "对")
    step = chat.send(correction)
    assert chat.phrase_ids(step) == ["place_corrected"]
    assert said in chat.texts(step) and "阳光新城" not in chat.texts(step)
    assert step.contact is not None and step.contact.area_replaces and step.contact.area == stored


def test_a_building_put_right_after_the_hand_off_keeps_its_estate(chat: Chat) -> None:
    handed_off(chat, RATS, "13711110000", "阳光新城3栋", "对")
    step = chat.send("是5栋不是3栋")
    assert step.contact is not None and step.contact.area == "阳光新城5栋"


def test_another_estate_named_at_the_restatement_replaces_the_place(chat: Chat) -> None:
    for message in (RATS, "13711110000", "阳光新城"):
        chat.send(message)
    step = chat.send("地址错了 应该是翠湖天地2栋")
    assert chat.line(step, "地点：") == "地点：翠湖天地2栋"
    assert chat.line(step, "问题：").startswith(f"问题：{RATS}")


def test_a_floor_put_right_in_english_for_a_place_without_one_changes_only_the_place(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    for message in (
        "water leaking from ceiling since monday, 3rd time reporting!! nobody came",
        "rm 1502 tower 3 the belcher's",
        "+852 9876 1234",
    ):
        chat.send(message)
    assert chat.state is State.CONFIRMING
    step = chat.send("no, it's 15/F not 5/F")
    assert chat.line(step, "Problem: ").startswith("Problem: water leaking from ceiling since monday")
    assert chat.line(step, "Problem: ").endswith("(Engineering and repairs)")
    assert chat.line(step, "Place: ") == "Place: rm 1502 15/F tower 3 the belcher's"
    done = chat.send("yes")
    assert done.complaint is not None and "15/F" not in done.complaint.description


CASE = "TS20261123ABCDEF"
ANOTHERS = CaseStatus(
    CaseStage.WITH_AGENT, CASE, MONDAY_2PM + dt.timedelta(hours=21), agent_name="李娜", phone_tail="00132222"
)
THEIR_PHONE = "13900002222"


def test_stray_digits_after_a_status_check_file_no_case_on_the_case_s_phone(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(named_cases=(ANOTHERS,)))
    chat.send(Started())
    chat.send(f"投诉编号{CASE} 处理到哪了")
    step = chat.send("13800132222")
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"]
    # What storage loads from now on: the case proven here, with its customer's phone.
    proven = CaseStatus(CaseStage.WITH_AGENT, CASE, ANOTHERS.deadline_at, agent_name="李娜", own=True)
    chat.customer = CustomerView(
        named_cases=(proven,),
        open_case=OpenCase(CASE, MONDAY_2PM + dt.timedelta(hours=21), status=proven),
        proven_phone=THEIR_PHONE,
    )
    step = chat.send("1111")
    assert chat.phrase_ids(step) in (["invite_complaint_again"], ["ask_details"])
    assert chat.data.description == [] and chat.data.phone is None
    step = chat.send("没有")
    assert chat.phrase_ids(step) == ["goodbye"] and chat.state is State.CLOSED
    assert all(step.complaint is None for step in chat.steps)


def test_a_problem_after_a_status_check_asks_for_a_phone_of_its_own(conversation_engine: ConversationEngine) -> None:
    proven = CaseStatus(CaseStage.WITH_AGENT, CASE, ANOTHERS.deadline_at, agent_name="李娜", own=True)
    chat = Chat(conversation_engine, customer=CustomerView(named_cases=(ANOTHERS,)))
    chat.send(Started())
    chat.send(f"投诉编号{CASE} 处理到哪了")
    chat.send("13800132222")
    chat.customer = CustomerView(
        named_cases=(proven,),
        open_case=OpenCase(CASE, MONDAY_2PM + dt.timedelta(hours=21), status=proven),
        proven_phone=THEIR_PHONE,
    )
    step = chat.send("楼道灯坏了一个星期了")
    assert "ask_phone" in chat.phrase_ids(step) and chat.data.phone is None


@pytest.mark.parametrize("digits", ["1111", "１１１１", "2222 3333"])
def test_digits_alone_in_a_fresh_chat_are_no_complaint(chat: Chat, digits: str) -> None:
    step = chat.send(digits)
    assert chat.phrase_ids(step) in (["invite_complaint_again"], ["ask_details"])
    assert chat.data.description == [] and chat.state is State.AWAIT_DESCRIPTION


def test_where_put_right_before_the_phone_is_the_place(chat: Chat) -> None:
    chat.send("小区门口垃圾三天没人收 臭死了")
    step = chat.send("哦不对 是东门那边")
    assert chat.data.area == "东门那边"
    assert chat.data.description == ["小区门口垃圾三天没人收 臭死了"]
    assert PhraseId.ASK_AREA not in chat.phrase_ids(step)
    step = chat.send("13800138000")
    assert "ask_area" not in chat.phrase_ids(step)


def test_where_put_right_at_the_place_question_is_said_back_without_the_no(chat: Chat) -> None:
    for message in ("小区门口垃圾三天没人收 臭死了", "13800138000"):
        chat.send(message)
    step = chat.send("哦不对 是东门那边")
    assert chat.data.area == "东门那边" and "请问东门那边是哪个小区的呢" in chat.texts(step)


@pytest.mark.parametrize("answer", ["不知道", "不清楚", "不记得了"])
def test_not_knowing_at_the_phone_question_is_no_problem_text(chat: Chat, answer: str) -> None:
    chat.send("投诉保洁阿姨偷拿我家门口的东西")
    chat.send("不留")
    step = chat.send(answer)
    assert PhraseId.DESCRIPTION_RECORDED not in chat.phrase_ids(step)
    assert chat.data.description == ["投诉保洁阿姨偷拿我家门口的东西"]
    chat.send("13800138000")
    step = chat.send("阳光花园3栋")
    assert chat.line(step, "问题：") == "问题：投诉保洁阿姨偷拿我家门口的东西（物业服务）"


def test_giving_up_before_any_problem_ends_politely(chat: Chat) -> None:
    step = chat.send("算了 不想说了")
    assert chat.phrase_ids(step) == ["withdrawn"] and chat.state is State.CLOSED


def test_giving_up_after_the_problem_is_asked_to_be_sure(chat: Chat) -> None:
    chat.send("小区门口垃圾三天没人收 臭死了")
    step = chat.send("算了 不想说了")
    assert chat.phrase_ids(step) == ["withdraw_confirm"]
    assert "ask_phone" not in chat.phrase_ids(step) and "ask_phone_again" not in chat.phrase_ids(step)
