"""A missed visit (customer finding 4): "维修师傅到底几点来？我昨天就报修了" asks where an earlier
report stands; nothing of it found here, "说好今天上午来的 等了一上午了" is the visit not kept, a
complaint that starts with the question: the form, a case and a time, never the same request for a
contact twice running. An earlier complaint named only by what it was about ("我早上投诉的电梯")
is looked up, not opened again."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.understanding.understander import Understander
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    "asked",
    [
        "维修师傅到底几点来？我昨天就报修了",
        "我昨天就報修咗 師傅幾點嚟",
        "I already reported it yesterday, what time is the repairman coming?",
    ],
)
def test_the_visit_asked_after_a_report_is_where_it_stands(conversation_engine: ConversationEngine, asked: str) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    assert chat.phrase_ids(chat.send(asked)) == ["status_no_case"]


@pytest.mark.parametrize(
    "missed", ["说好今天上午来的 等了一上午了", "约好下午两点上门的 现在都四点了", "等了一整天了 说好的时间也不来"]
)
def test_the_visit_not_kept_is_a_complaint_with_the_question(
    conversation_engine: ConversationEngine, missed: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("维修师傅到底几点来？我昨天就报修了")
    step = chat.send(missed)
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    chat.send("13912345678")
    step = chat.send("阳光花园3栋")
    problem = chat.line(step, "问题：")
    assert "维修师傅到底几点来" in problem and missed.split()[0] in problem


@pytest.mark.parametrize("which", ["我早上投诉的电梯", "我上午报修的水管", "昨天反映的那个路灯"])
def test_an_earlier_complaint_named_by_its_matter_is_looked_up_not_opened_again(
    conversation_engine: ConversationEngine, which: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我的投诉到哪一步了")
    step = chat.send(which)
    assert chat.phrase_ids(step) == ["question_later"] and not chat.data.description
    step = chat.send("13912345678")
    assert chat.phrase_ids(step) == ["consultation_taken"] and step.complaint is None


def test_an_earlier_complaint_still_not_fixed_is_a_complaint(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我的投诉到哪一步了")
    step = chat.send("我早上投诉的电梯到现在还没修")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]


@pytest.mark.parametrize("text", ["我等了一上午", "你们物业几点上班"])
def test_near_misses_keep_their_reading(understander: Understander, text: str) -> None:
    assert "complaint" not in understander.understand(text, "zh-CN").intents
