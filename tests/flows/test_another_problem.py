"""Another problem told while the case is with the staff: of the case's category and at its place
("还有 电梯也坏了" after a leak) it is added to the case, and the customer hears so with its number;
of another category, at another place, or announced as another matter about other things
("另外还有个事 小区门口的路灯坏了一个星期了" after 停水) it is a case of its own, restated, promised with
its own deadline and case number and handed off; more of the first problem ("而且水是黄的", "已经三天了") is neither."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.data import TimerKind
from bot.flows.records import CustomerView, State
from tests.flows.chat import Chat

FIRST = "阳光花园5栋停水了 13812345678"


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    chat = Chat(conversation_engine)
    chat.send("阳光花园5栋楼上漏水 13812345678")
    chat.send("对")
    assert chat.state is State.HANDED_OFF
    return chat


def _filed(engine: ConversationEngine, first: str, yes: str = "对", customer: CustomerView | None = None) -> Chat:
    chat = Chat(engine, customer=customer)
    chat.send(first)
    step = chat.send(yes)
    assert step.complaint is not None and chat.state is State.HANDED_OFF
    return chat


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("还有 电梯也坏了一个星期了", "engineering_repair"),  # the case's category, other things
        ("by the way the street lamp at the gate is broken too", "engineering_repair"),
    ],
)
def test_another_problem_of_the_case_s_category_and_place_goes_on_the_case(
    chat: Chat, message: str, category: str
) -> None:
    case_number = chat.data.case_number
    assert case_number is not None
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["another_problem_added"]
    assert case_number in chat.texts(step)
    assert step.contact is not None and step.contact.case_number == case_number
    assert step.contact.more_of_the_problem == message
    assert step.contact.another_category == category
    assert step.complaint is None and step.handoff is None
    assert chat.data.description[-1] == message
    assert any(
        audit.kind is TimelineKind.DESCRIPTION_RECEIVED and audit.detail.get("another_problem") for audit in step.audit
    )


@pytest.mark.parametrize(
    ("first", "yes", "another", "place", "problem", "where", "category"),
    [
        (
            FIRST,
            "对",
            "另外还有个事 小区门口的垃圾一个星期没人清了",
            "同一个地方",
            "问题：小区门口的垃圾一个星期没人清了（物业服务）",
            "地点：阳光花园5栋",
            "property_service",
        ),
        (
            FIRST,
            "对",
            "还有 楼上天天半夜拍球",
            "幸福小区3栋",
            "问题：楼上天天半夜拍球（物业服务）",
            "地点：幸福小区3栋",
            "property_service",
        ),
        (
            "樓上裝修好嘈 陽光花園5棟 13812345678",
            "對",
            "仲有 停車場啲燈壞咗",
            "一樣嘅地方",
            "問題：停車場啲燈壞咗（工程維修）",
            "地點：陽光花園5棟",
            "engineering_repair",
        ),
        (
            "樓上裝修好嘈 陽光花園5棟 13812345678",
            "對",
            "仲有 停車場啲燈壞咗",
            "都係嗰度",
            "問題：停車場啲燈壞咗（工程維修）",
            "地點：陽光花園5棟",
            "engineering_repair",
        ),
        (
            "my neighbour's dog barks all night, Sunshine Garden building 5, 13812345678",
            "yes",
            "also the gate is broken",
            "same place",
            "Problem: the gate is broken (Engineering and repairs)",
            "Place: Sunshine Garden building 5",
            "engineering_repair",
        ),
    ],
)
def test_another_problem_of_another_category_is_a_case_of_its_own(
    conversation_engine: ConversationEngine,
    first: str,
    yes: str,
    another: str,
    place: str,
    problem: str,
    where: str,
    category: str,
) -> None:
    chat = _filed(conversation_engine, first, yes)
    first_case = chat.steps[-1].complaint
    assert first_case is not None

    told = chat.send(another)
    # Told it is a case of its own, then asked where: the first case's place is never assumed.
    assert chat.phrase_ids(told) == ["another_problem_new_case", "description_recorded", "ask_area"]
    assert first_case.case_number in chat.texts(told)
    assert told.contact is None and told.complaint is None and told.handoff is None
    assert any(
        audit.kind is TimelineKind.ANOTHER_CASE_STARTED and audit.detail["case_number"] == first_case.case_number
        for audit in told.audit
    )

    restated = chat.send(place)
    assert chat.phrase_ids(restated) == ["restate", "confirm_question"]
    assert chat.line(restated, problem.split("：")[0].split(":")[0]) == problem
    assert chat.line(restated, where.split("：")[0].split(":")[0]) == where

    promised = chat.send(yes)
    second = promised.complaint
    assert second is not None and promised.handoff is not None
    assert chat.phrase_ids(promised) == ["confirmed_thanks", "promise_by_date", "case_number", "handoff_follow_up"]
    assert second.case_number != first_case.case_number
    assert second.case_number in chat.texts(promised)
    assert first_case.case_number not in chat.texts(promised)
    assert (second.category, second.contact_phone) == (category, first_case.contact_phone)  # the phone reused
    assert second.confirmed and chat.state is State.HANDED_OFF and chat.data.case_number == second.case_number


def test_each_case_is_promised_its_own_deadline(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, FIRST)
    first = chat.steps[-1].complaint
    chat.send("另外还有个事 小区门口的垃圾一个星期没人清了")
    chat.send("同一个地方")
    second = chat.send("对").complaint
    assert first is not None and second is not None
    # 停水 is a complex repair (24 service hours), rubbish left a simple property matter (12).
    assert (first.grade.value, second.grade.value) == ("complex", "simple")
    assert (first.promised_hours, second.promised_hours) == (24, 12)
    assert second.deadline_at < first.deadline_at


def test_the_same_category_at_another_place_is_a_case_of_its_own(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, FIRST)
    step = chat.send("还有 幸福小区3栋也停水了")
    # The place is in the message: nothing to ask, restated at once.
    assert chat.phrase_ids(step)[0] == "another_problem_new_case"
    assert "restate" in chat.phrase_ids(step)
    assert chat.line(step, "地点：") == "地点：幸福小区3栋"
    second = chat.send("对").complaint
    assert second is not None and second.area == "幸福小区3栋" and second.category == "engineering_repair"


def test_the_same_category_at_the_case_s_place_is_added(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, FIRST)
    step = chat.send("还有 阳光花园5栋的水管也漏了")
    assert chat.phrase_ids(step) == ["another_problem_added"]


@pytest.mark.parametrize("elaboration", ["而且水是黄的", "已经三天了"])
def test_more_of_the_first_problem_stays_with_the_first_case(
    conversation_engine: ConversationEngine, elaboration: str
) -> None:
    chat = _filed(conversation_engine, FIRST)
    case_number = chat.data.case_number
    chat.wait(3600)  # past the acknowledgement's interval: the customer hears it reached the staff
    step = chat.send(elaboration)
    assert chat.phrase_ids(step) == ["handoff_ack"]
    assert step.complaint is None and step.handoff is None
    assert chat.state is State.HANDED_OFF and chat.data.case_number == case_number


def test_more_of_the_first_problem_after_another_case_is_no_third_case(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, FIRST)
    chat.send("还有 楼上天天半夜拍球")
    chat.send("同一个地方")
    chat.send("对")
    for elaboration in ("而且水是黄的", "已经三天了"):
        step = chat.send(elaboration)
        assert "another_problem_new_case" not in chat.phrase_ids(step)
        assert step.complaint is None and step.handoff is None and chat.state is State.HANDED_OFF


@pytest.mark.parametrize("message", ["楼上还在漏", "水越来越大了", "还要等多久", "谢谢", "你们快点"])
def test_the_same_problem_again_or_anything_else_is_not_another_problem(chat: Chat, message: str) -> None:
    step = chat.send(message)
    assert not {"another_problem_added", "another_problem_new_case"} & set(chat.phrase_ids(step))
    assert step.contact is None or step.contact.another_category is None


def test_another_problem_given_up_goes_back_to_the_first_case(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, FIRST)
    case_number = chat.data.case_number
    chat.send("还有 楼上天天半夜拍球")
    asked = chat.send("算了 不投诉了")
    assert chat.phrase_ids(asked) == ["withdraw_confirm"]
    step = chat.send("对")
    assert chat.phrase_ids(step) == ["withdrawn_not_filed"]
    # The first case is still with the staff: the conversation is not closed, it is that case's again.
    assert step.close_reason is None and chat.state is State.HANDED_OFF
    assert chat.data.case_number == case_number and chat.data.area == "阳光花园5栋"
    assert any(audit.kind is TimelineKind.ANOTHER_PROBLEM_DROPPED for audit in step.audit)


def test_another_problem_left_untold_goes_back_to_the_first_case(conversation_engine: ConversationEngine) -> None:
    chat = _filed(conversation_engine, FIRST)
    case_number = chat.data.case_number
    chat.send("还有 楼上天天半夜拍球")
    prompted = chat.send(chat.timer(TimerKind.IDLE_PROMPT))
    assert chat.phrase_ids(prompted) == ["idle_prompt"]
    step = chat.send(chat.timer(TimerKind.IDLE_CLOSE))
    assert step.replies == [] and step.close_reason is None
    assert chat.state is State.HANDED_OFF and chat.data.case_number == case_number


def test_an_agent_owning_the_conversation_reads_it_and_the_bot_stays_silent(chat: Chat) -> None:
    chat.owner = "agent"
    assert chat.send("对了 小区垃圾好几天没人收了").replies == []


def test_another_matter_announced_about_other_things_of_the_same_category_is_a_case_of_its_own(
    conversation_engine: ConversationEngine,
) -> None:
    """The documented example: after 停水, "另外还有个事 小区门口的路灯坏了一个星期了" (both 工程维修, the same
    place) says it is another matter, and is one: restated and promised as a case of its own."""
    chat = _filed(conversation_engine, FIRST)
    first = chat.data.case_number
    step = chat.send("另外还有个事 小区门口的路灯坏了一个星期了")
    assert chat.phrase_ids(step)[0] == "another_problem_new_case", chat.texts(step)
    assert "一并记录" not in chat.texts(step)
    chat.send("同一个地方")
    second = chat.send("对").complaint
    assert second is not None and second.case_number != first
    assert second.description == "小区门口的路灯坏了一个星期了" and second.category == "engineering_repair"
