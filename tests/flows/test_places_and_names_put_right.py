"""Places and names as Chinese customers put them right or give them beside something else: a
part of the place put right after a bare denial ("不是 是11期") replaces that part, never the denial
kept in the place; a title said as how to be addressed ("叫我陈先生就行") is taken, nothing of the aside
kept in the problem; a district with the rest not remembered ("我住浦东 具体门牌不记得了") is the
place; "跟上次一样" after the hand-off is the place of the customer's earlier case."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started
from bot.flows.records import CaseStage, CaseStatus, CustomerView, OpenCase, State
from tests.flows.chat import MONDAY_2PM, Chat, restatement


def restated(engine: ConversationEngine, problem: str, place: str) -> Chat:
    chat = Chat(engine)
    chat.send(Started())
    chat.send(problem)
    restatement(chat, place, "13800138000")
    return chat


# --------------------------------------------------------------------------- a part of the place put right


@pytest.mark.parametrize(
    ("message", "place"),
    [
        ("不是 是11期", "阳光花园11期"),
        ("不是，是11期", "阳光花园11期"),
        ("不是是11期", "阳光花园11期"),
        ("唔係 係11期", "阳光花园11期"),
        ("唔係10期 係11期", "阳光花园11期"),
        ("不对，是12栋", "阳光花园10期12栋"),
        ("搞错了 是8号楼", "阳光花园10期8号楼"),
    ],
)
def test_a_part_of_the_place_put_right_at_the_restatement_replaces_that_part(
    conversation_engine: ConversationEngine, message: str, place: str
) -> None:
    chat = restated(conversation_engine, "阳光花园10期楼道灯坏了", "阳光花园10期")
    step = chat.send(message)
    assert chat.state is State.CONFIRMING
    assert chat.data.area == place
    assert "不是" not in chat.texts(step)


def test_a_new_estate_after_a_bare_denial_replaces_the_whole_place(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "阳光花园10期楼道灯坏了", "阳光花园10期")
    step = chat.send("不是 是金星阁5栋")
    assert chat.line(step, "地点：") == "地点：金星阁5栋"


def test_what_a_denial_names_is_never_taken_for_the_place(conversation_engine: ConversationEngine) -> None:
    chat = restated(conversation_engine, "阳光花园10期楼道灯坏了", "阳光花园10期")
    step = chat.send("不是11期")
    assert chat.data.area == "阳光花园10期"
    assert chat.phrase_ids(step) == ["confirm_question_again"]


def test_a_part_put_right_at_the_phone_question_is_the_place_not_the_problem(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("阳光花园10期楼道灯坏了")
    assert chat.state is State.AWAIT_PHONE
    chat.send("不是 是11期")
    assert chat.data.area == "阳光花园11期"
    assert chat.data.description == ["阳光花园10期楼道灯坏了"]


# --------------------------------------------------------------------------- how to be addressed, said beside


@pytest.mark.parametrize(
    ("problem", "said", "name"),
    [
        ("隔壁装修太吵了 叫我陈先生就行", "隔壁装修太吵了", "陈先生"),
        ("叫我陈先生就行，隔壁装修太吵了", "隔壁装修太吵了", "陈先生"),
        ("小区门口的路灯坏了一个星期 你叫我王太太就好", "小区门口的路灯坏了一个星期", "王太太"),
        ("电梯坏了 叫我老李就行", "电梯坏了", "姓李"),
        ("隔壁装修太吵了，你就叫我小张就可以了", "隔壁装修太吵了", "姓张"),
    ],
)
def test_how_to_be_addressed_told_beside_the_problem_is_the_name_and_none_of_the_problem(
    conversation_engine: ConversationEngine, problem: str, said: str, name: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send(problem)
    step = restatement(chat, "阳光花园3栋", "13800138000")
    assert chat.line(step, "问题：").startswith(f"问题：{said}（")
    assert chat.line(step, "称呼：") == f"称呼：{name}"


@pytest.mark.parametrize("message", ["叫我陈先生就行", "你叫我陈先生就好"])
def test_how_to_be_addressed_at_the_place_question_is_the_name(
    conversation_engine: ConversationEngine, message: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("隔壁装修太吵了")
    chat.send("13800138000")
    assert chat.state is State.AWAIT_AREA
    chat.send(message)
    step = restatement(chat, "阳光花园3栋")
    assert chat.line(step, "问题：") == "问题：隔壁装修太吵了（物业服务）"
    assert chat.line(step, "称呼：") == "称呼：陈先生"


def test_an_end_said_of_the_problem_is_kept_in_it(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("水管漏了 修好就行")
    step = restatement(chat, "阳光花园3栋", "13800138000")
    assert chat.line(step, "问题：") == "问题：水管漏了 修好就行（工程维修）"


# --------------------------------------------------------------------------- a place with the rest not known


@pytest.mark.parametrize(
    ("message", "place"),
    [
        ("我住浦东 具体门牌不记得了", "浦东"),
        ("住喺將軍澳 唔記得幾座", "將軍澳"),
        ("阳光花园 几栋不记得了", "阳光花园"),
    ],
)
def test_a_place_with_the_rest_not_remembered_is_the_place_at_the_place_question(
    conversation_engine: ConversationEngine, message: str, place: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("楼道灯坏了")
    chat.send("13800138000")
    assert chat.phrase_ids(chat.steps[-1]) == ["ask_area"]
    step = chat.send(message)
    assert chat.state is State.CONFIRMING
    assert chat.line(step, "地") in (f"地点：{place}", f"地點：{place}")


@pytest.mark.parametrize(
    ("message", "place"), [("我住浦东 具体门牌不记得了", "浦东"), ("住喺將軍澳 唔記得幾座", "將軍澳")]
)
def test_a_place_with_the_rest_not_remembered_is_the_place_at_the_phone_question(
    conversation_engine: ConversationEngine, message: str, place: str
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("楼道灯坏了")
    chat.send(message)
    assert chat.data.description == ["楼道灯坏了"]
    step = chat.send("13800138000")
    assert chat.line(step, "地") in (f"地点：{place}", f"地點：{place}")


def test_a_place_with_the_rest_not_remembered_after_an_emergency_is_the_place(
    conversation_engine: ConversationEngine,
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("电梯里困了人")
    step = chat.send("我住浦东 具体门牌不记得了")
    assert chat.phrase_ids(step) == ["place_noted_ask_phone"]
    assert chat.data.area == "浦东"


@pytest.mark.parametrize(
    "messages", [("電梯壞了 台北市", "0912345678", "台北市"), ("電梯壞了", "台北", "0912345678", "台北")]
)
def test_a_city_told_beside_the_problem_is_the_place_and_none_of_the_problem(
    conversation_engine: ConversationEngine, messages: tuple[str, ...]
) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = restatement(chat, *messages)
    assert chat.line(step, "問題：") == "問題：電梯壞了（工程維修）"
    assert chat.line(step, "地點：") == f"地點：{messages[-1]}"


# ------------------------------------------------------------- an earlier case's place, after the hand-off


def test_the_place_of_the_open_case_said_again_after_an_emergency_is_the_place(
    conversation_engine: ConversationEngine,
) -> None:
    deadline = MONDAY_2PM + dt.timedelta(hours=20)
    lamp = CaseStatus(
        CaseStage.WAITING, "TS20261123ABCDEF", deadline, area="阳光花园3栋", problem="楼道灯坏了", own=True
    )
    open_case = OpenCase("TS20261123ABCDEF", deadline, status=lamp, category="engineering_repair")
    chat = Chat(conversation_engine, customer=CustomerView(phone="13800138000", open_case=open_case))
    chat.send(Started())
    step = chat.send("电梯里困了人")
    assert "urgent_ask_place" in chat.phrase_ids(step)
    step = chat.send("跟上次一样")
    assert chat.line(step, "地点：") == "地点：阳光花园3栋"
    assert chat.data.area == "阳光花园3栋"
