"""A message sent twice (the same text a few seconds apart) is told once in the case, as the
restatement the customer confirmed said it."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat

PROBLEM = "垃圾房几天没清了 整栋楼都是臭味"


@pytest.mark.parametrize(
    "messages",
    [
        [PROBLEM, PROBLEM, "13811114444", "阳光花园3栋"],
        [PROBLEM, "13811114444", f"{PROBLEM}！", "阳光花园3栋"],
    ],
)
def test_a_message_sent_twice_is_one_part_of_the_description(
    conversation_engine: ConversationEngine, messages: list[str]
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for text in messages:
        chat.wait(4)
        restated = chat.send(text)
    assert chat.texts(restated).count(PROBLEM) == 1
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.description == PROBLEM


def test_a_new_part_told_after_the_first_is_kept(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(PROBLEM)
    chat.send("已经一个星期了")
    chat.send("13811114444")
    chat.send("阳光花园3栋")
    step = chat.send("对")
    assert step.complaint is not None and "已经一个星期了" in step.complaint.description
