"""A customer who keeps describing: what the flow keeps stops growing, what the bot says does not
change (issue 16: the flow's data is decoded and encoded with every message)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.data import DESCRIPTION_MAX_CHARS
from bot.flows.records import State
from tests.flows.chat import Chat

DETAIL = "补充说明：楼道的灯一直坏着，晚上很黑，老人孩子上下楼很危险，物业一直没人来修"


def test_a_long_description_is_kept_up_to_its_bound_and_the_replies_stay_the_same(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    first = chat.send("楼道的灯坏了")
    replies = []
    for number in range(3 * DESCRIPTION_MAX_CHARS // len(DETAIL)):
        # Each detail a new one: the same text sent again is told once.
        replies.append(chat.phrase_ids(chat.send(f"{DETAIL}，第{number}次说了")))
    assert chat.state is State.AWAIT_PHONE
    assert chat.data.description[0] == "楼道的灯坏了"
    kept = sum(map(len, chat.data.description))
    assert DESCRIPTION_MAX_CHARS - len(DETAIL) - len("，第100次说了") < kept <= DESCRIPTION_MAX_CHARS
    # Every further detail gets the same answer whether or not it is still kept.
    assert all(ids == replies[0] for ids in replies) and chat.phrase_ids(first) == ["description_recorded", "ask_phone"]

    chat.send("13800138000")
    step = chat.send("阳光花园3栋")
    assert chat.state.value == State.CONFIRMING.value
    assert "楼道的灯坏了" in chat.texts(step)


def test_each_more_of_the_problem_costs_the_same_however_long_the_description(
    conversation_engine: ConversationEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A customer who goes on telling the problem for hundreds of messages: each message is read
    a fixed number of times, not once more for every message told before it."""
    understander = conversation_engine.understander
    reads: list[str] = []
    understand = understander.understand

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(text)
        return understand(text, *args, **kwargs)

    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我要反映个事")
    chat.send("就是我家卫生间")  # a piece no category knows, as the rest
    monkeypatch.setattr(understander, "understand", counted)
    per_message = []
    for number in range(60):
        chat.wait(1)
        before = len(reads)
        chat.send(f"还有第{number}个房间的墙角")
        per_message.append(len(reads) - before)
    assert chat.state is State.AWAIT_PHONE and len(chat.data.description) == 61
    assert max(per_message[-10:]) <= max(per_message[:10])
