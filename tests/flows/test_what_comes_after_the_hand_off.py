"""What customers told after the hand-off and were let down on: a building put right, an angry
message or a question right after the acknowledgement, more of the case, the case taken back; and a
second problem told while the place is asked."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, Chat

SMS_SENDER = "13800138000"


def handed_off(engine: ConversationEngine, problem: str, place: str) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for message in (problem, "13800138000", place, "对"):
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    return chat


def acknowledged(engine: ConversationEngine, problem: str, place: str = "阳光花园3栋2单元") -> Chat:
    """Handed off, then a first message after it acknowledged: the next one is within the
    ``handoff_ack_after`` window."""
    chat = handed_off(engine, problem, place)
    chat.wait(10)
    assert chat.phrase_ids(chat.send("好的")) == ["handoff_ack"]
    chat.wait(10)
    return chat


@pytest.mark.parametrize(
    "message", ["不对 地址写错了 是7栋不是9栋", "是7栋不是9栋", "地址写错了 应该是7栋", "不对 是7栋"]
)
def test_a_building_put_right_after_the_hand_off_keeps_the_rest_of_the_place(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = handed_off(conversation_engine, "我的车被划了", "金色家园9栋地下车库")
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["place_corrected"]
    assert "地址已更正为：金色家园7栋地下车库" in chat.texts(step)
    assert step.contact is not None and step.contact.area == "金色家园7栋地下车库" and step.contact.area_replaces
    assert chat.data.area == "金色家园7栋地下车库"


def test_a_building_put_right_in_traditional_characters_is_said_back_as_written(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for message in ("我的車被劃了", "13800138000", "金色家園9棟地下車庫", "對"):
        chat.send(message)
    step = chat.send("不對 地址寫錯了 是7棟不是9棟")
    assert "地址已更正為：金色家園7棟地下車庫" in chat.texts(step)
    assert step.contact is not None and step.contact.area == "金色家園7棟地下車庫"


def test_the_second_time_complained_of_right_after_the_acknowledgement_is_an_appeal(
    conversation_engine: ConversationEngine,
) -> None:
    chat = acknowledged(conversation_engine, "楼上邻居天天骂我 还往我家门口扔垃圾")
    step = chat.send("他今天又骂我了 你们根本不管 都第二次了")
    assert chat.phrase_ids(step) == ["escalated_supervisor", "escalated_deadline"]
    assert step.handoff is not None and step.handoff.reason is TicketReason.APPEAL


@pytest.mark.parametrize("message", ["他今天又骂我了 你们根本不管", "照片发了 你们看到没 车顶凹成这样"])
def test_anger_or_a_question_right_after_the_acknowledgement_is_answered(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = acknowledged(conversation_engine, "小区车库顶上掉东西把我车砸了", "阳光花园地下车库")
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["message_recorded"]


def test_asking_who_pays_for_the_damage_goes_to_the_duty_supervisor(conversation_engine: ConversationEngine) -> None:
    chat = acknowledged(conversation_engine, "小区车库顶上掉东西把我车砸了", "阳光花园地下车库")
    step = chat.send("照片发了 你们看到没 车顶凹成这样谁赔")
    assert chat.phrase_ids(step) == ["escalated_supervisor", "escalated_deadline"]
    assert step.handoff is not None and step.handoff.reason is TicketReason.BEYOND_AUTHORITY


def test_a_plain_addition_right_after_the_acknowledgement_hears_a_short_acknowledgement(
    conversation_engine: ConversationEngine,
) -> None:
    chat = acknowledged(conversation_engine, "我家天花板漏水 楼上渗下来的")
    step = chat.send("而且水是黄的")
    assert chat.phrase_ids(step) == ["please_wait"]  # never silence, nor the acknowledgement again


@pytest.mark.parametrize("wait", [20, 3600])
def test_asked_at_what_time_the_answer_comes_the_customer_hears_the_time_promised(
    conversation_engine: ConversationEngine, wait: int
) -> None:
    chat = acknowledged(conversation_engine, "小区车库顶上掉东西把我车砸了", "阳光花园地下车库")
    due = MONDAY_2PM + dt.timedelta(hours=27)
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, chat.data.case_number or "", due))
    chat.wait(wait)
    step = chat.send(CustomerSaid("几点给答复", sender_phone=SMS_SENDER))
    assert chat.phrase_ids(step) == ["status_answer"]
    assert "明天下午5点" in chat.texts(step)


@pytest.mark.parametrize(
    "message",
    [
        "补充一下 楼上那家一直不开门 物业敲过门了",
        "另外说一下 楼上那家一直不开门",
        "还有就是 楼上那家一直不开门 物业敲过门了",
    ],
)
def test_more_told_with_a_lead_in_goes_on_the_case(conversation_engine: ConversationEngine, message: str) -> None:
    chat = handed_off(conversation_engine, "我家天花板漏水 楼上渗下来的", "阳光花园3栋2单元502")
    case_number = chat.data.case_number
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["supplement_added"]
    assert case_number is not None and case_number in chat.texts(step)
    assert chat.state is State.HANDED_OFF and chat.data.case_number == case_number
    assert step.contact is not None and step.contact.more_of_the_problem == message
    assert chat.data.description[-1] == message


def test_the_trouble_gone_and_no_one_needed_any_more_is_a_withdrawal(conversation_engine: ConversationEngine) -> None:
    chat = handed_off(conversation_engine, "楼上装修天天吵到半夜", "阳光花园3栋")
    chat.wait(10)
    step = chat.send("算了 已经不吵了 不用来了")
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]
    assert [event.kind for event in step.audit] == [TimelineKind.WITHDRAWN_AFTER_HANDOFF]


def test_another_problem_told_at_the_place_question_is_answered_and_restated(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine, customer=CustomerView(phone=SMS_SENDER, phone_vouched=True))
    chat.send(CustomerSaid("我们楼的电梯坏了三天了 老人上下楼很不方便 物业一直说在等配件", sender_phone=SMS_SENDER))
    assert chat.state is State.AWAIT_AREA
    step = chat.send(CustomerSaid("另外 我们单元门禁也坏了", sender_phone=SMS_SENDER))
    assert chat.phrase_ids(step) == ["description_recorded", "ask_area"]
    problem = chat.line(chat.send(CustomerSaid("阳光花园3栋", sender_phone=SMS_SENDER)), "问题：")
    assert "电梯坏了三天了" in problem and "门禁也坏了" in problem
