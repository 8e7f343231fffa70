"""A complaint opened with "我想问一下" (customer finding 1): the question only announced is the
problem told, recorded and taken on, not answered with a request for a contact to reply to later.
A question asked with words of its own ("我想问一下 物业费怎么交") stays a question."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.understanding.understander import Understander
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    "text",
    [
        "你好 我想问一下 楼上装修 天天早上七点就开始电钻",
        "請問一下 樓上裝修 每天早上七點就開始電鑽",
        "想問下 樓上裝修 日日朝早七點就開始電鑽",
        "我想问下 楼下天天烧烤 油烟大",
        "请问 小区的路灯一直不亮",
    ],
)
def test_a_problem_after_a_question_announced_is_recorded(conversation_engine: ConversationEngine, text: str) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(text)
    assert "question_later" not in chat.phrase_ids(step)
    assert chat.phrase_ids(step)[0] == "description_recorded"
    step = chat.send("周末也是这样")
    assert "question_later" not in chat.phrase_ids(step)
    assert chat.data.description[0] == text


def test_the_drilling_is_in_the_restatement(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    for text in ["你好 我想问一下 楼上装修 天天早上七点就开始电钻", "周末也钻", "B座", "13912345678", "阳光花园"]:
        step = chat.send(text)
    assert "电钻" in chat.line(step, "问题：") and "周末也钻" in chat.line(step, "问题：")
    # A block alone is asked which estate's, as "5栋" is.
    assert chat.line(step, "地点：") == "地点：阳光花园B座"


@pytest.mark.parametrize(
    "text",
    [
        "请问物业费可以用支付宝交吗?",
        "我想问一下 物业费怎么交",
        "我想问一下 停车费多少钱",
        "请问物业电话是多少",
        "我想问一下装修时间是几点到几点",
    ],
)
def test_a_question_asked_with_words_of_its_own_stays_a_question(understander: Understander, text: str) -> None:
    assert understander.understand(text, "zh-CN").intents == {"question"}
