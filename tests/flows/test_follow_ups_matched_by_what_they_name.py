"""A returning customer's first words about their open case, matched to it by the thing they name:
"楼道灯还在闪" reads as 物业服务 (a light of the estate says where), the case "楼道灯坏了" is 工程维修, and it
is still more of that case (the light named by both), never a second complaint; with two open cases it
goes on the one whose problem names the light. Another thing is another problem. Once the case's
time has passed, more of it ("楼上还在敲", naming no category) is an appeal, as its category told
then is (seed 003): apologised for and raised to the duty supervisor, never only noted on the case."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import CaseStage, CaseStatus, CaseWriter, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

LAMP_CASE = "TS20261120LAMPAB"
NOISE_CASE = "TS20261121NOISEC"
DUE = MONDAY_2PM + dt.timedelta(hours=21)
PASSED = MONDAY_2PM - dt.timedelta(hours=2)
LAMP = CaseStatus(
    CaseStage.WAITING, LAMP_CASE, DUE, area="阳光花园3栋", own=True, category="engineering_repair", problem="楼道灯坏了"
)
NOISE = CaseStatus(
    CaseStage.WAITING,
    NOISE_CASE,
    DUE,
    area="阳光花园3栋",
    own=True,
    category="property_service",
    problem="楼上装修很吵",
)


def returning(engine: ConversationEngine, *cases: CaseStatus, greeted: bool = False) -> Chat:
    newest = cases[-1]
    assert newest.case_number is not None and newest.deadline_at is not None
    own = OpenCase(newest.case_number, newest.deadline_at, status=newest, category=newest.category)
    customer = CustomerView(phone="13800138000", open_case=own, open_cases=cases if len(cases) > 1 else ())
    chat = Chat(engine, customer=customer)
    if greeted:
        chat.send(Started())
    return chat


def assert_added_to(step: Step, case_number: str, message: str) -> None:
    assert step.complaint is None and step.handoff is None
    assert step.appeal is not None and step.appeal.case_number == case_number
    assert step.appeal.escalation is None and step.appeal.writer is CaseWriter.CUSTOMER
    assert step.contact is not None and step.contact.more_of_the_problem == message


def test_the_light_named_again_goes_on_the_light_s_case_though_it_reads_as_another_category(
    conversation_engine: ConversationEngine,
) -> None:
    chat = returning(conversation_engine, LAMP)
    step = chat.send("楼道灯还在闪")
    assert chat.phrase_ids(step) == ["greeting_opening", "open_case_taking_more", "supplement_added"]
    assert f"您补充的情况我已记录在投诉{LAMP_CASE}中" in chat.texts(step)
    assert_added_to(step, LAMP_CASE, "楼道灯还在闪")
    assert chat.state is State.HANDED_OFF and chat.data.appeal_of == LAMP_CASE


def test_after_the_greeting_too(conversation_engine: ConversationEngine) -> None:
    chat = returning(conversation_engine, LAMP, greeted=True)
    step = chat.send("楼道灯还在闪")
    assert chat.phrase_ids(step) == ["supplement_added"]
    assert_added_to(step, LAMP_CASE, "楼道灯还在闪")


def test_of_two_open_cases_it_goes_on_the_one_whose_problem_names_the_light(
    conversation_engine: ConversationEngine,
) -> None:
    """The noise case is of the category "楼道灯还在闪" reads as; the light is the lamp case's."""
    chat = returning(conversation_engine, LAMP, NOISE, greeted=True)
    step = chat.send("楼道灯还在闪")
    assert chat.phrase_ids(step) == ["supplement_added"] and LAMP_CASE in chat.texts(step)
    assert_added_to(step, LAMP_CASE, "楼道灯还在闪")


@pytest.mark.parametrize("message", ["电梯里有人抽烟", "楼道里很脏 没人打扫"])
def test_another_thing_is_another_problem(conversation_engine: ConversationEngine, message: str) -> None:
    chat = returning(conversation_engine, LAMP, greeted=True)
    step = chat.send(message)
    assert "supplement_added" not in chat.phrase_ids(step) and "description_recorded" in chat.phrase_ids(step)
    assert step.appeal is None and step.contact is None and chat.data.appeal_of is None


@pytest.mark.parametrize(
    ("case", "message"),
    [
        pytest.param(NOISE, "楼上还在敲", id="naming no category"),
        pytest.param(LAMP, "楼道灯还在闪", id="naming the thing"),
    ],
)
def test_once_its_time_has_passed_it_is_an_appeal(
    conversation_engine: ConversationEngine, case: CaseStatus, message: str
) -> None:
    overdue = dataclasses.replace(case, deadline_at=PASSED)
    chat = returning(conversation_engine, overdue)
    step = chat.send(message)
    said = chat.phrase_ids(step)
    assert said[:2] == ["greeting_opening", "appeal_linked_overdue"] and "escalated_supervisor" in said
    assert "supplement_added" not in said and not {"open_case_overdue", "open_case_overdue_taking_more"} & set(said)
    assert step.appeal is not None and step.appeal.case_number == case.case_number
    assert step.appeal.escalation is not None and message in step.appeal.description
    assert step.complaint is None and chat.state is State.HANDED_OFF


def test_before_its_time_naming_no_category_it_is_still_added(conversation_engine: ConversationEngine) -> None:
    chat = returning(conversation_engine, NOISE, greeted=True)
    step = chat.send("楼上还在敲")
    assert chat.phrase_ids(step) == ["supplement_added"]
    assert_added_to(step, NOISE_CASE, "楼上还在敲")
