"""A manager asked for or complained of ("我要投诉你们经理", "搵你哋經理", "let me speak to your
supervisor") is a request for the duty supervisor, before or after the hand-off; asked for before
any problem is told, the customer is asked what happened (seed 003: listen, ask, soothe, confirm),
and a case complained of again after its hand-off ("你们根本不管 都第三次了") is appealed to the
supervisor (seed 003: a repeat of an unanswered complaint is an appeal)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


def _handed_off(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for text in ["电梯坏了一个礼拜了", "13800138000", "阳光花园5栋", "对"]:
        step = chat.send(text)
    assert step.handoff is not None and step.handoff.queue == "general"
    return chat


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("你们根本不管 都第三次了 我要投诉你们经理", "appeal"),
        ("你们根本不管 都第三次了", "appeal"),
        ("我要投诉你们经理", "supervisor_requested"),
        ("叫你們主管出來", "supervisor_requested"),
        ("搵你哋經理", "supervisor_requested"),
    ],
)
def test_after_the_hand_off_a_manager_complained_of_or_the_nth_time_goes_to_the_duty_supervisor(
    conversation_engine: ConversationEngine, text: str, reason: str
) -> None:
    chat = _handed_off(conversation_engine)
    step = chat.send(text)
    assert step.handoff is not None and (step.handoff.queue, step.handoff.reason) == ("supervisor", reason)
    # An appeal is answered within the appeal's time, told; so is a manager asked for on the case
    # ("已升级为优先处理": the priority time, never one days away).
    assert chat.phrase_ids(step) == ["escalated_supervisor", "escalated_deadline"]
    assert "客服代表" not in chat.texts(step)


def test_in_english_after_the_hand_off_the_supervisor_is_asked_for(conversation_engine: ConversationEngine) -> None:
    chat = _handed_off(conversation_engine)
    step = chat.send("let me speak to your supervisor")
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    assert "duty supervisor" in chat.texts(step)


@pytest.mark.parametrize("first", ["叫你们经理出来", "我要投诉你们经理", "搵你哋經理", "I want your manager"])
def test_a_manager_asked_for_first_is_acknowledged_and_asked_what_happened(
    conversation_engine: ConversationEngine, first: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(first)
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    assert chat.phrase_ids(step) == ["supervisor_ask_details"]
    assert "非常重视" not in chat.texts(step) and "very seriously" not in chat.texts(step)
    assert step.complaint is None  # nothing told yet: no case of nothing


def test_a_complaint_about_the_manager_then_the_problem_is_the_supervisor_s_case_of_service_attitude(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我要投诉你们经理")
    step = chat.send("答应三天修好电梯 一个月了")
    assert step.complaint is not None and step.complaint.category == "service_attitude"
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    step = chat.send("13800138000")
    assert chat.phrase_ids(step) == ["escalation_phone_noted", "ask_area"]
    step = chat.send("阳光花园5栋")
    assert chat.phrase_ids(step) == ["restate", "promise_by_date", "case_number", "restated_check"]
    assert "答应三天修好电梯" in chat.line(step, "问题：") and "服务态度" in chat.line(step, "问题：")


def test_a_manager_asked_for_with_the_problem_is_not_asked_what_happened(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("叫你们领导出来！你们乱扣我话费还不承认！")
    assert step.complaint is not None and step.complaint.category == "billing"
    assert chat.phrase_ids(step) == ["escalation_ask_phone"]
