"""Insults typed as pinyin initials ("sb客服", "nmsl") are anger, met with empathy and never said
back in the restatement."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


@pytest.mark.parametrize("insult", ["sb客服", "nmsl", "垃圾公司"])
def test_an_insult_while_asked_for_the_phone_is_met_with_empathy_and_not_recorded(
    engine: ConversationEngine, insult: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("楼道的灯坏了一个星期")
    step = chat.send(insult)
    assert chat.phrase_ids(step)[0] == "empathy"
    assert "description_recorded" not in chat.phrase_ids(step)
    assert chat.data.description == ["楼道的灯坏了一个星期"]


@pytest.mark.parametrize(
    ("description", "said", "unsaid"),
    [
        ("cnm你们这物业 停车场的灯坏了", "停车场的灯坏了", "cnm"),
        ("wsm你们宽带又断了 nmd三天了", "宽带又断了", "nmd"),
        ("物业是死人吗 电梯坏了一个星期", "电梯坏了一个星期", "死人"),
        # A calm pause is detail and stays, though it says no problem of its own.
        ("暖气不热 屋里才十二度", "暖气不热 屋里才十二度", "cnm"),
    ],
)
def test_the_restatement_leaves_out_the_insult_before_the_problem(
    engine: ConversationEngine, description: str, said: str, unsaid: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send(description)
    chat.send("13800138000")
    step = chat.send("阳光花园3栋")
    assert chat.state is State.CONFIRMING
    restatement = chat.texts(step)
    assert said in restatement
    assert unsaid not in restatement


def test_anger_at_the_bot_while_asked_for_the_phone_is_answered_not_recorded(engine: ConversationEngine) -> None:
    """Within the quiet minute after "recorded", more of the problem is recorded silently; anger
    at the bot is not more of the problem and is answered."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("小区门口的路灯坏了")
    step = chat.send("你们这个机器人听不懂人话是吧")
    assert chat.phrase_ids(step) == ["empathy", "ask_phone_again"]
    assert chat.data.description == ["小区门口的路灯坏了"]


def test_asking_for_a_leaders_number_is_asking_for_the_leader(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("小区门口的路灯坏了")
    step = chat.send("你们领导电话多少")
    assert chat.state is State.HANDED_OFF
    assert step.handoff is not None and step.handoff.queue == "supervisor"


@pytest.mark.parametrize("said", ["滚 我不要跟机器人说话", "跟机器说不清", "I dont want to talk to a robot"])
def test_refusing_the_machine_mid_form_is_a_request_for_a_person_and_kept_out_of_the_problem(
    engine: ConversationEngine, said: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("电梯一个月坏三次")
    step = chat.send(said)
    assert chat.phrase_ids(step)[0] == "human_requested"
    assert step.handoff is not None and step.handoff.reason == "customer_request"
    assert step.complaint is not None and step.complaint.description == "电梯一个月坏三次"


def test_telling_the_problem_again_in_another_language_is_answered_in_it(engine: ConversationEngine) -> None:
    """ "sorry my chinese not good": the Chinese question was not understood, so the message is
    answered at once in English, not heard out in silence as more of the problem."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send("电梯一个月坏三次")
    chat.wait(5)
    step = chat.send("sorry my chinese not good, the lift is broken in tower 2")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone_again"]
    assert "phone number" in chat.texts(step)


def test_abuse_repeated_before_any_problem_is_warned_then_closed_not_apologised_for_again(
    engine: ConversationEngine,
) -> None:
    """Seed 002: a first outburst is met with empathy. Nothing but abuse again is harassment (seed
    001 (13)): the standard warning, not the same apology; still abusive after
    ``timers.harassment_close_after``, the conversation is closed."""
    chat = Chat(engine)
    chat.send(Started())
    first = chat.send("你妈的")
    assert chat.phrase_ids(first) == ["empathy", "invite_complaint_again"]
    second = chat.send("傻逼机器人 滚")
    assert chat.phrase_ids(second) == ["harassment_warning"]
    assert TimerKind.HARASSMENT_CLOSE in chat.data.timers
    chat.wait(400)
    third = chat.send("滚")
    assert chat.phrase_ids(third) == ["harassment_close"]
    assert chat.state is State.CLOSED and third.close_reason == "harassment"


def test_abuse_then_the_problem_is_served_as_usual(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("你妈的")
    chat.send("傻逼机器人 滚")
    step = chat.send("楼道的灯坏了一个星期")
    assert chat.phrase_ids(step)[-1] == "ask_phone"
    assert TimerKind.HARASSMENT_CLOSE not in chat.data.timers
    assert chat.data.description == ["楼道的灯坏了一个星期"]


def test_anger_repeated_without_abuse_is_not_warned(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("气死我了")
    step = chat.send("真是受够了")
    assert "harassment_warning" not in chat.phrase_ids(step)


def _restated(engine: ConversationEngine, description: str, locale: str = "zh-CN") -> tuple[list[str | None], str]:
    """The replies to ``description`` and the restatement's problem line, after the phone and the place."""
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    first = chat.send(description)
    chat.send("13800138000")
    step = chat.send("阳光花园3栋" if locale == "zh-CN" else "Sunshine Garden block 3")
    assert chat.state is State.CONFIRMING
    problem = next(line for line in chat.texts(step).splitlines() if line.startswith(("问题：", "Problem: ")))
    return chat.phrase_ids(first), problem


@pytest.mark.parametrize(
    ("description", "said", "unsaid", "category"),
    [
        ("电费多扣了我三百块 你们tm管不管", "电费多扣了我三百块", "tm", "收费类"),
        ("你们是不是脑子有病 电费多扣了我三百块", "电费多扣了我三百块", "有病", "收费类"),
        ("你们移动是不是有病 信号差了一个礼拜", "信号差了一个礼拜", "有病", "网络类"),
        # 垃圾 aimed at someone is an insult, not the rubbish: the signal, not property service.
        ("垃圾移动 信号差了一个礼拜", "信号差了一个礼拜", "垃圾", "网络类"),
        ("辣鸡客服 宽带断了两天", "宽带断了两天", "辣鸡", "网络类"),
    ],
)
def test_an_insult_is_anger_met_with_empathy_and_never_said_back(
    engine: ConversationEngine, description: str, said: str, unsaid: str, category: str
) -> None:
    replies, problem = _restated(engine, description)
    assert replies[0] == "empathy"
    assert said in problem
    assert unsaid not in problem
    assert f"（{category}）" in problem


@pytest.mark.parametrize(
    ("description", "said", "unsaid", "locale"),
    [
        ("kd又duan le！！！zmsh 三天两头断 nmd", "三天两头断", "nmd", "zh-CN"),
        ("小区垃圾一个星期没人收 sb保安不管", "保安不管", "sb", "zh-CN"),
        ("门口一堆垃圾，sb保安不管", "保安不管", "sb", "zh-CN"),
        ("wtf the lift is broken AGAIN!!! 3rd time this month", "3rd time this month", "wtf", "en"),
    ],
)
def test_the_facts_told_around_a_curse_are_said_back_without_it(
    engine: ConversationEngine, description: str, said: str, unsaid: str, locale: str
) -> None:
    _, problem = _restated(engine, description, locale)
    assert said in problem
    assert unsaid not in problem


def test_a_curse_aimed_only_at_whom_still_leaves_nothing_of_it(engine: ConversationEngine) -> None:
    """Without its curse, "cnm你们这物业" names only whom: no fact, left out as the anger it was."""
    _, problem = _restated(engine, "cnm你们这物业 停车场的灯坏了")
    assert problem == "问题：停车场的灯坏了（工程维修）"


def test_pinyin_initials_name_the_broadband(engine: ConversationEngine) -> None:
    _, problem = _restated(engine, "kd断了")
    assert problem == "问题：kd断了（网络类）"


def test_an_aimed_insult_alone_is_anger_not_a_complaint_about_the_rubbish(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("垃圾移动")
    assert chat.phrase_ids(step) == ["empathy", "invite_complaint_again"]  # the greeting's question, in other words
    assert chat.data.description == []
