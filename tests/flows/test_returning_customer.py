"""A customer back in a new conversation, not known there as anyone (a new web chat session), who
proves a case theirs by its phone's last digits is that case's customer from then on: another
problem is a case of its own (on a phone of its own: the phone the digits proved is never lent to it), "同一个地方"
is that case's place, and "停水的那个呢" hears where that case stands. Storage loads the proven case
as one of theirs (``CustomerView.open_case``, ``open_cases``, ``proven_phone``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

WATER = "TS20261123ABCDEF"
PHONE = "13912344455"
NAMED = CaseStatus(
    CaseStage.WAITING, WATER, MONDAY_2PM + dt.timedelta(hours=21), queue_position=3, phone_tail="12344455"
)
"""The case as storage gives it for its number to someone not known as its customer."""
PROVEN = dataclasses.replace(NAMED, area="阳光花园5栋", category="engineering_repair", problem="阳光花园5栋停水两天了")
"""The same case once its digits were given here: its place and problem are theirs to know."""


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def proven_by_status(engine: ConversationEngine) -> Chat:
    chat = Chat(engine, customer=CustomerView(named_cases=(NAMED,)))
    chat.send(Started())
    chat.send(f"投诉编号{WATER} 处理到哪了")
    step = chat.send("13912344455")
    assert chat.phrase_ids(step) == ["status_answer", "anything_else"] and chat.data.case_proven == WATER
    # What storage loads from now on: the proven case is one of theirs, with its phone.
    chat.customer = CustomerView(
        named_cases=(PROVEN,),
        open_case=OpenCase(WATER, PROVEN.deadline_at or MONDAY_2PM, status=PROVEN, category=PROVEN.category),
        proven_phone=PHONE,
    )
    return chat


def test_another_problem_is_a_case_of_its_own_at_the_same_place_on_a_phone_of_its_own(
    engine: ConversationEngine,
) -> None:
    """The case's phone proven by four digits at a status question is never lent to a new case:
    four digits are easily guessed, and that phone may be another customer's."""
    chat = proven_by_status(engine)
    step = chat.send("另外还有个事 我们楼下垃圾桶满了好几天没人清理")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.data.phone is None
    chat.send("13800138000")
    step = chat.send("同一个地方")
    assert chat.line(step, "地点：") == "地点：阳光花园5栋"
    assert chat.line(step, "电话：") == "电话：13800138000"
    assert chat.line(step, "问题：").startswith("问题：我们楼下垃圾桶满了")
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.contact_phone == "13800138000"
    assert step.complaint.area == "阳光花园5栋" and step.complaint.case_number != WATER
    assert chat.state is State.HANDED_OFF
    said = "".join(chat.texts(step) for step in chat.steps)
    assert "4455" not in said


def test_the_proven_case_is_told_when_asked_after_by_its_problem(engine: ConversationEngine) -> None:
    chat = proven_by_status(engine)
    for text in ("另外还有个事 我们楼下垃圾桶满了好几天没人清理", "13800138000", "同一个地方"):
        chat.send(text)
    filed = chat.send("对").complaint
    assert filed is not None
    garbage = CaseStatus(
        CaseStage.WAITING,
        filed.case_number,
        filed.deadline_at,
        area="阳光花园5栋",
        category=filed.category,
        problem=filed.description,
        own=True,
    )
    chat.customer = dataclasses.replace(chat.customer, this_case=garbage, open_cases=(PROVEN, garbage))
    step = chat.send("停水的那个呢")
    said = chat.texts(step)
    assert WATER in said and filed.case_number not in said, said
    assert step.complaint is None and chat.state is State.HANDED_OFF


def test_asking_whether_a_person_answers_is_answered_and_the_question_asked_again(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("楼道灯坏了一个星期了")
    step = chat.send("你是真人吗")
    assert chat.phrase_ids(step)[0] == "faq:bot_identity" and chat.phrase_ids(step)[-1] in (
        "ask_phone",
        "ask_phone_again",
    )
    assert step.handoff is None and chat.state is State.AWAIT_PHONE
    for piece in ("138", "0013"):
        assert chat.send(piece).replies == []
    step = chat.send("8002")
    assert chat.data.phone == "13800138002" and chat.phrase_ids(step) == ["ask_area"]


def test_a_phone_told_in_pieces_after_the_hand_off_is_the_cases(engine: ConversationEngine) -> None:
    """A person asked for before the phone: the case has none, and "138" / "0013" / "8002" is it."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("转人工")
    filed = chat.send("阳光花园3栋楼道灯坏了一个星期了").complaint
    assert filed is not None and filed.contact_phone is None and chat.state is State.HANDED_OFF
    for piece in ("138", "0013"):
        step = chat.send(piece)
        assert step.replies == [] and step.contact is None
        chat.wait(2)
    step = chat.send("8002")
    assert step.contact is not None and step.contact.case_number == filed.case_number
    assert step.contact.phone == "13800138002" and "13800138002" in chat.texts(step)
