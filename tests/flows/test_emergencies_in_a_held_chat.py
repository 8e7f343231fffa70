"""Danger now and talk of self-harm while an agent holds the case (``bot/flows/held.py``): the customer
reads how to stay safe (or care and the helpline) first every time, never only that the supervisor
has it; a danger of another kind, at the same place too, reaches the supervisor on its own."""

from __future__ import annotations

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView
from tests.flows.chat import MONDAY_2PM, Chat
from tests.flows.held_cases import AGENT, held

HELPLINE = "12356"


def test_danger_told_again_soon_after_in_a_held_chat_hears_the_safety_advice_first(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    chat.send("有人被困在电梯里了")
    chat.wait(60)
    step = chat.send("有人被困在电梯里了 快来人")
    assert chat.phrase_ids(step)[0] == "safety_lift"
    assert "按电梯内的警铃" in chat.texts(step).splitlines()[0]


def test_the_danger_a_case_was_filed_for_told_again_once_an_agent_holds_it_hears_the_advice_first(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for text in ("楼道里煤气味特别大", "13800138000", "阳光花园3栋", "对"):
        chat.send(text)
    case = CaseStatus(CaseStage.WITH_AGENT, chat.data.case_number, MONDAY_2PM, agent_name="李娜")
    chat.customer, chat.owner = CustomerView(this_case=case), AGENT
    chat.wait(60)
    step = chat.send("燃气泄漏了 好大的味道")
    assert chat.phrase_ids(step) == ["safety_gas", "urgent_handoff"]
    assert "关闭燃气总阀" in chat.texts(step).splitlines()[0]


def test_a_fire_after_the_gas_at_the_same_place_reaches_the_supervisor_on_its_own(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    chat.send("阳光花园3栋燃气泄漏了 好大的味道")
    chat.wait(120)
    step = chat.send("阳光花园3栋着火了")
    assert chat.phrase_ids(step) == ["safety_fire", "urgent_handoff"]
    assert "拨打119" in chat.texts(step)
    told = step.supervisor_told
    assert told is not None and told.reason is TicketReason.DANGER and told.text == "阳光花园3栋着火了"
    # The gas again is the same danger: its advice first, the supervisor not told twice.
    chat.wait(60)
    again = chat.send("燃气泄漏了 好大的味道")
    assert chat.phrase_ids(again) == ["safety_gas", "escalation_reassure"]
    assert again.supervisor_told is None


def test_talk_of_self_harm_again_in_a_held_chat_hears_the_helpline_each_time_in_other_words(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    first = chat.send("我真的不想活了 跳下去算了")
    assert HELPLINE in chat.texts(first)
    said = [chat.phrase_ids(first)[0]]
    for _ in range(2):
        chat.wait(60)
        step = chat.send("不想活了")
        assert len(step.replies) == 1 and HELPLINE in chat.texts(step)
        assert step.replies[0].phrase_id != said[-1]  # never the same words twice running
        assert step.supervisor_told is None  # told once; the agent and the supervisors see each message
        said.append(step.replies[0].phrase_id)
    assert "给您造成" not in chat.texts(chat.steps[-1])


def test_talk_of_self_harm_again_while_the_case_waits_for_an_agent_hears_the_helpline_first(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    chat.owner = "bot"  # handed over, no agent has it yet
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, chat.data.case_number, MONDAY_2PM))
    chat.send("不想活了")
    chat.wait(60)
    step = chat.send("不想活了")
    assert HELPLINE in step.replies[0].text
    assert chat.phrase_ids(step)[-1] == "urgent_handoff"


def test_a_fire_after_the_gas_while_the_case_waits_for_the_supervisor_is_told_on_its_own(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    chat.owner = "bot"  # handed over, no agent has it yet
    chat.customer = CustomerView(this_case=CaseStatus(CaseStage.WAITING, chat.data.case_number, MONDAY_2PM))
    gas = chat.send("阳光花园3栋燃气泄漏了 好大的味道")
    assert gas.supervisor_told is None  # its ticket goes to the duty supervisor, who is told so
    chat.wait(120)
    fire = chat.send("阳光花园3栋着火了")
    assert chat.phrase_ids(fire)[0] == "safety_fire"
    assert fire.supervisor_told is not None and fire.supervisor_told.text == "阳光花园3栋着火了"
    chat.wait(60)
    assert chat.send("燃气泄漏了 好大的味道").supervisor_told is None
