"""What the restatement says back as the problem: the customer's problem, never the category
alone while they said what is wrong, never a curse, never the spelling of their name; and what a
bare question mark or an insult alone gets (found by a tester playing customers)."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def engine(conversation_engine: ConversationEngine) -> ConversationEngine:
    return conversation_engine


def restated(engine: ConversationEngine, *messages: str) -> str:
    """The restatement's problem line after ``messages``, the phone and the place."""
    chat = Chat(engine)
    chat.send(Started())
    for message in messages:
        chat.send(message)
    chat.send("13800138000")
    step = chat.send("阳光花园3栋")
    assert chat.state is State.CONFIRMING
    return next(line for line in chat.texts(step).splitlines() if line.startswith("问题："))


@pytest.mark.parametrize(
    ("description", "said"),
    [
        # One clause, typed without punctuation: how often they called, and the fibre dropping.
        (
            "我已经打了五次电话了 每次都说登记了会处理 到现在一个多月了光纤还是时断时续 你们到底有没有人管",
            "我已经打了五次电话了",
        ),
        ("打了十几次客服电话都没解决", "打了十几次客服电话都没解决"),
    ],
)
def test_a_problem_told_with_how_often_they_called_is_said_back_not_the_category_alone(
    engine: ConversationEngine, description: str, said: str
) -> None:
    problem = restated(engine, description)
    assert said in problem
    assert problem != "问题：其他"


def test_when_no_clause_reads_as_the_problem_the_customers_own_words_are_said_back(
    engine: ConversationEngine,
) -> None:
    """Never the category alone while the customer told what is wrong."""
    problem = restated(engine, "我妈80岁了 说好上门一直没人来")
    assert "说好上门一直没人来" in problem


def test_a_forgotten_case_number_told_later_is_not_the_problem(engine: ConversationEngine) -> None:
    problem = restated(engine, "上次投诉你们的客服根本没人回我电话 说24小时内回复 一个星期了都没有", "投诉编号我忘了")
    assert "没人回我电话" in problem
    assert "编号" not in problem


def test_the_restatement_never_says_a_curse_back(engine: ConversationEngine) -> None:
    problem = restated(engine, "你们这破移动 信号tmd差到爆 打个电话断三次 我要销号")
    assert "tmd" not in problem
    assert "信号差到爆" in problem


def test_an_exclamation_of_a_curse_is_not_said_back(engine: ConversationEngine) -> None:
    problem = restated(engine, "我操 你们物业是死人吗 车库的灯坏了半个月")
    assert "操" not in problem
    assert "车库的灯坏了半个月" in problem


def test_a_word_holding_an_insult_is_no_insult(engine: ConversationEngine) -> None:
    """滚 is an insult alone, not inside 滚筒 (a drum washing machine)."""
    problem = restated(engine, "我家滚筒洗衣机坏了 sb物业不管")
    assert "滚筒洗衣机坏了" in problem
    assert "sb" not in problem


def test_insults_alone_are_anger_not_a_complaint_about_the_rubbish(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("废物 垃圾")
    assert chat.phrase_ids(step) == ["empathy", "invite_complaint_again"]
    assert chat.data.description == []
    assert "垃圾没人收" in restated(engine, "垃圾没人收")  # the rubbish, told as a problem, still is one


@pytest.mark.parametrize("spelled", ["我姓张 弓长张", "弓长张", "我姓陈，耳东陈"])
def test_a_name_spelled_out_is_no_problem_and_not_restated(engine: ConversationEngine, spelled: str) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(spelled)
    assert chat.phrase_ids(step) == ["invite_complaint_again"]
    assert chat.data.description == []
    chat.send("我家的宽带连不上了")
    chat.send("13800138000")
    step = chat.send("阳光花园3栋")
    restatement = chat.texts(step)
    assert "问题：我家的宽带连不上了" in restatement
    assert "弓长" not in restatement and "耳东" not in restatement


def test_a_name_spelled_out_beside_the_problem_is_left_out_of_it(engine: ConversationEngine) -> None:
    problem = restated(engine, "我姓章 立早章 我家的宽带连不上了")
    assert problem.startswith("问题：我家的宽带连不上了")


def test_a_bare_question_mark_while_the_phone_is_asked_gets_the_question_again(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    chat.send("我家的宽带连不上了")
    # the question again, in the other of its two wordings each time: never the same words twice running
    for asked in ("ask_phone_again", "ask_phone"):
        step = chat.send("？")
        assert chat.phrase_ids(step) == [asked]
    assert chat.data.description == ["我家的宽带连不上了"]


def test_question_marks_before_any_problem_invite_the_customer_to_speak(engine: ConversationEngine) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send("？？？")
    assert chat.phrase_ids(step) == ["invite_complaint_again"]
    assert chat.data.description == []


@pytest.mark.parametrize(
    ("typed", "said", "stored"),
    [
        ("0371-62345678", "电话：0371-62345678", "037162345678"),
        ("010 6234 5678", "电话：010-62345678", "01062345678"),
        ("138 1234 5678", "电话：13812345678", "13812345678"),
    ],
)
def test_a_landline_is_restated_with_its_area_code_apart_and_a_mobile_whole(
    engine: ConversationEngine, typed: str, said: str, stored: str
) -> None:
    chat = Chat(engine)
    chat.send(Started())
    step = chat.send(f"楼上天天半夜装修 吵死了 阳光花园2栋 {typed}")
    assert said in chat.texts(step).splitlines()
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.contact_phone == stored


@pytest.mark.parametrize(
    ("description", "rude", "problem"),
    [
        ("你哋做咩食㗎 部電梯壞咗三日", "食㗎", "部電梯壞咗三日"),
        ("你哋食屎啦 樓上漏水漏咗一個禮拜", "食屎", "樓上漏水漏咗一個禮拜"),
        ("on9 部電梯又壞咗", "on9", "部電梯又壞咗"),
        ("仆街 冷氣機壞咗", "仆街", "冷氣機壞咗"),
        ("收皮啦你哋 啲垃圾成日冇人收", "收皮", "啲垃圾成日冇人收"),
        ("你哋做咩食嘎 部電梯壞咗三日", "食嘎", "部電梯壞咗三日"),
        ("痴線 樓上漏水漏咗一個禮拜", "線", "樓上漏水漏咗一個禮拜"),
        ("黐線㗎你哋 樓上漏水漏咗一個禮拜", "線", "樓上漏水漏咗一個禮拜"),
        ("冚家鏟 部電梯壞咗三日", "鏟", "部電梯壞咗三日"),
        ("冚家剷 部電梯壞咗三日", "剷", "部電梯壞咗三日"),
        ("屌 又停水 都唔通知一聲", "屌", "又停水 都唔通知一聲"),
        ("廢柴管理處 部電梯壞咗三日", "廢柴", "部電梯壞咗三日"),
        ("你哋班on9 冷氣機壞咗成個禮拜", "on9", "冷氣機壞咗成個禮拜"),
        ("戇鳩保安成日瞓覺 門口垃圾堆到成座山", "戇鳩", "保安成日瞓覺"),
        ("仆你個街 部電梯壞咗三日", "仆", "部電梯壞咗三日"),
        ("頂你個肺 部電梯壞咗三日", "肺", "部電梯壞咗三日"),
    ],
)
def test_a_cantonese_curse_is_not_said_back(
    conversation_engine: ConversationEngine, description: str, rude: str, problem: str
) -> None:
    """As 我操 is not: the Hong Kong customer hears their problem back, in traditional characters,
    without the insult."""
    said = hong_kong_restated(conversation_engine, description)
    assert rude not in said.lower()
    assert problem in said


def hong_kong_restated(engine: ConversationEngine, description: str) -> str:
    """The restatement's problem line after ``description``, a Hong Kong mobile and place."""
    chat = Chat(engine)
    chat.send(Started())
    chat.send(description)
    chat.send("9123 4567")
    step = chat.send("太古城15座")
    return next(line for line in chat.texts(step).splitlines() if line.startswith("問題："))


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        (
            "喂！你哋管理處做咩食㗎？部𨋢壞咗三日都冇人嚟整",
            "問題：部𨋢壞咗三日都冇人嚟整（工程維修）",
        ),
        (
            "仆街 你哋班廢柴 樓上漏水漏咗成個禮拜 打咗幾次電話都冇人理",
            "問題：樓上漏水漏咗成個禮拜 打咗幾次電話都冇人理（工程維修）",
        ),
        (
            "痴線㗎 冇熱水成個禮拜 收幾千蚊管理費 冚家鏟",
            "問題：冇熱水成個禮拜 收幾千蚊管理費（工程維修）",
        ),
        ("on9管理處 停車場啲燈壞晒 黑媽媽", "問題：停車場啲燈壞晒 黑媽媽（工程維修）"),
    ],
)
def test_an_angry_hong_kong_customer_hears_only_the_problem_back(
    conversation_engine: ConversationEngine, description: str, problem: str
) -> None:
    """Curses at the start, between the facts and at the end, with a particle after one ("痴線㗎"):
    the restatement says the problem and nothing of the anger."""
    assert hong_kong_restated(conversation_engine, description) == problem


@pytest.mark.parametrize(
    "description",
    [
        "柒佰蚊維修費收咗都冇人嚟整冷氣",  # 柒 is a 7
        "冚唪唥燈都壞晒 條走廊黑媽媽",  # 冚 is "all"
        "啲電線黐埋一齊 成日跳掣",  # 黐 is "stuck"
        "樓下收皮喼嘅舖頭好嘈",  # 皮喼 is a suitcase
        "街燈壞咗成個月",
        "啲廢柴油倒晒落渠 好臭",  # 廢 柴油, waste diesel
    ],
)
def test_ordinary_cantonese_words_sharing_a_curses_characters_are_said_back_whole(
    conversation_engine: ConversationEngine, description: str
) -> None:
    assert hong_kong_restated(conversation_engine, description).startswith(f"問題：{description}")
