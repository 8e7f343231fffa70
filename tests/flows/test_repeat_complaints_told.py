"""A customer saying it is the Nth time ("这已经是第四次投诉了", "第4次反映了 没人管", "我都投诉三回了",
"this is the 4th time I'm complaining") is a repeat complaint, graded complex (seed 003); a threat of the
government's hotline ("再不解决我就打政府热线", "市长热线", "我已经打了12345") is a likely appeal, taken by the duty
supervisor at once, in simplified or traditional characters and in English."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import ComplaintRecord, State
from tests.flows.chat import Chat


def filed(engine: ConversationEngine, *messages: str, locale: str = "zh-CN") -> tuple[Chat, ComplaintRecord]:
    """The case filed after ``messages`` and, when still asked, a phone, a place and a yes."""
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    place, yes = ("Block 2, Taikoo Shing", "yes") if locale == "en" else ("阳光花园3栋", "对")
    for message in (*messages, "13933337777", place, yes):
        if chat.state is State.HANDED_OFF:
            break
        chat.send(message)
    assert chat.state is State.HANDED_OFF
    return chat, next(step.complaint for step in chat.steps if step.complaint is not None)


@pytest.mark.parametrize(
    ("messages", "locale"),
    [
        (["电梯坏了 第4次反映了 没人管"], "zh-CN"),
        (["楼道灯坏了一个月 我都投诉三回了"], "zh-CN"),
        (["楼上漏水 我反映了三遍了"], "zh-CN"),
        (["都不知道第几次了 电梯又坏了"], "zh-CN"),
        (["樓道燈壞了 講咗好多次都冇人理"], "zh-CN"),
        (["The lift is broken again, this is the fourth time I have reported it"], "en"),
        (["The corridor light is out and I've complained again and again"], "en"),
    ],
)
def test_the_nth_time_told_is_a_repeat_graded_complex(
    conversation_engine: ConversationEngine, messages: list[str], locale: str
) -> None:
    _, complaint = filed(conversation_engine, *messages, locale=locale)
    assert "repeat" in complaint.signals
    assert complaint.grade.value == "complex"


@pytest.mark.parametrize(
    ("message", "locale"),
    [
        ("电梯坏了一个礼拜 这已经是第四次投诉了！再不解决我就打政府热线", "zh-CN"),
        ("電梯壞了一個禮拜 這已經是第四次投訴了！再不解決我就打政府熱線", "zh-CN"),
        ("停水三天了 再不修我就打市长热线", "zh-CN"),
        ("停水三天了 我已经打了12345", "zh-CN"),
        (
            "The lift has been broken for a week, this is the 4th time I'm complaining, "
            "next stop is the government hotline",
            "en",
        ),
        ("No water for three days. I will call the mayor's hotline", "en"),
    ],
)
def test_a_government_hotline_threat_goes_to_the_duty_supervisor_at_once(
    conversation_engine: ConversationEngine, message: str, locale: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    step = chat.send(message)
    assert chat.state is State.HANDED_OFF
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)
    assert step.complaint is not None and "media_legal" in step.complaint.signals
    assert step.complaint.grade.value == "complex"


def test_the_fourth_complaint_with_the_hotline_is_both_a_repeat_and_an_appeal(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("电梯坏了一个礼拜 这已经是第四次投诉了！再不解决我就打政府热线")
    assert step.complaint is not None
    assert {"repeat", "media_legal"} <= set(step.complaint.signals)


@pytest.mark.parametrize("message", ["今天停电三次了", "第一次投诉 电梯坏了", "楼上漏水 房号12345"])
def test_a_count_or_a_number_that_is_no_repeat_is_none(conversation_engine: ConversationEngine, message: str) -> None:
    _, complaint = filed(conversation_engine, message)
    assert "repeat" not in complaint.signals and "media_legal" not in complaint.signals
