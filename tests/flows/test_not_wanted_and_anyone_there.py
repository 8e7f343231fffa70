"""After the hand-off, "算了 我不要你们处理了 我自己找人修" takes the case back (customer finding 5),
as "不用处理了" does; before any problem, whether anyone is there ("有人吗 怎么不说话") is no
complaint to record (finding 6)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.understanding.understander import Understander
from tests.flows.chat import Chat


def _handed_off(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    for text in ["楼道灯坏了", "13912345678", "阳光花园3栋", "对"]:
        step = chat.send(text)
    assert step.handoff is not None
    return chat


@pytest.mark.parametrize(
    "text",
    [
        "算了 我不要你们处理了 我自己找人修",
        "算了 不用你們管了 我自己搵人整",
        "唔使你哋理喇 我自己搵人整",
        "never mind, I'll fix it myself, don't need you anymore",
    ],
)
def test_not_wanted_any_more_after_the_hand_off_takes_the_case_back(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = _handed_off(conversation_engine)
    step = chat.send(text)
    assert chat.phrase_ids(step) == ["withdrawn_after_handoff"]


@pytest.mark.parametrize("text", ["你们让我自己找人修 太过分了", "算了 不用了"])
def test_near_misses_take_nothing_back(conversation_engine: ConversationEngine, text: str) -> None:
    chat = _handed_off(conversation_engine)
    step = chat.send(text)
    assert "withdrawn_after_handoff" not in chat.phrase_ids(step)


def test_being_sent_off_alone_stays_a_complaint(understander: Understander) -> None:
    assert "complaint" in understander.understand("你们让我自己找人修 太过分了", "zh-CN").intents


@pytest.mark.parametrize(
    "checks",
    [
        ["在吗", "在吗？？", "人呢", "有人吗 怎么不说话"],
        ["有人嗎 點解唔出聲"],
        ["hello? why aren't you answering"],
        ["在不在 说句话啊"],
    ],
)
def test_whether_anyone_is_there_is_no_complaint(conversation_engine: ConversationEngine, checks: list[str]) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for text in checks:
        step = chat.send(text)
        assert "description_recorded" not in chat.phrase_ids(step) and not chat.data.description
    step = chat.send("楼道灯坏了")
    assert chat.phrase_ids(step)[0] == "description_recorded" and chat.data.description == ["楼道灯坏了"]


def test_a_problem_beside_whether_anyone_is_there_is_recorded(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send("有人吗 楼道灯坏了")
    assert chat.phrase_ids(step)[0] == "description_recorded"
