"""Staff laying hands on a customer ("他推了我一下" after "那个保安") is violence by staff: the duty
supervisor within the hour, the age told beside it ("我73岁了") an elder; a customer threatening a
fight with a neighbour ("到时候打起来别怪我") is escalated as a threat of violence is."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from tests.flows.chat import Chat


def test_a_guard_pushing_an_elder_goes_to_the_supervisor_within_the_hour(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("我要投诉你们那个姓王的保安")
    pushed = chat.send("他推了我一下")
    assert pushed.handoff is not None and pushed.handoff.queue == "supervisor"
    assert pushed.complaint is not None and {"violence", "staff_error"} <= set(pushed.complaint.signals)
    assert pushed.complaint.promised_hours == 1
    aged = chat.send("我73岁了 差点摔倒")
    assert aged.replies and "值班主管会在这里与您联系" not in chat.texts(aged)
    assert aged.contact is not None and aged.contact.more_signals == ("elder",)
    chat.send("人民路88号和平小区")
    step = chat.send("13912345678")
    problem = chat.line(step, "问题：")
    assert "他推了我一下" in problem and "我73岁了" in problem
    assert "1小时内" in chat.texts(step)


@pytest.mark.parametrize(
    ("told", "locale", "said_back"),
    [
        ("我73岁了 爬不动楼", "zh-CN", "我73岁了"),
        ("我今年八十了 腿脚不便", "zh-CN", "腿脚不便"),
        ("I am 82 years old living alone", "en", "82 years old"),
    ],
)
def test_an_age_told_beside_the_problem_is_said_back(
    conversation_engine: ConversationEngine, told: str, locale: str, said_back: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    chat.send("电梯坏了三天了" if locale != "en" else "the lift has been broken for three days")
    chat.send(told)
    chat.send("13912345678")
    step = chat.send("怡景花园" if locale != "en" else "Vanke Park 3 building")
    assert said_back in chat.line(step, "问题：" if locale != "en" else "Problem:")


@pytest.mark.parametrize(
    "told",
    [
        "小区保安推了我一把",
        "物业的保洁员把我推倒了",
        "保安拽着我的胳膊不让我走",
        "保安把我手机抢走了",
        "門衛踢咗我一腳",
        "保安推我",
        "the security guard pushed me",
        "the guard grabbed my arm",
    ],
)
def test_staff_laying_hands_on_a_customer_is_violence(conversation_engine: ConversationEngine, told: str) -> None:
    chat = Chat(conversation_engine, locale="en" if told.isascii() else "zh-CN")
    chat.send(Started())
    step = chat.send(told)
    assert step.handoff is not None and step.handoff.queue == "supervisor"


@pytest.mark.parametrize(
    "told",
    [
        "保安推着电动车到处走",
        "保洁阿姨把我放门口的鞋柜扔了",
        "物业推给开发商 说不归他们管",
        "快递员把我的快递踢来踢去",
        "the guard pushed the gate open and left it",
    ],
)
def test_near_misses_stay_ordinary(conversation_engine: ConversationEngine, told: str) -> None:
    chat = Chat(conversation_engine, locale="en" if told.isascii() else "zh-CN")
    chat.send(Started())
    step = chat.send(told)
    assert step.handoff is None


@pytest.mark.parametrize(
    "threat",
    [
        "不管我就自己上去找他了 到时候打起来别怪我",
        "再不管我就上去揍他",
        "你们不管 我就下去跟他打一架",
        "再吵我就上去跟他拼了",
        "唔理我就上去打佢",
        "if you don't sort it out I will go up and beat him",
    ],
)
def test_a_threat_to_fight_a_neighbour_is_escalated(conversation_engine: ConversationEngine, threat: str) -> None:
    chat = Chat(conversation_engine, locale="en" if threat.isascii() else "zh-CN")
    chat.send(Started())
    chat.send("楼上天天半夜拖椅子 咚咚咚的" if not threat.isascii() else "upstairs drag chairs every night")
    step = chat.send(threat)
    assert step.handoff is not None and step.handoff.queue == "supervisor"
    assert step.replies


@pytest.mark.parametrize("told", ["楼下两个人打起来了 快来人", "怕到时候打起来"])
def test_fights_told_not_threatened_are_not_this(conversation_engine: ConversationEngine, told: str) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(told)


@pytest.mark.parametrize(
    ("told", "said_back"),
    [("我住6楼 腿脚不方便", "腿脚不方便"), ("我坐轮椅的 下不了楼", "坐轮椅")],
)
def test_an_elder_s_own_words_for_it_are_said_back(
    conversation_engine: ConversationEngine, told: str, said_back: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("电梯坏了 根本没人修")
    chat.send(told)
    chat.send("电话13712341234")
    step = chat.send("怡景花园")
    assert said_back in chat.line(step, "问题：")
