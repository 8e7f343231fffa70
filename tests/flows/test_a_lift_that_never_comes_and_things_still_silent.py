"""A lift that does not come when called ("电梯等了十分钟都不来") is a lift out of order, and a thing still
silent after it was looked at ("对讲机还是没声音") is a fault not put right: both are repairs, restated
and promised as one, in Mandarin, Cantonese and English; a case resolved about it is reopened."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Resolved, Started, TimerKind
from bot.flows.records import CaseStage, CaseStatus, CustomerView, State
from tests.flows.chat import MONDAY_2PM, SHANGHAI, Chat

THURSDAY_11AM = dt.datetime(2026, 11, 26, 11, 0, tzinfo=SHANGHAI)
"""Monday 14:00 and a repair's 24 service hours (08:30–17:30)."""

_PLACES = {"zh-CN": "阳光花园3栋", "zh-TW": "太古城金星閣15樓B室", "en": "Flat 5C, Block 2, Taikoo Shing"}
_PHONES = {"zh-CN": "13800138000", "zh-TW": "91234567", "en": "98765432"}
_YES = {"zh-CN": "对", "zh-TW": "係", "en": "yes"}


def _filed(engine: ConversationEngine, told: str, written: str) -> tuple[Chat, str]:
    chat = Chat(engine, locale="en" if written == "en" else "zh-CN")
    chat.send(Started())
    chat.send(told)
    chat.send(_PHONES[written])
    restated = chat.texts(chat.send(_PLACES[written]))
    assert chat.state is State.CONFIRMING
    return chat, restated


@pytest.mark.parametrize(
    ("told", "written", "category"),
    [
        ("电梯等了十分钟都不来", "zh-CN", "（工程维修）"),
        ("电梯等了半个小时都没来 我还要上班 气死了", "zh-CN", "（工程维修）"),
        ("电梯一直停在18楼不下来 按了半天没反应", "zh-CN", "（工程维修）"),
        ("等電梯等咗成十分鐘都唔嚟 搞咩呀", "zh-TW", "（工程維修）"),
        ("部電梯等極都唔到", "zh-TW", "（工程維修）"),
        ("waited 20 minutes for the elevator and it never came, ridiculous", "en", "(Engineering and repairs)"),
        ("the lift never comes, I've been standing here for 15 minutes", "en", "(Engineering and repairs)"),
    ],
)
def test_a_lift_that_never_comes_is_promised_a_repair(
    conversation_engine: ConversationEngine, told: str, written: str, category: str
) -> None:
    chat, restated = _filed(conversation_engine, told, written)
    assert category in restated
    done = chat.send(_YES[written])
    assert done.complaint is not None
    assert (done.complaint.category, done.complaint.grade) == ("engineering_repair", "complex")
    assert done.complaint.deadline_at == THURSDAY_11AM


@pytest.mark.parametrize(
    ("told", "written", "category", "said_back"),
    [
        ("对讲机还是没声音", "zh-CN", "engineering_repair", "问题：对讲机还是没声音（工程维修）"),
        ("门铃还是没声音 上周才修过", "zh-CN", "engineering_repair", "问题：门铃还是没声音 上周才修过（工程维修）"),
        ("家里还是没电 都两天了", "zh-CN", "engineering_repair", "问题：家里还是没电 都两天了（工程维修）"),
        ("电视还是没声音", "zh-CN", "network", "问题：电视还是没声音（网络类）"),
        ("門鈴仲係冇聲", "zh-TW", "engineering_repair", "問題：門鈴仲係冇聲（工程維修）"),
        (
            "the intercom still has no sound after your guy came to fix it",
            "en",
            "engineering_repair",
            "Problem: the intercom still has no sound after your guy came to fix it (Engineering and repairs)",
        ),
    ],
)
def test_a_thing_still_silent_is_a_fault_not_put_right(
    conversation_engine: ConversationEngine, told: str, written: str, category: str, said_back: str
) -> None:
    chat, restated = _filed(conversation_engine, told, written)
    assert said_back in restated.splitlines()
    done = chat.send(_YES[written])
    assert done.complaint is not None and done.complaint.category == category


def test_repaired_twice_and_still_silent_is_a_repeat(conversation_engine: ConversationEngine) -> None:
    chat, _ = _filed(conversation_engine, "对讲机修了两次了还是没声音 你们到底会不会修", "zh-CN")
    done = chat.send("对")
    assert done.complaint is not None and "repeat" in done.complaint.signals
    assert done.complaint.grade == "complex"


def test_still_silent_at_the_callback_reopens_the_case(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send("单元门的对讲机没声音")
    chat.send("13800138000")
    chat.send("阳光花园5栋")
    chat.send("对")
    assert chat.send(Resolved()).state is State.RESOLVED
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    step = chat.send("对讲机还是没声音")
    assert step.reopen and chat.state is State.HANDED_OFF
    assert chat.phrase_ids(step)[0] == "satisfaction_reopened"


def test_still_silent_in_a_new_conversation_reopens_the_case_resolved_lately(
    conversation_engine: ConversationEngine,
) -> None:
    intercom = CaseStatus(
        CaseStage.RESOLVED,
        case_number="TS20261120ABC234",
        area="阳光花园3栋",
        own=True,
        category="engineering_repair",
        problem="单元门的对讲机没声音",
        resolved_at=MONDAY_2PM - dt.timedelta(days=1),
    )
    chat = Chat(conversation_engine, CustomerView(resolved_cases=(intercom,)))
    step = chat.send("对讲机还是没声音")
    assert step.reopen_case == "TS20261120ABC234", chat.phrase_ids(step)
    assert "satisfaction_reopened" in chat.phrase_ids(step)
