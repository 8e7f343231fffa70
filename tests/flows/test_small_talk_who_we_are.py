"""What customers say that is no complaint, before any problem: whether they reached the right place
("你好 请问 是物业吗", "这里是投诉的地方吗", "is this customer service?"), the bot's name or number ("美女
你叫什么名字", "你几号"), whether it is a robot. The service names itself (the greeting: organisation and
work number) and asks for the problem; nothing is recorded as the problem and no contact is asked for.
At the place question, markup typed with the place is no part of it, and 客服 beside the place asks
for no person."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat, restatement

GREETING = "下午好，客户服务中心，8001号客服代表为您服务。"
INVITATION = "请问有什么可以帮您吗？"


def started(engine: ConversationEngine, locale: str = "zh-CN") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.send(Started())
    return chat


def nothing_recorded(chat: Chat) -> None:
    assert chat.state is State.AWAIT_DESCRIPTION
    assert chat.data.description == []
    assert chat.data.consultation is None


@pytest.mark.parametrize(
    "first",
    [
        "你好 请问 是物业吗",
        "是XX物业客服吗",
        "是翠湖天地物业客服吗",
        "这里是投诉的地方吗",
        "美女 你叫什么名字",
        "你几号",
        "請問係咪物業",
    ],
)
def test_asked_first_whom_they_reached_the_greeting_names_the_service_and_asks_for_the_problem(
    conversation_engine: ConversationEngine, first: str
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(first)
    assert chat.phrase_ids(step) == ["greeting_opening", "invite_complaint"]
    nothing_recorded(chat)
    step = chat.send("电梯坏了一个礼拜了")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone"]
    assert chat.data.description == ["电梯坏了一个礼拜了"]


def test_asked_in_english_whether_it_is_customer_service_the_greeting_answers_in_english(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send("is this customer service?")
    assert chat.texts(step) == (
        "Good afternoon, Customer Service Centre. Service representative No. 8001 at your service.\nHow may I help you?"
    )
    nothing_recorded(chat)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("是物业吗", "您好，这里是客户服务中心，8001号客服代表为您服务。"),
        ("这里是投诉的地方吗", "您好，这里是客户服务中心，8001号客服代表为您服务。"),
        ("你几号", "我的工号是8001，是客户服务中心的在线服务助手。"),
        ("美女 你叫什么名字", "我的工号是8001，是客户服务中心的在线服务助手。"),
        ("你工号多少", "我的工号是8001，是客户服务中心的在线服务助手。"),
        ("你是几号客服", "我的工号是8001，是客户服务中心的在线服务助手。"),
    ],
)
def test_asked_after_the_greeting_the_service_names_itself_again_in_other_words(
    conversation_engine: ConversationEngine, question: str, answer: str
) -> None:
    chat = started(conversation_engine)
    step = chat.send(question)
    assert chat.texts(step) == f"{answer}\n{INVITATION}"
    assert GREETING not in chat.texts(step)  # never the greeting word for word twice running
    nothing_recorded(chat)


def test_asked_in_english_after_the_greeting(conversation_engine: ConversationEngine) -> None:
    chat = started(conversation_engine, locale="en")
    step = chat.send("what's your name")
    assert (
        chat.texts(step)
        == "My work number is 8001: I am the Customer Service Centre's online assistant.\nHow may I help you?"
    )
    nothing_recorded(chat)


@pytest.mark.parametrize("question", ["你是机器人吗", "美女 你是机器人吗", "你是不是机器人啊"])
def test_asked_whether_it_is_a_robot_it_says_what_it_is_and_nothing_is_recorded(
    conversation_engine: ConversationEngine, question: str
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["faq:bot_identity", "anything_else"]
    assert "在线服务助手" in chat.texts(step)
    nothing_recorded(chat)


@pytest.mark.parametrize(
    ("asked", "question"),
    [("ask_phone", "你叫什么名字"), ("ask_phone", "你几号"), ("ask_area", "美女 你叫什么名字")],
)
def test_asked_its_name_while_the_form_is_taken_it_answers_and_asks_again(
    conversation_engine: ConversationEngine, asked: str, question: str
) -> None:
    chat = started(conversation_engine)
    chat.send("电梯坏了一个礼拜了")
    if asked == "ask_area":
        chat.send("13800138000")
    step = chat.send(question)
    assert chat.phrase_ids(step) == ["faq:work_number", asked]
    assert chat.data.description == ["电梯坏了一个礼拜了"]


@pytest.mark.parametrize(
    "message",
    ["是物业吗 楼上天天装修好吵到半夜", "你叫什么名字 我家停水两天了", "请问是物业吗 电梯坏了一个礼拜了"],
)
def test_a_problem_told_beside_the_question_is_still_the_complaint(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = started(conversation_engine)
    step = chat.send(message)
    assert "description_recorded" in chat.phrase_ids(step)
    assert chat.data.description == [message]


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ('翠湖天地"><img src=x onerror=alert(1)>', "翠湖天地"),
        ("翠湖天地<script>alert(1)</script>", "翠湖天地"),
        ('阳光花园3栋"><img src=x onerror=alert(1)>', "阳光花园3栋"),
    ],
)
def test_markup_typed_with_the_place_is_no_part_of_it(
    conversation_engine: ConversationEngine, answer: str, place: str
) -> None:
    chat = started(conversation_engine)
    step = restatement(chat, "电梯坏了一个礼拜了", "13800138000", answer)
    assert chat.line(step, "地点：") == f"地点：{place}"
    assert chat.data.area == place


def test_markup_alone_at_the_place_question_is_asked_again(conversation_engine: ConversationEngine) -> None:
    chat = started(conversation_engine)
    chat.send("电梯坏了一个礼拜了")
    chat.send("13800138000")
    step = chat.send('"><img src=x onerror=alert(1)>')
    assert chat.phrase_ids(step) == ["ask_area_again"]
    assert chat.data.area is None


@pytest.mark.parametrize("answer", ["客服 我在阳光花园3栋", "阳光花园3栋 客服你快点"])
def test_the_service_named_beside_the_place_asks_for_no_person(
    conversation_engine: ConversationEngine, answer: str
) -> None:
    chat = started(conversation_engine)
    step = restatement(chat, "电梯坏了一个礼拜了", "13800138000", answer)
    assert chat.line(step, "地点：") == "地点：阳光花园3栋"
    assert step.handoff is None
    assert chat.state is State.CONFIRMING


def test_asked_at_the_place_question_whether_it_reached_the_service_it_says_so_and_asks_again(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started(conversation_engine)
    chat.send("电梯坏了一个礼拜了")
    chat.send("13800138000")
    step = chat.send("是物业吗")
    assert chat.phrase_ids(step) == ["faq:right_place", "ask_area"]
    assert chat.data.area is None
    step = restatement(chat, "阳光花园3栋")
    assert chat.line(step, "地点：") == "地点：阳光花园3栋"


@pytest.mark.parametrize(
    ("first", "problem"),
    [
        ("你是机器人吗 楼上天天装修好吵", "楼上天天装修好吵"),
        ("你是机器人吗，楼上装修吵死了", "楼上装修吵死了"),
        ("你们几点上班 楼上装修好吵", "楼上装修好吵"),
    ],
)
def test_a_problem_told_in_a_clause_apart_from_a_question_is_recorded(
    conversation_engine: ConversationEngine, first: str, problem: str
) -> None:
    chat = started(conversation_engine)
    chat.send(first)
    assert chat.state is State.AWAIT_PHONE  # recorded; never "请问还有什么可以帮助您？" as if nothing was told
    assert chat.line(restatement(chat), "问题：").startswith(f"问题：{problem}（")


def test_a_question_about_the_problem_in_its_own_clause_is_still_a_question(
    conversation_engine: ConversationEngine,
) -> None:
    chat = started(conversation_engine)
    chat.send("物业费怎么交？")
    assert chat.data.description == []
