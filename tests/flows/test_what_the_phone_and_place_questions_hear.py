"""What the phone and place questions hear. At the place question, "跳过", "不需要", "没关系" say there
is no place (地点：未提供), never the place; "跟上次一样", "还是那个地址" take an earlier case's place
when one is known, else the place is asked again. At every phone question (the form's, the
correction's, the duty supervisor's), "就用这个手机号", "就打这个号码", "你们系统里有我的号码" take the
number the channel vouches for (SMS) or hear that none is known here, never a place nor silence;
"为什么？" hears what the phone is for and that it may be declined, no refusal, nothing recorded."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat, restatement

NOISE = "楼上装修太吵了"
NOISE_EN = "The renovation upstairs is far too noisy"
PHONE = "13800138000"
SMS_SENDER = "13912345678"
CASE = "TS20261123ABCDEF"
OPEN = CaseStatus(
    CaseStage.WAITING, CASE, MONDAY_2PM + dt.timedelta(hours=24), area="阳光花园3栋", problem="楼上装修很吵", own=True
)
RESOLVED = CaseStatus(
    CaseStage.RESOLVED,
    "TS20261120ABCDEF",
    area="金色家园5栋",
    problem="电梯坏了",
    category="engineering_repair",
    own=True,
    resolved_at=MONDAY_2PM - dt.timedelta(days=3),
)


def asked_the_place(engine: ConversationEngine, customer: CustomerView | None = None, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, customer=customer, locale=locale)
    chat.send(NOISE_EN if locale == "en" else NOISE)
    if chat.state is State.AWAIT_PHONE:
        chat.send(PHONE)
    assert chat.state is State.AWAIT_AREA
    return chat


def asked_the_phone(engine: ConversationEngine, customer: CustomerView | None = None, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, customer=customer, locale=locale)
    chat.send(NOISE_EN if locale == "en" else NOISE)
    assert chat.state is State.AWAIT_PHONE
    return chat


def escalated(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("物业乱收停车费 叫你们经理出来")
    assert chat.phrase_ids(step) == ["escalation_ask_phone"] and chat.state is State.HANDED_OFF
    return chat


def place_noted(chat: Chat) -> bool:
    return any(str(phrase).startswith("place_noted") for step in chat.steps for phrase in chat.phrase_ids(step))


# --- The place question -------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["跳过", "跳過", "不需要", "没关系", "沒關係", "跳过吧", "没关系的", "no need"])
def test_skipping_the_place_question_is_no_place(conversation_engine: ConversationEngine, answer: str) -> None:
    chat = asked_the_place(conversation_engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step)[0] == "restate" and chat.state is State.CONFIRMING
    assert chat.line(step, "地点：") == "地点：未提供"
    assert chat.data.area is None and chat.data.description == [NOISE]


@pytest.mark.parametrize(("answer", "says"), [("没有", "restate"), ("不用了", "ask_area_again")])
def test_no_place_and_no_thanks_are_heard_as_before(
    conversation_engine: ConversationEngine, answer: str, says: str
) -> None:
    chat = asked_the_place(conversation_engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step)[0] == says and chat.data.area is None


@pytest.mark.parametrize(
    ("locale", "answer"),
    [
        ("zh-CN", "跟上次一样"),
        ("zh-CN", "和上次一样"),
        ("zh-CN", "还是那个地址"),
        ("zh-CN", "跟上次一樣"),
        ("zh-CN", "還是那個地址"),
        ("en", "same as last time"),
    ],
)
def test_the_place_of_last_time_with_no_earlier_case_is_asked_again(
    conversation_engine: ConversationEngine, locale: str, answer: str
) -> None:
    chat = asked_the_place(conversation_engine, locale=locale)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["ask_area_again"] and chat.state is State.AWAIT_AREA
    assert chat.data.area is None and len(chat.data.description) == 1
    restated = restatement(chat, "没有")
    assert answer not in chat.texts(restated)


@pytest.mark.parametrize("answer", ["跟上次一样", "还是那个地址", "和上次一樣"])
def test_the_place_of_last_time_is_the_open_case_s(conversation_engine: ConversationEngine, answer: str) -> None:
    customer = CustomerView(phone=PHONE, open_case=OpenCase(CASE, OPEN.deadline_at or MONDAY_2PM, status=OPEN))
    chat = Chat(conversation_engine, customer=customer)
    chat.send("另外楼下垃圾桶满了")
    assert chat.state is State.AWAIT_AREA
    step = chat.send(answer)
    assert chat.phrase_ids(step)[0] == "restate"
    place = "地点：" if "地点：" in chat.texts(step) else "地點："  # said back in the customer's script
    assert chat.line(step, place).endswith(("阳光花园3栋", "陽光花園3棟"))
    assert chat.data.area == "阳光花园3栋"


def test_the_place_of_last_time_is_the_latest_resolved_case_s(conversation_engine: ConversationEngine) -> None:
    chat = asked_the_place(conversation_engine, customer=CustomerView(resolved_cases=(RESOLVED,)))
    step = chat.send("跟上次一样")
    assert chat.phrase_ids(step)[0] == "restate" and chat.line(step, "地点：") == "地点：金色家园5栋"


def test_a_case_found_by_a_typed_phone_lends_no_place(conversation_engine: ConversationEngine) -> None:
    """Another customer's case, found by a phone typed here: nothing shows it is theirs."""
    theirs = OpenCase(CASE, OPEN.deadline_at or MONDAY_2PM, status=OPEN, by_typed_phone=True)
    chat = asked_the_place(conversation_engine, customer=CustomerView(open_case=theirs))
    step = chat.send("跟上次一样")
    assert chat.phrase_ids(step) == ["ask_area_again"] and chat.data.area is None


# --- The form's phone question ------------------------------------------------------------------

THIS_NUMBER = [
    "就用这个手机号",
    "就打这个号码",
    "用我现在这个号",
    "你们系统里有我的号码",
    "就用這個手機號",
    "你們系統裡有我的號碼",
]


@pytest.mark.parametrize("answer", THIS_NUMBER)
def test_this_number_on_web_chat_hears_none_is_known(conversation_engine: ConversationEngine, answer: str) -> None:
    chat = asked_the_phone(conversation_engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["phone_not_known"] and chat.state is State.AWAIT_PHONE
    assert chat.data.area is None and chat.data.description == [NOISE]
    assert not place_noted(chat)
    restated = restatement(chat)
    assert chat.line(restated, "地点：") == "地点：阳光花园3栋" and answer not in chat.texts(restated)


@pytest.mark.parametrize("answer", ["use this number", "call this number", "you have my number in your system"])
def test_this_number_in_english_hears_none_is_known(conversation_engine: ConversationEngine, answer: str) -> None:
    chat = asked_the_phone(conversation_engine, locale="en")
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["phone_not_known"] and chat.data.area is None
    assert chat.data.description == [NOISE_EN]


@pytest.mark.parametrize("answer", THIS_NUMBER)
def test_this_number_by_sms_is_the_sender_s(conversation_engine: ConversationEngine, answer: str) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone=SMS_SENDER, phone_vouched=True))
    chat.send(NOISE)
    assert chat.phrase_ids(chat.send("等一下 我换个号码")) == ["ask_phone_number"]
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["contact_noted", "ask_area"] and "139****5678" in chat.texts(step)
    assert chat.data.area is None and chat.data.description == [NOISE]
    restated = chat.send("阳光花园3栋")
    assert chat.line(restated, "电话：") == "电话：139****5678"
    assert chat.line(restated, "地点：") == "地点：阳光花园3栋"


@pytest.mark.parametrize("answer", ["你们系统查一下我的号码", "你们系统里查得到我的号码", "app里绑定的就是我的手机号"])
def test_words_about_the_phone_are_answered_never_heard_out_in_silence(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    """Once heard out in silence as more of the problem (系统, app name a category), or taken as the place."""
    chat = asked_the_phone(conversation_engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["ask_phone_again"] and chat.state is State.AWAIT_PHONE
    assert chat.data.area is None and chat.data.description == [NOISE]


@pytest.mark.parametrize(
    ("answer", "says"), [("跳过", "ask_phone_again"), ("不必", "phone_reassure"), ("免了", "phone_reassure")]
)
def test_two_characters_answering_the_phone_question_are_never_heard_out_as_the_problem(
    conversation_engine: ConversationEngine, answer: str, says: str
) -> None:
    """Once heard out in silence, right after the problem, as two characters of it still being typed."""
    chat = asked_the_phone(conversation_engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == [says] and chat.data.description == [NOISE]


def test_more_of_the_problem_right_after_it_is_still_heard_out(conversation_engine: ConversationEngine) -> None:
    chat = asked_the_phone(conversation_engine)
    assert chat.phrase_ids(chat.send("手机信号很差")) == []
    assert chat.data.description == [NOISE, "手机信号很差"]


@pytest.mark.parametrize(
    ("locale", "answer"),
    [
        ("zh-CN", "为什么？"),
        ("zh-CN", "為什麼？"),
        ("zh-CN", "为啥"),
        ("en", "why?"),
        # "what?": never heard out in silence as more of the problem, nor recorded as a message
        ("zh-CN", "啥"),
        ("zh-CN", "啥？"),
        ("zh-CN", "咩呀"),
        ("en", "what?"),
    ],
)
def test_asking_why_hears_what_the_phone_is_for_and_how_to_decline(
    conversation_engine: ConversationEngine, locale: str, answer: str
) -> None:
    chat = asked_the_phone(conversation_engine, locale=locale)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["ask_phone_again"] and chat.state is State.AWAIT_PHONE
    said = chat.texts(step)
    assert ("处理结果" in said and "不留" in said) or ("result" in said and "no phone" in said)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["explain_phone"]  # never the same words twice running
    assert chat.data.phone_refusals == 0 and len(chat.data.description) == 1
    restated = restatement(chat)
    assert answer.rstrip("？?") not in chat.line(restated, "问题：" if locale == "zh-CN" else "Problem:")


@pytest.mark.parametrize(("locale", "answer"), [("zh-CN", "为什么要电话"), ("en", "why do you need my number")])
def test_asking_why_a_phone_at_all_is_still_the_reassurance(
    conversation_engine: ConversationEngine, locale: str, answer: str
) -> None:
    chat = asked_the_phone(conversation_engine, locale=locale)
    assert chat.phrase_ids(chat.send(answer)) == ["phone_reassure"]
    assert len(chat.data.description) == 1


# --- The phone correction -----------------------------------------------------------------------


def asked_the_correct_phone(engine: ConversationEngine, customer: CustomerView | None = None) -> Chat:
    chat = Chat(engine, customer=customer)
    for message in (NOISE, "13712345678", "阳光花园3栋", "不对", "电话"):
        chat.send(message)
    assert chat.state is State.CORRECT_PHONE
    return chat


def test_the_same_number_at_the_correction_keeps_it(conversation_engine: ConversationEngine) -> None:
    chat = asked_the_correct_phone(conversation_engine)
    step = chat.send("还是那个号码")
    assert chat.phrase_ids(step)[:2] == ["contact_noted", "restate"]
    assert chat.line(step, "电话：") == "电话：13712345678" and chat.line(step, "地点：") == "地点：阳光花园3栋"


def test_this_number_at_the_correction_by_sms_is_the_sender_s(conversation_engine: ConversationEngine) -> None:
    chat = asked_the_correct_phone(conversation_engine, CustomerView(phone=SMS_SENDER, phone_vouched=True))
    step = chat.send("就用这个手机号")
    assert chat.phrase_ids(step)[:2] == ["contact_noted", "restate"]
    assert chat.line(step, "电话：") == "电话：139****5678" and chat.data.phone == SMS_SENDER


def test_the_number_given_at_the_correction_with_none_known_hears_so(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    for message in (NOISE, "不想留电话", "不留", "阳光花园3栋", "不对", "电话"):
        chat.send(message)
    assert chat.state is State.CORRECT_PHONE and chat.data.phone is None
    step = chat.send("你们有我电话啊")
    assert chat.phrase_ids(step) == ["phone_not_known"] and chat.state is State.CORRECT_PHONE
    assert chat.data.area == "阳光花园3栋"


# --- The duty supervisor's phone question -------------------------------------------------------


@pytest.mark.parametrize("answer", ["上次留过了", "就用这个手机号", "你们系统里有我的号码"])
def test_the_number_given_at_the_supervisor_s_question_hears_none_is_known_then_is_not_asked(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    chat = escalated(conversation_engine)
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["phone_not_known"] and chat.data.phone is None
    step = chat.send(answer)
    assert chat.phrase_ids(step) == ["escalation_without_phone", "ask_area"]
    assert chat.data.area is None and not place_noted(chat)


def test_the_number_put_aside_is_the_one_the_supervisor_calls(conversation_engine: ConversationEngine) -> None:
    chat = escalated(conversation_engine)
    chat.data = dataclasses.replace(chat.data, alternative_phone=PHONE)
    step = chat.send("还是那个号码")
    assert chat.phrase_ids(step)[0] == "escalation_phone_noted" and PHONE in chat.texts(step)
    assert chat.data.phone == PHONE


def test_asking_why_at_the_supervisor_s_question_is_answered_and_the_number_still_taken(
    conversation_engine: ConversationEngine,
) -> None:
    chat = escalated(conversation_engine)
    step = chat.send("为什么？")
    assert chat.phrase_ids(step) == ["ask_phone_again"] and not chat.data.contact_by_channel
    step = chat.send(PHONE)
    assert chat.phrase_ids(step)[0] == "escalation_phone_noted" and chat.data.phone == PHONE


@pytest.mark.parametrize(
    ("locale", "first", "again"),
    [
        ("zh-CN", "我不要留电话", "还是不要"),
        ("zh-CN", "为什么要电话", "都说了不给"),
        ("zh-CN", "我不要留電話", "還是不要"),
        ("en", "why do you need my number", "i said no"),
    ],
)
def test_a_refusal_said_again_after_the_reassurance_is_taken(
    conversation_engine: ConversationEngine, locale: str, first: str, again: str
) -> None:
    chat = asked_the_phone(conversation_engine, locale=locale)
    assert chat.phrase_ids(chat.send(first)) == ["phone_reassure"]
    step = chat.send(again)
    assert chat.phrase_ids(step) == ["phone_not_needed", "ask_area"]  # not asked a third time
    assert chat.state is State.AWAIT_AREA and len(chat.data.description) == 1
