"""What a customer player told after the hand-off of a 燃气灶 case: a burst pipe announced with 另外
escalated the gas-cooker case (both 工程维修) instead of opening its own emergency; "还有 电梯也坏了"
was neither added nor a case; "app已经能登录了 TS… 不用处理了" was not read as a withdrawal; and
"燃气灶那个" after the list of four cases opened a new complaint instead of telling that case."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat


def _filed(engine: ConversationEngine, *messages: str) -> Chat:
    chat = Chat(engine)
    for message in messages:
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    return chat


def test_a_burst_pipe_announced_after_a_gas_cooker_case_is_its_own_emergency(
    conversation_engine: ConversationEngine,
) -> None:
    chat = _filed(conversation_engine, "燃气灶打不着火", "13851515151", "长安花园8栋", "对")
    first = chat.data.case_number
    assert first is not None
    told = chat.send("另外 我家楼下的水管爆了 水漫出来了")
    ids = chat.phrase_ids(told)
    assert ids[0] == "safety_water", ids
    assert "another_problem_new_case" in ids and "escalated_within_an_hour" not in ids, ids
    assert "safe_now_noted" not in ids, ids  # the water is out, not the customer
    assert told.handoff is not None and told.handoff.queue == "supervisor"
    restated = chat.send("长安花园8栋")
    assert chat.line(restated, "问题：") == "问题：我家楼下的水管爆了 水漫出来了（工程维修）"
    second = chat.data.case_number
    assert second is not None and second != first and second in chat.texts(restated)


def test_another_thing_broken_after_a_gas_cooker_case_is_added_to_it(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, "燃气灶打不着火", "13851515151", "长安花园8栋", "对")
    case_number = chat.data.case_number
    told = chat.send("还有 电梯也坏了")
    assert chat.phrase_ids(told) == ["another_problem_added"], chat.texts(told)
    assert told.contact is not None and told.contact.case_number == case_number
    assert told.contact.more_of_the_problem == "还有 电梯也坏了"


@pytest.mark.parametrize("with_number", [True, False], ids=["with its number", "without"])
def test_working_again_and_not_wanted_withdraws_the_case(
    conversation_engine: ConversationEngine, with_number: bool
) -> None:
    chat = _filed(conversation_engine, "app登录不了", "13851515151", "对")
    number = f" {chat.data.case_number}" if with_number else ""
    told = chat.send(f"app已经能登录了{number} 不用处理了")
    assert chat.phrase_ids(told) == ["withdrawn_after_handoff"], chat.texts(told)


def _case(number: str, category: str, problem: str) -> CaseStatus:
    deadline = MONDAY_2PM + dt.timedelta(days=2)
    return CaseStatus(
        CaseStage.WAITING,
        number,
        deadline,
        queue_position=3,
        area="长安花园8栋",
        category=category,
        problem=problem,
        own=True,
    )


CASES = (
    _case("TS20261123GAS111", "engineering_repair", "燃气灶打不着火"),
    _case("TS20261123WATER2", "engineering_repair", "停水了"),
    _case("TS20261123LAMP23", "engineering_repair", "小区门口的路灯坏了"),
    _case("TS20261123BIN444", "property_service", "垃圾没人收"),
)


def test_the_gas_cooker_one_after_the_list_of_cases_is_told_that_case(conversation_engine: ConversationEngine) -> None:
    newest = CASES[-1]
    number, deadline = newest.case_number or "", newest.deadline_at or MONDAY_2PM
    open_case = OpenCase(number, deadline, status=newest, category=newest.category)
    chat = Chat(conversation_engine, CustomerView(open_case=open_case, open_cases=CASES, named_cases=CASES))
    chat.send(Started())
    listed = chat.send("处理到哪了")
    assert chat.phrase_ids(listed).count("status_answer") == 4
    told = chat.send("燃气灶那个")
    assert chat.phrase_ids(told) == ["status_answer", "anything_else"], chat.texts(told)
    assert "TS20261123GAS111" in chat.texts(told) and told.complaint is None
    assert chat.state is State.AWAIT_DESCRIPTION and not chat.data.description
