"""A returning customer whose open case is "楼道灯坏了" (工程维修) writes of another thing of the same
category ("电梯坏了", "电梯又坏了": both 工程维修, both 坏了): another problem, taken down as a complaint
of its own (the open case still told in the greeting), never more of the lamp case nor its appeal,
on time or past it. The lamp named again, no thing named ("又坏了", "还没修好") or a status question
are the case's, as before."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
ON_TIME = MONDAY_2PM + dt.timedelta(hours=24)
PASSED = MONDAY_2PM - dt.timedelta(hours=2)


def returning(engine: ConversationEngine, deadline: dt.datetime) -> Chat:
    """A customer whose own lamp case is open, due at ``deadline``, writing in a new conversation."""
    lamp = CaseStatus(
        CaseStage.WAITING,
        CASE,
        deadline,
        area="阳光花园3栋",
        problem="楼道灯坏了",
        category="engineering_repair",
        own=True,
    )
    case = OpenCase(CASE, deadline, status=lamp, category="engineering_repair")
    return Chat(engine, customer=CustomerView(phone="13800138000", open_case=case))


@pytest.mark.parametrize(
    ("deadline", "greeting"),
    [pytest.param(ON_TIME, "open_case", id="on time"), pytest.param(PASSED, "open_case_overdue", id="overdue")],
)
@pytest.mark.parametrize("message", ["电梯坏了", "电梯又坏了", "电梯还是没修好"])
def test_another_thing_of_the_same_category_is_a_new_complaint(
    conversation_engine: ConversationEngine, deadline: dt.datetime, greeting: str, message: str
) -> None:
    chat = returning(conversation_engine, deadline)
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["greeting_opening", greeting, "description_recorded", "ask_area"]
    assert CASE in chat.texts(step) and "如有新的问题" in chat.texts(step)
    assert step.appeal is None and step.contact is None and step.handoff is None
    assert chat.data.appeal_of is None and chat.state is State.AWAIT_AREA
    assert chat.phrase_ids(chat.send("阳光花园3栋")) == ["restate", "confirm_question"]
    done = chat.send("对")
    assert chat.data.appeal_of is None and done.appeal is None
    assert done.complaint is not None and chat.data.case_number not in (None, CASE)
    assert "promise_by_date" in chat.phrase_ids(done) or "promise_by_hours" in chat.phrase_ids(done)


@pytest.mark.parametrize(
    ("deadline", "heard"),
    [
        pytest.param(ON_TIME, "appeal_linked_escalated", id="on time"),
        pytest.param(PASSED, "appeal_linked_overdue", id="overdue"),
    ],
)
@pytest.mark.parametrize("message", ["楼道灯还是不亮", "还没修好"])
def test_the_lamp_or_no_thing_said_still_not_handled_is_an_appeal_of_the_case(
    conversation_engine: ConversationEngine, deadline: dt.datetime, heard: str, message: str
) -> None:
    chat = returning(conversation_engine, deadline)
    step = chat.send(message)
    assert heard in chat.phrase_ids(step) and "escalated_supervisor" in chat.phrase_ids(step)
    assert chat.data.appeal_of == CASE and step.appeal is not None and step.appeal.case_number == CASE


@pytest.mark.parametrize(
    ("deadline", "heard"),
    [
        pytest.param(ON_TIME, ["greeting_opening", "open_case_taking_more", "supplement_added"], id="on time"),
        pytest.param(
            PASSED,
            ["greeting_opening", "appeal_linked_overdue", "escalated_deadline", "escalated_supervisor"],
            id="overdue",
        ),
    ],
)
def test_broken_again_naming_no_thing_is_more_of_the_case(
    conversation_engine: ConversationEngine, deadline: dt.datetime, heard: list[str]
) -> None:
    chat = returning(conversation_engine, deadline)
    step = chat.send("又坏了")
    assert chat.phrase_ids(step) == heard
    assert chat.data.appeal_of == CASE and step.complaint is None


@pytest.mark.parametrize("deadline", [pytest.param(ON_TIME, id="on time"), pytest.param(PASSED, id="overdue")])
def test_asking_after_the_lamp_hears_where_its_case_stands(
    conversation_engine: ConversationEngine, deadline: dt.datetime
) -> None:
    chat = returning(conversation_engine, deadline)
    step = chat.send("灯修好了吗")
    assert chat.phrase_ids(step) == ["greeting_opening", "status_answer", "anything_else"]
    assert CASE in chat.texts(step) and chat.data.appeal_of is None
