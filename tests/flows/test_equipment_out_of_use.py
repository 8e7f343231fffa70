"""Equipment that cannot be used ("门禁用不了", "the intercom doesn't work") is recorded as a repair,
and the customer hears a repair's deadline: complex, 24 service hours, not a property complaint's 12."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import SHANGHAI, Chat

THURSDAY_11AM = dt.datetime(2026, 11, 26, 11, 0, tzinfo=SHANGHAI)
"""Monday 14:00 and 24 service hours (08:30–17:30); a property complaint's 12 are Tuesday 17:00."""


@pytest.mark.parametrize(
    ("locale", "description", "place", "yes", "problem", "deadline"),
    [
        (
            "zh-CN",
            "门禁用不了",
            "阳光花园3栋",
            "对",
            "问题：门禁用不了（工程维修）",
            "并在11月26日（周四）上午11点前给您明确的答复",
        ),
        (
            "zh-CN",
            "小区门口的那个门禁卡刷了好几次都用不了",
            "阳光花园3栋",
            "对",
            "问题：小区门口的门禁卡刷了好几次都用不了（工程维修）",
            "并在11月26日（周四）上午11点前给您明确的答复",
        ),
        (
            "en",
            "the intercom doesn't work",
            "Flat 5C, Block 2, Taikoo Shing",
            "yes",
            "Problem: the intercom doesn't work (Engineering and repairs)",
            "give you a clear answer by 11 am on Thursday 26 November",
        ),
    ],
    ids=["written together", "what was tried between", "english"],
)
def test_equipment_that_cannot_be_used_is_promised_a_repair_s_deadline(
    conversation_engine: ConversationEngine,
    locale: str,
    description: str,
    place: str,
    yes: str,
    problem: str,
    deadline: str,
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    chat.send(description)
    chat.send("13800138000")
    restated = chat.send(place)
    assert problem in chat.texts(restated).splitlines()
    step = chat.send(yes)
    assert chat.state is State.HANDED_OFF
    assert step.complaint is not None
    assert (step.complaint.category, step.complaint.grade) == ("engineering_repair", "complex")
    assert step.complaint.deadline_at == THURSDAY_11AM
    assert deadline in chat.texts(step)
