"""What a player writing as angry property-management customers found: a customer with a case open
who only threatens 12345 or the media ("再不处理我就打12345") raises that case, never files the threat
as a new complaint of its own with its place asked."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import Grade
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
DEADLINE = MONDAY_2PM + dt.timedelta(hours=20)


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def with_open_case(deadline: dt.datetime = DEADLINE) -> CustomerView:
    status = CaseStatus(
        CaseStage.WAITING, case_number=CASE, deadline_at=deadline, area="阳光花园3栋", problem="楼上漏水到我家天花板"
    )
    case = OpenCase(CASE, deadline, status=status, category="engineering_repair")
    return CustomerView(phone="13800138000", open_case=case)


@pytest.mark.parametrize("threat", ["再不处理我就打12345", "你们再不来修我就找媒体曝光", "再拖下去我就找律师"])
def test_a_threat_alone_raises_the_open_case_within_the_hour(engine: ConversationEngine, threat: str) -> None:
    chat = Chat(engine, customer=with_open_case())
    chat.send(Started())
    step = chat.send(threat)
    text = chat.texts(step)
    assert step.complaint is None and step.handoff is None  # no second case holding the threat as its problem
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert step.appeal.escalation is not None and step.appeal.escalation.queue == "supervisor"
    assert CASE in text and "今天下午3点前" in text
    assert "ask_area" not in chat.phrase_ids(step)
    assert chat.state is State.HANDED_OFF and chat.data.appeal_of == CASE


def test_a_threat_after_the_overdue_case_s_status_raises_that_case(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=with_open_case(deadline=MONDAY_2PM - dt.timedelta(hours=3)))
    chat.send(Started())
    chat.send("说好的答复呢 过时间了知不知道")
    step = chat.send("再不处理我打12345了")
    assert step.complaint is None
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert "ask_area" not in chat.phrase_ids(step)
    assert "今天下午3点前" in chat.texts(step)


def test_a_threat_beside_another_problem_is_still_a_case_of_its_own(engine: ConversationEngine) -> None:
    chat = Chat(engine, customer=with_open_case())
    chat.send(Started())
    step = chat.send("楼下垃圾三天没人收了 再不处理我就打12345")
    assert step.appeal is None
    assert chat.data.appeal_of is None and chat.data.case_number is not None


@pytest.mark.parametrize(
    "message",
    [
        "停水三天了 跟你们说了好几次了 到底有没有人管",
        "隔壁那条狗天天晚上叫到两三点 跟你们说了N次了 有没有人管啊",
    ],
)
def test_a_problem_told_again_by_a_new_customer_is_taken_as_a_repeat_complaint(
    engine: ConversationEngine, message: str
) -> None:
    """Told you so many times, with the problem as it is now: no "暂时没有查到您的投诉记录" and the
    problem dropped, but the complaint recorded, graded complex as a repeat."""
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(message)
    assert "status_no_case" not in chat.phrase_ids(step)
    assert chat.state is State.AWAIT_PHONE
    chat.send("13800001111")
    chat.send("翠湖天地5栋")
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.grade is Grade.COMPLEX
    assert step.complaint.category != "other"


def test_the_earlier_report_only_asked_after_is_still_looked_up(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("上次反映的停水 到底有没有人管")
    assert chat.phrase_ids(step) == ["status_no_case"]


def test_a_problem_told_again_beside_the_open_case_of_it_appeals_it(engine: ConversationEngine) -> None:
    """The Nth time, beside the open case of it: an appeal (the case raised), not only its status."""
    chat = Chat(engine, customer=with_open_case())
    chat.send(Started())
    step = chat.send("楼上漏水 跟你们说了好几次了 到底有没有人管")
    assert step.appeal is not None and step.appeal.case_number == CASE


@pytest.mark.parametrize(
    "message", ["隔壁那条狗天天晚上叫到两三点", "楼上的鹦鹉每天早上五点就开始叫", "樓上隻狗成日吠到半夜"]
)
def test_an_animal_told_by_what_it_does_is_the_estate_s_service(engine: ConversationEngine, message: str) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send(message)
    chat.send("13800001111")
    step = chat.send("阳光花园3栋")
    assert "物业服务" in chat.texts(step) or "物業服務" in chat.texts(step)


@pytest.mark.parametrize(
    ("message", "restated"),
    [
        ("楼下那家天天半夜唱K 到一两点 再这样我就去找报社", "问题：楼下那家天天半夜唱K 到一两点（物业服务）"),
        ("隔壁天天打麻将到天亮 吵死人", "（物业服务）"),
    ],
)
def test_singing_or_mahjong_at_night_is_the_estate_s_noise_and_the_threat_is_not_restated(
    engine: ConversationEngine, message: str, restated: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send(message)
    chat.send("13811112222")
    step = chat.send("恒大绿洲3期12栋")
    assert restated in chat.texts(step)


@pytest.mark.parametrize("message", ["师傅说今天下午来 现在都五点了", "约好上午来的 人呢 我请了假在家等"])
def test_a_visit_of_the_open_case_not_kept_appeals_that_case(engine: ConversationEngine, message: str) -> None:
    """The technician promised and not come: the open leak case raised, never a new complaint whose
    place is asked."""
    chat = Chat(engine, customer=with_open_case())
    chat.send(Started())
    step = chat.send(message)
    assert step.complaint is None and "ask_area" not in chat.phrase_ids(step)
    assert step.appeal is not None and step.appeal.case_number == CASE
    assert "今天下午4点前" in chat.texts(step)
