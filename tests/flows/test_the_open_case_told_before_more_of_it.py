"""A returning customer whose first message is more of their open case ("楼上还在敲") hears the greeting
tell where the case stands without inviting a new problem (no "如有新的问题，请您对我讲吧！" right before
"好的，您补充的情况我已记录…"): ``open_case_taking_more``. A hello or a new problem first still hears the
invitation (``open_case``)."""

from __future__ import annotations

import datetime as dt

from bot.core.engine import ConversationEngine
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase
from tests.flows.chat import MONDAY_2PM, Chat

CASE = "TS20261123ABCDEF"
INVITATION = "如有新的问题，请您对我讲吧！"
NOISE = CaseStatus(
    CaseStage.WAITING,
    CASE,
    MONDAY_2PM + dt.timedelta(hours=24),
    area="阳光花园3栋",
    own=True,
    category="property_service",
    problem="楼上装修很吵",
)


def returning(engine: ConversationEngine, locale: str = "zh-CN") -> Chat:
    assert NOISE.case_number is not None and NOISE.deadline_at is not None
    own = OpenCase(NOISE.case_number, NOISE.deadline_at, status=NOISE, category=NOISE.category)
    return Chat(engine, customer=CustomerView(open_case=own), locale=locale)


def test_more_of_the_case_first_hears_where_it_stands_without_the_invitation(
    conversation_engine: ConversationEngine,
) -> None:
    chat = returning(conversation_engine)
    step = chat.send("楼上还在敲")
    assert chat.phrase_ids(step) == ["greeting_opening", "open_case_taking_more", "supplement_added"]
    said = chat.texts(step)
    assert f"您之前反映的问题（投诉编号{CASE}）正在处理中，我们会在明天下午2点前给您明确的答复。" in said
    assert INVITATION not in said


def test_in_english(conversation_engine: ConversationEngine) -> None:
    chat = returning(conversation_engine, locale="en")
    step = chat.send("still drilling upstairs")
    assert chat.phrase_ids(step) == ["greeting_opening", "open_case_taking_more", "supplement_added"]
    assert "If there is something new" not in chat.texts(step)


def test_a_hello_first_still_hears_the_invitation(conversation_engine: ConversationEngine) -> None:
    chat = returning(conversation_engine)
    step = chat.send("你好")
    assert chat.phrase_ids(step) == ["greeting_opening", "open_case"]
    assert INVITATION in chat.texts(step)


def test_a_new_problem_first_still_hears_the_invitation(conversation_engine: ConversationEngine) -> None:
    chat = returning(conversation_engine)
    step = chat.send("家里停水了")
    assert chat.phrase_ids(step)[:2] == ["greeting_opening", "open_case"]
    assert "supplement_added" not in chat.phrase_ids(step)
    assert INVITATION in chat.texts(step)
