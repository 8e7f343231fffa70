"""A customer complaining of how our staff treat them while an agent holds the case ("你们客服说这是规定没
办法，这是什么态度？") is complaining of the handler: the supervisors are told at once (never only the agent
complained of, standards §5; the agent keeps the case, 首问负责), and the customer hears the standard
apology for our staff's error (seed 001 (9)), never a progress answer."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.ticket_reason import TicketReason
from tests.flows.held_cases import AGENT, held

ABOUT_THE_AGENT = {
    "你们客服说这是规定没办法，这是什么态度？": "zh-CN",
    "你们客服什么态度": "zh-CN",
    "刚才那个客服态度太差了": "zh-CN",
    "the agent just told me there's nothing they can do, what kind of attitude is that?": "en",
    "your agent was so rude to me": "en",
}


@pytest.mark.parametrize(("text", "locale"), ABOUT_THE_AGENT.items())
def test_a_complaint_about_the_agent_reaches_the_supervisors_and_the_customer_hears_the_apology(
    conversation_engine: ConversationEngine, text: str, locale: str
) -> None:
    chat = held(conversation_engine, locale=locale)
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["staff_error_apology"]
    said = chat.texts(step)
    reported = "如实上报主管" if locale == "zh-CN" else "report the problem truthfully to the supervisor"
    assert reported in said
    assert "投诉编号" not in said and "处理进度" not in said  # no progress answer
    told = step.supervisor_told
    assert told is not None and told.reason is TicketReason.STAFF_ATTITUDE
    assert told.signals == ("staff_error",) and told.text == text
    assert step.handoff is None and step.appeal is None and chat.owner == AGENT  # the agent keeps the case
    assert "staff_error" in chat.data.signals
    assert [event.kind.value for event in step.audit] == ["escalated"]


def test_the_same_complaint_again_hears_the_apology_and_tells_no_one_twice(
    conversation_engine: ConversationEngine,
) -> None:
    chat = held(conversation_engine)
    chat.send("你们客服说这是规定没办法，这是什么态度？")
    again = chat.send("你们客服什么态度")
    assert chat.phrase_ids(again) == ["staff_error_apology"] and again.supervisor_told is None
    leader = chat.send("叫你们经理来")  # a leader asked for after it is still told
    assert leader.supervisor_told is not None and leader.supervisor_told.reason is TicketReason.SUPERVISOR_REQUESTED


@pytest.mark.parametrize("text", ["师傅说没办法 水管要换", "师傅大概几点到啊 我下午要出门"])
def test_what_staff_said_without_how_they_behaved_stays_the_agents_to_read(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = held(conversation_engine)
    step = chat.send(text)
    assert step.supervisor_told is None and "staff_error_apology" not in chat.phrase_ids(step)
