"""Questions that are no complaint, and one message telling of two things beside an open case.

- Asked when or how a fee is paid ("你好 我想问下管理费几时交", "停车费怎么交"): the FAQ's answer
  (pay_fees) and "请问还有什么可以帮助您？", nothing recorded as a problem, no phone or place asked.
- "我啱啱send咗张相俾你 你哋收到未" with no photo received: told so (photo_not_received), before any
  problem as after the hand-off, never taken down as the problem.
- A question carrying a complaint ("为什么电梯还没修好") is still a complaint.
- A returning customer whose open case is "楼道灯坏了" writes of the lamp and of another thing in one
  message ("楼道灯坏了 电梯也坏了", "灯还是不亮 另外楼下垃圾没人清"): the lamp's part goes on the case
  (supplement_added, its description), the other thing is a new complaint taken down as if told alone.
- After a gas smell is handed to the duty supervisor, "电梯口那边味道最重" is more of the emergency, as
  "the smell is strongest near the lift lobby" is: no second complaint, no place asked again."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"


@pytest.mark.parametrize(
    "question", ["你好 我想问下管理费几时交", "停车费怎么交", "物業費幾時要俾", "停车费每个月几号交"]
)
def test_when_or_how_a_fee_is_paid_is_answered_not_taken_down(
    conversation_engine: ConversationEngine, question: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["faq:pay_fees", "anything_else"]
    assert chat.data.description == [] and chat.state is State.AWAIT_DESCRIPTION


def test_a_photo_asked_after_before_any_problem_is_said_not_received(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("我啱啱send咗张相俾你 你哋收到未")
    assert chat.phrase_ids(step) == ["photo_not_received"]
    assert chat.data.description == [] and chat.state is State.AWAIT_DESCRIPTION
    # The problem told next is the complaint, its phone asked.
    told = chat.send("楼道灯坏了")
    assert chat.phrase_ids(told) == ["description_recorded", "ask_phone"]
    assert chat.data.description == ["楼道灯坏了"]


def test_a_photo_asked_after_as_the_first_message_is_greeted_and_told(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("我剛發了張照片 你們收到沒有？")
    assert chat.phrase_ids(step) == ["greeting_opening", "photo_not_received"]
    assert chat.data.description == []


def test_a_photo_asked_after_then_the_problem_told_is_the_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("照片发了 你们看到没 车顶凹成这样")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]


def test_a_question_carrying_a_complaint_is_a_complaint(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("为什么电梯还没修好")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]


def test_chased_for_a_fee_asked_when_is_a_complaint_and_the_question_answered(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("管理费什么时候交的 怎么又催我交")
    assert chat.phrase_ids(step) == ["description_recorded", "faq:pay_fees", "ask_phone"]
    assert chat.data.description == ["管理费什么时候交的 怎么又催我交"]


def _returning(engine: ConversationEngine) -> Chat:
    deadline = MONDAY_2PM + dt.timedelta(hours=20)
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
    ("message", "on_the_case", "new_problem", "category"),
    [
        ("楼道灯坏了 电梯也坏了", "楼道灯坏了", "电梯也坏了", "工程维修"),
        ("灯还是不亮 另外楼下垃圾没人清", "灯还是不亮", "楼下垃圾没人清", "物业服务"),
    ],
)
def test_the_open_case_s_thing_goes_on_it_and_another_thing_is_a_new_complaint(
    conversation_engine: ConversationEngine, message: str, on_the_case: str, new_problem: str, category: str
) -> None:
    chat = _returning(conversation_engine)
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["supplement_added", "description_recorded", "ask_area"]
    assert CASE in chat.texts(step)
    assert step.contact is not None and step.contact.case_number == CASE
    assert step.contact.more_of_the_problem == on_the_case
    assert step.appeal is None and step.handoff is None and chat.data.appeal_of is None
    restated = chat.send("阳光花园5栋")
    assert chat.line(restated, "问题：") == f"问题：{new_problem}（{category}）"
    done = chat.send("对")
    assert done.complaint is not None and chat.data.case_number not in (None, CASE)


def test_the_lamp_alone_is_still_more_of_its_case(conversation_engine: ConversationEngine) -> None:
    chat = _returning(conversation_engine)
    chat.send(Started())
    step = chat.send("楼道灯坏了 好几天了")
    assert "description_recorded" not in chat.phrase_ids(step)
    assert chat.state is State.HANDED_OFF


def test_where_the_gas_smell_is_strongest_stays_on_the_emergency(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for message in ("楼道里好大煤气味", "13800138000", "阳光花园3栋"):
        step = chat.send(message)
    assert chat.phrase_ids(step)[-1] == "restated_check"
    case_number = chat.data.case_number
    step = chat.send("电梯口那边味道最重")
    said = chat.phrase_ids(step)
    assert not {"another_problem_new_case", "description_recorded", "ask_area"} & set(said)
    assert step.complaint is None
    assert chat.state is State.HANDED_OFF and chat.data.case_number == case_number


def test_another_smell_announced_is_still_a_case_of_its_own(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for message in ("楼道里好大煤气味", "13800138000", "阳光花园3栋"):
        chat.send(message)
    step = chat.send("还有 楼下垃圾站味道很大")
    assert "another_problem_new_case" in chat.phrase_ids(step)


def test_told_as_the_first_message_the_greeting_comes_once(conversation_engine: ConversationEngine) -> None:
    chat = _returning(conversation_engine)
    step = chat.send("楼道灯坏了 电梯也坏了")
    assert chat.phrase_ids(step) == [
        "greeting_opening",
        "open_case",
        "supplement_added",
        "description_recorded",
        "ask_area",
    ]
    assert chat.state is State.AWAIT_AREA
