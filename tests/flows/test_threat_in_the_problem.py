"""A threat typed with the problem ("电梯坏了三天了 再不修我就找媒体曝光", "… and I will report you to the
consumer council") is read (the case escalates as ever) and the staff see the whole text, but the
restated problem (问题：…) keeps only the problem: the bot never says the threat back as what went
wrong. A pause holding both the threat and the problem ("再不修电梯我就找媒体曝光") stays as typed."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat


def restated(engine: ConversationEngine, description: str, locale: str = "zh-CN") -> tuple[Chat, Step]:
    """The conversation and the step that restates the problem, after ``description`` and, when
    still asked, a phone and a place (a threat hands the case off before they are asked)."""
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    place = "幸福里5栋" if locale == "zh-CN" else "Block 2, Taikoo Shing"
    for message in (description, "13933337777", place):
        if chat.state is State.CONFIRMING:
            break
        chat.send(message)
    label = "问题：" if locale == "zh-CN" else "Problem:"
    return chat, next(step for step in reversed(chat.steps) if label in chat.texts(step))


def _filed(chat: Chat) -> tuple[str, tuple[str, ...]]:
    complaint = next(step.complaint for step in chat.steps if step.complaint is not None)
    return complaint.description, tuple(complaint.signals)


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("电梯坏了三天了 再不修我就找媒体曝光", "问题：电梯坏了三天了（工程维修）"),
        ("电梯坏了三天了 再不修我就打12345投诉你们", "问题：电梯坏了三天了（工程维修）"),
        ("楼上漏水一个星期了 我要去消协告你们", "问题：楼上漏水一个星期了（工程维修）"),
        ("停水两天了 我要发抖音曝光", "问题：停水两天了（工程维修）"),
        ("停水两天了 再不来我就找记者", "问题：停水两天了（工程维修）"),
        # traditional characters, as typed in Hong Kong or Taiwan: said back in them
        ("電梯壞了三天了 再不修我就找媒體曝光", "问题：電梯壞了三天了（工程维修）"),
        # Whatever the threat's object, and whatever words of the problem it repeats ("清理", "物业").
        ("小区门口垃圾堆了一个星期了 再不来清理我就打12345投诉你们", "问题：小区门口垃圾堆了一个星期了（物业服务）"),
    ],
)
def test_a_chinese_threat_beside_the_problem_is_not_restated(
    conversation_engine: ConversationEngine, description: str, problem: str
) -> None:
    chat, step = restated(conversation_engine, description)
    assert chat.line(step, "问题：") == problem
    filed, signals = _filed(chat)
    assert filed == description and "media_legal" in signals  # still escalated; the staff see it all


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        (
            "The lift has been broken for a week and I'll go to the media",
            "Problem: The lift has been broken for a week (Engineering and repairs)",
        ),
        (
            "Water leaking from the ceiling and I will report you to the consumer council",
            "Problem: Water leaking from the ceiling (Engineering and repairs)",
        ),
    ],
)
def test_an_english_threat_beside_the_problem_is_not_restated(
    conversation_engine: ConversationEngine, description: str, problem: str
) -> None:
    chat, step = restated(conversation_engine, description, locale="en")
    assert chat.line(step, "Problem:") == problem
    filed, signals = _filed(chat)
    assert filed == description and "media_legal" in signals


@pytest.mark.parametrize("description", ["再不修电梯我就投诉", "再不修电梯我就找媒体曝光"])
def test_a_threat_holding_the_problem_is_restated_whole(
    conversation_engine: ConversationEngine, description: str
) -> None:
    """The problem cannot be told without the words around it: the pause stays, never 问题 empty."""
    chat, step = restated(conversation_engine, description)
    assert chat.line(step, "问题：").startswith(f"问题：{description}（")


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("楼道灯坏了一个月了再不修我就天天打电话骂你们", "问题：楼道灯坏了一个月了（工程维修）"),
        ("停水两天了 不然我就去物业办公室闹", "问题：停水两天了（工程维修）"),
        ("电梯坏了三天了 否则后果自负", "问题：电梯坏了三天了（工程维修）"),
    ],
)
def test_a_threat_of_anything_beside_the_problem_is_not_restated(
    conversation_engine: ConversationEngine, description: str, problem: str
) -> None:
    """再不…就…, 不然…就…, 否则…: the threat goes whatever it threatens; the problem is restated."""
    chat, step = restated(conversation_engine, description)
    assert chat.line(step, "问题：") == problem


def test_a_threat_told_before_the_problem_is_not_restated(conversation_engine: ConversationEngine) -> None:
    """"再不修我就拿刀去物业办公室砍人 水管爆了三天了没人理": the danger is handled at once, and the
    restatement says the burst pipe, never the knife."""
    chat, step = restated(conversation_engine, "再不修我就拿刀去物业办公室砍人 水管爆了三天了没人理")
    assert chat.line(step, "问题：") == "问题：水管爆了三天了没人理（工程维修）"
    filed, signals = _filed(chat)
    assert "砍人" in filed and {"danger", "violence"} <= set(signals)


def test_an_english_or_else_is_not_restated(conversation_engine: ConversationEngine) -> None:
    chat, step = restated(conversation_engine, "the lift has been broken for a week, fix it or else", locale="en")
    assert chat.line(step, "Problem:") == "Problem: the lift has been broken for a week (Engineering and repairs)"
