"""Found in play with the real engine: a complaint about the agent holding the chat, the manner
unsaid, reaches the supervisors; a leader asked for again after an appeal hears the supervisor has it,
not the same transfer again; a repairer who could not be reached by phone is no network fault; a pit
someone fell at is a repair and an injury for the duty supervisor; the lack of notice of a cut is
kept in the 问题; another thing told beside an open case that named none is a new complaint."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import ServiceConfig
from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from bot.rules import RoutingFacts, decide
from tests.flows.chat import MONDAY_2PM, Chat
from tests.flows.held_cases import AGENT, held

CASE = "TS20261123ABCDEF"


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("我要投诉这个处理的客服", "zh-CN"),
        ("我要投诉刚才那个客服", "zh-CN"),
        ("I want to complain about this agent", "en"),
    ],
)
def test_the_agent_complained_of_without_the_manner_reaches_the_supervisors(
    conversation_engine: ConversationEngine, text: str, locale: str
) -> None:
    chat = held(conversation_engine, locale=locale)
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["staff_error_apology"]
    told = step.supervisor_told
    assert told is not None and told.reason is TicketReason.STAFF_ATTITUDE and told.text == text
    assert chat.owner == AGENT  # the agent keeps the case


def test_a_complaint_of_a_neighbour_while_held_is_no_complaint_of_the_agent(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    step = chat.send("我要投诉 楼上天天半夜吵")
    assert "staff_error_apology" not in chat.phrase_ids(step) and step.supervisor_told is None


def test_a_leader_asked_for_again_after_an_appeal_hears_the_supervisor_has_it(
    conversation_engine: ConversationEngine,
) -> None:
    deadline = MONDAY_2PM + dt.timedelta(hours=20)
    customer = CustomerView(phone="13800138000", open_case=OpenCase(CASE, deadline, category="engineering_repair"))
    chat = Chat(conversation_engine, customer=customer)
    chat.send(Started())
    appeal = chat.send("怎么还没修好")
    assert chat.phrase_ids(appeal)[-1] == "escalated_supervisor"
    said = [chat.phrase_ids(chat.send("我要找你们领导")) for _ in range(3)]
    assert said == [["escalation_reassure"], ["escalation_reassure_brief"], ["escalation_reassure"]]


def test_a_repairer_who_could_not_be_reached_is_no_network_fault(conversation_engine: ConversationEngine) -> None:
    understood = conversation_engine.understander.understand(
        "约好今天上午来修热水器 等了一上午人影都没有 电话也打不通", "zh-CN"
    )
    assert understood.category == "service_attitude" and understood.other_categories == ()
    # The phone line itself still is the network's.
    assert conversation_engine.understander.understand("我家电话打不通", "zh-CN").category == "network"
    line = conversation_engine.understander.understand("宽带断了 电话也打不通", "zh-CN")
    assert line.category == "network"


def test_a_pit_someone_fell_at_is_a_repair_and_an_injury_for_the_duty_supervisor(
    conversation_engine: ConversationEngine, service_config: ServiceConfig
) -> None:
    text = "小区门口那个坑 我爸82了 昨天摔了一跤"
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(text)
    chat.send("13800138000")
    step = chat.send("阳光花园")
    assert "（工程维修）" in chat.texts(step)
    facts = RoutingFacts(category="engineering_repair", grade="complex", channel="webchat", tier="standard", text=text)
    decision = decide(facts, service_config.rules.rules)
    assert decision.priority == 0 and decision.notify_supervisor
    # 坑 as "a rip-off" is no hole in the ground.
    assert conversation_engine.understander.understand("你们物业好坑", "zh-CN").category != "engineering_repair"


def test_the_lack_of_notice_of_a_cut_is_kept_in_the_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("又停水了！！！！！没有任何通知 我刚洗头洗一半 你们到底会不会做事")
    chat.send("13800138000")
    step = chat.send("阳光花园")
    said = chat.texts(step)
    assert "问题：又停水了，没有任何通知" in said
    assert "会不会做事" not in said  # the anger is not said back


def _with_the_leak_case(engine: ConversationEngine) -> Chat:
    deadline = MONDAY_2PM + dt.timedelta(hours=20)
    status = CaseStatus(stage=CaseStage.WAITING, case_number=CASE, deadline_at=deadline, problem="楼上漏水到我家天花板")
    case = OpenCase(CASE, deadline, status=status, category="engineering_repair")
    chat = Chat(engine, customer=CustomerView(phone="13800138000", open_case=case))
    chat.send(Started())
    return chat


def test_another_thing_beside_an_open_case_naming_none_is_a_new_complaint(
    conversation_engine: ConversationEngine,
) -> None:
    chat = _with_the_leak_case(conversation_engine)
    step = chat.send("小区门口的路灯坏了")
    assert step.appeal is None and chat.data.appeal_of is None
    assert "appeal_linked_escalated" not in chat.phrase_ids(step) and chat.state is not State.HANDED_OFF


@pytest.mark.parametrize("text", ["水管还在漏", "还在漏水"])
def test_the_leak_told_again_stays_on_its_case(conversation_engine: ConversationEngine, text: str) -> None:
    chat = _with_the_leak_case(conversation_engine)
    step = chat.send(text)
    assert CASE in chat.texts(step) and chat.state is State.HANDED_OFF
