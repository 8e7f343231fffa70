"""Customers after the hand-off: what they ask, correct, take back or apologise for."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.data import TimerKind
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def handed_off(engine: ConversationEngine, problem: str = "小区楼道的垃圾三天没人清理", locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    traditional = problem != chat.engine.understander.simplified(problem)
    place, yes = ("陽光花園3棟2單元", "對") if traditional else ("阳光花园3栋2单元", "yes" if locale == "en" else "对")
    for message in (problem, "13800138000", place, yes):
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    return chat


@pytest.mark.parametrize(
    ("locale", "problem", "question", "missed", "escalated"),
    [
        (
            "zh-CN",
            "小区楼道的垃圾三天没人清理",
            "到底什么时候处理",
            "原定今天下午2点半前给您答复，我们没能按时答复",
            "已升级转交值班主管",
        ),
        (
            "zh-CN",
            "小區樓道的垃圾三天沒人清理",
            "到底什麼時候處理",
            "原定今天下午2點半前給您答覆，我們沒能按時答覆",
            "已升級轉交值班主管",
        ),
        (
            "en",
            "The rubbish in our stairwell has not been cleared for three days",
            "when will it be handled?",
            "We promised to answer by 2:30 pm today and did not",
            "escalated to the duty supervisor",
        ),
    ],
)
@pytest.mark.parametrize("owner", ["bot", "agent:li"])
def test_a_deadline_already_passed_is_apologised_for_never_promised_again(
    engine: ConversationEngine, locale: str, problem: str, question: str, missed: str, escalated: str, owner: str
) -> None:
    chat = handed_off(engine, problem, locale)
    due = MONDAY_2PM + dt.timedelta(minutes=30)
    stage = CaseStage.WITH_AGENT if owner != "bot" else CaseStage.WAITING
    chat.customer = CustomerView(this_case=CaseStatus(stage, CASE, due))
    chat.owner = owner
    chat.wait(3600)
    text = chat.texts(chat.send(question))
    assert missed in text and escalated in text
    assert "我们会在" not in text and "We will give you a clear answer" not in text


def test_an_extended_deadline_is_the_one_said(engine: ConversationEngine) -> None:
    chat = handed_off(engine)
    extended = MONDAY_2PM + dt.timedelta(hours=20)
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, CASE, extended, extended=True))
    chat.wait(3600)
    text = chat.texts(chat.send("到底什么时候处理"))
    assert "明天上午10点前给您明确的答复" in text and "没能按时答复" not in text


@pytest.mark.parametrize(
    ("message", "place"),
    [("地址也写错了，是阳光花园5栋不是3栋", "阳光花园5栋"), ("地址改一下：阳光花园5栋2单元", "阳光花园5栋2单元")],
)
def test_a_place_corrected_after_the_hand_off_goes_on_the_case(
    engine: ConversationEngine, message: str, place: str
) -> None:
    chat = handed_off(engine)
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["place_corrected"]
    assert f"地址已更正为：{place}" in chat.texts(step)
    assert step.contact is not None and step.contact.area == place and step.contact.area_replaces


@pytest.mark.parametrize(
    ("locale", "problem", "question"),
    [
        ("en", "The rubbish in our stairwell has not been cleared for three days", "when will someone actually come??"),
        ("zh-CN", "小区楼道的垃圾三天没人清理", "都过了8点37了！！说好的答复呢？"),
    ],
)
def test_more_ways_of_asking_where_the_case_stands(
    engine: ConversationEngine, locale: str, problem: str, question: str
) -> None:
    chat = handed_off(engine, problem, locale)
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, CASE, MONDAY_2PM + dt.timedelta(hours=12)))
    assert chat.phrase_ids(chat.send(question)) == ["status_answer"]


def test_a_long_withdrawal_saying_the_problem_is_settled_is_a_withdrawal(engine: ConversationEngine) -> None:
    chat = handed_off(engine, "Someone parked in my space again, the car is blocking my garage", "en")
    step = chat.send("Actually it's fixed now, security towed the car. I want to withdraw my complaint.")
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]


def test_the_customers_apology_for_their_manner_is_met_with_no_harm_done(engine: ConversationEngine) -> None:
    chat = handed_off(engine)
    step = chat.send("我刚才态度不好，对不起啊")
    assert chat.phrase_ids(step) == ["customer_apologised"]
    assert step.contact is None  # no complaint about our attitude added to the case


def test_asked_whether_it_is_a_bot_the_customer_already_with_people_is_not_told_to_ask_for_one(
    engine: ConversationEngine,
) -> None:
    chat = handed_off(engine)
    text = chat.texts(chat.send("你是机器人吗"))
    assert "转人工" not in text and "已经转交人工客服代表" in text


def test_markup_does_not_switch_a_chinese_conversation_to_english(engine: ConversationEngine) -> None:
    chat = handed_off(engine)
    chat.send("<script>alert(2)</script>")
    assert chat.locale == "zh-CN"


def test_a_harassment_warning_stops_the_idle_prompt(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("楼道里垃圾堆满了")
    idle = chat.timer(TimerKind.IDLE_PROMPT)
    step = chat.send("你长得真漂亮，加个微信吧")
    assert chat.phrase_ids(step) == ["harassment_warning"]
    assert TimerKind.IDLE_PROMPT not in chat.data.timers
    assert chat.send(idle).replies == []


def test_the_case_named_by_number_is_remembered_for_the_next_status_question(engine: ConversationEngine) -> None:
    named = CaseStatus(CaseStage.WAITING, "TS20261123LS32JY", MONDAY_2PM + dt.timedelta(hours=20), own=True)
    chat = Chat(engine, customer=CustomerView(named_cases=(named,)))
    chat.send(Started())
    assert "TS20261123LS32JY" in chat.texts(chat.send("TS20261123LS32JY 还没修好 到底什么时候来人"))
    # As storage loads the next message: the case told about is looked up again.
    chat.customer = CustomerView(named_cases=(named,))
    step = chat.send("多久能修好")
    assert "TS20261123LS32JY" in chat.texts(step) and "没有查到" not in chat.texts(step)


def test_an_appeal_without_a_case_number_asks_for_it_then_goes_to_the_supervisor(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    asked = chat.send("我要申诉！上个月投诉的漏水到现在没人管")
    assert chat.phrase_ids(asked) == ["appeal_ask_case_number"]
    step = chat.send("没有")
    assert step.handoff is not None and step.handoff.queue == "supervisor" and step.handoff.reason == "appeal"
    assert step.complaint is not None and "我要申诉" in step.complaint.description


def test_asking_whether_anyone_is_there_is_always_answered_never_the_same_words_twice_running(
    engine: ConversationEngine,
) -> None:
    chat = handed_off(engine)
    chat.wait(5)
    assert chat.phrase_ids(chat.send("师傅来之前打我电话")) == ["handoff_ack"]  # the throttle starts
    for asked, heard in [
        ("有人吗", "presence_wait"),
        ("有人吗？？？", "status_answer"),
        ("你们是不是都死了", "presence_wait"),
        ("有人吗", "status_answer"),
    ]:
        chat.wait(30)
        step = chat.send(asked)
        assert chat.phrase_ids(step)[-1] == heard, asked
        if heard == "presence_wait":
            assert "让您久等了" in chat.texts(step) and "请您稍候" in chat.texts(step)
        else:
            assert str(chat.data.case_number) in chat.texts(step)
    assert chat.state is State.HANDED_OFF


def test_the_same_anyone_there_sent_twice_at_once_is_answered_once(engine: ConversationEngine) -> None:
    chat = handed_off(engine)
    chat.wait(60)
    assert chat.phrase_ids(chat.send("有人吗")) == ["presence_wait"]
    chat.wait(2)
    assert chat.phrase_ids(chat.send("有人吗")) == []
    chat.wait(2)
    assert chat.phrase_ids(chat.send("人呢")) == ["status_answer"]  # another text: answered, in other words


@pytest.mark.parametrize(
    "withdrawal", ["唔使嚟啦 已經整好咗", "唔使來喇 搞掂咗", "唔駛嚟啦 冇事喇", "唔使嚟啦", "已經整好咗 唔使嚟"]
)
def test_a_cantonese_no_need_to_come_after_the_hand_off_is_a_withdrawal_never_praise(
    engine: ConversationEngine, withdrawal: str
) -> None:
    chat = handed_off(engine, "屋企個廁所塞咗 成屋都係水")
    step = chat.send(withdrawal)
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]
