"""The restatement's 问题 as the service says it back (found by players on web chat): never the
customer's word for the service ("你们电梯又坏了" is 电梯又坏了), never the acknowledgement opening the
message ("行 小区的路灯坏了…"), the customer's question about the cost kept for the agent to answer,
and a phone bill or an account matter never asked where it happened."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


def restated(engine: ConversationEngine, *messages: str) -> str:
    """The restatement's problem line after ``messages``, the phone and the place."""
    chat = Chat(engine)
    chat.send(Started())
    for message in messages:
        chat.send(message)
    chat.send("13800138000")
    step = chat.send("阳光花园3栋") if chat.state is not State.CONFIRMING else chat.steps[-1]
    assert chat.state is State.CONFIRMING
    return chat.line(step, "问题：")


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("你们电梯又坏了 三天了没人修", "问题：电梯又坏了 三天了没人修（工程维修）"),
        ("你们的客服态度太差了 打了五次电话都没人接", "问题：客服态度太差了 打了五次电话都没人接（服务态度）"),
        ("贵公司宽带又断了", "问题：宽带又断了（网络类）"),
        ("電梯又壞了 你們物業也不管", "问题：電梯又壞了 物業也不管（工程维修、物业服务）"),
        ("你哋部𨋢又壞咗", "问题：部𨋢又壞咗（工程维修）"),
    ],
)
def test_the_customers_word_for_the_service_is_not_said_back(
    conversation_engine: ConversationEngine, message: str, said: str
) -> None:
    assert restated(conversation_engine, message) == said


def test_the_service_named_inside_the_problem_stays(conversation_engine: ConversationEngine) -> None:
    """Only where it opens a pause: "我给你们打了五次电话" would lose whom they called."""
    assert "我给你们打了五次电话" in restated(conversation_engine, "我给你们打了五次电话 电梯还是坏的")


@pytest.mark.parametrize(
    "message",
    [
        "行 小区的路灯坏了一个星期了",
        "好吧 小区的路灯坏了一个星期了",
        "嗯呢 小区的路灯坏了一个星期了",
        "ok 小区的路灯坏了一个星期了",
        "OK，小区的路灯坏了一个星期了",
        "好嘞 小区的路灯坏了一个星期了",
        "好吧小区的路灯坏了一个星期了",
        "嗯 就是 小区的路灯坏了一个星期了",
    ],
)
def test_an_acknowledgement_opening_the_problem_is_not_said_back(
    conversation_engine: ConversationEngine, message: str
) -> None:
    assert restated(conversation_engine, message) == "问题：小区的路灯坏了一个星期了（工程维修）"


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("收到短信说扣了我50块话费", "收到短信说扣了我50块话费"),  # 收到 is what came, typed on
        ("额外收费不合理 物业乱收钱", "额外收费不合理"),
        ("对小区的绿化不满意 草坪一个月没人修剪了", "草坪一个月没人修剪了"),
    ],
)
def test_words_that_only_look_like_an_acknowledgement_stay(
    conversation_engine: ConversationEngine, message: str, kept: str
) -> None:
    assert kept in restated(conversation_engine, message)


@pytest.mark.parametrize(
    ("messages", "said"),
    [
        (("水管坏了 物业来修 要收费吗",), "问题：水管坏了 物业来修，要收费吗（工程维修）"),
        (("卫生间水管漏水了，物业来修要收费吗？",), "问题：卫生间水管漏水了，物业来修要收费吗（工程维修）"),
        (("楼上漏水 物业说来修 收不收费",), "问题：楼上漏水 物业说来修，收不收费（工程维修）"),
    ],
)
def test_a_question_about_the_cost_is_kept_for_the_agent(
    conversation_engine: ConversationEngine, messages: tuple[str, ...], said: str
) -> None:
    assert restated(conversation_engine, *messages) == said


def test_a_question_about_the_cost_is_kept_when_the_problem_is_long(conversation_engine: ConversationEngine) -> None:
    """The problem before it is shortened to make room, within the 问题's length."""
    told = "水管坏了 物业来修 要收费吗 天天漏水 墙都泡了 家具也坏了 孩子还小 老人腿脚不好 楼下也被淹了"
    problem = restated(conversation_engine, told)
    assert problem.startswith("问题：水管坏了")
    assert problem.endswith("，要收费吗（工程维修）")
    assert len(problem.removeprefix("问题：").removesuffix("（工程维修）")) <= 40


def test_a_question_the_promise_answers_is_still_left_out(conversation_engine: ConversationEngine) -> None:
    assert restated(conversation_engine, "停水了 什么时候来水") == "问题：停水了（工程维修）"


@pytest.mark.parametrize(
    "message",
    [
        "话费多扣了50块",
        "这个月话费怎么多了一百",
        "手机被莫名其妙扣了300多",
        "流量超了被扣了200",
        "app登录不了",
        "携号转网办不了",
        "收不到验证码",
        "国际漫游开不了",
    ],
)
def test_a_phone_bill_or_an_account_matter_is_never_asked_for_a_place(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(message)
    step = chat.send("13800138000")
    assert "ask_area" not in chat.phrase_ids(step)
    assert chat.state is State.CONFIRMING
    assert chat.line(step, "地点：") == "地点：未提供"


def test_a_phone_bill_for_the_duty_supervisor_is_not_asked_for_a_place(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("话费多扣了50块 要退钱")
    step = chat.send("13800138000")
    assert "ask_area" not in chat.phrase_ids(step)
    assert "请问您反映的问题发生在哪个小区" not in chat.texts(step)
    assert chat.line(step, "地点：") == "地点：未提供"


@pytest.mark.parametrize("message", ["燃气费多扣了100块", "宽带断了三天了", "手机信号太差了 打电话老断"])
def test_a_fee_of_a_home_and_the_signal_are_still_asked_where(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(message)
    step = chat.send("13800138000")
    assert "ask_area" in chat.phrase_ids(step)
    assert chat.state is State.AWAIT_AREA
