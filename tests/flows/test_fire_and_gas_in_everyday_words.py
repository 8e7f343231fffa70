"""Fire or gas told in everyday words, in Mandarin or Cantonese ("好像是煤气 越来越浓", "樓下有煙 好似火燭",
"火燭呀", "樓下有人燒嘢 好大煙") is danger: the safety advice, the duty supervisor at once. Smoke a smoker
explains ("楼上有人抽烟 好大烟") and a notice about fire ("小心火烛的牌子掉了") are no fire."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


def test_a_smell_told_then_named_as_gas_growing_stronger_is_danger(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("楼道里")
    chat.send("有股味道")
    step = chat.send("好像是煤气 越来越浓")
    assert chat.phrase_ids(step) == ["safety_gas", "urgent_ask_phone"]
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)


@pytest.mark.parametrize("message", ["樓下有煙 好似火燭", "火燭呀", "樓下有人燒嘢 好大煙"])
def test_fire_told_in_cantonese_is_danger_and_what_to_do_is_answered(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine, locale="zh-HK")
    chat.send(Started())
    step = chat.send(message)
    assert chat.phrase_ids(step) == ["safety_fire", "urgent_ask_phone"]
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)
    step = chat.send("點算")
    assert chat.phrase_ids(step)[0] == "safety_fire"


@pytest.mark.parametrize(
    "message",
    ["楼上有人抽烟 好大烟", "楼上有人抽烟 烟味很大", "楼道里有烟头 没人扫", "楼下有烟花 吵死了", "小心火烛的牌子掉了"],
)
def test_smoke_a_smoker_explains_or_a_fire_notice_is_no_danger(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(message)
    assert step.handoff is None and "urgent_ask_phone" not in chat.phrase_ids(step)
