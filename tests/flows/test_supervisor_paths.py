"""Handed to the duty supervisor (danger now, a threat of violence, the media or 12345, a manager
asked for): the ticket is in the supervisor's queue at once, but the customer hears the standard
order: the apology (an emergency: that the supervisor is alerted), the questions still missing (the
phone, then the place), then the restatement naming the problem and the place, and only then the
time promised and the case number (seed 003: listen, ask, soothe, confirm; never reversed)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.data import TimerKind
from bot.flows.records import CustomerView
from tests.flows.chat import SHANGHAI, Chat

MEDIA = "物业乱收停车费，再不处理我就打12345，找电视台曝光"
VIOLENCE = "物业乱收停车费，再不处理我就砸了你们物业办公室"
SATURDAY_EARLY = dt.datetime(2026, 12, 5, 7, 25, tzinfo=SHANGHAI)
PROMISED = ["restate", "promise_within_an_hour", "case_number", "restated_check"]
URGENTLY_PROMISED = ["restate", "promise_urgent", "case_number", "restated_check"]


@pytest.mark.parametrize("threat", [MEDIA, VIOLENCE])
def test_a_threat_of_the_media_is_promised_within_the_hour_as_violence_is(
    conversation_engine: ConversationEngine, threat: str
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(threat)
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    chat.send("13800138000")
    step = chat.send("阳光花园5栋")
    assert "1小时内（今天下午3点前）" in chat.texts(step)


@pytest.mark.parametrize("first", ["物业乱收停车费 叫你们经理出来", MEDIA])
def test_a_yes_after_the_phone_and_place_hears_the_supervisor_will_call(
    conversation_engine: ConversationEngine, first: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(first)
    chat.send("13800138000")
    chat.send("阳光花园5栋")
    step = chat.send("对")
    assert chat.phrase_ids(step) == ["confirmed_thanks", "escalation_reassure"]
    assert "客服代表" not in chat.texts(step)


def test_danger_with_the_phone_and_the_place_is_restated_and_promised_in_the_first_reply(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, now=SATURDAY_EARLY)
    chat.send(Started())
    step = chat.send("楼道里煤气味特别大 是不是漏气了 我电话13512340000 朝阳区潘家园华威里10号楼")
    assert chat.phrase_ids(step) == ["safety_gas", "urgent_handoff", *URGENTLY_PROMISED]
    assert "煤气味" in chat.line(step, "问题：")
    assert chat.line(step, "地点：") == "地点：朝阳区潘家园华威里10号楼"
    assert chat.line(step, "电话：") == "电话：13512340000"
    assert "1小时内（今天上午8点半前）" in chat.texts(step)
    assert step.handoff is not None and (step.handoff.queue, step.handoff.reason) == ("supervisor", "danger")


def test_danger_with_nothing_else_is_with_the_supervisor_at_once_then_asks_the_phone_the_place_and_promises(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, now=SATURDAY_EARLY)
    chat.send(Started())
    step = chat.send("电梯里现在有人被困住了 按警铃没人应 快来人啊")
    # The ticket exists before any answer: the supervisor is alerted, and the customer told so.
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)
    assert step.complaint is not None and step.complaint.deadline_at == SATURDAY_EARLY.replace(hour=8, minute=30)
    assert chat.phrase_ids(step) == ["safety_lift", "urgent_ask_phone"]
    assert "值班主管" in chat.texts(step) and "编号" not in chat.texts(step) and "答复" not in chat.texts(step)
    step = chat.send("13900001234")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "urgent_ask_place"]
    step = chat.send("锦绣华庭5号楼")
    assert chat.phrase_ids(step) == URGENTLY_PROMISED
    assert "被困" in chat.line(step, "问题：")
    assert chat.line(step, "地点：") == "地点：锦绣华庭5号楼"
    assert chat.line(step, "电话：") == "电话：13900001234"
    # The time said is the one the case got when it was handed over, with its number.
    assert "1小时内（今天上午8点半前）" in chat.texts(step)
    assert chat.data.case_number is not None and chat.data.case_number in chat.texts(step)
    assert chat.phrase_ids(chat.send("好的")) == ["confirmed_thanks", "escalation_reassure"]


def test_a_media_threat_collects_the_phone_and_the_place_then_restates_and_promises(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(MEDIA)
    assert step.handoff is not None and (step.handoff.queue, step.handoff.reason) == ("supervisor", "threat")
    assert chat.phrase_ids(step) == ["escalation_ask_phone"]
    assert "编号" not in chat.texts(step)
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "ask_area"]
    step = chat.send("阳光花园5栋")
    assert chat.phrase_ids(step) == PROMISED
    # The problem said back, not the threat: "问题：物业乱收停车费（…）".
    assert chat.line(step, "问题：").startswith("问题：物业乱收停车费（")
    assert chat.line(step, "地点：") == "地点：阳光花园5栋"


@pytest.mark.parametrize(
    "first", ["物业乱收停车费 叫你们经理出来", VIOLENCE, "你们那个保安态度太差了 还骂人 我要找你们领导"]
)
def test_the_restatement_names_the_problem_not_the_threat_nor_the_leader_asked_for(
    conversation_engine: ConversationEngine, first: str
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    chat.send(first)
    step = chat.send("阳光花园5栋")
    problem = chat.line(step, "问题：")
    assert not any(word in problem for word in ("经理", "领导", "砸")), problem
    assert "停车费" in problem or "保安" in problem


def test_a_media_threat_with_the_channel_s_phone_asks_only_the_place(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone="13800138000"))
    chat.send(Started())
    step = chat.send(MEDIA)
    assert chat.phrase_ids(step)[-2:] == ["escalated_supervisor", "ask_area"]
    step = chat.send("阳光花园5栋")
    assert chat.phrase_ids(step) == PROMISED
    assert chat.line(step, "电话：") == "电话：138****8000"


@pytest.mark.parametrize("first", [MEDIA, "电梯里现在有人被困住了 按警铃没人应 快来人啊"])
def test_a_refused_phone_is_not_asked_again_and_the_restatement_says_the_answer_comes_here(
    conversation_engine: ConversationEngine, first: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(first)
    step = chat.send("电话就不给了")
    assert chat.phrase_ids(step)[0] == "escalation_without_phone"
    assert chat.phrase_ids(step)[-1] in ("ask_area", "urgent_ask_place")
    step = chat.send("阳光花园5栋")
    assert chat.phrase_ids(step) == (PROMISED if first == MEDIA else URGENTLY_PROMISED)
    assert chat.line(step, "电话：") == "电话：未留电话，通过本次对话的渠道与您联系"
    assert "保持电话畅通" not in chat.texts(step)


def test_a_place_question_answered_with_something_else_still_gets_the_promise(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(MEDIA)
    chat.send("13800138000")
    step = chat.send("不知道")
    assert chat.phrase_ids(step) == PROMISED
    assert chat.line(step, "地点：") == "地点：未提供"


@pytest.mark.parametrize("answered", [[], ["13900001234"]])
def test_a_customer_who_answers_no_more_still_hears_the_restatement_and_the_time(
    conversation_engine: ConversationEngine, answered: list[str]
) -> None:
    chat = Chat(conversation_engine, now=SATURDAY_EARLY)
    chat.send(Started())
    chat.send("电梯里现在有人被困住了 按警铃没人应 快来人啊")
    for answer in answered:
        chat.send(answer)
    assert TimerKind.OWED_PROMISE in chat.data.timers
    chat.wait(conversation_engine.config.timers.owed_promise_after)
    step = chat.send(chat.timer(TimerKind.OWED_PROMISE))
    assert chat.phrase_ids(step) == URGENTLY_PROMISED
    assert "被困" in chat.line(step, "问题：")
    assert "1小时内（今天上午8点半前）" in chat.texts(step)
    # Said once: an answer coming later is noted, the promise not repeated.
    step = chat.send("锦绣华庭5号楼")
    assert "promise_urgent" not in chat.phrase_ids(step)


def test_the_time_said_after_an_answer_is_not_said_again_when_the_wait_would_have_run_out(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, now=SATURDAY_EARLY)
    chat.send(Started())
    chat.send(MEDIA)
    chat.send("13800138000")
    step = chat.send("阳光花园5栋")
    assert chat.phrase_ids(step) == PROMISED
    assert TimerKind.OWED_PROMISE not in chat.data.timers


@pytest.mark.parametrize("threat", ["再唔處理我就去報館 仲會打去1823投訴", "再不處理我就打1999"])
def test_a_hong_kong_or_taiwan_threat_at_the_phone_question_goes_to_the_supervisor(
    conversation_engine: ConversationEngine, threat: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("你哋個停車場閘口壞咗成個禮拜")
    step = chat.send(threat)
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    assert step.replies, "a threat is never met with silence"


def test_a_complaint_told_after_only_asking_for_a_manager_is_registered_and_promised(
    conversation_engine: ConversationEngine,
) -> None:
    """Abuse and a manager asked for, then the complaint with the leader asked for again: the
    complaint is the case the supervisor's ticket carries, the phone is asked for once more, and
    when no answer comes the restatement, the time promised and the case number follow."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("傻逼 听不懂人话吗 叫你们经理出来")
    # Nothing told yet: the request acknowledged and what happened asked, the phone after it.
    assert chat.phrase_ids(step) == ["supervisor_ask_details"] and step.complaint is None
    step = chat.send("我要投诉你们物业经理 态度差 骂人 我要找你们领导")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)
    assert step.complaint is not None and "态度差 骂人" in step.complaint.description
    case_number = step.complaint.case_number
    assert "编号" not in chat.texts(step)  # the phone's answer is waited for first
    chat.wait(conversation_engine.config.timers.owed_promise_after)
    step = chat.send(chat.timer(TimerKind.OWED_PROMISE))
    assert chat.phrase_ids(step) == ["restate", "promise_by_date", "case_number", "restated_check"]
    assert chat.line(step, "问题：").startswith("问题：我要投诉你们物业经理 态度差 骂人")
    assert "明天下午5点前" in chat.texts(step) and case_number in chat.texts(step)
    assert chat.line(step, "电话：") == "电话：未提供"


def test_a_complaint_told_after_a_manager_was_asked_for_takes_the_phone_then_the_place(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("叫你们经理出来")
    chat.send("你们那个保安态度太差了 还骂人 我要找你们领导")
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "ask_area"]
    step = chat.send("阳光花园5栋")
    assert chat.phrase_ids(step) == ["restate", "promise_by_date", "case_number", "restated_check"]
    assert chat.line(step, "问题：").startswith("问题：保安态度太差了 还骂人")
    assert chat.line(step, "电话：") == "电话：13800138000"


@pytest.mark.parametrize(
    ("then", "said", "reason"),
    [
        ("保安骂人 我要找你们领导", ["escalation_ask_phone"], "supervisor_requested"),
        (MEDIA, ["escalation_ask_phone"], "threat"),
        ("电梯里现在有人被困住了 按警铃没人应 快来人啊", ["safety_lift", "urgent_ask_phone"], "danger"),
    ],
)
def test_a_problem_told_with_an_escalation_after_asking_for_a_person_goes_to_the_supervisor_as_a_case(
    conversation_engine: ConversationEngine, then: str, said: list[str], reason: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("转人工")
    step = chat.send(then)
    assert chat.phrase_ids(step) == said
    assert step.handoff is not None and (step.handoff.queue, step.handoff.reason) == ("supervisor", reason)
    assert step.complaint is not None and step.complaint.description == then
    case_number = step.complaint.case_number
    chat.send("13800138000")
    step = chat.send("阳光花园5栋")
    assert chat.line(step, "电话：") == "电话：13800138000" and case_number in chat.texts(step)
